"""The local API Gateway's resources: which `{param}` templates exist for which methods.

The stack's table is the CDK app's (`cdk_routes`): one greedy resource, `/v1/{proxy+}`,
so the API Lambda's own router answers every `/v1/...` path, as in AWS: there is no
list of the API's routes to keep in step. A table matches a path as API Gateway does:
literal segments first, then `{param}`, then `{greedy+}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class Resource:
    """One API Gateway resource (`/v1/generations/{generation_id}`) and its methods."""

    path: str
    methods: frozenset[str]

    def allows(self, method: str) -> bool:
        return method.upper() in self.methods or "ANY" in self.methods

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(s for s in self.path.split("/") if s)

    def specificity(self) -> tuple[int, ...]:
        """Sort key: literal segments beat `{param}`, which beats `{greedy+}`."""
        return tuple(
            2 if s.endswith("+}") else 1 if s.startswith("{") else 0 for s in self.segments
        )

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters if `path` fits this resource, else None."""
        wanted = [s for s in path.split("/") if s]
        params: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            if segment.startswith("{") and segment.endswith("+}"):
                rest = wanted[index:]
                if not rest:
                    return None
                params[segment[1:-2]] = unquote("/".join(rest))
                return params
            if index >= len(wanted):
                return None
            if segment.startswith("{") and segment.endswith("}"):
                params[segment[1:-1]] = unquote(wanted[index])
            elif segment != wanted[index]:
                return None
        return params if len(wanted) == len(self.segments) else None


class RouteTable:
    """Resources in API Gateway's match order (most specific first)."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        merged: dict[str, set[str]] = {}
        for resource in resources:
            merged.setdefault(resource.path, set()).update(m.upper() for m in resource.methods)
        self.resources = sorted(
            (Resource(path, frozenset(methods)) for path, methods in merged.items()),
            key=lambda r: (r.specificity(), r.path),
        )

    def find(self, path: str) -> tuple[Resource, dict[str, str]] | None:
        """The resource `path` belongs to (whatever the method) and its parameters."""
        for resource in self.resources:
            params = resource.match(path)
            if params is not None:
                return resource, params
        return None

    def __len__(self) -> int:
        return len(self.resources)


def cdk_routes() -> RouteTable:
    """The CDK app's resources (`infra/api.py`): `ANY /v1/{proxy+}` to the api function,
    so the function's own router answers every `/v1/...` path."""
    return RouteTable([Resource("/v1/{proxy+}", frozenset({"ANY"}))])
