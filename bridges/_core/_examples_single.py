"""Single-turn examples of the core bridges, written against the sample workspace (examples/shop).

Each states what the run's output must contain; ``tests/bridges/test_examples.py`` runs them all
in the real sandbox. Snippets print the fields that answer the request, as a model should.
"""

from __future__ import annotations

from bridges._examples import BridgeExample, ExampleStep

__all__ = ["SINGLE"]


def one(request: str, snippet: str, contains: tuple[str, ...], answer: str, *, ok: bool = True):
    return BridgeExample(
        request=request,
        steps=(
            ExampleStep(snippet=snippet.strip() + "\n", expect_ok=ok, expect_contains=contains),
        ),
        answer=answer,
    )


TYPECHECK = (
    one(
        "Does the shop package type-check?",
        """
result = typecheck(path="shop")
print(result.success, result.error_count, result.warning_count)
""",
        ("False 3 1",),
        "No: ty reports 3 errors and 1 warning in shop/.",
    ),
    one(
        "List the type errors in the project with their locations.",
        """
result = typecheck()
for d in result.errors:
    if d.severity == "error":
        print(f"{d.file}:{d.line}:{d.column} {d.code}")
""",
        (
            "shop/cart.py:26:16 invalid-explicit-return",
            "shop/catalog.py:21:16 missing-union-attribute",
            "shop/inventory.py:31:43 invalid-argument-type",
        ),
        "Three errors: shop/cart.py:26, shop/catalog.py:21 and shop/inventory.py:31.",
    ),
    one(
        "Is shop/models.py clean for the type checker?",
        """
result = typecheck(path="shop/models.py")
print("clean" if result.success else result.errors)
""",
        ("clean",),
        "Yes, shop/models.py has no type errors.",
    ),
    one(
        "What is wrong with the types in cart.py?",
        """
result = typecheck(path="shop/cart.py")
for d in result.errors:
    print(d.line, d.message)
""",
        ("26 Return type does not match returned value: expected `int`, found `float`",),
        "Cart.total is annotated to return int but returns a float (line 26).",
    ),
    one(
        "Show only the type-checker warnings.",
        """
result = typecheck()
warnings = [d for d in result.errors if d.severity == "warning"]
for d in warnings:
    print(d.file, d.line, d.code)
""",
        ("shop/catalog.py 35 redundant-cast",),
        "One warning: a redundant cast in shop/catalog.py at line 35.",
    ),
    one(
        "Which files have type errors?",
        """
result = typecheck()
files = sorted(set(d.file for d in result.errors if d.severity == "error"))
print(files)
""",
        ("['shop/cart.py', 'shop/catalog.py', 'shop/inventory.py']",),
        "shop/cart.py, shop/catalog.py and shop/inventory.py.",
    ),
    one(
        "How many type errors are in inventory.py, and what does ty say?",
        """
result = typecheck(path="shop/inventory.py")
print(result.error_count)
print(result.errors[0].message)
""",
        ("1", "Expected `int`, found `str`"),
        "One: reserve_from_form passes a str where Inventory.reserve expects an int.",
    ),
    one(
        "Type-check the file ../other_project/app.py.",
        """
result = typecheck(path="../other_project/app.py")
""",
        ("contains '..'",),
        "I can only check files inside this workspace; that path leads outside it.",
        ok=False,
    ),
    one(
        "Do the tests type-check?",
        """
result = typecheck(path="tests")
print(result.success, result.error_count)
""",
        ("True 0",),
        "Yes, the tests folder has no type errors.",
    ),
)

