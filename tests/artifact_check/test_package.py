"""Reading the functions from the synthesized app, and laying them out as Lambda does."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from artifact_check.package import (
    PackagingError,
    check_target,
    functions_of,
    lay_out,
    sync_tree,
    tree_files,
)


def template_and_assets(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    for folder, files in {
        "asset.code": {"identity_images/handlers/api.py": "x", "identity_images/__init__.py": ""},
        "asset.base": {"python/pydantic/__init__.py": "base", "python/shared.py": "base"},
        "asset.imaging": {"python/PIL/__init__.py": "img", "python/shared.py": "imaging"},
    }.items():
        for relative, text in files.items():
            (tmp_path / folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / relative).write_text(text)

    def function(handler: str, layers: list[str], **more: object) -> dict[str, object]:
        return {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                **more,
                "Handler": handler,
                "Code": {"S3Bucket": {"Fn::Sub": "x"}, "S3Key": "code.zip"},
                "Layers": [{"Ref": layer} for layer in layers],
                "Runtime": "python3.13",
                "Architectures": ["arm64"],
                "Timeout": 29,
                "MemorySize": 1024,
                "Environment": {"Variables": {"PLAIN": "yes", "ARN": {"Ref": "Secret"}}},
            },
        }

    template = {
        "Resources": {
            "LayersBase": {
                "Type": "AWS::Lambda::LayerVersion",
                "Properties": {"Content": {"S3Key": "base.zip"}},
            },
            "LayersImaging": {
                "Type": "AWS::Lambda::LayerVersion",
                "Properties": {"Content": {"S3Key": "imaging.zip"}},
            },
            "Api": function(
                "identity_images.handlers.api.handler",
                ["LayersBase"],
                SnapStart={"ApplyOn": "PublishedVersions"},
            ),
            "Worker": function(
                "identity_images.handlers.worker.handler", ["LayersBase", "LayersImaging"]
            ),
            "Notifications": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Handler": "index.handler", "Code": {"ZipFile": "..."}},
            },
        }
    }
    assets = {
        "files": {
            name: {
                "source": {"path": f"asset.{name}", "packaging": "zip"},
                "destinations": {"d": {"objectKey": f"{name}.zip"}},
            }
            for name in ("code", "base", "imaging")
        }
    }
    return template, assets


def test_the_pipelines_functions_are_read_from_the_template(tmp_path: Path) -> None:
    template, assets = template_and_assets(tmp_path)
    api, worker = functions_of(template, assets, tmp_path)
    assert (api.name, api.module) == ("api", "identity_images.handlers.api")
    assert api.code == tmp_path / "asset.code"
    assert [layer.logical_id for layer in worker.layers] == ["LayersBase", "LayersImaging"]
    assert api.environment == {"PLAIN": "yes"}
    # As deployed: the API resumes from a SnapStart snapshot, the worker inits on demand.
    assert (api.initialization_type, worker.initialization_type) == ("snap-start", "on-demand")
    check_target(worker)


def test_a_function_for_another_target_is_refused(tmp_path: Path) -> None:
    template, assets = template_and_assets(tmp_path)
    props = template["Resources"]["Api"]["Properties"]
    props["Architectures"] = ["x86_64"]
    api, _ = functions_of(template, assets, tmp_path)
    with pytest.raises(PackagingError, match=r"python3\.13 on x86_64"):
        check_target(api)


def test_layers_are_merged_in_order_as_lambda_unpacks_them(tmp_path: Path) -> None:
    template, assets = template_and_assets(tmp_path)
    functions = functions_of(template, assets, tmp_path)
    layouts = lay_out(functions, tmp_path / "layout", tmp_path / "runtime")
    worker = layouts["worker"]
    assert (worker.opt / "python" / "shared.py").read_text() == "imaging"
    assert (worker.opt / "python" / "PIL" / "__init__.py").is_file()
    assert not (layouts["api"].opt / "python" / "PIL").exists()
    assert (worker.task / "identity_images" / "handlers" / "api.py").is_file()
    assert worker.sys_path == [
        str(worker.task),
        str(worker.opt / "python" / "lib" / "python3.13" / "site-packages"),
        str(worker.opt / "python"),
        str(tmp_path / "runtime"),
    ]


def test_sync_keeps_unchanged_files_and_removes_stale_ones(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "pkg").mkdir(parents=True)
    (source / "pkg" / "same.py").write_text("same")
    (source / "pkg" / "changed.py").write_text("new")
    target = tmp_path / "dst"
    (target / "pkg").mkdir(parents=True)
    (target / "pkg" / "same.py").write_text("same")
    (target / "pkg" / "changed.py").write_text("old")
    (target / "gone").mkdir()
    (target / "gone" / "stale.py").write_text("stale")
    os.utime(target / "pkg" / "same.py", (1_000_000, 1_000_000))
    sync_tree(tree_files(source), target)
    assert sorted(tree_files(target)) == ["pkg/changed.py", "pkg/same.py"]
    assert (target / "pkg" / "changed.py").read_text() == "new"
    assert (target / "pkg" / "same.py").stat().st_mtime == 1_000_000
    assert not (target / "gone").exists()
