"""Synthesize the stack once per session (jsii is slow) and share the result."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from infra.app import build_app


@dataclass(frozen=True)
class Synthesized:
    template: dict[str, Any]
    validation_error: str | None
    validation_report: dict[str, Any] | None

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.template["Resources"])

    def of_type(self, cfn_type: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.resources.items() if r["Type"] == cfn_type}

    def props(self, logical_id: str) -> dict[str, Any]:
        return dict(self.resources[logical_id].get("Properties", {}))


def synthesize(outdir: Path, context: dict[str, Any]) -> Synthesized:
    app, stack = build_app({"skipLayerBuild": True, **context}, outdir=str(outdir))
    error: str | None = None
    try:
        app.synth()
    except RuntimeError as exc:  # cdk-nag findings fail synth; the template is still written
        error = str(exc)
    template = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())
    report_file = outdir / "validation-report.json"
    report = json.loads(report_file.read_text()) if report_file.is_file() else None
    return Synthesized(template, error, report)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk.out"),
        {"allowedOrigins": "https://admin.example.com", "geminiTimeoutS": "200"},
    )
