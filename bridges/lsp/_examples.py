"""Training and evaluation examples of the navigation bridges, against ``examples/shop``.

Every example runs in the test suite against a fresh copy of the sample workspace, so the facts
they state (Cart is defined in shop/cart.py at line 8...) are checked, not assumed. Snippets print
what the answer needs; ``expect_contains`` pins the printed text.
"""

from __future__ import annotations

from typing import Any

from bridges._examples import BridgeExample, ExampleStep

__all__ = [
    "DEFINITION_EXAMPLES",
    "DOCUMENT_SYMBOL_EXAMPLES",
    "HOVER_EXAMPLES",
    "REFERENCE_EXAMPLES",
    "WORKSPACE_SYMBOL_EXAMPLES",
]


def _one(request: str, snippet: str, expect: tuple[str, ...], answer: str) -> BridgeExample:
    return BridgeExample(
        request=request,
        steps=(ExampleStep(snippet=snippet, expect_contains=expect),),
        answer=answer,
    )


def _fails(request: str, snippet: str, expect: tuple[str, ...], answer: str) -> BridgeExample:
    return BridgeExample(
        request=request,
        steps=(ExampleStep(snippet=snippet, expect_ok=False, expect_contains=expect),),
        answer=answer,
    )


def _first(call: str) -> str:
    return f"r = {call}\nd = r.definitions[0]\nprint(d.file, d.line, d.context)"


DEFINITION_EXAMPLES: tuple[BridgeExample, ...] = (
    _one(
        "Where is the Cart class that pricing.py uses defined?",
        _first('goto_definition(file="shop/pricing.py", symbol="Cart")'),
        ("shop/cart.py 8 class Cart:",),
        "Cart is defined in shop/cart.py, line 8.",
    ),
    _one(
        "Which file defines CartItem, as used in the cart module?",
        _first('goto_definition(file="shop/cart.py", symbol="CartItem")'),
        ("shop/models.py 17",),
        "CartItem is a dataclass in shop/models.py (line 17).",
    ),
    _one(
        "catalog.py imports Product; where does it come from?",
        _first('goto_definition(file="shop/catalog.py", symbol="Product")'),
        ("shop/models.py 9 class Product:",),
        "Product is defined in shop/models.py at line 9.",
    ),
    _one(
        "Cart.total calls subtotal() on each item. Where is subtotal defined?",
        _first('goto_definition(file="shop/cart.py", symbol="subtotal")'),
        ("shop/models.py 21 def subtotal(self) -> float:",),
        "subtotal is CartItem.subtotal in shop/models.py, line 21.",
    ),
    _one(
        "with_tax uses TAX_RATE on line 22 of pricing.py. Where is it set?",
        _first('goto_definition(file="shop/pricing.py", symbol="TAX_RATE", line=22)'),
        ("shop/pricing.py 6 TAX_RATE = 0.2",),
        "TAX_RATE is set at the top of shop/pricing.py (line 6) to 0.2.",
    ),
    _one(
        "What function does line 16 of shop/pricing.py call, and where is it?",
        _first('goto_definition(file="shop/pricing.py", symbol="apply_discount", line=16)'),
        ("shop/pricing.py 9 def apply_discount",),
        "It calls apply_discount, defined in shop/pricing.py at line 9.",
    ),
    _one(
        "Inventory.reserve raises OutOfStock. Where is that exception class?",
        _first('goto_definition(file="shop/inventory.py", symbol="OutOfStock", line=22)'),
        ("shop/inventory.py 8 class OutOfStock(Exception):",),
        "OutOfStock is defined in shop/inventory.py, line 8, as a subclass of Exception.",
    ),
    _one(
        "Where is the low-stock threshold that low_stock() compares against defined?",
        _first('goto_definition(file="shop/inventory.py", symbol="LOW_STOCK_THRESHOLD", line=27)'),
        ("shop/inventory.py 5 LOW_STOCK_THRESHOLD = 5",),
        "LOW_STOCK_THRESHOLD = 5, at line 5 of shop/inventory.py.",
    ),
    _one(
        "In bulk_discount, what is `cart` on line 16 of pricing.py?",
        _first('goto_definition(file="shop/pricing.py", line=16, column=34)'),
        ("shop/pricing.py 13 def bulk_discount(cart: Cart) -> float:",),
        "`cart` is the parameter of bulk_discount (line 13), annotated as Cart.",
    ),
    _fails(
        "Where is the Basket class in cart.py?",
        'r = goto_definition(file="shop/cart.py", symbol="Basket")\nprint(r.count)',
        ("does not appear",),
        "There is no Basket in shop/cart.py; the cart class is called Cart.",
    ),
)

