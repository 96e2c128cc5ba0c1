"""Why a request matched no route, said as the request's own fault.

Powertools matches a path parameter only when it is one segment of URI characters (`\\w`
and RFC 3986's), matches a route only under its own method, and calls anything else "no
route": 404 `not_found`. So `/v1/generations/%22`, `…/%00`, `…/%E2%80%AE`, an emoji or
`a%2Fb` were "No such route.", though the path is a route's and only its id is no id
(422 everywhere else: an id Powertools does match, `é`, is refused by the route's own
declaration); and `PUT /v1/config` or `HEAD /v1/config` were 404 too, though the path is
there under another method.

`diagnose` tells them apart, in this order:

- the path is a route's under other methods: 405, `allowed` lists them;
- the path has the shape of a route of the request's method (its fixed segments where
  the template has them, anything in place of each parameter): that route's parameters
  are validated as it declares them, and `errors` are the ones a matched route gives;
- the path has that shape under other methods only, each parameter one segment: 405, as
  the first;
- else no route (404).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aws_lambda_powertools.event_handler import APIGatewayRestResolver


class Route(Protocol):
    """What is read of a Powertools route."""

    method: str
    path: str  # its template: /v1/generations/<generation_id>
    rule: re.Pattern[str]  # Powertools' own pattern of it

    @property
    def dependant(self) -> Any: ...


@dataclass(frozen=True)
class Unmatched:
    """Why no route took the request: `allowed` (405), `errors` (422), or neither (404)."""

    allowed: tuple[str, ...] = ()
    errors: list[dict[str, Any]] = field(default_factory=list)


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


def _parameter_errors(route: Route, match: re.Match[str]) -> list[dict[str, Any]]:
    """The path parameters' validation errors (as pydantic words them, located
    `("path", name)`)."""
    errors: list[dict[str, Any]] = []
    fields: list[Any] = list(route.dependant.path_params)
    for declared in fields:
        _, found = declared.validate(match.group(declared.alias), loc=("path", declared.alias))
        errors.extend(found or [])
    if errors:
        return errors
    # Valid as declared yet unmatched: a value Powertools' segment refuses.
    name = fields[0].alias if fields else "path"
    return [{"loc": ("path", name), "msg": "Not one path segment", "type": "path_segment"}]


def _methods(routes: Iterable[Route]) -> tuple[str, ...]:
    return tuple(sorted({route.method for route in routes}))


def diagnose(routes: Sequence[Route], method: str, path: str) -> Unmatched:
    """Why `method path` matched none of `routes` (see the module's docstring)."""
    others = [route for route in routes if route.method != method]
    if allowed := _methods(route for route in others if route.rule.match(path)):
        return Unmatched(allowed=allowed)
    shaped = [route for route in routes if "<" in route.path]
    for route in shaped:
        if route.method == method and (match := _shape(route.path).fullmatch(path)):
            return Unmatched(errors=_parameter_errors(route, match))
    return Unmatched(allowed=_methods(r for r in shaped if _one_segment_each(r, path)))


def _one_segment_each(route: Route, path: str) -> bool:
    """Whether `path` has `route`'s shape with each parameter one segment: under another
    method, `POST /v1/generations/abc/aply` is no route, not a GET of the id `abc/aply`."""
    match = _shape(route.path).fullmatch(path)
    return match is not None and not any("/" in value for value in match.groups())


def match_only_their_paths(routes: Iterable[Any]) -> None:
    """Give each route a pattern that matches its own paths and no other.

    Powertools turns a route's template into a pattern as it is, so a `.` in it matched any
    character (`/v1/openapiXjson` was the schema), and ends it with `$`, which also matches
    before a final line feed (`/v1/generations/abc%0A` read the job `abc`, `/v1/config%0A`
    was the config). Each pattern is built again from the template with its fixed parts
    escaped (Powertools' own parameter groups kept) and `\\Z` at its end. Such a path then
    matches no route, and `diagnose` names its id. Called once every route is registered
    (the schema's route too): a route added later keeps Powertools' pattern."""
    for route in routes:
        pattern = APIGatewayRestResolver._compile_regex(re.escape(route.path)).pattern
        if not pattern.endswith("$"):
            raise ValueError(f"Powertools' pattern of {route.path!r} no longer ends with $")
        route.rule = re.compile(pattern[:-1] + r"\Z")