RUFF_CHECK = (
    one(
        "Run the linter on the project.",
        """
result = ruff_check()
print(result.violation_count, result.fixable_count)
for v in result.violations:
    print(f"{v.file}:{v.line} {v.code} {v.message}")
""",
        ("5 2", "shop/pricing.py:3 F401 `os` imported but unused"),
        "Five violations, all in shop/pricing.py; two can be fixed automatically.",
    ),
    one(
        "Are there unused imports anywhere?",
        """
result = ruff_check(select=["F401"])
for v in result.violations:
    print(v.file, v.line, v.message)
""",
        ("shop/pricing.py 3 `os` imported but unused",),
        "Yes: `os` is imported but unused in shop/pricing.py line 3.",
    ),
    one(
        "Is cart.py lint-clean?",
        """
result = ruff_check(path="shop/cart.py")
print(result.success)
""",
        ("True",),
        "Yes, ruff finds nothing in shop/cart.py.",
    ),
    one(
        "Which lint problems can ruff fix by itself?",
        """
result = ruff_check()
print([v.code for v in result.violations if v.fixable])
""",
        ("['I001', 'F401']",),
        "The import sorting (I001) and the unused import (F401) in shop/pricing.py.",
    ),
    one(
        "Check pricing.py for bugbear warnings.",
        """
result = ruff_check(path="shop/pricing.py", select=["B"])
for v in result.violations:
    print(v.line, v.code, v.message)
""",
        ("26 B006",),
        "Line 26 uses a mutable default argument (B006).",
    ),
    one(
        "Any bare excepts or comparisons to None?",
        """
result = ruff_check(select=["E711", "E722"])
for v in result.violations:
    print(v.file, v.line, v.code)
""",
        ("shop/pricing.py 21 E711", "shop/pricing.py 29 E722"),
        "Both, in shop/pricing.py: `== None` at line 21 and a bare except at line 29.",
    ),
    one(
        "Lint with the rule Q999.",
        """
result = ruff_check(select=["Q999"])
""",
        ("contains a rule ruff does not know",),
        "ruff has no rule Q999; pick an existing code such as F401.",
        ok=False,
    ),
    one(
        "How many lint violations are in the tests folder?",
        """
result = ruff_check(path="tests")
print(result.violation_count)
""",
        ("0",),
        "None: the tests are lint-clean.",
    ),
)

RUFF_FORMAT = (
    one(
        "Is the code formatted?",
        """
result = ruff_format()
print(result.success, result.changed_count, result.files_checked)
""",
        ("False 1",),
        "Not quite: one file would be reformatted.",
    ),
    one(
        "Which files would the formatter change?",
        """
result = ruff_format()
print([f.file for f in result.files])
""",
        ("['shop/inventory.py']",),
        "Only shop/inventory.py.",
    ),
    one(
        "Show me the formatting diff for inventory.py.",
        """
result = ruff_format(path="shop/inventory.py")
print(result.files[0].diff)
""",
        ("+        self.stock: dict[str, int] = {}",),
        "ruff would write `self.stock: dict[str, int] = {}` on line 14.",
    ),
    one(
        "Is cart.py formatted?",
        """
result = ruff_format(path="shop/cart.py")
print(result.success)
""",
        ("True",),
        "Yes.",
    ),
    one(
        "Format the whole project now.",
        """
result = ruff_format(apply=True)
""",
        ("does not allow",),
        "This session may not write files; here are the diffs instead.",
        ok=False,
    ),
    one(
        "Are the tests formatted?",
        """
result = ruff_format(path="tests")
print(result.success, result.changed_count)
""",
        ("True 0",),
        "Yes, nothing in tests/ would change.",
    ),
    one(
        "Did ruff format fail on any file?",
        """
result = ruff_format()
print(result.errors)
""",
        ("[]",),
        "No file had a syntax error; ruff could format all of them.",
    ),
    one(
        "How many lines would formatting change in inventory.py?",
        """
result = ruff_format(path="shop/inventory.py")
diff = result.files[0].diff
print(len([line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]))
""",
        ("1",),
        "One line.",
    ),
)

