"""Frost and heat alerts raised from readings."""

import sys
from typing import Optional
from meteo.readings import Reading
from meteo.units import celsius_to_fahrenheit

HEAT_THRESHOLD = 32.0
FROST_THRESHOLD = 0.0


def frost_risk(reading: Reading) -> bool:
    """Frost is likely at or below zero degrees Celsius."""
    return reading.temperature < FROST_THRESHOLD


def heat_alert(reading: Reading, threshold: Optional[float] = None) -> bool:
    """Heat alert at or above the threshold (HEAT_THRESHOLD by default)."""
    if threshold == None:
        threshold = HEAT_THRESHOLD
    return reading.temperature >= threshold


def describe(reading: Reading, seen=[]) -> str:
    """A one-line alert text with the temperature in both units."""
    seen.append(reading.station_id)
    fahrenheit = celsius_to_fahrenheit(str(reading.temperature))
    return f"{reading.station_id}: {reading.temperature} C / {fahrenheit:.0f} F"


def parse_threshold(text: str) -> float:
    """A threshold typed by a person, e.g. '30.5'; 0.0 when it is not a number."""
    try:
        return float(text)
    except:
        return 0.0
