"""Route tables for the local gateway's tests, written as `(method, path)` pairs."""

from __future__ import annotations

from collections.abc import Iterable

from local_stack.routes import Resource, RouteTable


def route_table(pairs: Iterable[tuple[str, str]]) -> RouteTable:
    """From `(method, "/path/{param}")` pairs."""
    return RouteTable(Resource(path, frozenset({method})) for method, path in pairs)
