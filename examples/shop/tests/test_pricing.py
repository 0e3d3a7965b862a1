from shop.cart import Cart
from shop.models import Product
from shop.pricing import apply_discount, bulk_discount, with_tax

PEN = Product("PEN-03", "Pen", 1.0)


def test_apply_discount():
    assert apply_discount(100.0, 15) == 85.0


def test_with_tax():
    assert with_tax(10.0) == 12.0


def test_bulk_discount():
    cart = Cart()
    cart.add(PEN, 10)
    assert bulk_discount(cart) == 9.0
