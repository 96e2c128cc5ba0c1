"""Imports in `functions/identity_images/` point one way: handlers -> logic -> engine ->
adapters -> models, with the shared base modules (settings, bucket_layout, domain, errors,
...: the package's top-level modules) importable from every layer and importing none.
Read from the source with `ast`, by layer folder, so a module moving between folders is
judged by its new folder. See README.md, "How the code is laid out".

The API, authorizer and trigger handlers also never reach google-genai or Pillow through
their module-level imports (the runtime probe of the same is tests/infra/test_cold_start.py),
and the trigger never reaches the API's models and its API-only logic, not even through the
imports inside its functions (its first invocation builds its adapters): every cold start
of the trigger would pay for building them.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "functions" / "identity_images"
# Lower rank = lower layer; a module may import its own layer and any lower one.
RANK = {"models": 1, "adapters": 2, "engine": 3, "logic": 4, "handlers": 5}
BASE = 0  # the package's top-level modules
HEAVY = ("google.genai", "PIL", "pillow_heif")
LIGHT_HANDLERS = ("api", "authorizer", "trigger")
# Modules only the API's routes use: its request and response models, and the logic that
# answers its reference, upload and access questions.
API_ONLY = (
    "identity_images.models.api",
    "identity_images.logic.references",
    "identity_images.logic.uploads",
    "identity_images.logic.access",
    "identity_images.handlers.routes",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def rank(module: str) -> int:
    """The layer of an `identity_images` module: its first folder, or BASE."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in RANK):
        return RANK[parts[1]]
    return BASE


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@cache
def imports(module: str, *, module_level_only: bool = False) -> frozenset[str]:
    """What `module` imports (absolute names; `from a import b` gives `a` and `a.b`)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt] | list[ast.AST]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            elif module_level_only:
                if isinstance(node, ast.If) and not _is_type_checking(node):
                    visit([*node.body, *node.orelse])
                elif isinstance(node, ast.Try):
                    visit([*node.body, *node.orelse, *node.finalbody])
                    for handler in node.handlers:
                        visit(handler.body)
            else:
                visit(list(ast.iter_child_nodes(node)))

    visit(tree.body)
    return frozenset(found)


def own(names: frozenset[str]) -> set[str]:
    """The `identity_images` modules among imported names."""
    return {name for name in names if name in MODULES}


def test_every_layer_folder_exists_and_holds_modules() -> None:
    """The rules below are about these folders; a renamed folder must fail here."""
    for folder in RANK:
        assert any(rank(m) == RANK[folder] for m in MODULES), folder
    assert len(MODULES) > 30


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_points_up_a_layer(module: str) -> None:
    upward = sorted(m for m in own(imports(module)) if rank(m) > rank(module))
    assert upward == [], f"{module} (layer {rank(module)}) imports higher layers: {upward}"


def test_logic_and_below_never_import_a_handler() -> None:
    offenders = {
        module: sorted(m for m in own(imports(module)) if rank(m) == RANK["handlers"])
        for module in MODULES
        if rank(module) < RANK["handlers"]
    }
    assert {m: found for m, found in offenders.items() if found} == {}


def test_models_and_base_modules_import_no_layer_above_models() -> None:
    offenders = {
        module: sorted(m for m in own(imports(module)) if rank(m) > RANK["models"])
        for module in MODULES
        if rank(module) <= RANK["models"]
    }
    assert {m: found for m, found in offenders.items() if found} == {}


def test_logic_and_below_know_nothing_of_lambda() -> None:
    """No Powertools (Lambda's toolkit) in logic, engine or models, not even inside a
    function: what Lambda gives (its context, Idempotency) reaches them through a port
    (`models.ports`). (`models.s3_events` reuses Powertools' pydantic S3 models, plain
    data, and is the one exception.)"""
    offenders = {
        module: sorted(
            n
            for n in imports(module)
            if n == "aws_lambda_powertools" or n.startswith("aws_lambda_powertools.")
        )
        for module in MODULES
        if rank(module) in (RANK["logic"], RANK["engine"], RANK["models"])
        and module != "identity_images.models.s3_events"
    }
    assert {m: found for m, found in offenders.items() if found} == {}


def reachable(start: str, *, module_level_only: bool = True) -> set[str]:
    """Every name imported at module level from `start`, through `identity_images`; with
    `module_level_only=False`, the imports inside functions too."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        for name in imports(module, module_level_only=module_level_only):
            if name in seen:
                continue
            seen.add(name)
            if name in MODULES:
                todo.append(name)
            # importing a.b.c runs a and a.b too
            parent = name.rpartition(".")[0]
            while parent and parent in MODULES and parent not in seen:
                seen.add(parent)
                todo.append(parent)
                parent = parent.rpartition(".")[0]
    return seen


def heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(f"{p}.") for p in HEAVY))


@pytest.mark.parametrize("handler", LIGHT_HANDLERS)
def test_light_handlers_never_reach_genai_or_pillow(handler: str) -> None:
    reached = reachable(f"identity_images.handlers.{handler}")
    assert heavy(reached) == [], f"handlers.{handler} reaches {heavy(reached)}"


def test_the_reach_check_sees_the_worker_reach_them() -> None:
    """The same walk from the worker handler finds both (the check above can fail)."""
    reached = heavy(reachable("identity_images.handlers.worker"))
    assert any(n.startswith("google.genai") for n in reached), reached
    assert any(n.startswith("PIL") for n in reached), reached


def test_the_trigger_never_reaches_the_api_modules() -> None:
    reached = reachable("identity_images.handlers.trigger", module_level_only=False)
    assert sorted(reached & set(API_ONLY)) == []


def test_the_api_reach_check_sees_the_api_reach_them() -> None:
    """The same walk from the API handler finds them all (the check above can fail)."""
    reached = reachable("identity_images.handlers.api", module_level_only=False)
    assert set(API_ONLY) <= reached


def test_the_direction_check_sees_imports() -> None:
    """The worker handler's import of its logic is found and is downward (the checks
    above read real imports, so they can fail)."""
    found = own(imports("identity_images.handlers.worker"))
    assert "identity_images.logic.worker" in found
    assert rank("identity_images.logic.worker") < rank("identity_images.handlers.worker")