REFERENCE_EXAMPLES: tuple[BridgeExample, ...] = (
    _one(
        "Which files use the Cart class?",
        'r = find_references(file="shop/cart.py", symbol="Cart")\nprint(r.files)',
        ("shop/pricing.py", "tests/test_cart.py"),
        "Cart is used in shop/pricing.py and in the tests (test_cart.py, test_pricing.py).",
    ),
    _one(
        "Who calls CartItem.subtotal?",
        'r = find_references(file="shop/models.py", symbol="CartItem.subtotal", '
        "include_declaration=False)\nfor ref in r.references:\n    print(ref.file, ref.line, "
        "ref.context)",
        ("shop/cart.py 26 return sum(item.subtotal() for item in self.items)",),
        "Only Cart.total (shop/cart.py line 26) calls subtotal.",
    ),
    _one(
        "Is parse_coupon used anywhere?",
        'r = find_references(file="shop/pricing.py", symbol="parse_coupon", '
        "include_declaration=False)\nprint(r.count)",
        ("0",),
        "No: parse_coupon is defined in shop/pricing.py but never used.",
    ),
    _one(
        "Where is TAX_RATE read?",
        'r = find_references(file="shop/pricing.py", symbol="TAX_RATE")\nfor ref in '
        "r.references:\n    print(ref.line, ref.context)",
        ("22 rate = TAX_RATE",),
        "TAX_RATE is defined on line 6 and read only in with_tax (line 22).",
    ),
    _one(
        "Is with_tax tested?",
        'r = find_references(file="shop/pricing.py", symbol="with_tax")\nprint(r.files)',
        ("tests/test_pricing.py",),
        "Yes, tests/test_pricing.py calls with_tax.",
    ),
    _one(
        "How many places mention OutOfStock, and in which files?",
        'r = find_references(file="shop/inventory.py", symbol="OutOfStock")\n'
        "print(r.count, r.files)",
        ("shop/inventory.py", "tests/test_inventory.py"),
        "OutOfStock appears in shop/inventory.py and tests/test_inventory.py.",
    ),
    _one(
        "Who calls Inventory.reserve?",
        'r = find_references(file="shop/inventory.py", symbol="Inventory.reserve", '
        "include_declaration=False)\nfor ref in r.references:\n    print(ref.file, ref.line)",
        ("shop/inventory.py 31", "tests/test_inventory.py"),
        "reserve_from_form (shop/inventory.py line 31) and the inventory tests call it.",
    ),
    _one(
        "Where is Cart.count used?",
        'r = find_references(file="shop/cart.py", symbol="Cart.count", '
        "include_declaration=False)\nprint(r.files)",
        ("shop/pricing.py",),
        "Cart.count is used by bulk_discount in shop/pricing.py and by the cart tests.",
    ),
    _one(
        "Is DEFAULT_CATALOG used outside catalog.py?",
        'r = find_references(file="shop/catalog.py", symbol="DEFAULT_CATALOG")\n'
        "print(r.count, r.files)",
        ("1 ['shop/catalog.py']",),
        "No, DEFAULT_CATALOG is only defined (shop/catalog.py) and never used elsewhere.",
    ),
)

