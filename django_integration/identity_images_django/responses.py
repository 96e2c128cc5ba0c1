"""The one error shape: `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse, JsonResponse

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def error(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "details": details or {}}}, status=status
    )


def allow(*methods: str) -> Callable[[View[P]], View[P]]:
    """Like `require_http_methods`, but answers 405 in the error shape."""

    def decorate(view: View[P]) -> View[P]:
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error(
                    405, "method_not_allowed", f"Use {' or '.join(methods)} on this URL."
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        update_wrapper(wrapper, view)
        return wrapper

    return decorate
