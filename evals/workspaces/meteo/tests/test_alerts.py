from collections.abc import Callable

from meteo.alerts import frost_risk, heat_alert, parse_threshold
from meteo.readings import Reading

MakeReading = Callable[[int, float], Reading]


def test_frost_below_zero(make_reading: MakeReading) -> None:
    assert frost_risk(make_reading(6, -2.0))


def test_frost_at_zero(make_reading: MakeReading) -> None:
    assert frost_risk(make_reading(6, 0.0))


def test_heat_alert_at_threshold(make_reading: MakeReading) -> None:
    assert heat_alert(make_reading(15, 32.0))


def test_parse_threshold() -> None:
    assert parse_threshold("30.5") == 30.5