HOVER_EXAMPLES: tuple[BridgeExample, ...] = (
    _one(
        "What does bulk_discount do and what does it return?",
        'print(hover(file="shop/pricing.py", symbol="bulk_discount").text)',
        ("def bulk_discount(cart: Cart) -> float", "Ten percent off"),
        "bulk_discount(cart: Cart) -> float gives ten percent off for ten items or more.",
    ),
    _one(
        "What is the signature of Catalog.price_of?",
        'print(hover(file="shop/catalog.py", symbol="Catalog.price_of").text)',
        ("sku: str", "-> float"),
        "price_of(self, sku: str) -> float.",
    ),
    _one(
        "What type is Product.price?",
        'print(hover(file="shop/models.py", symbol="Product.price").text)',
        ("float",),
        "Product.price is a float.",
    ),
    _one(
        "What type does the checker infer for LOW_STOCK_THRESHOLD?",
        'print(hover(file="shop/inventory.py", symbol="LOW_STOCK_THRESHOLD").text)',
        ("Literal[5]",),
        "ty infers Literal[5] (an int constant).",
    ),
    _one(
        "What parameters does Inventory.reserve take?",
        'print(hover(file="shop/inventory.py", symbol="Inventory.reserve").text)',
        ("sku: str", "quantity: int", "-> int"),
        "reserve(self, sku: str, quantity: int) -> int.",
    ),
    _one(
        "What is DEFAULT_CATALOG?",
        'print(hover(file="shop/catalog.py", symbol="DEFAULT_CATALOG").text)',
        ("Catalog",),
        "DEFAULT_CATALOG is a Catalog instance.",
    ),
    _one(
        "Does Cart.is_empty return a bool?",
        'print(hover(file="shop/cart.py", symbol="Cart.is_empty").text)',
        ("-> bool",),
        "Yes, is_empty(self) -> bool.",
    ),
    _one(
        "What does `featured` in catalog.py return?",
        'print(hover(file="shop/catalog.py", symbol="featured").text)',
        ("-> list[Product]",),
        "featured(catalog, limit=3) returns list[Product].",
    ),
    _fails(
        "Hover over line 500 of cart.py.",
        'print(hover(file="shop/cart.py", line=500, column=1).text)',
        ("outside",),
        "shop/cart.py is much shorter than 500 lines.",
    ),
)

DOCUMENT_SYMBOL_EXAMPLES: tuple[BridgeExample, ...] = (
    _one(
        "What methods does the Cart class have?",
        'r = document_symbols(file="shop/cart.py")\nfor s in r.symbols:\n    if s.container == '
        '"Cart":\n        print(s.name)',
        ("add", "remove", "total", "is_empty"),
        "Cart has __init__, add, remove, count, total and is_empty.",
    ),
    _one(
        "List the functions in pricing.py.",
        'r = document_symbols(file="shop/pricing.py")\nfor s in r.symbols:\n    if s.kind == '
        '"function":\n        print(s.name, s.line)',
        ("apply_discount 9", "bulk_discount 13", "with_tax 20", "parse_coupon 26"),
        "apply_discount, bulk_discount, with_tax and parse_coupon.",
    ),
    _one(
        "What fields does Product have?",
        'r = document_symbols(file="shop/models.py")\nfor s in r.symbols:\n    if s.container == '
        '"Product":\n        print(s.name, s.kind)',
        ("sku field", "name field", "price field", "category field"),
        "Product has sku, name, price and category.",
    ),
    _one(
        "How many symbols does inventory.py define?",
        'r = document_symbols(file="shop/inventory.py")\nprint(r.count)',
        ("8",),
        "shop/inventory.py defines 8 symbols.",
    ),
    _one(
        "Which classes are in models.py?",
        'r = document_symbols(file="shop/models.py")\nfor s in r.symbols:\n    if s.kind == '
        '"class":\n        print(s.name, s.line)',
        ("Product 9", "CartItem 17"),
        "Product (line 9) and CartItem (line 17).",
    ),
    _one(
        "What constants are defined at the top of pricing.py?",
        'r = document_symbols(file="shop/pricing.py")\nfor s in r.symbols:\n    if s.kind == '
        '"constant":\n        print(s.name)',
        ("TAX_RATE",),
        "TAX_RATE.",
    ),
    _one(
        "Where does the Catalog class end?",
        'r = document_symbols(file="shop/catalog.py")\nfor s in r.symbols:\n    if s.name == '
        '"Catalog":\n        print(s.line, s.end_line)',
        ("10 21",),
        "Catalog spans lines 10 to 21 of shop/catalog.py.",
    ),
    _one(
        "Which module-level functions does inventory.py have?",
        'r = document_symbols(file="shop/inventory.py")\nfor s in r.symbols:\n    if s.kind == '
        '"function" and s.container is None:\n        print(s.name)',
        ("reserve_from_form",),
        "Only reserve_from_form.",
    ),
    _fails(
        "Show the outline of shop/basket.py.",
        'print(document_symbols(file="shop/basket.py").count)',
        ("does not exist",),
        "There is no shop/basket.py in the workspace.",
    ),
)

