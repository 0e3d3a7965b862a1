"""URL routes of the dashboard."""

from meteo.dashboard import svcs
from meteo.dashboard.http import Request, Response, Router
from meteo.dashboard.services import Forecaster, StationStore, registry

router = Router()
container = svcs.Container(registry)
STORE = container.get(StationStore)


@router.get("/")
def index(request: Request) -> Response:
    return Response(status=200, body="stations")


@router.get("/stations/{station_id}")
def station_page(request: Request, station_id: str) -> Response:
    forecaster = container.get(Forecaster)
    return Response(status=200, body=f"{station_id} {forecaster}")


@router.get("/stations/{station_id}/days/{day:date}")
def day_page(request: Request, station_id: str, day: str) -> Response:
    return Response(status=200, body=f"{station_id} {day}")


@router.get("/compare/{first}/{second}")
def compare_page(request: Request, first: str) -> Response:
    return Response(status=200, body=first)
