"""The artefact as the CDK app packages it, laid out as Lambda lays it out.

The app is synthesized with the built layers; its template names every function (its
handler, its layers, its environment) and its assets manifest says which staged folder
holds each function's code and each layer. Lambda runs a function with its code in
`/var/task`, its layers unpacked in order into `/opt` (so `/opt/python` is on
`sys.path`) and the runtime's own boto3/botocore after them; here each of those is a
folder under the cache, kept between runs so the bytecode cache stays valid.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from infra.functions import HANDLER_MODULE
from layers.bytecode import RUNTIME_DOTTED

PYTHON_VERSION = RUNTIME_DOTTED
RUNTIME = f"python{PYTHON_VERSION}"
ARCHITECTURE = "arm64"
#: What the Lambda Python runtime ships next to the interpreter (the layers leave boto3,
#: botocore and s3transfer out on purpose). Pinned to the versions `.venv` is tested with.
RUNTIME_PACKAGES = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
    # SnapStart's runtime hooks (`register_after_restore`), which the handlers' init uses.
    "snapshot-restore-py",
)


class PackagingError(RuntimeError):
    """The app does not synthesize, or a function is not what Lambda can run here."""


@dataclass(frozen=True)
class Layer:
    logical_id: str
    directory: Path  # the staged asset: holds `python/`


@dataclass(frozen=True)
class LambdaFunction:
    """One function of the synthesized app, with its staged code and layers."""

    logical_id: str
    handler: str
    code: Path
    layers: tuple[Layer, ...]
    runtime: str
    architectures: tuple[str, ...]
    timeout_s: int
    memory_mb: int
    environment: Mapping[str, str] = field(default_factory=dict)
    snap_start: bool = False

    @property
    def initialization_type(self) -> str:
        """What Lambda names this function's init (`AWS_LAMBDA_INITIALIZATION_TYPE`) as the
        app deploys it: `snap-start` for a version published with SnapStart, whose init runs
        once at deploy and is resumed from a snapshot; else `on-demand`."""
        return "snap-start" if self.snap_start else "on-demand"

    @property
    def name(self) -> str:
        """`identity_images.handlers.api.handler` -> `api`."""
        module = self.handler.rpartition(".")[0]
        return module.rpartition(".")[2]

    @property
    def module(self) -> str:
        return self.handler.rpartition(".")[0]


def synthesize(outdir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Synthesize the app with the built layers into `outdir`; (template, assets)."""
    from infra.app import build_app
    from infra.layers import LayerNotBuiltError

    if outdir.exists():
        shutil.rmtree(outdir)
    try:
        app, stack = build_app({"skipLayerBuild": False}, outdir=str(outdir))
    except LayerNotBuiltError as exc:
        raise PackagingError(str(exc)) from exc
    try:
        app.synth()
    except RuntimeError as exc:  # cdk-nag findings fail synth after writing the template
        if not (outdir / f"{stack.artifact_id}.template.json").is_file():
            raise PackagingError(f"the CDK app does not synthesize: {exc}") from exc
    template = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())
    assets = json.loads((outdir / f"{stack.artifact_id}.assets.json").read_text())
    return template, assets


def _asset_dirs(assets: Mapping[str, Any], outdir: Path) -> dict[str, Path]:
    """S3 object key of each file asset -> its staged folder."""
    found: dict[str, Path] = {}
    for entry in assets.get("files", {}).values():
        source = entry.get("source", {})
        if source.get("packaging") != "zip":
            continue
        for destination in entry.get("destinations", {}).values():
            found[destination["objectKey"]] = outdir / source["path"]
    return found


def functions_of(
    template: Mapping[str, Any], assets: Mapping[str, Any], outdir: Path
) -> list[LambdaFunction]:
    """The pipeline's functions (handlers in `identity_images.handlers`), in template order."""
    resources: Mapping[str, Any] = template["Resources"]
    staged = _asset_dirs(assets, outdir)

    def asset(key: Any, what: str) -> Path:
        if not isinstance(key, str) or key not in staged:
            raise PackagingError(f"{what}: its code is not a staged folder asset ({key!r})")
        return staged[key]

    found = []
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Lambda::Function":
            continue
        props = resource.get("Properties", {})
        handler = props.get("Handler", "")
        if not isinstance(handler, str) or not handler.startswith(HANDLER_MODULE + "."):
            continue  # CDK's own helpers (custom resources)
        layers = []
        for ref in props.get("Layers", []):
            layer_id = ref.get("Ref") if isinstance(ref, Mapping) else None
            layer = resources.get(layer_id or "", {})
            if layer.get("Type") != "AWS::Lambda::LayerVersion":
                raise PackagingError(f"{logical_id}: layer {ref!r} is not in this stack")
            key = layer["Properties"]["Content"]["S3Key"]
            layers.append(Layer(str(layer_id), asset(key, str(layer_id))))
        variables = props.get("Environment", {}).get("Variables", {})
        found.append(
            LambdaFunction(
                logical_id=logical_id,
                handler=handler,
                code=asset(props["Code"]["S3Key"], logical_id),
                layers=tuple(layers),
                runtime=str(props.get("Runtime")),
                architectures=tuple(props.get("Architectures", ["x86_64"])),
                timeout_s=int(props.get("Timeout", 3)),
                memory_mb=int(props.get("MemorySize", 128)),
                environment={k: v for k, v in variables.items() if isinstance(v, str)},
                snap_start=props.get("SnapStart", {}).get("ApplyOn") == "PublishedVersions",
            )
        )
    if not found:
        raise PackagingError(f"the app defines no function with a handler in {HANDLER_MODULE}")
    return found