WORKSPACE_SYMBOL_EXAMPLES: tuple[BridgeExample, ...] = (
    _one(
        "Where is the Inventory class?",
        'r = workspace_symbols(query="Inventory")\ns = r.symbols[0]\nprint(s.name, s.file, s.line)',
        ("Inventory shop/inventory.py 12",),
        "Inventory is in shop/inventory.py, line 12.",
    ),
    _one(
        "Which functions deal with discounts?",
        'r = workspace_symbols(query="discount")\nfor s in r.symbols:\n    print(s.name, s.file)',
        ("apply_discount shop/pricing.py", "bulk_discount shop/pricing.py"),
        "apply_discount and bulk_discount in shop/pricing.py (and their tests).",
    ),
    _one(
        "Is there anything about coupons?",
        'r = workspace_symbols(query="coupon")\nfor s in r.symbols:\n    print(s.name, s.file, '
        "s.line)",
        ("parse_coupon shop/pricing.py 26",),
        "parse_coupon in shop/pricing.py (line 26).",
    ),
    _one(
        "What stock-related code exists?",
        'r = workspace_symbols(query="stock")\nfor s in r.symbols:\n    print(s.name, s.kind)',
        ("OutOfStock class", "restock method", "low_stock method"),
        "OutOfStock, Inventory.restock, Inventory.low_stock and LOW_STOCK_THRESHOLD.",
    ),
    _one(
        "Where is CartItem defined?",
        'r = workspace_symbols(query="CartItem")\ns = r.symbols[0]\nprint(s.file, s.line, s.kind)',
        ("shop/models.py 17 class",),
        "CartItem is a class in shop/models.py at line 17.",
    ),
    _one(
        "Find the tax code.",
        'r = workspace_symbols(query="tax")\nfor s in r.symbols:\n    print(s.name, s.file)',
        ("TAX_RATE shop/pricing.py", "with_tax shop/pricing.py"),
        "TAX_RATE and with_tax live in shop/pricing.py.",
    ),
    _one(
        "Which tests exist for the cart?",
        'r = workspace_symbols(query="test_")\nfor s in r.symbols:\n    if s.file == '
        '"tests/test_cart.py":\n        print(s.name)',
        ("test_add_merges_same_product",),
        "tests/test_cart.py has test_add_merges_same_product and more.",
    ),
    _one(
        "Where is the Catalog class, exactly?",
        'r = workspace_symbols(query="Catalog", limit=1)\nprint(r.count, r.symbols[0].file)',
        ("1 shop/catalog.py",),
        "Catalog is in shop/catalog.py.",
    ),
    _fails(
        "Search symbols with an empty query.",
        'print(workspace_symbols(query="").count)',
        ("query",),
        "The query must not be empty; search for a name or part of one.",
    ),
)


