"""URL routes of the shop: patterns with ``{name}`` or ``{name:converter}`` placeholders."""

from shop.web import svcs
from shop.web.components import ProductCard
from shop.web.http import Request, Response, Router
from shop.web.services import Database, PriceService, registry

router = Router()
container = svcs.Container(registry)
DEFAULT_DATABASE = container.get(Database)


@router.get("/")
def home(request: Request) -> Response:
    return Response(status=200, body="welcome")


@router.get("/products/{sku}")
def product_page(request: Request, sku: str) -> Response:
    pricing = container.get(PriceService)
    return Response(status=200, body=f"{sku} {pricing}")


@router.get("cart")
def cart_page(request: Request) -> Response:
    return Response(status=200, body="cart")


@router.get("/orders/{order_id")
def order_page(request: Request, order_id: str) -> Response:
    return Response(status=200, body=order_id)


@router.get("/users/{user_id}/orders/{order_id}")
def user_orders(request: Request, user_id: int) -> Response:
    return Response(status=200, body=str(user_id))


@router.get("/items/{item_id:integer}")
def item_page(request: Request, item_id: int) -> Response:
    return Response(status=200, body=str(item_id))


@router.get("/products/{sku}")
def product_page_again(request: Request, sku: str) -> Response:
    return Response(status=200, body=sku)


@router.post("/checkout")
def checkout(request: Request) -> Response:
    request_container = svcs.Container(registry)
    prices = request_container.get("PriceService")
    return Response(status=303, body=str(prices))


def search_page(request: Request, query: str) -> Response:
    card = ProductCard
    return Response(status=200, body=f"{query} {card.__name__}")


router.add_route("/search/{query}", search_page)
router.add_route("/help/{topic}", search_page)