PYTEST_RUN = (
    one(
        "Run the tests.",
        """
result = pytest_run()
print(result.passed, result.failed, result.errors, result.skipped)
""",
        ("7 1 0 0",),
        "7 passed, 1 failed.",
    ),
    one(
        "Which test fails and why?",
        """
result = pytest_run()
for t in result.tests:
    if t.outcome == "failed":
        print(t.name)
        print(t.message)
""",
        ("tests/test_pricing.py::test_bulk_discount", "assert 10.0 == 9.0"),
        "test_bulk_discount: the bulk discount returned 10.0 instead of 9.0.",
    ),
    one(
        "Do the cart tests pass?",
        """
result = pytest_run(path="tests/test_cart.py")
print(result.success, result.passed)
""",
        ("True 3",),
        "Yes, all 3 cart tests pass.",
    ),
    one(
        "Run only the discount tests.",
        """
result = pytest_run(keyword="discount")
for t in result.tests:
    print(t.name, t.outcome)
""",
        (
            "tests/test_pricing.py::test_apply_discount passed",
            "tests/test_pricing.py::test_bulk_discount failed",
        ),
        "test_apply_discount passes, test_bulk_discount fails.",
    ),
    one(
        "Where exactly does the failing test fail?",
        """
result = pytest_run(path="tests/test_pricing.py")
failed = [t for t in result.tests if t.outcome == "failed"]
print(failed[0].file, failed[0].line)
""",
        ("tests/test_pricing.py 19",),
        "At tests/test_pricing.py line 19.",
    ),
    one(
        "Are the inventory tests green?",
        """
result = pytest_run(path="tests/test_inventory.py")
print("green" if result.success else "red", len(result.tests))
""",
        ("green 2",),
        "Yes, both inventory tests pass.",
    ),
    one(
        "Run the tests matching 'cart and ('.",
        """
result = pytest_run(keyword="cart and (")
""",
        ("not a valid pytest -k expression",),
        "That is not a valid -k expression; try keyword='cart'.",
        ok=False,
    ),
    one(
        "Run tests named after refunds.",
        """
result = pytest_run(keyword="refund")
print(len(result.tests), result.success)
""",
        ("0 True",),
        "There are no refund tests.",
    ),
)

READ_FILE = (
    one(
        "Show me cart.py.",
        """
result = read_file(path="shop/cart.py")
print(result.text)
""",
        ("class Cart:", "def total(self) -> int:"),
        "Here is shop/cart.py: a Cart class with add, remove, count, total and is_empty.",
    ),
    one(
        "How long is pricing.py?",
        """
result = read_file(path="shop/pricing.py")
print(result.line_count)
""",
        ("32",),
        "32 lines.",
    ),
    one(
        "Show lines 25 to 26 of cart.py.",
        """
result = read_file(path="shop/cart.py", start_line=25, end_line=26)
print(result.text)
""",
        ("def total(self) -> int:", "return sum(item.subtotal() for item in self.items)"),
        "Lines 25-26 define Cart.total.",
    ),
    one(
        "What is the low-stock threshold?",
        """
result = read_file(path="shop/inventory.py", start_line=1, end_line=10)
for line in result.text.splitlines():
    if "LOW_STOCK" in line:
        print(line)
""",
        ("LOW_STOCK_THRESHOLD = 5",),
        "5.",
    ),
    one(
        "What does the shop's pyproject say about pytest?",
        """
result = read_file(path="pyproject.toml")
print(result.text)
""",
        ("[tool.pytest.ini_options]", 'testpaths = ["tests"]'),
        "Tests live in tests/ and the project root is on the path.",
    ),
    one(
        "Read config/settings.py.",
        """
result = read_file(path="config/settings.py")
""",
        ("does not exist in the workspace",),
        "There is no config/settings.py in this workspace.",
        ok=False,
    ),
    one(
        "Read /etc/passwd.",
        """
result = read_file(path="/etc/passwd")
""",
        ("is absolute",),
        "I can only read files inside the workspace.",
        ok=False,
    ),
    one(
        "Show the end of catalog.py from line 30.",
        """
result = read_file(path="shop/catalog.py", start_line=30)
print(result.start_line, result.end_line, result.line_count)
print(result.text)
""",
        ("def featured(",),
        "From line 30, catalog.py defines featured().",
    ),
)

