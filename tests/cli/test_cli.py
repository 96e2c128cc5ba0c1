"""`identity-images generate`, in process and as a real subprocess, through the real SDK
against the local Gemini-compatible server."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from local_stack.cli import build_parser, main, output_path
from local_stack.gemini_server import LocalGeminiServer
from tests.cli.conftest import TtyStringIO

REPO = Path(__file__).resolve().parents[2]


def _args(refs: list[Path], out: Path, *extra: str) -> list[str]:
    args = ["generate", "--identity-name", "Ada Lovelace", "--out", str(out)]
    for ref in refs:
        args += ["--ref", str(ref)]
    return [*args, *extra]


def _run(argv: list[str], *, tty: bool = False) -> tuple[int, str, str]:
    stdout = io.StringIO()
    stderr = TtyStringIO() if tty else io.StringIO()
    code = main(argv, stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_generates_a_16_9_4k_image_and_reports_it_as_json(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "ada.jpg"

    code, stdout, stderr = _run(_args(ref_paths, out, "--prompt", "in a garden", "--json"))

    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["output"] == str(out)
    with Image.open(out) as image:
        assert image.size == (5504, 3072)
        assert image.format == "JPEG"
    assert (report["width"], report["height"], report["mime_type"]) == (5504, 3072, "image/jpeg")
    assert report["bytes"] == out.stat().st_size
    assert report["request_bytes"] == sum(ref["bytes"] for ref in report["references"])
    # The 3000x4000 photo was prepared, not sent as it was.
    assert max(report["references"][0]["width"], report["references"][0]["height"]) == 1536
    assert report["request_bytes"] < sum(p.stat().st_size for p in ref_paths)
    assert set(report["timings"]) >= {"prepare_s", "provider_s"}
    assert report["usage"]["output_tokens"] == 2000
    assert report["usage"]["estimated_cost_usd"] > 0.24
    assert gemini_server.generate_calls == 1


def test_options_and_a_plain_summary(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "square.png"

    code, stdout, _ = _run(_args(ref_paths[:1], out, "--aspect-ratio", "1:1", "--image-size", "1K"))

    assert code == 0
    assert stdout.startswith(f"wrote {out}: 1024x1024 image/png")
    with Image.open(out) as image:
        assert image.size == (1024, 1024)


def test_another_model_makes_its_own_size_at_its_own_price(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    """`--model gemini-2.5-flash-image` alone asks for 1K (the model makes no 4K) and
    costs that model's price; a model whose prices are not known says so."""
    code, stdout, stderr = _run(
        _args(ref_paths[:1], tmp_path / "a.png", "--model", "gemini-2.5-flash-image", "--json")
    )
    assert code == 0, stderr
    report = json.loads(stdout)
    assert (report["width"], report["height"]) == (1376, 768)  # 16:9 at 1K
    assert 0.039 < report["usage"]["estimated_cost_usd"] < 0.05

    code, stdout, stderr = _run(_args(ref_paths[:1], tmp_path / "b.png", "--model", "gemini-9"))
    assert code == 0, stderr
    assert stdout.rstrip().endswith("; price not known)")


