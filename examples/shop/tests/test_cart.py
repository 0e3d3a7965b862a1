from shop.cart import Cart
from shop.models import Product

TEA = Product("TEA-01", "Green tea", 4.5, "drinks")
MUG = Product("MUG-02", "Mug", 9.0, "kitchen")


def test_add_merges_same_product():
    cart = Cart()
    cart.add(TEA)
    cart.add(TEA, 2)
    assert cart.count() == 3
    assert len(cart.items) == 1


def test_total():
    cart = Cart()
    cart.add(TEA, 2)
    cart.add(MUG)
    assert cart.total() == 18.0


def test_remove():
    cart = Cart()
    cart.add(TEA)
    cart.remove("TEA-01")
    assert cart.is_empty()
