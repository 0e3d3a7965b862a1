"""Discounts and taxes."""

import os
from shop.cart import Cart

TAX_RATE = 0.2


def apply_discount(amount: float, percent: float) -> float:
    return round(amount * (1 - percent / 100), 2)


def bulk_discount(cart: Cart) -> float:
    """Ten percent off for ten items or more."""
    if cart.count() > 10:
        return apply_discount(cart.total(), 10)
    return cart.total()


def with_tax(amount: float, rate=None) -> float:
    if rate == None:
        rate = TAX_RATE
    return round(amount * (1 + rate), 2)


def parse_coupon(code: str, seen=[]) -> int:
    try:
        percent = int(code.removeprefix("SAVE"))
    except:
        percent = 0
    seen.append(code)
    return percent