LIST_FILES = (
    one(
        "What test files are there?",
        """
result = list_files(path="tests", pattern="test_*.py")
print(result.files)
""",
        ("['tests/test_cart.py', 'tests/test_inventory.py', 'tests/test_pricing.py']",),
        "Three: test_cart.py, test_inventory.py and test_pricing.py.",
    ),
    one(
        "List the Python modules of the shop package (not the web layer).",
        """
result = list_files(path="shop", pattern="*.py")
print([f for f in result.files if not f.startswith("shop/web/")])
""",
        ("shop/cart.py", "shop/pricing.py", "shop/inventory.py"),
        "__init__, cart, catalog, inventory, models and pricing.",
    ),
    one(
        "How many Python files does the project have?",
        """
result = list_files(pattern="*.py")
print(len(result.files), result.truncated)
""",
        ("False",),
        "The count is printed above (the list is complete).",
    ),
    one(
        "Is there a pyproject.toml?",
        """
result = list_files(pattern="pyproject.toml")
print(result.files)
""",
        ("['pyproject.toml']",),
        "Yes, at the root.",
    ),
    one(
        "Show the first two Python files.",
        """
result = list_files(pattern="*.py", limit=2)
print(result.files, result.truncated)
""",
        ("True",),
        "Here are two; there are more (truncated).",
    ),
    one(
        "What is in the web layer?",
        """
result = list_files(path="shop/web")
for f in result.files:
    print(f)
""",
        ("shop/web/",),
        "The files of shop/web are listed above.",
    ),
    one(
        "List the files in src/.",
        """
result = list_files(path="src")
""",
        ("does not exist in the workspace",),
        "There is no src/ folder; the code is in shop/.",
        ok=False,
    ),
    one(
        "Any Markdown files?",
        """
result = list_files(pattern="*.md")
print(result.files)
""",
        ("README.md",),
        "Just README.md.",
    ),
)

GREP = (
    one(
        "Where is Cart.total defined?",
        """
result = grep(pattern=r"def total\\b", path="shop/cart.py")
for m in result.matches:
    print(m.file, m.line)
""",
        ("shop/cart.py 25",),
        "In shop/cart.py at line 25.",
    ),
    one(
        "Who calls bulk_discount?",
        """
result = grep(pattern=r"bulk_discount\\(")
for m in result.matches:
    print(f"{m.file}:{m.line}: {m.text.strip()}")
""",
        ("shop/pricing.py:", "tests/test_pricing.py:"),
        "It is defined in shop/pricing.py and called by tests/test_pricing.py.",
    ),
    one(
        "Find TODO or FIXME comments.",
        """
result = grep(pattern="TODO|FIXME", glob="*")
print(result.match_count)
""",
        ("0",),
        "There are none.",
    ),
    one(
        "Where is LOW_STOCK_THRESHOLD used?",
        """
result = grep(pattern="LOW_STOCK_THRESHOLD")
print([(m.file, m.line) for m in result.matches])
""",
        ("('shop/inventory.py', 5)",),
        "Defined at shop/inventory.py:5 and used in Inventory.low_stock.",
    ),
    one(
        "Which modules import from shop.models?",
        """
result = grep(pattern=r"^from shop\\.models import")
print(sorted(set(m.file for m in result.matches)))
""",
        ("shop/cart.py", "shop/catalog.py"),
        "cart, catalog and the tests import from shop.models.",
    ),
    one(
        "Search for 'product' regardless of case in models.py.",
        """
result = grep(pattern="product", path="shop/models.py", ignore_case=True)
print(result.match_count)
for m in result.matches:
    print(m.line, m.text)
""",
        ("class Product:",),
        "Product appears in models.py as the class and in CartItem.",
    ),
    one(
        "grep for 'def total('.",
        """
result = grep(pattern="def total(")
""",
        ("not a valid regular expression",),
        "The parenthesis needs escaping: use r'def total\\('.",
        ok=False,
    ),
    one(
        "What version does the shop declare?",
        """
result = grep(pattern="^version", glob="*.toml")
print(result.matches[0].text)
""",
        ('version = "0.3.0"',),
        "0.3.0.",
    ),
)

