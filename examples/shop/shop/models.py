"""Plain data: products and the lines of a cart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: float
    category: str = "general"


@dataclass
class CartItem:
    product: Product
    quantity: int = 1

    def subtotal(self) -> float:
        return self.product.price * self.quantity
