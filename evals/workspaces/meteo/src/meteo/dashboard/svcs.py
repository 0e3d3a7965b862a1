"""A tiny stand-in for the svcs library: a registry of factories and a per-request container."""

from collections.abc import Callable
from typing import Any


class Registry:
    """Maps a service type to the factory that builds it."""

    def __init__(self) -> None:
        self.factories: dict[Any, Callable[..., Any]] = {}

    def register_factory(self, service: Any, factory: Any) -> None:
        self.factories[service] = factory

    def register_value(self, service: Any, value: object) -> None:
        self.factories[service] = lambda: value


class Container:
    """Builds and caches services for one request."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.instances: dict[Any, Any] = {}

    def get(self, service: Any) -> Any:
        if service not in self.instances:
            self.instances[service] = self.registry.factories[service](self)
        return self.instances[service]
