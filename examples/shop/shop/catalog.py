"""The product catalog."""

from __future__ import annotations

from typing import cast

from shop.models import Product


class Catalog:
    def __init__(self, products: list[Product] | None = None) -> None:
        self._products = {product.sku: product for product in products or []}

    def get(self, sku: str) -> Product | None:
        return self._products.get(sku)

    def by_category(self, category: str) -> list[Product]:
        return [p for p in self._products.values() if p.category == category]

    def price_of(self, sku: str) -> float:
        return self.get(sku).price


DEFAULT_CATALOG = Catalog(
    [
        Product("TEA-01", "Green tea", 4.5, "drinks"),
        Product("MUG-02", "Mug", 9.0, "kitchen"),
        Product("PEN-03", "Pen", 1.25),
    ]
)


def featured(catalog: Catalog, limit: int = 3) -> list[Product]:
    drinks = sorted(catalog.by_category("drinks"), key=lambda p: p.price)
    return cast(list[Product], drinks)[:limit]
