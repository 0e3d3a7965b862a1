"""Reading and writing readings as CSV lines."""

from __future__ import annotations

from datetime import datetime

from meteo.readings import Reading

HEADER = 'station_id,taken_at,temperature,humidity,wind_speed,pressure'


def to_line(reading: Reading) -> str:
    """One CSV line for a reading."""
    return ','.join([reading.station_id,reading.taken_at.isoformat(),str(reading.temperature),
        str(reading.humidity),str(reading.wind_speed),str(reading.pressure)])


def from_line(line: str) -> Reading:
    """The reading a CSV line describes."""
    station_id, taken_at, temperature, humidity, wind, pressure = line.strip().split(',')
    return Reading(station_id=station_id, taken_at=datetime.fromisoformat(taken_at),
                   temperature=float(temperature), humidity=float(humidity),
                   wind_speed=float(wind), pressure=float(pressure))
