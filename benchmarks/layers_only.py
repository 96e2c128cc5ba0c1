"""Let an interpreter import only what a function's layers hold.

The development environment has more installed than any Lambda layer: schemathesis, for
one, brings click, rich and pygments, and httpx then loads its command-line client
(`httpx._main`) with them, about 0.1 s and several MB that no function pays in AWS. A
benchmark that runs a handler here refuses those imports first, so they fail as they
would in Lambda.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class NotInTheLayers(importlib.abc.MetaPathFinder):
    """Refuses every module of the given top-level packages."""

    def __init__(self, blocked: Iterable[str]) -> None:
        self._blocked = frozenset(blocked)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname.partition(".")[0] in self._blocked:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def refuse(blocked: Iterable[str]) -> None:
    """From now on, importing any of `blocked` (top-level names) fails in this process."""
    sys.meta_path.insert(0, NotInTheLayers(blocked))
