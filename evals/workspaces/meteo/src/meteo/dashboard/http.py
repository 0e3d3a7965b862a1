"""A tiny stand-in for a web framework: requests, responses and a router."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    path: str
    user: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    body: str = ""


class Router:
    """Maps (method, pattern) to a handler."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, Callable[..., Any]]] = []

    def add_route(self, pattern: str, handler: Callable[..., Any], method: str = "GET") -> None:
        self.routes.append((method, pattern, handler))

    def get(self, pattern: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            self.add_route(pattern, handler, "GET")
            return handler

        return register
