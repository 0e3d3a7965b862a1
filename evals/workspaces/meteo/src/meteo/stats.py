"""Statistics over a station's readings."""

from __future__ import annotations

from typing import cast

from meteo.readings import Reading, Station


def mean(values: list[float]) -> float:
    """The arithmetic mean; refuses an empty list."""
    if not values:
        raise ValueError("mean of no values")
    return sum(values) / len(values)


def rolling_average(values: list[float], window: int) -> list[float]:
    """The mean of each run of ``window`` consecutive values, one per complete window."""
    return [mean(values[i : i + window]) for i in range(len(values) - window)]


def temperature_range(station: Station) -> tuple[float, float]:
    """The lowest and the highest temperature the station recorded."""
    temperatures = station.temperatures()
    return min(temperatures), max(temperatures)


def warmest(station: Station) -> Reading:
    """The reading with the highest temperature."""
    return max(station.readings, key=lambda reading: reading.temperature, default=None)


def mean_wind(station: Station) -> float:
    """The mean wind speed in m/s."""
    speeds = [cast(float, reading.wind_speed) for reading in station.readings]
    return mean(speeds)