def _steps(*steps: tuple[Any, ...]) -> tuple[ExampleStep, ...]:
    """(snippet, expected substrings[, expect_ok]) tuples -> steps."""
    return tuple(
        ExampleStep(
            snippet=step[0],
            expect_contains=step[1],
            expect_ok=bool(step[2]) if len(step) > 2 else True,
        )
        for step in steps
    )


_MULTI_DEFINITION = (
    BridgeExample(
        request="What methods does the class of bulk_discount's `cart` parameter have?",
        steps=_steps(
            (_first('goto_definition(file="shop/pricing.py", symbol="Cart")'), ("shop/cart.py 8",)),
            (
                'r = document_symbols(file="shop/cart.py")\nfor s in r.symbols:\n    if '
                's.container == "Cart":\n        print(s.name)',
                ("count", "total"),
            ),
        ),
        answer="`cart` is a Cart (shop/cart.py); it has add, remove, count, total and is_empty.",
    ),
    BridgeExample(
        request="Where is CartItem defined? Start from pricing.py.",
        steps=_steps(
            (
                _first('goto_definition(file="shop/pricing.py", symbol="CartItem")'),
                ("does not appear",),
                False,
            ),
            (
                'r = workspace_symbols(query="CartItem")\nprint(r.symbols[0].file, '
                "r.symbols[0].line)",
                ("shop/models.py 17",),
            ),
        ),
        answer="pricing.py does not use CartItem; it is defined in shop/models.py at line 17.",
    ),
    BridgeExample(
        request="What type does Cart.total add up?",
        steps=_steps(
            (
                _first('goto_definition(file="shop/cart.py", symbol="subtotal")'),
                ("shop/models.py",),
            ),
            ('print(hover(file="shop/models.py", symbol="CartItem.subtotal").text)', ("float",)),
        ),
        answer="It sums CartItem.subtotal(), which returns float (while total is declared int).",
    ),
    BridgeExample(
        request="Where is Product defined and how widely is it used?",
        steps=_steps(
            (
                _first('goto_definition(file="shop/catalog.py", symbol="Product")'),
                ("shop/models.py",),
            ),
            (
                'r = find_references(file="shop/models.py", symbol="Product")\nprint(r.files)',
                ("shop/catalog.py", "shop/cart.py"),
            ),
        ),
        answer="Product is in shop/models.py and used by the cart and the catalog modules.",
    ),
)

_MULTI_REFERENCES = (
    BridgeExample(
        request="Is the parse_coupon helper dead code?",
        steps=_steps(
            ('r = workspace_symbols(query="parse_coupon")\nprint(r.symbols[0].file)', ("pricing",)),
            (
                'r = find_references(file="shop/pricing.py", symbol="parse_coupon", '
                "include_declaration=False)\nprint(r.count)",
                ("0",),
            ),
        ),
        answer="Yes: parse_coupon (shop/pricing.py) has no callers.",
    ),
    BridgeExample(
        request="Which tests exercise Inventory.reserve, and what does it return?",
        steps=_steps(
            (
                'r = find_references(file="shop/inventory.py", symbol="Inventory.reserve")\n'
                "print(r.files)",
                ("tests/test_inventory.py",),
            ),
            (
                'print(hover(file="shop/inventory.py", symbol="Inventory.reserve").text)',
                ("-> int",),
            ),
        ),
        answer="tests/test_inventory.py exercises it; reserve returns the remaining stock (int).",
    ),
    BridgeExample(
        request="Who calls subtotal, and where is that caller defined?",
        steps=_steps(
            (
                'r = find_references(file="shop/models.py", symbol="CartItem.subtotal", '
                "include_declaration=False)\nprint(r.references[0].file, r.references[0].line)",
                ("shop/cart.py 26",),
            ),
            (
                'r = document_symbols(file="shop/cart.py")\nfor s in r.symbols:\n    if s.line <= '
                '26 <= s.end_line and s.kind == "method":\n        print(s.container, s.name)',
                ("Cart total",),
            ),
        ),
        answer="Cart.total (shop/cart.py) is the only caller of CartItem.subtotal.",
    ),
    BridgeExample(
        request="If I rename TAX_RATE, which lines change?",
        steps=_steps(
            ('r = workspace_symbols(query="TAX_RATE")\nprint(r.symbols[0].file)', ("pricing.py",)),
            (
                'r = find_references(file="shop/pricing.py", symbol="TAX_RATE")\nfor ref in '
                "r.references:\n    print(ref.file, ref.line)",
                ("shop/pricing.py 6", "shop/pricing.py 22"),
            ),
        ),
        answer="Two lines of shop/pricing.py: the definition (6) and its use in with_tax (22).",
    ),
)

