"""An aarch64 CPython 3.13 from Debian trixie's packages, runnable here under qemu-user.

Nothing is installed on the host: a private apt configuration (own sources.list, state
and cache under the cache folder, `APT::Architecture "arm64"`) resolves the packages'
dependency closure and `apt-get download`s it, and each `.deb` is unpacked with
`dpkg -x` into a sysroot. The sysroot is kept (with the interpreter's bytecode cache)
until the package list changes or the cache folder is removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SUITE = "trixie"
MIRROR = "http://deb.debian.org/debian"
KEYRINGS = (
    Path("/usr/share/keyrings/debian-archive-keyring.gpg"),
    Path("/usr/share/keyrings/debian-archive-trixie-stable.gpg"),
)
#: The interpreter and its standard library (the closure adds libc, OpenSSL, libffi, ...),
#: and the C++ runtime, which Lambda's Amazon Linux 2023 image has and pillow-heif's
#: manylinux wheel links against without bundling it (manylinux may rely on the system's).
ROOT_PACKAGES = ("python3.13-minimal", "libpython3.13-stdlib", "libstdc++6")
#: Needed only by maintainer scripts, which `dpkg -x` never runs.
EXCLUDED_PACKAGES = frozenset({"debconf", "cdebconf"})
#: Standard-library modules backed by C libraries that the layers import; a sysroot in
#: which one of them does not import is incomplete (a library missing from the closure).
NATIVE_STDLIB = (
    "ssl",
    "_hashlib",
    "ctypes",
    "zlib",
    "bz2",
    "lzma",
    "sqlite3",
    "decimal",
    "uuid",
    "zoneinfo",
    "pyexpat",
    "_json",
    "asyncio",
)
QEMU = "qemu-aarch64-static"
PYTHON = "usr/bin/python3.13"
USRMERGE = ("bin", "sbin", "lib")
STAMP = "sysroot.json"
STDLIB_STAMP = "sysroot-stdlib-bytecode.stamp"


class SysrootError(RuntimeError):
    """The sysroot could not be built, or the interpreter in it is incomplete."""


@dataclass(frozen=True)
class Sysroot:
    root: Path
    qemu: str

    @property
    def python(self) -> Path:
        return self.root / PYTHON

    def command(self, *args: str) -> list[str]:
        """The aarch64 interpreter, run explicitly by qemu (no binfmt registration needed)."""
        return [self.qemu, "-L", str(self.root), str(self.python), *args]


def find_qemu() -> str:
    found = shutil.which(QEMU)
    if found is None:
        raise SysrootError(
            f"{QEMU} is not installed: `sudo apt-get install -y qemu-user-static` "
            "(`make verify-artifact` does it when it runs as root)."
        )
    return found


def keyring() -> Path:
    for candidate in KEYRINGS:
        if candidate.is_file():
            return candidate
    raise SysrootError(
        f"no Debian archive keyring with the {SUITE} keys ({', '.join(map(str, KEYRINGS))}): "
        "install or upgrade the `debian-archive-keyring` package."
    )


def apt_config(apt_dir: Path, signed_by: Path, *, as_root: bool) -> str:
    """A private apt configuration: trixie arm64 only, state and cache in `apt_dir`."""
    lines = [
        'APT::Architecture "arm64";',
        'APT::Architectures { "arm64"; };',
        'Acquire::Languages "none";',
        f'Dir::Etc "{apt_dir}/etc";',
        f'Dir::Etc::sourcelist "{apt_dir}/etc/sources.list";',
        f'Dir::Etc::sourceparts "{apt_dir}/etc/sources.list.d";',
        f'Dir::Etc::parts "{apt_dir}/etc/apt.conf.d";',
        f'Dir::Etc::preferencesparts "{apt_dir}/etc/preferences.d";',
        f'Dir::State "{apt_dir}/state";',
        f'Dir::State::status "{apt_dir}/state/status";',
        f'Dir::Cache "{apt_dir}/cache";',
        f'Dir::Log "{apt_dir}/log";',
    ]
    if as_root:
        # The download goes to our own folder, which apt's `_apt` user may not reach.
        lines.append('APT::Sandbox::User "root";')
    sources = f"deb [arch=arm64 signed-by={signed_by}] {MIRROR} {SUITE} main\n"
    for sub in ("etc/sources.list.d", "etc/apt.conf.d", "etc/preferences.d", "log"):
        (apt_dir / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("state/lists/partial", "cache/archives/partial"):
        (apt_dir / sub).mkdir(parents=True, exist_ok=True)
    (apt_dir / "etc" / "sources.list").write_text(sources)
    (apt_dir / "state" / "status").touch()
    config = apt_dir / "apt.conf"
    config.write_text("\n".join(lines) + "\n")
    return str(config)


def closure(depends: str, roots: Sequence[str], excluded: Iterable[str] = ()) -> list[str]:
    """The packages `roots` need, from `apt-cache depends --recurse` output.

    Of alternatives (`|Depends: a` then `Depends: b`) the first one not excluded is taken;
    a virtual package (`<name>`) is replaced by its first provider not excluded. A group
    with no allowed choice is dropped (e.g. tzdata's debconf, used only by its scripts).
    """
    skip = set(excluded)
    graph: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    group: list[str] = []
    pending_virtual: list[str] | None = None
    for raw in depends.splitlines():
        if not raw.strip():
            continue
        if not raw.startswith(" "):
            current = graph.setdefault(raw.strip(), [])
            group, pending_virtual = [], None
            continue
        if current is None:
            continue
        if raw.startswith("    "):  # a provider of the virtual package just listed
            if pending_virtual is not None:
                pending_virtual.append(raw.strip())
            continue
        alternative = raw.startswith(" |")
        kind, _, target = raw.strip().lstrip("|").partition(": ")
        if kind not in {"Depends", "PreDepends"}:
            pending_virtual = None
            continue
        if target.startswith("<") and target.endswith(">"):
            pending_virtual = group  # its providers become alternatives of this group
        else:
            pending_virtual = None
            group.append(target)
        if not alternative:
            current.append(group)
            group = []
    wanted: list[str] = []
    queue = list(roots)
    while queue:
        name = queue.pop(0)
        if name in wanted or name in skip:
            continue
        wanted.append(name)
        for choices in graph.get(name, []):
            allowed = [c for c in choices if c not in skip]
            if allowed:
                queue.append(allowed[0])
    return wanted


def _run(command: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - apt with our own configuration
        list(command), env=dict(env), cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SysrootError(
            f"`{' '.join(command)}` failed ({result.returncode}):\n{result.stderr[-2000:]}"
        )
    return result.stdout


def resolve_and_download(apt_dir: Path, debs: Path) -> list[Path]:
    """`apt-get update`, the closure of ROOT_PACKAGES, `apt-get download` into `debs`."""
    config = apt_config(apt_dir, keyring(), as_root=os.geteuid() == 0)
    env = {**os.environ, "APT_CONFIG": config, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-q"], env)
    depends = _run(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            *ROOT_PACKAGES,
        ],
        env,
    )
    packages = closure(depends, ROOT_PACKAGES, EXCLUDED_PACKAGES)
    if debs.exists():
        shutil.rmtree(debs)
    debs.mkdir(parents=True)
    _run(["apt-get", "download", "-q", *packages], env, cwd=debs)
    return sorted(debs.glob("*.deb"))


def fingerprint() -> str:
    """What the sysroot is built from; a change rebuilds it."""
    spec = json.dumps([SUITE, MIRROR, ROOT_PACKAGES, sorted(EXCLUDED_PACKAGES), NATIVE_STDLIB])
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


def ensure_sysroot(cache: Path, log: Callable[[str], None] = print) -> Sysroot:
    """The cached sysroot, built first when missing or built from another package list."""
    qemu = find_qemu()
    root = cache / "sysroot"
    stamp = cache / STAMP
    want = fingerprint()
    if stamp.is_file() and json.loads(stamp.read_text()).get("fingerprint") == want:
        sysroot = Sysroot(root, qemu)
        compile_stdlib(sysroot, cache, log)
        return sysroot
    log(f"building the aarch64 sysroot (Debian {SUITE}) in {root} ...")
    stamp.unlink(missing_ok=True)
    debs = resolve_and_download(cache / "apt", cache / "debs")
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for deb in debs:
        _run(["dpkg", "-x", str(deb), str(root)], os.environ)
    for name in USRMERGE:  # trixie's packages ship /usr/lib; the loader is looked up in /lib
        link = root / name
        if not link.exists() and (root / "usr" / name).is_dir():
            link.symlink_to(Path("usr") / name)
    sysroot = Sysroot(root, qemu)
    (cache / STDLIB_STAMP).unlink(missing_ok=True)
    compile_stdlib(sysroot, cache, log)
    check_stdlib(sysroot)
    stamp.write_text(
        json.dumps({"fingerprint": want, "packages": [d.name for d in debs]}, indent=1) + "\n"
    )
    log(f"  {len(debs)} packages unpacked: {', '.join(d.name.split('_')[0] for d in debs)}")
    return sysroot


def compile_in(sysroot: Sysroot, folder: Path, deployed_at: str) -> None:
    """Bytecode for every source under `folder`, by the aarch64 interpreter, as if the
    folder were at `deployed_at` (its path on Lambda). Up-to-date files are skipped."""
    # The host path, not the deployed one: qemu's `-L` would send a write under /usr to the
    # host's /usr whenever the folder is not there yet in the sysroot.
    _run(
        sysroot.command(
            "-m", "compileall", "-q", "-s", str(folder), "-p", deployed_at, str(folder)
        ),
        interpreter_env(),
    )


def compile_stdlib(sysroot: Sysroot, cache: Path, log: Callable[[str], None]) -> None:
    """The standard library's bytecode, in place, once per sysroot: Lambda's runtime image
    has it, and Debian's packages leave it to their install scripts, which `dpkg -x` does
    not run. With it, nothing needs a bytecode cache elsewhere, and a cold start here
    compiles exactly what it would compile on Lambda."""
    stamp = cache / STDLIB_STAMP
    if stamp.is_file():
        return
    log("compiling the aarch64 standard library (once per sysroot) ...")
    stdlib = sysroot.root / "usr" / "lib" / PYTHON.rsplit("/", 1)[-1]
    compile_in(sysroot, stdlib, f"/usr/lib/{stdlib.name}")
    stamp.write_text("compiled\n")


def check_stdlib(sysroot: Sysroot) -> None:
    """Every NATIVE_STDLIB module imports, else name the ones that do not."""
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        f"for name in {list(NATIVE_STDLIB)!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        bad.append(f'{name}: {exc}')\n"
        "print('\\n'.join(bad)); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter
        sysroot.command("-c", script),
        env=interpreter_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SysrootError(
            "the aarch64 Python 3.13 cannot import part of its standard library (a library "
            f"is missing from the package closure):\n{result.stdout}{result.stderr[-2000:]}"
        )


def interpreter_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment for the emulated interpreter: nothing of the host's Python
    settings, and no bytecode written (Lambda's code folders are read-only)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        **(extra or {}),
    }
