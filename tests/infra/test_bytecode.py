"""Bytecode for Lambda: the layers and the code ship pycs that the runtime's Python loads
without compiling, from an interpreter of the runtime's version, and the code asset's
hash is its sources' own."""

from __future__ import annotations

import importlib.util
import marshal
import sys
from pathlib import Path

import pytest

from infra import compiled_code
from layers import bytecode

UNCHECKED_HASH = 0b01  # PEP 552 flags


def write_package(root: Path) -> None:
    package = root / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("def where():\n    raise RuntimeError('here')\n")


def test_compiled_tree_loads_without_the_source_and_names_the_deployed_path(
    tmp_path: Path,
) -> None:
    write_package(tmp_path)
    bytecode.compile_tree(tmp_path, "/var/task", Path(sys.executable))

    cached = Path(importlib.util.cache_from_source(str(tmp_path / "pkg" / "mod.py")))
    data = cached.read_bytes()
    assert data[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(data[4:8], "little") == UNCHECKED_HASH
    code = marshal.loads(data[16:])  # noqa: S302 - the pyc this test just wrote
    assert code.co_filename == "/var/task/pkg/mod.py"


def test_a_rebuild_of_the_same_sources_is_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for tree in (first, second):
        write_package(tree)
        bytecode.compile_tree(tree, "/opt/python", Path(sys.executable))
    name = Path(importlib.util.cache_from_source("pkg/mod.py"))
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_an_interpreter_of_another_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "python3.13"
    other.write_text("#!/bin/sh\necho 3 12\n")  # answers as a 3.12 would
    other.chmod(0o755)
    monkeypatch.setenv("LAMBDA_PYTHON", str(other))
    with pytest.raises(bytecode.BytecodeError, match=r"is not a working python3\.13"):
        bytecode.runtime_python()


def test_the_named_interpreter_is_the_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bytecode, "RUNTIME_VERSION", sys.version_info[:2])
    monkeypatch.setenv("LAMBDA_PYTHON", sys.executable)
    assert bytecode.runtime_python() == Path(sys.executable)


def test_the_code_asset_holds_the_sources_and_their_bytecode_not_the_checkouts_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, asset = tmp_path / "functions", tmp_path / "asset"
    write_package(source)
    (source / "pkg" / "__pycache__").mkdir()
    (source / "pkg" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"old")
    (source / "pkg.egg-info").mkdir()
    (source / "pkg.egg-info" / "PKG-INFO").write_text("x")
    assert compiled_code.CompiledCode(source, Path(sys.executable)).try_bundle(str(asset), None)

    shipped = sorted(p.relative_to(asset).as_posix() for p in asset.rglob("*") if p.is_file())
    tag = sys.implementation.cache_tag
    assert shipped == [
        "pkg/__init__.py",
        f"pkg/__pycache__/__init__.{tag}.pyc",
        f"pkg/__pycache__/mod.{tag}.pyc",
        "pkg/mod.py",
    ]


def test_the_code_asset_without_a_runtime_python_ships_the_sources_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, asset = tmp_path / "functions", tmp_path / "asset"
    write_package(source)
    monkeypatch.setattr(bytecode, "runtime_python", lambda: None)

    compiled_code.compiled_code(source)  # what the CDK app calls
    assert "ships without bytecode" in capsys.readouterr().err
    assert compiled_code.CompiledCode(source, None).try_bundle(str(asset), None)

    assert sorted(p.name for p in asset.rglob("*") if p.is_file()) == ["__init__.py", "mod.py"]


def test_the_code_assets_hash_follows_the_sources_and_whether_they_are_compiled(
    tmp_path: Path,
) -> None:
    write_package(tmp_path)
    before = compiled_code.source_hash(tmp_path, compiled=True)
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"cache")
    assert compiled_code.source_hash(tmp_path, compiled=True) == before
    assert compiled_code.source_hash(tmp_path, compiled=False) != before
    (tmp_path / "pkg" / "mod.py").write_text("VALUE = 2\n")
    assert compiled_code.source_hash(tmp_path, compiled=True) != before
