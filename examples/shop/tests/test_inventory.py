from shop.inventory import Inventory, OutOfStock


def test_reserve_and_low_stock():
    inventory = Inventory()
    inventory.restock("TEA-01", 6)
    assert inventory.reserve("TEA-01", 2) == 4
    assert inventory.low_stock() == ["TEA-01"]


def test_reserve_too_many():
    inventory = Inventory()
    try:
        inventory.reserve("MUG-02", 1)
    except OutOfStock as error:
        assert "only 0" in str(error)
    else:
        raise AssertionError("expected OutOfStock")
