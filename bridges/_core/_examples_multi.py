"""Multi-turn examples: sequences in which several core bridges take part.

Each step is a snippet written after seeing the previous result; steps do not rely on variables
of earlier steps, so they run the same in a fresh namespace or a session.
"""

from __future__ import annotations

from bridges._examples import BridgeExample, ExampleStep

__all__ = ["MULTI"]


def step(snippet: str, *contains: str, ok: bool = True) -> ExampleStep:
    return ExampleStep(snippet=snippet.strip() + "\n", expect_ok=ok, expect_contains=contains)


def seq(request: str, *steps: ExampleStep, answer: str) -> BridgeExample:
    return BridgeExample(request=request, steps=steps, answer=answer)


MULTI: tuple[BridgeExample, ...] = (
    seq(
        "Explain the type error in the cart.",
        step(
            'result = typecheck(path="shop/cart.py")\n'
            "for d in result.errors:\n"
            "    print(d.file, d.line, d.code)",
            "shop/cart.py 26 invalid-explicit-return",
        ),
        step(
            'result = read_file(path="shop/cart.py", start_line=24, end_line=26)\nprint(result.text)',
            "def total(self) -> int:",
        ),
        answer="Cart.total is annotated `-> int` but sums float subtotals; annotate it `-> float`.",
    ),
    seq(
        "Clean up the lint problems in pricing.py: what are they and where?",
        step(
            'result = ruff_check(path="shop/pricing.py")\n'
            "for v in result.violations:\n"
            "    print(v.line, v.code, v.fixable)",
            "21 E711 False",
        ),
        step(
            'result = read_file(path="shop/pricing.py", start_line=20, end_line=22)\n'
            "print(result.text)",
            "if rate == None:",
        ),
        step(
            'result = grep(pattern=r"== None", glob="*.py")\n'
            "print([(m.file, m.line) for m in result.matches])",
            "('shop/pricing.py', 21)",
        ),
        answer="Only pricing.py compares with `== None` (line 21); use `is None`. "
        "Also remove `import os`, sort imports, avoid the mutable default and the bare except.",
    ),
    seq(
        "Why does the bulk discount test fail?",
        step(
            'result = pytest_run(keyword="bulk")\n'
            "for t in result.tests:\n"
            "    print(t.outcome, t.file, t.line, t.message)",
            "failed tests/test_pricing.py 19",
        ),
        step(
            'result = read_file(path="tests/test_pricing.py", start_line=16, end_line=19)\n'
            "print(result.text)",
            "cart.add(PEN, 10)",
        ),
        step(
            'result = read_file(path="shop/pricing.py", start_line=13, end_line=17)\n'
            "print(result.text)",
            "if cart.count() > 10:",
        ),
        answer="The discount applies only above 10 items (`> 10`); the test buys exactly 10. "
        "Use `>= 10` as the docstring says.",
    ),
    seq(
        "Summarise my uncommitted work and where it fits in the history.",
        step(
            "result = git_status()\nfor c in result.changes:\n    print(c.path, c.status)",
            "shop/inventory.py modified",
        ),
        step(
            'result = git_diff(path="shop/inventory.py")\nprint(result.diff)',
            "+LOW_STOCK_THRESHOLD = 5",
        ),
        step(
            'result = git_log(path="shop/inventory.py", count=3)\n'
            "for c in result.commits:\n    print(c.date[:10], c.subject)",
            "2026-01-19 Add inventory reservations",
        ),
        answer="You changed LOW_STOCK_THRESHOLD from 3 to 5 in inventory.py, "
        "last committed in 'Add inventory reservations' (2026-01-19).",
    ),
    seq(
        "Find where reservations are handled and show me the code.",
        step(
            'result = list_files(path="shop", pattern="*.py")\nprint(result.files)',
            "shop/inventory.py",
        ),
        step(
            'result = grep(pattern=r"def reserve", path="shop")\n'
            "for m in result.matches:\n    print(m.file, m.line)",
            "shop/inventory.py 19",
        ),
        step(
            'result = read_file(path="shop/inventory.py", start_line=19, end_line=24)\n'
            "print(result.text)",
            "raise OutOfStock",
        ),
        answer="Inventory.reserve in shop/inventory.py (line 19) checks stock and raises "
        "OutOfStock when there is not enough.",
    ),
    seq(
        "What changed in inventory since the last commit, and does it still type-check?",
        step(
            "result = git_log(count=1)\nprint(result.commits[0].subject)",
            "Add the web layer",
        ),
        step(
            "result = git_diff()\nprint([f.path for f in result.files])",
            "['shop/inventory.py']",
        ),
        step(
            'result = typecheck(path="shop/inventory.py")\n'
            "print(result.error_count, result.errors[0].line)",
            "1 31",
        ),
        answer="Only the threshold changed; the one type error (line 31) predates it.",
    ),
    seq(
        "Is formatting the only thing I still have to commit?",
        step(
            "result = ruff_format()\nprint([f.file for f in result.files])",
            "['shop/inventory.py']",
        ),
        step(
            "result = git_status()\nprint([c.path for c in result.changes])",
            "['shop/inventory.py']",
        ),
        step(
            'result = git_diff(path="shop/inventory.py")\n'
            "print(result.files[0].added, result.files[0].removed)",
            "1 1",
        ),
        answer="inventory.py has an uncommitted threshold change and needs formatting "
        "(line 14); nothing else is pending.",
    ),
    seq(
        "The inventory tests: do they pass, and is the code they use well typed?",
        step(
            'result = pytest_run(keyword="reserve")\nprint(result.passed, result.failed)',
            "2 0",
        ),
        step(
            'result = grep(pattern=r"def reserve", path="shop/inventory.py")\n'
            "print(result.matches[0].line)",
            "19",
        ),
        step(
            'result = typecheck(path="shop/inventory.py")\n'
            "for d in result.errors:\n    print(d.line, d.code)",
            "31 invalid-argument-type",
        ),
        answer="Both reservation tests pass, but reserve_from_form (line 31) passes a str "
        "quantity to reserve; convert it with int().",
    ),
    seq(
        "Give me a quality report of the shop package.",
        step(
            'result = list_files(path="shop", pattern="*.py")\nprint(len(result.files) > 5)',
            "True",
        ),
        step(
            'result = ruff_check(path="shop")\nprint(result.violation_count, result.fixable_count)',
            "5 2",
        ),
        step(
            'result = ruff_format(path="shop")\nprint(result.changed_count)',
            "1",
        ),
        answer="5 lint violations (2 auto-fixable) and 1 file to format.",
    ),
    seq(
        "Before I commit: is everything I touched clean?",
        step(
            "result = git_status()\nprint([c.path for c in result.changes if not c.staged])",
            "['shop/inventory.py']",
        ),
        step(
            'result = ruff_check(path="shop/inventory.py")\nprint(result.success)',
            "True",
        ),
        step(
            'result = pytest_run(path="tests/test_inventory.py")\nprint(result.success)',
            "True",
        ),
        answer="inventory.py is lint-clean and its tests pass; it only needs formatting.",
    ),
    seq(
        "Where is Catalog defined and when was it added?",
        step(
            'result = grep(pattern=r"^class Catalog")\nprint(result.matches[0].file)',
            "shop/catalog.py",
        ),
        step(
            'result = git_diff(path="shop/catalog.py")\nprint(len(result.files))',
            "0",
        ),
        step(
            'result = git_log(path="shop/catalog.py")\nprint(result.commits[-1].subject)',
            "Start the shop: products, catalog and cart",
        ),
        answer="In shop/catalog.py, added in the first commit and unchanged since.",
    ),
    seq(
        "Which module has a redundant cast, and who added it?",
        step(
            "result = typecheck()\n"
            'print([(d.file, d.line) for d in result.errors if d.code == "redundant-cast"])',
            "('shop/catalog.py', 35)",
        ),
        step(
            'result = grep(pattern="cast", path="shop/catalog.py")\n'
            "print([m.line for m in result.matches])",
            "35",
        ),
        step(
            'result = git_log(path="shop/catalog.py", count=1)\nprint(result.commits[0].author)',
            "Ada Shopkeeper",
        ),
        answer="shop/catalog.py line 35 (featured); committed by Ada Shopkeeper.",
    ),
    seq(
        "Fix the formatting of inventory.py and confirm its types.",
        step(
            'result = ruff_format(path="shop/inventory.py")\nprint(result.files[0].diff)',
            "+        self.stock: dict[str, int] = {}",
        ),
        step(
            'result = read_file(path="shop/inventory.py", start_line=13, end_line=14)\n'
            "print(result.text)",
            "self.stock: dict[str,int] = { }",
        ),
        step(
            'result = typecheck(path="shop/inventory.py")\nprint(result.error_count)',
            "1",
        ),
        answer="Line 14 needs spaces: `dict[str, int] = {}`; the file has one unrelated type "
        "error.",
    ),
    seq(
        "Run each test file separately and tell me which one fails.",
        step(
            'result = list_files(path="tests", pattern="test_*.py")\nprint(len(result.files))',
            "3",
        ),
        step(
            'result = pytest_run(path="tests/test_pricing.py")\nprint(result.failed)',
            "1",
        ),
        answer="tests/test_pricing.py has the failure (test_bulk_discount).",
    ),
    seq(
        "Which test file is the newest in the history?",
        step(
            'result = list_files(path="tests")\nprint(result.files[-1])',
            "tests/test_pricing.py",
        ),
        step(
            'result = git_log(path="tests/test_inventory.py")\nprint(result.commits[0].date[:10])',
            "2026-01-19",
        ),
        answer="tests/test_inventory.py, added on 2026-01-19.",
    ),
)