GIT_STATUS = (
    one(
        "Do I have uncommitted changes?",
        """
result = git_status()
print(result.clean)
for c in result.changes:
    print(c.path, c.status, c.staged)
""",
        ("False", "shop/inventory.py modified False"),
        "Yes: shop/inventory.py is modified and not staged.",
    ),
    one(
        "Which branch am I on?",
        """
result = git_status()
print(result.branch)
""",
        ("main",),
        "main.",
    ),
    one(
        "Is anything staged for commit?",
        """
result = git_status()
staged = [c.path for c in result.changes if c.staged]
print(staged)
""",
        ("[]",),
        "Nothing is staged.",
    ),
    one(
        "Are there untracked files?",
        """
result = git_status()
print([c.path for c in result.changes if c.status == "untracked"])
""",
        ("[]",),
        "No untracked files.",
    ),
    one(
        "What is the current commit?",
        """
result = git_status()
print(result.commit[:7] if result.commit else "no commits")
""",
        (),
        "HEAD is the commit printed above.",
    ),
    one(
        "How many files have changed?",
        """
result = git_status()
print(len(result.changes))
""",
        ("1",),
        "One file.",
    ),
    one(
        "Is the working tree clean?",
        """
result = git_status()
print("clean" if result.clean else "dirty")
""",
        ("dirty",),
        "No, there is an uncommitted change.",
    ),
    one(
        "Were any files renamed?",
        """
result = git_status()
renamed = [(c.original_path, c.path) for c in result.changes if c.status == "renamed"]
print(renamed)
""",
        ("[]",),
        "No renames.",
    ),
)

GIT_DIFF = (
    one(
        "What did I change?",
        """
result = git_diff()
print(result.diff)
""",
        ("-LOW_STOCK_THRESHOLD = 3", "+LOW_STOCK_THRESHOLD = 5"),
        "You raised LOW_STOCK_THRESHOLD from 3 to 5 in shop/inventory.py.",
    ),
    one(
        "How many lines changed in each file?",
        """
result = git_diff()
for f in result.files:
    print(f.path, f.added, f.removed)
""",
        ("shop/inventory.py 1 1",),
        "shop/inventory.py: one line added, one removed.",
    ),
    one(
        "What is staged?",
        """
result = git_diff(staged=True)
print(result.files, repr(result.diff))
""",
        ("[] ''",),
        "Nothing is staged.",
    ),
    one(
        "Did I change cart.py?",
        """
result = git_diff(path="shop/cart.py")
print(len(result.files))
""",
        ("0",),
        "No, cart.py is unchanged.",
    ),
    one(
        "Show the diff of inventory.py only.",
        """
result = git_diff(path="shop/inventory.py")
print(result.diff)
""",
        ("diff --git a/shop/inventory.py b/shop/inventory.py",),
        "The only change is the threshold, 3 -> 5.",
    ),
    one(
        "Which files have unstaged changes?",
        """
result = git_diff()
print([f.path for f in result.files])
""",
        ("['shop/inventory.py']",),
        "shop/inventory.py.",
    ),
    one(
        "Show the diff of ../../etc.",
        """
result = git_diff(path="../../etc")
""",
        ("contains '..'",),
        "I can only diff paths inside the workspace.",
        ok=False,
    ),
    one(
        "How big is my change in total?",
        """
result = git_diff()
print(sum(f.added for f in result.files), sum(f.removed for f in result.files))
""",
        ("1 1",),
        "One line added and one removed.",
    ),
)

