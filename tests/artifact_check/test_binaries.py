"""The layers' compiled files: a wheel for another architecture or a newer glibc than
Lambda's is named."""

from __future__ import annotations

from pathlib import Path

from artifact_check.binaries import check_layer

X86_64, AARCH64 = 62, 183


def elf(machine: int, body: bytes = b"") -> bytes:
    header = bytearray(64)
    header[:4] = b"\x7fELF"
    header[4] = 2  # 64-bit
    header[5] = 1  # little-endian
    header[18:20] = machine.to_bytes(2, "little")
    return bytes(header) + body


def install(site: Path, name: str, version: str, tag: str, files: dict[str, bytes]) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "WHEEL").write_text(f"Wheel-Version: 1.0\nTag: {tag}\n")
    record = []
    for relative, data in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_bytes(data)
        record.append(f"{relative},,")
    (info / "RECORD").write_text("\n".join(record) + "\n")


def test_a_good_layer_has_no_findings(tmp_path: Path) -> None:
    install(
        tmp_path,
        "fastlib",
        "1.0",
        "cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64",
        {"fastlib/_core.so": elf(AARCH64, b"GLIBC_2.17\0GLIBC_2.28\0"), "fastlib/a.py": b""},
    )
    install(tmp_path, "purelib", "2.0", "py3-none-any", {"purelib/__init__.py": b""})
    assert check_layer("base", tmp_path) == []


def test_an_x86_64_wheel_is_named(tmp_path: Path) -> None:
    install(
        tmp_path,
        "fastlib",
        "1.0",
        "cp313-cp313-manylinux_2_17_x86_64",
        {"fastlib/_core.so": elf(X86_64)},
    )
    messages = [str(f) for f in check_layer("imaging", tmp_path)]
    assert messages == [
        "layer imaging: wheel fastlib 1.0: is not for aarch64 Linux "
        "(cp313-cp313-manylinux_2_17_x86_64)",
        "layer imaging: wheel fastlib 1.0: is built for x86-64 (fastlib/_core.so)",
    ]


def test_a_wheel_for_another_python_is_named(tmp_path: Path) -> None:
    install(tmp_path, "oldlib", "3.0", "cp312-cp312-manylinux2014_aarch64", {})
    assert [f.problem for f in check_layer("base", tmp_path)] == ["is not for CPython 3.13"]


def test_a_library_needing_a_newer_glibc_than_lambdas_is_named(tmp_path: Path) -> None:
    install(
        tmp_path,
        "newlib",
        "1.0",
        "cp313-cp313-manylinux_2_39_aarch64",
        {"newlib/_c.so": elf(AARCH64, b"GLIBC_2.17\0GLIBC_2.39\0")},
    )
    [finding] = check_layer("base", tmp_path)
    assert finding.distribution == "newlib 1.0"
    assert finding.problem == "needs glibc 2.39; Lambda's python3.13 has 2.34"


def test_stable_abi_and_multi_tag_pure_wheels_are_for_the_target(tmp_path: Path) -> None:
    install(tmp_path, "abilib", "1.0", "cp311-abi3-manylinux_2_28_aarch64", {})
    install(tmp_path, "six", "1.17.0", "py2-none-any\nTag: py3-none-any", {})
    install(tmp_path, "futurelib", "1.0", "cp314-abi3-manylinux_2_28_aarch64", {})
    assert [f.distribution for f in check_layer("base", tmp_path)] == ["futurelib 1.0"]
