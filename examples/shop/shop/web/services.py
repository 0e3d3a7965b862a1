"""Service registrations in svcs style: each service type gets a factory in the registry."""

from dataclasses import dataclass

from shop.web import svcs


@dataclass
class Database:
    url: str


@dataclass
class ProductRepository:
    db: Database


@dataclass
class TaxTable:
    rate: float


@dataclass
class PriceService:
    repository: ProductRepository
    taxes: TaxTable


@dataclass
class Settings:
    debug: bool = False


class Mailer:
    def __init__(self, orders: object) -> None:
        self.orders = orders


class OrderService:
    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer


class Clock:
    def now(self) -> float:
        return 0.0


class AuditLog:
    def record(self, event: str) -> None:
        print(event)


def make_database(container: svcs.Container) -> Database:
    return Database(url="sqlite:///shop.db")


def make_repository(container: svcs.Container) -> ProductRepository:
    return ProductRepository(db=container.get(Database))


def make_pricing(container: svcs.Container) -> PriceService:
    return PriceService(repository=container.get(ProductRepository), taxes=container.get(TaxTable))


def make_orders(container: svcs.Container) -> OrderService:
    return OrderService(mailer=container.get(Mailer))


def make_mailer(container: svcs.Container) -> Mailer:
    return Mailer(orders=container.get(OrderService))


def make_clock() -> Clock:
    return Clock()


def make_audit_log(container: svcs.Container) -> AuditLog:
    return AuditLog()


registry = svcs.Registry()
registry.register_factory(Database, make_database)
registry.register_factory(ProductRepository, make_repository)
registry.register_factory(PriceService, make_pricing)
registry.register_factory(OrderService, make_orders)
registry.register_factory(Mailer, make_mailer)
registry.register_factory("AuditLog", make_audit_log)
registry.register_factory(Clock, make_clock())
registry.register_factory(Database, make_database)
registry.register_value(Settings, lambda: Settings(debug=True))
