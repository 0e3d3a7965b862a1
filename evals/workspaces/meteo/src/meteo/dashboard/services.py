"""Service registrations in svcs style: each service type gets a factory in the registry."""

from dataclasses import dataclass

from meteo.dashboard import svcs


@dataclass
class StationStore:
    path: str


@dataclass
class Forecaster:
    store: StationStore


@dataclass
class AlertSender:
    forecaster: Forecaster
    channel: "Channel"


@dataclass
class Channel:
    name: str


def make_store(container: svcs.Container) -> StationStore:
    return StationStore(path="stations.csv")


def make_forecaster(container: svcs.Container) -> Forecaster:
    return Forecaster(store=container.get(StationStore))


def make_alert_sender(container: svcs.Container) -> AlertSender:
    return AlertSender(forecaster=container.get(Forecaster), channel=container.get(Channel))


registry = svcs.Registry()
registry.register_factory(StationStore, make_store)
registry.register_factory(Forecaster, make_forecaster(svcs.Container(svcs.Registry())))
registry.register_factory(AlertSender, make_alert_sender)
