from collections.abc import Callable

from meteo.readings import Reading
from meteo.storage import from_line, to_line


def test_round_trip(make_reading: Callable[[int, float], Reading]) -> None:
    original = make_reading(12, 2.5)
    assert from_line(to_line(original)) == original
