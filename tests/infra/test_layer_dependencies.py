"""The layers and pyproject.toml cannot drift apart: what the functions need at run time
(pyproject's `dependencies`, which the tests run with) is what the layers ship.

- every runtime dependency, and everything it needs on Lambda's platform, is pinned in a
  layer (unless the Lambda runtime provides it: boto3, botocore, s3transfer), at a
  version pyproject accepts;
- every package a layer pins is needed by one of them (or by what the runtime provides).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from importlib.metadata import requires

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from layers import build
from tests.infra.test_layers import RUNTIME_PROVIDED, pins

#: Lambda's python3.13 on arm64, for dependency markers.
LAMBDA_MARKERS = {
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "implementation_name": "cpython",
    "implementation_version": "3.13.0",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "aarch64",
    "os_name": "posix",
}


def runtime_dependencies() -> list[Requirement]:
    with (build.ROOT / "pyproject.toml").open("rb") as handle:
        return [Requirement(line) for line in tomllib.load(handle)["project"]["dependencies"]]


def applies(requirement: Requirement, extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**LAMBDA_MARKERS, "extra": extra}) for extra in {"", *extras}
    )


def closure(
    roots: Iterable[Requirement],
    *,
    through_runtime: bool,
    metadata: Mapping[str, list[str]] | None = None,
) -> set[str]:
    """Distributions `roots` need on Lambda, by the installed packages' metadata.

    `through_runtime=False` stops at what the runtime provides (its needs are its own).
    """
    seen: dict[str, set[str]] = {}

    def requirements_of(name: str) -> list[str]:
        if metadata is not None:
            return list(metadata.get(name, []))
        return requires(name) or []

    def walk(name: str, extras: set[str]) -> None:
        key = canonicalize_name(name)
        if key in seen and extras <= seen[key]:
            return
        seen.setdefault(key, set()).update(extras)
        if key in RUNTIME_PROVIDED and not through_runtime:
            return
        for line in requirements_of(key):
            requirement = Requirement(line)
            if applies(requirement, seen[key]):
                walk(requirement.name, set(requirement.extras))

    for root in roots:
        walk(root.name, set(root.extras))
    return set(seen)


def layer_pins() -> dict[str, str]:
    union: dict[str, str] = {}
    for name in build.LAYERS:
        union.update({canonicalize_name(k): v for k, v in pins(name).items()})
    return union


def missing_from_layers(needed: set[str], pinned: Mapping[str, str]) -> list[str]:
    return sorted(needed - set(pinned) - RUNTIME_PROVIDED)


def unneeded_in_layers(allowed: set[str], pinned: Mapping[str, str]) -> list[str]:
    return sorted(set(pinned) - allowed)


def test_every_runtime_dependency_is_in_a_layer() -> None:
    needed = closure(runtime_dependencies(), through_runtime=False)
    missing = missing_from_layers(needed, layer_pins())
    assert not missing, (
        f"pyproject.toml's dependencies need {missing} at run time, but no layer ships "
        "them: pin them in layers/<layer>/requirements.txt"
    )


def test_every_layer_package_is_needed_by_a_runtime_dependency() -> None:
    allowed = closure(runtime_dependencies(), through_runtime=True)
    extra = unneeded_in_layers(allowed, layer_pins())
    assert not extra, (
        f"layers pin {extra}, which nothing in pyproject.toml's dependencies needs: add "
        "the dependency to pyproject.toml (so the tests run with it) or drop it from the layer"
    )


def test_layer_versions_satisfy_pyproject() -> None:
    pinned = layer_pins()
    for requirement in runtime_dependencies():
        name = canonicalize_name(requirement.name)
        if name in RUNTIME_PROVIDED:
            continue
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"pyproject.toml wants {requirement}, the layer pins {pinned[name]}"
        )


# --- the check itself must be able to fail ------------------------------------------------

METADATA = {
    "app-dep": ["helper>=1", "boto3", "only-windows; sys_platform == 'win32'"],
    "helper": ["extra-thing; extra == 'fancy'"],
    "boto3": ["botocore"],
    "botocore": ["python-dateutil"],
}


@pytest.mark.parametrize(
    ("roots", "layers", "missing", "extra"),
    [
        # in step
        (["app-dep"], {"app-dep": "1", "helper": "1"}, [], []),
        # a dependency added to pyproject but not to a layer
        (["app-dep", "helper[fancy]"], {"app-dep": "1", "helper": "1"}, ["extra-thing"], []),
        # a layer package nobody needs
        (["app-dep"], {"app-dep": "1", "helper": "1", "stray": "2"}, [], ["stray"]),
        # the runtime's own dependencies may ship in a layer, but need not
        (["app-dep"], {"app-dep": "1", "helper": "1", "python-dateutil": "2"}, [], []),
    ],
)
def test_the_drift_checks_catch_both_directions(
    roots: list[str], layers: dict[str, str], missing: list[str], extra: list[str]
) -> None:
    requirements = [Requirement(r) for r in roots]
    needed = closure(requirements, through_runtime=False, metadata=METADATA)
    allowed = closure(requirements, through_runtime=True, metadata=METADATA)
    assert missing_from_layers(needed, layers) == missing
    assert unneeded_in_layers(allowed, layers) == extra