def test_the_extension_follows_the_images_type(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "ada.png"  # 4K comes back as JPEG

    code, stdout, stderr = _run(_args(ref_paths, out, "--json"))

    assert code == 0
    assert json.loads(stdout)["output"] == str(tmp_path / "ada.jpg")
    assert (tmp_path / "ada.jpg").is_file()
    assert not out.exists()
    assert "writing" in stderr


def test_an_image_of_another_type_never_replaces_a_file_it_was_not_told_to(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    """--out face.png, a JPEG comes back, and face.jpg is the reference photo itself."""
    face = ref_paths[0]
    assert face == tmp_path / "face.jpg"
    photo = face.read_bytes()

    code, stdout, _ = _run(_args(ref_paths, tmp_path / "face.png", "--json"))

    assert code == 0
    assert face.read_bytes() == photo
    written = Path(json.loads(stdout)["output"])
    assert written == tmp_path / "face-1.jpg"
    assert Image.open(written).format == "JPEG"
    assert written.stat().st_mode & 0o044  # as any file written here, not the owner's only


def test_an_output_that_is_a_reference_is_refused_before_gemini(
    gemini_server: LocalGeminiServer, ref_paths: list[Path]
) -> None:
    code, _, stderr = _run(_args(ref_paths, ref_paths[0]))

    assert code == 2
    assert "is one of the --ref photos" in stderr
    assert gemini_server.generate_calls == 0


def test_progress_is_shown_on_a_terminal_only(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    argv = _args(ref_paths[:1], tmp_path / "a.png", "--image-size", "1K", "--aspect-ratio", "1:1")

    _, _, tty_err = _run(argv, tty=True)
    _, _, plain_err = _run(argv, tty=False)

    assert "preparing 1 reference(s)" in tty_err
    assert "calling gemini-3-pro-image for a 1:1 1K image" in tty_err
    assert plain_err == ""


def test_a_pipeline_failure_exits_1_with_the_code_and_writes_nothing(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    gemini_server.fail_next("image_safety")
    out = tmp_path / "blocked.jpg"

    code, stdout, stderr = _run(_args(ref_paths, out, "--json"))

    assert code == 1
    assert stderr.startswith("error: content_blocked: ")
    assert json.loads(stdout)["error"]["code"] == "content_blocked"
    assert list(tmp_path.glob("blocked*")) == []


def test_an_invalid_reference_fails_before_gemini(
    gemini_server: LocalGeminiServer, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not an image")

    code, _, stderr = _run(_args([broken], tmp_path / "x.jpg"))

    assert code == 1
    assert stderr.startswith("error: reference_invalid: ")
    assert "broken.jpg" in stderr
    assert gemini_server.generate_calls == 0


def test_without_a_key_or_base_url_it_says_how_to_use_the_local_server(
    no_gemini_env: None, ref_paths: list[Path], tmp_path: Path
) -> None:
    code, _, stderr = _run(_args(ref_paths, tmp_path / "x.jpg"))

    assert code == 1
    assert stderr.startswith("error: provider_not_configured: ")
    assert "python -m local_stack.gemini_server" in stderr
    assert "GEMINI_BASE_URL" in stderr


def test_an_unreadable_reference_is_a_usage_error(
    gemini_server: LocalGeminiServer, tmp_path: Path
) -> None:
    code, _, stderr = _run(_args([tmp_path / "missing.jpg"], tmp_path / "x.jpg"))

    assert code == 2
    assert "missing.jpg" in stderr
    assert gemini_server.generate_calls == 0


def test_a_missing_output_folder_is_a_usage_error(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    code, _, stderr = _run(_args(ref_paths, tmp_path / "nope" / "x.jpg"))

    assert code == 2
    assert "does not exist" in stderr
    assert gemini_server.generate_calls == 0


@pytest.mark.parametrize("extra", [["--aspect-ratio", "7:3"], ["--image-size", "8K"], ["--bogus"]])
def test_bad_options_exit_2(
    gemini_server: LocalGeminiServer,
    ref_paths: list[Path],
    tmp_path: Path,
    extra: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(_args(ref_paths, tmp_path / "x.jpg", *extra))

    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err
    assert gemini_server.generate_calls == 0


def test_generate_is_a_subcommand() -> None:
    parser = build_parser()
    args = parser.parse_args(["generate", "--ref", "a", "--identity-name", "n", "--out", "o"])
    assert args.command == "generate"
    assert callable(args.run)


@pytest.mark.parametrize(
    ("requested", "mime", "expected"),
    [
        ("a.jpg", "image/jpeg", "a.jpg"),
        ("a.JPEG", "image/jpeg", "a.JPEG"),
        ("a.png", "image/jpeg", "a.jpg"),
        ("a", "image/png", "a.png"),
        ("a.bin", "image/x-unknown", "a.bin"),
    ],
)
def test_output_path(requested: str, mime: str, expected: str) -> None:
    assert output_path(Path(requested), mime) == Path(expected)


def test_runs_as_a_subprocess(
    gemini_server: LocalGeminiServer, ref_paths: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "sub.jpg"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "GOOGLE_"))}
    env["GEMINI_BASE_URL"] = gemini_server.url

    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "local_stack.cli", *_args(ref_paths, out, "--json")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["output"] == str(out)
    assert (report["width"], report["height"]) == (5504, 3072)
    with Image.open(out) as image:
        assert image.size == (5504, 3072)
    assert gemini_server.generate_calls == 1
