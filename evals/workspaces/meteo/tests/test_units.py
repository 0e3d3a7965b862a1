import pytest

from meteo.units import celsius_to_fahrenheit, fahrenheit_to_celsius, hpa_to_inhg, ms_to_knots


def test_freezing_point() -> None:
    assert celsius_to_fahrenheit(0.0) == 32.0


def test_round_trip() -> None:
    assert fahrenheit_to_celsius(celsius_to_fahrenheit(21.5)) == pytest.approx(21.5)


def test_knots() -> None:
    assert ms_to_knots(10.0) == pytest.approx(19.43844)


def test_standard_pressure() -> None:
    assert hpa_to_inhg(1013.25) == pytest.approx(29.92, abs=0.01)
