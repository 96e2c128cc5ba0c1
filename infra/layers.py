"""The two dependency layers, from `layers/build/<name>` (built by `make layers`).

`base` holds what every function imports (Powertools, pydantic, PyJWT, httpx, ...);
`imaging` adds google-genai, Pillow and pillow-heif for the worker only, so the API and
the authorizer stay small and start fast.

Tests and `make synth` must not need built layers: with `-c skipLayerBuild=true` both
layers are empty stand-ins (with a warning). Without the flag a missing or stale build is
an error, so a deploy never ships an empty layer.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Annotations, Stage
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from layers.build import BUILD_DIR, digest

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64


class LayerNotBuiltError(RuntimeError):
    """The layer's build is missing or older than its requirements."""


def built_layer_dir(name: str) -> Path | None:
    """`layers/build/<name>` when it is built from the current requirements, else None."""
    directory = BUILD_DIR / name
    stamp = BUILD_DIR / f"{name}.sha256"
    if not (directory / "python").is_dir() or not stamp.is_file():
        return None
    if stamp.read_text().strip() != digest(name):
        return None
    return directory


class DependencyLayers(Construct):
    """`base` for every function; `imaging` on top of it for the worker."""

    def __init__(self, scope: Construct, construct_id: str, *, use_stand_ins: bool) -> None:
        super().__init__(scope, construct_id)
        self._use_stand_ins = use_stand_ins
        self.base = self._layer("base", "Powertools, pydantic, PyJWT, standardwebhooks, httpx")
        self.imaging = self._layer("imaging", "google-genai, Pillow, pillow-heif (needs base)")

    def _layer(self, name: str, description: str) -> lambda_.LayerVersion:
        if self._use_stand_ins:
            directory = self._stand_in(name)
            description = f"STAND-IN (empty, not deployable): {description}"
        else:
            built = built_layer_dir(name)
            if built is None:
                raise LayerNotBuiltError(
                    f"Layer {name!r} is not built from the current layers/{name}/"
                    "requirements.txt: run `make layers` (or synthesize with "
                    "`-c skipLayerBuild=true` to use an empty stand-in)."
                )
            directory = built
        layer = lambda_.LayerVersion(
            self,
            name.capitalize(),
            code=lambda_.Code.from_asset(str(directory)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description=description,
        )
        if description.startswith("STAND-IN"):
            Annotations.of(layer).add_warning_v2(
                "identity-images:stand-in-layer",
                f"Layer {name!r} is an empty stand-in; run `make layers` before deploying.",
            )
        return layer

    def _stand_in(self, name: str) -> Path:
        """An asset dir with an empty `python/` package root, inside the cloud assembly."""
        stage = Stage.of(self)
        if stage is None:
            raise LayerNotBuiltError("A layer stand-in needs an App or Stage to write to.")
        directory = Path(stage.outdir) / "layer-stand-ins" / name
        (directory / "python").mkdir(parents=True, exist_ok=True)
        (directory / "python" / "STAND_IN.txt").write_text(
            f"Empty stand-in for the {name!r} layer. Run `make layers` before deploying.\n"
        )
        return directory
