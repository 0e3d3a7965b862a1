"""The shopping cart."""

from __future__ import annotations

from shop.models import CartItem, Product


class Cart:
    def __init__(self) -> None:
        self.items: list[CartItem] = []

    def add(self, product: Product, quantity: int = 1) -> None:
        for item in self.items:
            if item.product.sku == product.sku:
                item.quantity += quantity
                return
        self.items.append(CartItem(product, quantity))

    def remove(self, sku: str) -> None:
        self.items = [item for item in self.items if item.product.sku != sku]

    def count(self) -> int:
        return sum(item.quantity for item in self.items)

    def total(self) -> int:
        return sum(item.subtotal() for item in self.items)

    def is_empty(self) -> bool:
        return not self.items