WRITING: tuple[BridgeExample, ...] = (
    seq(
        "Remove the unused import from pricing.py.",
        step(
            'result = read_file(path="shop/pricing.py", start_line=1, end_line=5)\n'
            "print(result.text)",
            "import os",
        ),
        step(
            'source = read_file(path="shop/pricing.py").text\n'
            'result = write_file(path="shop/pricing.py", content=source.replace("import os\\n", ""))\n'
            "print(result.diff)",
            "-import os",
        ),
        step(
            'result = ruff_check(path="shop/pricing.py", select=["F401"])\nprint(result.success)',
            "True",
        ),
        answer="Removed `import os`; ruff finds no unused import now.",
    ),
    seq(
        "Add a test that a new cart is empty, then run it.",
        step(
            "test = 'from shop.cart import Cart\\n\\n\\ndef test_new_cart_is_empty():\\n"
            "    assert Cart().is_empty()\\n'\n"
            'result = write_file(path="tests/test_empty.py", content=test)\n'
            "print(result.created)",
            "True",
        ),
        step(
            'result = pytest_run(path="tests/test_empty.py")\nprint(result.passed, result.failed)',
            "1 0",
        ),
        step(
            "result = git_status()\n"
            'print([c.path for c in result.changes if c.status == "untracked"])',
            "tests/test_empty.py",
        ),
        answer="The new test passes; tests/test_empty.py is untracked until you commit it.",
    ),
    seq(
        "Write a badly formatted helper, then check and show the formatting.",
        step(
            'result = write_file(path="shop/util.py", content="def half(x):\\n    return x/2\\n")\n'
            "print(result.created)",
            "True",
        ),
        step(
            'result = ruff_format(path="shop/util.py")\nprint(result.files[0].diff)',
            "+    return x / 2",
        ),
        step(
            'result = read_file(path="shop/util.py")\nprint(result.line_count)',
            "2",
        ),
        answer="ruff would write `x / 2`; apply it with ruff_format(apply=True).",
    ),
    seq(
        "Fix the return type of Cart.total and check it.",
        step(
            'source = read_file(path="shop/cart.py").text\n'
            'fixed = source.replace("def total(self) -> int:", "def total(self) -> float:")\n'
            'result = write_file(path="shop/cart.py", content=fixed)\n'
            "print(result.created)",
            "False",
        ),
        step(
            'result = typecheck(path="shop/cart.py")\nprint(result.success)',
            "True",
        ),
        step(
            'result = git_diff(path="shop/cart.py")\nprint(result.files[0].added, result.files[0].removed)',
            "1 1",
        ),
        answer="Cart.total now returns float and cart.py type-checks; the diff is one line.",
    ),
)
