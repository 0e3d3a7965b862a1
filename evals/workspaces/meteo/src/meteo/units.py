"""Unit conversions between what the stations report and what people read."""

KNOTS_PER_METRE_PER_SECOND = 1.943844
INHG_PER_HPA = 0.02953


def celsius_to_fahrenheit(celsius: float) -> float:
    """Degrees Celsius to degrees Fahrenheit."""
    return celsius * 9 / 5 + 32


def fahrenheit_to_celsius(fahrenheit: float) -> float:
    """Degrees Fahrenheit to degrees Celsius."""
    return (fahrenheit - 32) * 5 / 9


def ms_to_knots(speed: float) -> float:
    """Wind speed in metres per second to knots."""
    return speed * KNOTS_PER_METRE_PER_SECOND


def hpa_to_inhg(pressure: float) -> float:
    """Air pressure in hectopascals to inches of mercury."""
    return pressure * INHG_PER_HPA
