"""Non-ASCII text and the ``ast`` fast path of ``cst_find_pattern`` (issue 10 finding 7).

Python applies NFKC to identifiers, so ``ast`` may spell a name differently from the source and
from LibCST; such files go to LibCST. Before, *any* character NFKC changes sent the file there,
even in a string: rich's ``progress.py`` (a '²' in a string) and ``_emoji_codes.py`` were parsed
with LibCST for every pattern, which cost rich the 2x floor. Now only words that are identifiers
of the code count, including names NFKC changes by composing characters, which the old check
(character by character) let through with ``ast``'s spelling.
"""

# ruff: noqa: RUF001  (the characters NFKC changes are the subject of these tests)
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bridges import BridgeContext
from bridges.cst import CST_FIND_PATTERN, MODULE_CACHE
from bridges.cst._fast_find import fast_matches, respelt_identifiers
from parsers.contracts.cst import CstFindResult
from tests.bridges.cst.test_fast_names import libcst_rows

STRINGS_ONLY = '''"""Units: m², 10⁶ and ×; the ℹ️ sign and ™ in text, ﬁ ligature."""

UNITS = {"m²": 2, "ℹ": "info", "naïve": "ﬁt"}  # ² ℹ ﬁ in a comment


def info(value, file=None):
    print(f"{value}² ℹ {file!r}")
    return value.info(file=UNITS["m²"])


class Naïve:
    def __init__(self, info):
        self.info = info
'''

IDENTIFIERS = {
    "compatibility": "ℹnfo = 1\nprint(ℹnfo, info)\n",  # ast: info
    "ligature": "def ﬁle():\n    return ﬁle\n",  # ast: file
    "composed": "cafe\u0301 = 1\nprint(cafe\u0301)\n",  # ast: café, one character
}


def test_non_identifier_characters_keep_the_fast_path() -> None:
    tree = ast.parse(STRINGS_ONLY)
    assert respelt_identifiers(STRINGS_ONLY, tree) is False


def test_a_word_in_a_string_spelling_an_identifier_goes_to_libcst() -> None:
    """'ﬁle' in a string is 'file' after NFKC, a parameter name of the code: the check cannot
    tell the string from the name without tokenizing, so it stays on the safe side."""
    text = STRINGS_ONLY.replace('"ﬁt"', '"ﬁle"')
    assert respelt_identifiers(text, ast.parse(text)) is True


@pytest.mark.parametrize(
    "pattern",
    [
        "name:*",
        "name:info",
        "attribute:*",
        "call:print",
        "function:*",
        "class:Na*",
        "attribute:*.info",
    ],
)
def test_strings_and_comments_answered_by_ast_as_libcst(pattern: str) -> None:
    kind, _, glob = pattern.partition(":")
    fast = fast_matches(STRINGS_ONLY, STRINGS_ONLY.splitlines(), kind, glob)
    assert fast is not None
    assert sorted(fast, key=lambda row: (row[0], row[1])) == libcst_rows(STRINGS_ONLY, kind, glob)


@pytest.mark.parametrize("case", sorted(IDENTIFIERS))
def test_identifiers_nfkc_changes_go_to_libcst(case: str) -> None:
    text = IDENTIFIERS[case]
    assert respelt_identifiers(text, ast.parse(text)) is True
    assert fast_matches(text, text.splitlines(), "name", "*") is None


def _find(root: Path, pattern: str) -> CstFindResult:
    result = CST_FIND_PATTERN.bind(BridgeContext(workspace=root)).function(
        pattern=pattern, path="."
    )
    assert isinstance(result, CstFindResult)
    return result


def test_a_folder_with_symbols_in_strings_is_not_parsed_with_libcst(tmp_path: Path) -> None:
    (tmp_path / "units.py").write_text(STRINGS_ONLY)
    (tmp_path / "other.py").write_text("print('ok')\n")
    MODULE_CACHE.clear()
    before = MODULE_CACHE.parses
    result = _find(tmp_path, "call:print")
    assert [(match.file, match.line, match.code) for match in result.matches] == [
        ("other.py", 1, "print('ok')"),
        ("units.py", 7, 'print(f"{value}² ℹ {file!r}")'),
    ]
    assert MODULE_CACHE.parses == before


def test_a_composed_identifier_is_reported_as_spelt(tmp_path: Path) -> None:
    (tmp_path / "cafe.py").write_text(IDENTIFIERS["composed"])
    MODULE_CACHE.clear()
    result = _find(tmp_path, "name:caf*")
    assert [(match.line, match.column, match.name) for match in result.matches] == [
        (1, 1, "cafe\u0301"),
        (2, 7, "cafe\u0301"),
    ]