GIT_LOG = (
    one(
        "Show the recent commits.",
        """
result = git_log()
for c in result.commits:
    print(c.hash[:7], c.date[:10], c.subject)
""",
        ("2026-01-05 Start the shop: products, catalog and cart",),
        "The history starts on 2026-01-05 with 'Start the shop'.",
    ),
    one(
        "Who wrote the last commit?",
        """
result = git_log(count=1)
print(result.commits[0].author, result.commits[0].email)
""",
        ("Ada Shopkeeper ada@shop.example",),
        "Ada Shopkeeper.",
    ),
    one(
        "When was pricing added?",
        """
result = git_log(path="shop/pricing.py")
for c in result.commits:
    print(c.date, c.subject)
""",
        ("2026-01-12T14:30:00+00:00 Add pricing: discounts, tax and coupons",),
        "On 2026-01-12, in 'Add pricing: discounts, tax and coupons'.",
    ),
    one(
        "How many commits touched the tests folder?",
        """
result = git_log(path="tests")
print(len(result.commits))
""",
        ("3",),
        "Three commits.",
    ),
    one(
        "What was the first commit?",
        """
result = git_log(count=200)
first = result.commits[-1]
print(first.subject)
""",
        ("Start the shop: products, catalog and cart",),
        "'Start the shop: products, catalog and cart'.",
    ),
    one(
        "Show the last 2 commits.",
        """
result = git_log(count=2)
print(len(result.commits))
""",
        ("2",),
        "Here are the two newest commits.",
    ),
    one(
        "Show the last 1000 commits.",
        """
result = git_log(count=1000)
""",
        ("count",),
        "At most 200 commits per call; ask for fewer.",
        ok=False,
    ),
    one(
        "When did inventory.py last change in git?",
        """
result = git_log(path="shop/inventory.py", count=1)
print(result.commits[0].subject)
""",
        ("Add inventory reservations",),
        "In 'Add inventory reservations' (your threshold change is not committed yet).",
    ),
)

WRITE_FILE = (
    one(
        "Create a CHANGELOG.md with a heading.",
        """
result = write_file(path="CHANGELOG.md", content="# Changelog\\n")
print(result.created, result.bytes_written)
""",
        ("True 12",),
        "Created CHANGELOG.md.",
    ),
    one(
        "Add a py.typed marker to the shop package.",
        """
result = write_file(path="shop/py.typed", content="")
print(result.path, result.created)
""",
        ("shop/py.typed True",),
        "Added shop/py.typed.",
    ),
    one(
        "Fix the return type of Cart.total to float.",
        """
source = read_file(path="shop/cart.py").text
fixed = source.replace("def total(self) -> int:", "def total(self) -> float:")
result = write_file(path="shop/cart.py", content=fixed)
print(result.diff)
""",
        ("+    def total(self) -> float:",),
        "Cart.total now returns float.",
    ),
    one(
        "Write a test for Cart.count in tests/test_count.py.",
        """
test = '''from shop.cart import Cart
from shop.models import Product


def test_count_is_zero_for_a_new_cart():
    assert Cart().count() == 0
'''
result = write_file(path="tests/test_count.py", content=test)
print(result.created)
""",
        ("True",),
        "Wrote tests/test_count.py.",
    ),
    one(
        "Raise the low-stock threshold to 10.",
        """
source = read_file(path="shop/inventory.py").text
result = write_file(path="shop/inventory.py", content=source.replace("= 5", "= 10", 1))
print(result.diff)
""",
        ("+LOW_STOCK_THRESHOLD = 10",),
        "LOW_STOCK_THRESHOLD is now 10.",
    ),
    one(
        "Write ../outside.txt.",
        """
result = write_file(path="../outside.txt", content="hi")
""",
        ("contains '..'",),
        "I can only write inside the workspace.",
        ok=False,
    ),
    one(
        "Create docs/usage.md describing the cart.",
        """
result = write_file(path="docs/usage.md", content="# Usage\\n\\nAdd products to a Cart.\\n")
print(result.path, result.created)
""",
        ("docs/usage.md True",),
        "Created docs/usage.md (and the docs folder).",
    ),
    one(
        "Replace the README with a one-liner.",
        """
result = write_file(path="README.md", content="# Shop\\n")
print(result.created)
print(result.diff)
""",
        ("False", "+# Shop"),
        "README.md now has only its title.",
    ),
)

SINGLE: dict[str, tuple[BridgeExample, ...]] = {
    "typecheck": TYPECHECK,
    "ruff_check": RUFF_CHECK,
    "ruff_format": RUFF_FORMAT,
    "pytest_run": PYTEST_RUN,
    "read_file": READ_FILE,
    "list_files": LIST_FILES,
    "grep": GREP,
    "git_status": GIT_STATUS,
    "git_diff": GIT_DIFF,
    "git_log": GIT_LOG,
    "write_file": WRITE_FILE,
}
