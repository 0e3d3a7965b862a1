"""A working copy of the sample workspace ``examples/shop`` with a real git history.

A nested ``.git`` cannot be committed to punie's own repository, so the history is made on
demand: ``sample_workspace(dest)`` copies the sample, then creates four commits with a fixed
author and fixed dates (so hashes are the same on every machine), and leaves one file modified
and uncommitted, so that ``git_status`` and ``git_diff`` have something to show.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bridges._errors import BridgeError
from bridges._runner import run_tool

__all__ = ["SAMPLE_SOURCE", "sample_workspace"]

_PACKAGED = Path(__file__).resolve().parent / "_sample_shop"
"""Where an installed wheel carries the sample (pyproject's force-include)."""
SAMPLE_SOURCE = (
    _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parents[1] / "examples" / "shop"
)
"""The sample workspace: inside the package when installed, else the checkout's examples/shop."""
"""Where the sample lives in a source checkout of punie."""

# (commit message, date, paths or folders added in that commit)
_HISTORY: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Start the shop: products, catalog and cart",
        "2026-01-05T09:00:00+00:00",
        (
            ".gitignore",
            "README.md",
            "pyproject.toml",
            "shop/__init__.py",
            "shop/models.py",
            "shop/catalog.py",
            "shop/cart.py",
            "tests/test_cart.py",
        ),
    ),
    (
        "Add pricing: discounts, tax and coupons",
        "2026-01-12T14:30:00+00:00",
        ("shop/pricing.py", "tests/test_pricing.py"),
    ),
    (
        "Add inventory reservations",
        "2026-01-19T11:15:00+00:00",
        ("shop/inventory.py", "tests/test_inventory.py"),
    ),
    ("Add the web layer", "2026-01-26T16:45:00+00:00", ("shop/web",)),
)

# The committed text differs from the working copy by this one line: an uncommitted change.
_MODIFIED_FILE = "shop/inventory.py"
_COMMITTED_LINE = "LOW_STOCK_THRESHOLD = 3"
_WORKING_LINE = "LOW_STOCK_THRESHOLD = 5"

_IDENTITY = {
    "GIT_AUTHOR_NAME": "Ada Shopkeeper",
    "GIT_AUTHOR_EMAIL": "ada@shop.example",
    "GIT_COMMITTER_NAME": "Ada Shopkeeper",
    "GIT_COMMITTER_EMAIL": "ada@shop.example",
}


def sample_workspace(dest: Path, *, source: Path = SAMPLE_SOURCE) -> Path:
    """Copy the sample to ``dest`` (which must not exist or be empty), give it history, return it.

    Needs ``git``; raises ``BridgeError`` subclasses (``ToolMissing``...) when it cannot run.
    """
    if not source.is_dir():
        raise FileNotFoundError(
            f"the sample workspace is not at {source}; it ships with punie's source checkout"
        )
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; pass a new or empty folder")
    shutil.copytree(
        source,
        dest,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ruff_cache", ".git"),
    )
    root = dest.resolve()
    modified = root / _MODIFIED_FILE
    working_text = modified.read_text(encoding="utf-8")
    if _WORKING_LINE not in working_text:
        raise BridgeError(
            f"{_MODIFIED_FILE} no longer contains {_WORKING_LINE!r}; update _sample.py"
        )
    modified.write_text(working_text.replace(_WORKING_LINE, _COMMITTED_LINE), encoding="utf-8")

    _git(root, ["init", "--quiet", "--initial-branch=main"], date=None)
    for message, date, paths in _HISTORY:
        present = [path for path in paths if (root / path).exists()]
        if not present:
            continue
        _git(root, ["add", "--", *present], date=date)
        _git(root, ["commit", "--quiet", "--no-verify", "-m", message], date=date)
    untracked = _git(root, ["ls-files", "--others", "--exclude-standard"], date=None)
    if untracked.strip():
        _git(root, ["add", "--all"], date=_HISTORY[-1][1])
        _git(
            root,
            ["commit", "--quiet", "--no-verify", "-m", "Add remaining files"],
            date=_HISTORY[-1][1],
        )
    modified.write_text(working_text, encoding="utf-8")
    return root


def _git(root: Path, args: list[str], *, date: str | None) -> str:
    env = dict(_IDENTITY)
    if date is not None:
        env["GIT_AUTHOR_DATE"] = date
        env["GIT_COMMITTER_DATE"] = date
    return run_tool("git", args, cwd=root, timeout_s=30.0, ok_returncodes=(0,), env=env).stdout
