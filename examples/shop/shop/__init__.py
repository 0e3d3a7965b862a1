"""A small web shop: catalog, cart, pricing and inventory."""

__all__ = ["__version__"]

__version__ = "0.3.0"
