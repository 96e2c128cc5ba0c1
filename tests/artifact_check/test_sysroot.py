"""The aarch64 sysroot's package closure, from `apt-cache depends --recurse` output."""

from __future__ import annotations

from pathlib import Path

from artifact_check.sysroot import Sysroot, apt_config, closure

DEPENDS = """\
python3.13-minimal
  PreDepends: libc6
  Depends: libpython3.13-minimal
  Suggests: python3.13-doc
libpython3.13-stdlib
  Depends: libpython3.13-minimal
 |Depends: media-types
  Depends: <mime-support>
  Depends: tzdata
  Depends: libssl3t64
libc6
  Depends: libgcc-s1
libpython3.13-minimal
  Depends: libc6
tzdata
 |Depends: debconf
  Depends: <debconf-2.0>
    cdebconf
    debconf
libssl3t64
  Depends: libzstd1
  Breaks: openssh-client
media-types
libgcc-s1
libzstd1
"""


def test_the_closure_follows_depends_and_predepends_only() -> None:
    found = closure(DEPENDS, ["python3.13-minimal", "libpython3.13-stdlib"])
    assert set(found) == {
        "python3.13-minimal",
        "libpython3.13-stdlib",
        "libc6",
        "libgcc-s1",
        "libpython3.13-minimal",
        "media-types",
        "tzdata",
        "libssl3t64",
        "libzstd1",
        "debconf",
    }
    assert "python3.13-doc" not in found
    assert "openssh-client" not in found


def test_excluded_packages_drop_the_groups_they_would_fill() -> None:
    found = closure(
        DEPENDS, ["python3.13-minimal", "libpython3.13-stdlib"], {"debconf", "cdebconf"}
    )
    assert "debconf" not in found
    assert "cdebconf" not in found
    assert "tzdata" in found
    assert "libzstd1" in found


def test_the_first_alternative_is_taken() -> None:
    found = closure(DEPENDS, ["libpython3.13-stdlib"])
    assert "media-types" in found
    assert "mime-support" not in found
    assert "<mime-support>" not in found


def test_the_private_apt_configuration_is_arm64_and_self_contained(tmp_path: Path) -> None:
    config = Path(apt_config(tmp_path, Path("/keyring.gpg"), as_root=False))
    text = config.read_text()
    assert 'APT::Architecture "arm64";' in text
    assert f'Dir::State "{tmp_path}/state";' in text
    assert "Sandbox" not in text
    sources = (tmp_path / "etc" / "sources.list").read_text()
    assert sources == (
        "deb [arch=arm64 signed-by=/keyring.gpg] http://deb.debian.org/debian trixie main\n"
    )


def test_the_interpreter_runs_under_qemu_with_the_sysroot_as_prefix() -> None:
    sysroot = Sysroot(Path("/cache/sysroot"), "/usr/bin/qemu-aarch64-static")
    assert sysroot.command("-c", "pass") == [
        "/usr/bin/qemu-aarch64-static",
        "-L",
        "/cache/sysroot",
        "/cache/sysroot/usr/bin/python3.13",
        "-c",
        "pass",
    ]