_MULTI_HOVER = (
    BridgeExample(
        request="What does OrderService need when it is created?",
        steps=_steps(
            (
                'print(hover(file="shop/web/services.py", symbol="__init__").text)',
                ("Mailer.__init__ (line 35, method), OrderService.__init__ (line 40, method)",),
                False,
            ),
            (
                'print(hover(file="shop/web/services.py", symbol="OrderService.__init__").text)',
                ("mailer: Mailer",),
            ),
        ),
        answer="An OrderService is created with one argument, mailer: Mailer.",
    ),
    BridgeExample(
        request="What does reserve_from_form pass as the quantity, and what does reserve expect?",
        steps=_steps(
            ('print(hover(file="shop/inventory.py", symbol="reserve_from_form").text)', ("form",)),
            (
                'print(hover(file="shop/inventory.py", symbol="Inventory.reserve").text)',
                ("quantity: int",),
            ),
        ),
        answer="It passes form['quantity'], a str, where reserve expects quantity: int.",
    ),
    BridgeExample(
        request="What is the type of the argument bulk_discount takes, and what is it?",
        steps=_steps(
            ('print(hover(file="shop/pricing.py", symbol="bulk_discount").text)', ("cart: Cart",)),
            (_first('goto_definition(file="shop/pricing.py", symbol="Cart")'), ("shop/cart.py 8",)),
        ),
        answer="It takes a Cart, the class in shop/cart.py (line 8).",
    ),
    BridgeExample(
        request="What type does Catalog.price_of return and what type is Product.price?",
        steps=_steps(
            ('print(hover(file="shop/catalog.py", symbol="Catalog.price_of").text)', ("-> float",)),
            ('print(hover(file="shop/models.py", symbol="Product.price").text)', ("float",)),
        ),
        answer="Both are float; but get() may return None, so price_of can fail on a missing sku.",
    ),
    BridgeExample(
        request="Find the tax helper and show its signature.",
        steps=_steps(
            (
                'r = workspace_symbols(query="with_tax")\nprint(r.symbols[0].file)',
                ("shop/pricing.py",),
            ),
            ('print(hover(file="shop/pricing.py", symbol="with_tax").text)', ("amount: float",)),
        ),
        answer="with_tax(amount: float, rate=None) -> float in shop/pricing.py.",
    ),
)