def check_target(function: LambdaFunction) -> None:
    """The check proves python3.13 on arm64; a function on anything else is not proven."""
    if function.runtime != RUNTIME or function.architectures != (ARCHITECTURE,):
        raise PackagingError(
            f"{function.name}: the app deploys it as {function.runtime} on "
            f"{'/'.join(function.architectures)}, but this check (and the layers) target "
            f"{RUNTIME} on {ARCHITECTURE}"
        )


# --- laying out ---------------------------------------------------------------------


def sync_tree(files: Mapping[str, Path], target: Path) -> None:
    """Make `target` hold exactly `files` (relative path -> source), leaving files whose
    content is unchanged untouched, so bytecode cached for them stays valid."""
    target.mkdir(parents=True, exist_ok=True)
    for relative, source in files.items():
        destination = target / relative
        if destination.is_file() and filecmp.cmp(source, destination, shallow=False):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)
        shutil.copy2(source, destination)
    for path in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        relative = path.relative_to(target).as_posix()
        if path.is_file() or path.is_symlink():
            if relative not in files:
                path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def tree_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class Layout:
    """One function's folders: what Lambda calls /var/task, /opt and the runtime's."""

    task: Path
    opt: Path
    runtime: Path

    @property
    def sys_path(self) -> list[str]:
        """`sys.path` as the Lambda Python 3.13 runtime sets it (before the stdlib)."""
        return [
            str(self.task),
            str(self.opt / "python" / "lib" / f"python{PYTHON_VERSION}" / "site-packages"),
            str(self.opt / "python"),
            str(self.runtime),
        ]


def lay_out(functions: Sequence[LambdaFunction], root: Path, runtime: Path) -> dict[str, Layout]:
    """Each function's code and its layers merged in order, as Lambda unpacks them.

    Functions with the same layers share one `/opt` (and so its bytecode cache).
    """
    layouts = {}
    for function in functions:
        task = root / "task" / function.name
        sync_tree(tree_files(function.code), task)
        merged: dict[str, Path] = {}
        for layer in function.layers:  # a later layer's file replaces an earlier one's
            merged.update(tree_files(layer.directory))
        opt = root / "opt" / _short_hash("+".join(layer.logical_id for layer in function.layers))
        sync_tree(merged, opt)
        layouts[function.name] = Layout(task=task, opt=opt, runtime=runtime)
    return layouts


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


# --- the runtime's boto3 --------------------------------------------------------------


def runtime_pins() -> dict[str, str]:
    return {name: version(name) for name in RUNTIME_PACKAGES}


def ensure_runtime_packages(cache: Path, log: Callable[[str], None] = print) -> Path:
    """The runtime's boto3/botocore and their dependencies, unpacked from pure-Python wheels
    (the same files on every architecture), pinned to `.venv`'s versions."""
    pins = runtime_pins()
    target = cache / "runtime"
    stamp = cache / "runtime.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == pins and target.is_dir():
        return target
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    log(f"downloading the runtime's {', '.join(f'{n}=={v}' for n, v in pins.items())} ...")
    result = subprocess.run(  # noqa: S603 - pip of this interpreter
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            "manylinux2014_aarch64",
            "--implementation",
            "cp",
            "--python-version",
            PYTHON_VERSION,
            "--dest",
            str(wheels),
            *(f"{name}=={pinned}" for name, pinned in pins.items()),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise PackagingError(f"pip could not download the runtime's packages:\n{result.stderr}")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, pinned in pins.items():
        prefix = f"{name.replace('-', '_')}-{pinned}-"
        matches = sorted(w for w in wheels.glob("*.whl") if w.name.lower().startswith(prefix))
        if not matches:
            raise PackagingError(f"no wheel of {name}=={pinned} in {wheels}")
        with zipfile.ZipFile(matches[-1]) as wheel:
            wheel.extractall(target)
    stamp.write_text(json.dumps(pins) + "\n")
    return target
