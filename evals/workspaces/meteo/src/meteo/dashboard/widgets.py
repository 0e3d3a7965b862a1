"""Dashboard widgets in tdom style: dataclasses whose ``__call__`` renders a ``Node``."""

from dataclasses import dataclass

from meteo.dashboard.tdom import Node, html
from meteo.readings import Reading, Station


@dataclass
class TemperatureTile:
    """The latest temperature of a station."""

    reading: Reading

    def __call__(self) -> Node:
        return html("<div class='tile'>{value} C</div>", value=self.reading.temperature)


@dataclass
class StationHeader:
    """The station's name and elevation."""

    station: Station

    def __call__(self) -> Node:
        return html(f"<h1>{self.station.name}</h1>")


class WindGauge:
    """The wind speed as a gauge."""

    def __init__(self, speed: float) -> None:
        self.speed = speed

    def __call__(self) -> Node:
        return html("<meter value='{speed}'></meter>", speed=self.speed)


@dataclass
class StationPage:
    """A whole station page: the header, then one tile per reading."""

    station: Station

    def __call__(self) -> Node:
        return html(
            "<main><{StationHeader} station={station} /><{ForecastPanel} /></main>",
            station=self.station,
        )
