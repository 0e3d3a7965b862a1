"""The middleware chain: each middleware gets the request and ``call_next`` for the rest."""

from collections.abc import Callable

from meteo.dashboard.http import Request, Response

Handler = Callable[[Request], Response]


def auth_middleware(request: Request, call_next: Handler) -> Response:
    if request.user is None:
        return Response(status=401, body="log in first")
    return call_next(request)


def units_middleware(request: Request, call_next: Handler) -> Response:
    request.headers.setdefault("units", "metric")
    return call_next(request)


def audit_middleware(request: Request, call_next: Handler) -> None:
    call_next(request)


MIDDLEWARE = [auth_middleware, units_middleware, audit_middleware]