_MULTI_DOCUMENT = (
    BridgeExample(
        request="Which Inventory method is longest, and what does it return?",
        steps=_steps(
            (
                'r = document_symbols(file="shop/inventory.py")\nfor s in r.symbols:\n    if '
                's.container == "Inventory":\n        print(s.name, s.end_line - s.line + 1)',
                ("reserve 6",),
            ),
            (
                'print(hover(file="shop/inventory.py", symbol="Inventory.reserve").text)',
                ("-> int",),
            ),
        ),
        answer="reserve, with 6 lines; it returns the stock left (int).",
    ),
    BridgeExample(
        request="Does any module define a class named like the models?",
        steps=_steps(
            (
                'r = document_symbols(file="shop/models.py")\nfor s in r.symbols:\n    if s.kind == '
                '"class":\n        print(s.name)',
                ("Product", "CartItem"),
            ),
            (
                'r = workspace_symbols(query="CartItem")\nprint(r.count, r.symbols[0].file)',
                ("shop/models.py",),
            ),
        ),
        answer="Product and CartItem are only defined in shop/models.py.",
    ),
    BridgeExample(
        request="Outline pricing.py, then tell me which function has a docstring.",
        steps=_steps(
            ('r = document_symbols(file="shop/pricing.py")\nprint(r.count)', ("5",)),
            ('print(hover(file="shop/pricing.py", symbol="bulk_discount").text)', ("Ten percent",)),
        ),
        answer="bulk_discount is documented: 'Ten percent off for ten items or more.'",
    ),
    BridgeExample(
        request="What does Cart.add do with an existing product?",
        steps=_steps(
            (
                'r = document_symbols(file="shop/cart.py")\nfor s in r.symbols:\n    if s.name == '
                '"add":\n        print(s.line, s.end_line)',
                ("12 17",),
            ),
            ('print(hover(file="shop/cart.py", symbol="Cart.add").text)', ("product: Product",)),
        ),
        answer="Cart.add (lines 12-17) increases the quantity of a matching line instead of adding.",
    ),
)

_MULTI_WORKSPACE = (
    BridgeExample(
        request="Find the inventory class and list its methods.",
        steps=_steps(
            (
                'r = workspace_symbols(query="Inventory")\nprint(r.symbols[0].file)',
                ("shop/inventory.py",),
            ),
            (
                'r = document_symbols(file="shop/inventory.py")\nfor s in r.symbols:\n    if '
                's.container == "Inventory":\n        print(s.name)',
                ("restock", "reserve", "low_stock"),
            ),
        ),
        answer="Inventory (shop/inventory.py) has restock, reserve and low_stock.",
    ),
    BridgeExample(
        request="Where is the discount logic and who uses apply_discount?",
        steps=_steps(
            (
                'r = workspace_symbols(query="apply_discount")\nprint(r.symbols[0].file)',
                ("pricing",),
            ),
            (
                'r = find_references(file="shop/pricing.py", symbol="apply_discount", '
                "include_declaration=False)\nprint(r.files)",
                ("shop/pricing.py", "tests/test_pricing.py"),
            ),
        ),
        answer="apply_discount lives in shop/pricing.py; bulk_discount and the tests use it.",
    ),
    BridgeExample(
        request="Where is OutOfStock raised?",
        steps=_steps(
            ('r = workspace_symbols(query="OutOfStock")\nprint(r.symbols[0].file)', ("inventory",)),
            (
                'r = find_references(file="shop/inventory.py", symbol="OutOfStock", '
                "include_declaration=False)\nfor ref in r.references:\n    print(ref.file, "
                "ref.context)",
                ("raise OutOfStock",),
            ),
        ),
        answer="Inventory.reserve raises it (shop/inventory.py line 22).",
    ),
    BridgeExample(
        request="Which catalog method gives a product's price, and can it fail?",
        steps=_steps(
            (
                'r = workspace_symbols(query="price_of")\nprint(r.symbols[0].file)',
                ("shop/catalog.py",),
            ),
            (
                'print(hover(file="shop/catalog.py", symbol="Catalog.get").text)',
                ("Product | None",),
            ),
        ),
        answer="Catalog.price_of; it calls get(), which may return None, so it can fail.",
    ),
)

DEFINITION_EXAMPLES = DEFINITION_EXAMPLES + _MULTI_DEFINITION
REFERENCE_EXAMPLES = REFERENCE_EXAMPLES + _MULTI_REFERENCES
HOVER_EXAMPLES = HOVER_EXAMPLES + _MULTI_HOVER
DOCUMENT_SYMBOL_EXAMPLES = DOCUMENT_SYMBOL_EXAMPLES + _MULTI_DOCUMENT
WORKSPACE_SYMBOL_EXAMPLES = WORKSPACE_SYMBOL_EXAMPLES + _MULTI_WORKSPACE
