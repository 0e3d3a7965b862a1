"""The middleware chain: each middleware gets the request and ``call_next`` for the rest."""

from collections.abc import Callable

from shop.web.http import Request, Response

Handler = Callable[[Request], Response]


def logging_middleware(request: Request, call_next: Handler) -> Response:
    response = call_next(request)
    print(request.path, response.status)
    return response


def auth_middleware(request: Request, call_next: Handler) -> Response:
    if request.user is None:
        return Response(status=401, body="log in first")
    return call_next(request)


def timing_middleware(request: Request, call_next: Handler):
    call_next(request)


def cache_middleware(request: Request, call_next: Handler) -> Response:
    return Response(status=200, body="cached page")


def retry_middleware(request: Request, call_next: Handler) -> Response:
    response = call_next(request)
    if response.status >= 500:
        response = call_next(request)
    return response


def format_path(path: str) -> str:
    return path.rstrip("/") or "/"


MIDDLEWARE = [
    logging_middleware,
    auth_middleware,
    timing_middleware,
    retry_middleware,
    logging_middleware,
    cache_middleware,
    format_path,
]
