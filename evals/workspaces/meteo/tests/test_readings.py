from collections.abc import Callable

import pytest

from meteo.readings import Reading, Station


def test_latest_is_the_most_recent(station: Station) -> None:
    latest = station.latest()
    assert latest is not None and latest.temperature == 1.0


def test_a_reading_of_another_station_is_refused(
    make_reading: Callable[[int, float], Reading],
) -> None:
    other = Station(station_id="HOH", name="Hohenpeissenberg", elevation=977)
    with pytest.raises(ValueError, match="reading of ZUG given to HOH"):
        other.record(make_reading(6, 5.0))
