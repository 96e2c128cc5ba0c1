"""The layers: pins match what the code is tested with, the builder targets Lambda's
platform, and the CDK app never ships a missing or stale build."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from aws_cdk import App, Stack

from infra import layers as infra_layers
from layers import build

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)$")
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer"}


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in build.requirements_file(name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"layers/{name}: {line!r} is not pinned with =="
        found[match[1].lower().replace("_", "-")] = match[2]
    return found


@pytest.mark.parametrize("name", build.LAYERS)
def test_layer_pins_match_the_tested_environment(name: str) -> None:
    for package, pinned in pins(name).items():
        assert version(package) == pinned, f"layers/{name}: {package}"


def test_layers_do_not_overlap_or_repeat_the_runtime() -> None:
    base, imaging = pins("base"), pins("imaging")
    assert not base.keys() & imaging.keys()
    assert not (base.keys() | imaging.keys()) & RUNTIME_PROVIDED
    assert {"aws-lambda-powertools", "pydantic", "pyjwt", "standardwebhooks", "httpx"} <= (
        base.keys()
    )
    assert {"google-genai", "pillow", "pillow-heif"} <= imaging.keys()
    assert not {"google-genai", "pillow", "pillow-heif"} & base.keys()


def test_pip_targets_lambdas_platform_with_binary_wheels_only(tmp_path: Path) -> None:
    command = build.pip_command("imaging", tmp_path)
    joined = " ".join(command)
    for flag in (
        "--platform manylinux2014_aarch64",
        "--platform manylinux_2_28_aarch64",
        "--implementation cp",
        "--python-version 3.13",
        "--only-binary=:all:",
        "--no-deps",
        f"--target {tmp_path}",
    ):
        assert flag in joined
    assert command[-1] == str(build.requirements_file("imaging"))


def test_strip_removes_caches_tests_and_scripts_but_no_package(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "x",
        "pkg/__pycache__/m.cpython-313.pyc": "xx",
        "pkg/tests/test_m.py": "xxx",
        "pkg/sub/tests/data.bin": "xxxx",
        "tests/__init__.py": "top-level package named tests stays",
        "bin/httpx": "script",
        "other.pyc": "y",
    }
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    removed = build.strip(tmp_path)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["pkg/__init__.py", "tests/__init__.py"]
    assert removed == len("xx") + len("xxx") + len("xxxx") + len("script") + len("y")


def test_a_function_over_250_mb_is_reported() -> None:
    mb = 1024 * 1024
    sizes = build.function_sizes({"base": 30 * mb, "imaging": 221 * mb}, code_size=mb)
    fits = {size.name: size.fits for size in sizes}
    assert fits == {
        "api": True,
        "authorizer": True,
        "trigger": True,
        "reaper": True,
        "worker": False,
    }


def test_the_builder_refuses_an_unknown_layer() -> None:
    with pytest.raises(SystemExit) as exit_info:
        build.main(["nope"])
    assert exit_info.value.code == 2


def fake_build(build_dir: Path, name: str, stamp: str | None) -> None:
    (build_dir / name / "python").mkdir(parents=True)
    if stamp is not None:
        (build_dir / f"{name}.sha256").write_text(stamp)


def test_the_app_uses_only_current_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(infra_layers, "BUILD_DIR", tmp_path)
    fake_build(tmp_path, "base", build.digest("base"))
    fake_build(tmp_path, "imaging", "stale")
    assert infra_layers.built_layer_dir("base") == tmp_path / "base"
    assert infra_layers.built_layer_dir("imaging") is None
    with pytest.raises(infra_layers.LayerNotBuiltError, match="make layers"):
        infra_layers.DependencyLayers(Stack(App(), "S"), "Layers", use_stand_ins=False)


def test_without_a_stamp_a_build_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(infra_layers, "BUILD_DIR", tmp_path)
    fake_build(tmp_path, "base", None)
    assert infra_layers.built_layer_dir("base") is None
