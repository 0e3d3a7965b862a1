"""Page components in tdom style: dataclasses whose ``__call__`` renders a ``Node`` with ``html()``.

A template's ``{name}`` placeholders refer to names in scope, as in a t-string; ``<{Price} />``
renders another component.
"""

from dataclasses import dataclass

from shop.models import Product
from shop.web.services import PriceService
from shop.web.tdom import Markup, Node, html


@dataclass
class Price:
    """A formatted price."""

    amount: float

    def __call__(self) -> Node:
        return html("<span class='price'>{amount}</span>", amount=round(self.amount, 2))


@dataclass
class ProductCard:
    """One product in the catalog grid."""

    product: Product

    def __call__(self) -> Node:
        return html(
            "<article><h2>{name}</h2><{Price} amount={price} /></article>",
            name=self.product.name,
            price=self.product.price,
        )


class CartBadge:
    """The number of items in the cart, shown in the header."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __call__(self) -> Node:
        return html("<span class='badge'>{count}</span>", count=self.count)


@dataclass
class Banner:
    """A promotional banner."""

    message: str

    def __call__(self):
        return html(f"<div class='banner'>{self.message}</div>")


@dataclass
class SearchBox:
    """The search form."""

    query: str = ""

    def __call__(self) -> Node:
        return Node("<form><input name='q'></form>")


@dataclass
class Greeting:
    """Hello, customer."""

    def __call__(self, name: str) -> Node:
        return html("<p>Hello {name}</p>", name=name)


@dataclass
class ReviewList:
    """Customer reviews of a product."""

    reviews: list[str]

    def __call__(self) -> Node:
        items = "".join(Markup(f"<li>{review}</li>") for review in self.reviews)
        return html("<ul>" + items + "</ul>")


class CartSummary:
    """Totals of the cart (a helper, not a component)."""

    def total(self, amounts: list[float]) -> float:
        return sum(amounts)


@dataclass
class CatalogPage:
    """The catalog: a grid of product cards."""

    products: list[Product]
    pricing: PriceService | None = None

    def __call__(self) -> Node:
        return html(
            "<main><{ProductCard} product={first}><{Pagination} /><{CartSummary} /></main>",
            first=self.products[0],
        )


@dataclass
class Menu:
    """A navigation menu whose entries can hold sub-menus."""

    entries: list[str]

    def __call__(self) -> Node:
        return html("<nav><{Menu} entries={entries} /></nav>", entries=self.entries)
