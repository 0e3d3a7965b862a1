import pytest

from meteo.readings import Station
from meteo.stats import mean, rolling_average, temperature_range


def test_mean() -> None:
    assert mean([1.0, 2.0, 6.0]) == 3.0


def test_mean_of_nothing() -> None:
    with pytest.raises(ValueError):
        mean([])


def test_temperature_range(station: Station) -> None:
    assert temperature_range(station) == (-4.0, 2.5)


def test_rolling_average_has_one_value_per_window() -> None:
    assert rolling_average([1.0, 2.0, 3.0, 4.0], window=2) == [1.5, 2.5, 3.5]
