"""Stations and the readings they record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Reading:
    """One observation: temperature in degrees Celsius, humidity in percent, wind in m/s."""

    station_id: str
    taken_at: datetime
    temperature: float
    humidity: float
    wind_speed: float
    pressure: float


@dataclass
class Station:
    """A weather station and everything it has recorded so far."""

    station_id: str
    name: str
    elevation: int
    readings: list[Reading] = field(default_factory=list)

    def record(self, reading: Reading) -> None:
        """Keep a reading of this station; a reading of another station is refused."""
        if reading.station_id != self.station_id:
            raise ValueError(f"reading of {reading.station_id} given to {self.station_id}")
        self.readings.append(reading)

    def latest(self) -> Reading | None:
        """The most recent reading, or None before the first one."""
        return max(self.readings, key=lambda reading: reading.taken_at, default=None)

    def temperatures(self) -> list[float]:
        """Every temperature recorded, oldest first."""
        return [reading.temperature for reading in self.readings]
