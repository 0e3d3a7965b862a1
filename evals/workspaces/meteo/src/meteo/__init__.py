"""meteo: readings from weather stations, unit conversions, statistics and alerts."""

__version__ = "0.2.0"
