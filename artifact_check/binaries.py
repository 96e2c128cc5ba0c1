"""The layers' compiled files, read without running them: each must be an aarch64 ELF
that needs no newer glibc than Lambda's, and each wheel must be tagged for the target.

Findings name the distribution (from its `*.dist-info/RECORD`) so the message says which
wheel is wrong, not only which file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
EM_AARCH64 = 183
MACHINES = {3: "x86 (32-bit)", 40: "ARM (32-bit)", 62: "x86-64", 183: "aarch64"}
#: Lambda's python3.13 runtime is Amazon Linux 2023, glibc 2.34. The Debian sysroot has a
#: newer glibc, so a wheel that needs more would import here and fail on Lambda.
LAMBDA_GLIBC = (2, 34)
GLIBC_SYMBOL = re.compile(rb"GLIBC_(\d+)\.(\d+)")
WHEEL_TAG = re.compile(r"^Tag:\s*(\S+)-(\S+)-(\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Finding:
    layer: str
    distribution: str
    path: str
    problem: str

    def __str__(self) -> str:
        return f"layer {self.layer}: wheel {self.distribution}: {self.problem} ({self.path})"


def owners(site: Path) -> dict[str, str]:
    """Installed file (relative to `site`) -> `name version` of the wheel that put it there."""
    found = {}
    for record in site.glob("*.dist-info/RECORD"):
        distribution = record.parent.name.removesuffix(".dist-info").replace("-", " ", 1)
        for line in record.read_text(errors="replace").splitlines():
            path = line.split(",", 1)[0]
            if path:
                found[Path(path).as_posix()] = distribution
    return found


def elf_machine(header: bytes) -> int | None:
    """The ELF `e_machine` of a file starting with `header`, or None if not ELF."""
    if len(header) < 20 or not header.startswith(ELF_MAGIC):
        return None
    if header[5] == 1:
        return int.from_bytes(header[18:20], "little")
    return int.from_bytes(header[18:20], "big")


def glibc_needed(data: bytes) -> tuple[int, int] | None:
    versions = [(int(a), int(b)) for a, b in GLIBC_SYMBOL.findall(data)]
    return max(versions) if versions else None


def wheel_tags(site: Path) -> Iterator[tuple[str, str, str, str]]:
    """(distribution, interpreter, abi, platform) of each installed wheel's tags."""
    for wheel in site.glob("*.dist-info/WHEEL"):
        distribution = wheel.parent.name.removesuffix(".dist-info").replace("-", " ", 1)
        for interpreter, abi, platform in WHEEL_TAG.findall(wheel.read_text(errors="replace")):
            yield distribution, interpreter, abi, platform


def _platform_ok(platform: str) -> bool:
    return platform == "any" or all(p.endswith("_aarch64") for p in platform.split("."))


def _interpreter_ok(interpreter: str, abi: str) -> bool:
    """py3 (pure), cp313, or the stable ABI (abi3) of an older CPython 3."""
    for tag in interpreter.split("."):
        if tag.startswith("py3") or tag == "cp313":
            return True
        minor = tag.removeprefix("cp3")
        if tag.startswith("cp3") and abi == "abi3" and minor.isdigit() and int(minor) <= 13:
            return True
    return False


def check_layer(name: str, site: Path) -> list[Finding]:
    """Every problem in one layer's `python/` folder."""
    findings = []
    tags: dict[str, list[tuple[str, str, str]]] = {}
    for distribution, interpreter, abi, platform in wheel_tags(site):
        tags.setdefault(distribution, []).append((interpreter, abi, platform))
    for distribution, wheel in sorted(tags.items()):
        if any(_platform_ok(p) and _interpreter_ok(i, a) for i, a, p in wheel):
            continue  # a wheel is for the target when one of its tags is
        listed = ", ".join("-".join(tag) for tag in wheel)
        if not any(_platform_ok(p) for _, _, p in wheel):
            findings.append(Finding(name, distribution, listed, "is not for aarch64 Linux"))
        else:
            findings.append(Finding(name, distribution, listed, "is not for CPython 3.13"))
    owner = owners(site)
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as handle:
            header = handle.read(64)
        machine = elf_machine(header)
        if machine is None:
            continue
        relative = path.relative_to(site).as_posix()
        distribution = owner.get(relative, "(no wheel owns it)")
        if machine != EM_AARCH64:
            arch = MACHINES.get(machine, f"machine {machine}")
            findings.append(Finding(name, distribution, relative, f"is built for {arch}"))
            continue
        needed = glibc_needed(path.read_bytes())
        if needed is not None and needed > LAMBDA_GLIBC:
            findings.append(
                Finding(
                    name,
                    distribution,
                    relative,
                    f"needs glibc {needed[0]}.{needed[1]}; Lambda's python3.13 has "
                    f"{LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]}",
                )
            )
    return findings


def owner_of(path_text: str, sites: dict[str, Path]) -> str | None:
    """`layer: wheel` for a file path named in an error message, if a layer holds it."""
    for layer, site in sites.items():
        try:
            relative = Path(path_text).resolve().relative_to(site.resolve()).as_posix()
        except ValueError:
            continue
        return f"layer {layer}: wheel {owners(site).get(relative, '(unknown)')}"
    return None
