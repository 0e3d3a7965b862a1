"""Stock levels and reservations."""

from __future__ import annotations

LOW_STOCK_THRESHOLD = 5


class OutOfStock(Exception):
    pass


class Inventory:
    def __init__(self) -> None:
        self.stock: dict[str,int] = { }

    def restock(self, sku: str, quantity: int) -> None:
        self.stock[sku] = self.stock.get(sku, 0) + quantity

    def reserve(self, sku: str, quantity: int) -> int:
        available = self.stock.get(sku, 0)
        if quantity > available:
            raise OutOfStock(f"only {available} of {sku} left")
        self.stock[sku] = available - quantity
        return self.stock[sku]

    def low_stock(self) -> list[str]:
        return sorted(sku for sku, count in self.stock.items() if count < LOW_STOCK_THRESHOLD)


def reserve_from_form(inventory: Inventory, form: dict[str, str]) -> int:
    return inventory.reserve(form["sku"], form["quantity"])
