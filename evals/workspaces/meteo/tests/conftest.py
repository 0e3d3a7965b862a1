"""Readings shared by the tests: a mountain station with four observations."""

from collections.abc import Callable
from datetime import datetime

import pytest

from meteo.readings import Reading, Station

MakeReading = Callable[[int, float], Reading]


def reading_at(hour: int, temperature: float) -> Reading:
    return Reading(
        station_id="ZUG",
        taken_at=datetime(2026, 2, 1, hour),
        temperature=temperature,
        humidity=80.0,
        wind_speed=3.0,
        pressure=1013.0,
    )


@pytest.fixture
def make_reading() -> MakeReading:
    return reading_at


@pytest.fixture
def station() -> Station:
    zugspitze = Station(station_id="ZUG", name="Zugspitze", elevation=2962)
    for hour, temperature in [(6, -4.0), (9, -1.5), (12, 2.5), (15, 1.0)]:
        zugspitze.record(reading_at(hour, temperature))
    return zugspitze
