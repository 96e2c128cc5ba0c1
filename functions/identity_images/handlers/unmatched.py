"""Why a request matched no route, said as the request's own fault.

Powertools matches a path parameter only when it is one segment of URI characters (`\\w`
and RFC 3986's), and calls anything else "no route". So `/v1/generations/%22`, `…/%00`,
`…/%E2%80%AE`, an emoji or `a%2Fb` were 404 `not_found` "No such route.", though the path
is a route's and only its id is no id, which is 422 everywhere else (an id Powertools does
match, `é`, is refused by the route's own declaration).

A path with a route's shape (its literal segments where the template has them, anything
in place of each parameter) whose method has that route: the route's parameters are
validated as the route declares them, and the answer is the 422 a matched route gives
(`details.field` names the parameter). Any other path is no route.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Protocol


class Route(Protocol):
    """What is read of a Powertools route."""

    method: str
    path: str  # its template: /v1/generations/<generation_id>

    @property
    def dependant(self) -> Any: ...


_PARAMETER = re.compile(r"<(\w+)>")


@functools.cache
def _shape(template: str) -> re.Pattern[str]:
    """`template` with anything (a slash, a control character) in place of each parameter;
    trailing slashes allowed, as Powertools allows them."""
    parts = _PARAMETER.split(template)  # literal, name, literal, name, ..., literal
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(pattern + "/*", re.DOTALL)


def parameter_errors(routes: Iterable[Route], method: str, path: str) -> list[dict[str, Any]]:
    """The validation errors of the path parameters of the first route of `method` that
    `path` has the shape of (as pydantic words them, located `("path", name)`); empty when
    the path has no route's shape."""
    for route in routes:
        if route.method != method or "<" not in route.path:
            continue
        match = _shape(route.path).fullmatch(path)
        if match is None:
            continue
        errors: list[dict[str, Any]] = []
        fields: list[Any] = list(route.dependant.path_params)
        for field in fields:
            _, found = field.validate(match.group(field.alias), loc=("path", field.alias))
            errors.extend(found or [])
        if errors:
            return errors
        # Valid as declared yet unmatched: a value Powertools' segment refuses.
        name = fields[0].alias if fields else "path"
        return [{"loc": ("path", name), "msg": "Not one path segment", "type": "path_segment"}]
    return []


def end_at_the_end(routes: Iterable[Any]) -> None:
    """End each route's pattern with `\\Z`, not Powertools' `$`, which also matches before a
    final line feed: `/v1/generations/abc%0A` read the job `abc` and `/v1/config%0A` was
    the config. Such a path then matches no route, and `parameter_errors` names its id."""
    for route in routes:
        pattern: str = route.rule.pattern
        if pattern.endswith("$"):
            route.rule = re.compile(pattern[:-1] + r"\Z")
