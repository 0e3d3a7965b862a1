"""git porcelain v2 status, numstat and fixed-format log, from git 2.39 in tests/fixtures/git/."""

from __future__ import annotations

import pytest

from parsers import ParseError, parse_git_log, parse_git_numstat, parse_git_status
from tests.parsers.parser_fixture_files import captured


def test_status_of_the_sample_workspace() -> None:
    run = captured("git", "status_shop")
    status = parse_git_status(run.read("stdout"), version=run.version)
    assert status.branch == "main"
    assert status.commit is not None
    assert len(status.commit) == 40
    assert not status.clean
    assert [(c.path, c.status, c.staged) for c in status.changes] == [
        ("shop/inventory.py", "modified", False)
    ]


def test_status_with_staged_renamed_deleted_untracked_and_unicode_paths() -> None:
    run = captured("git", "status_rich")
    status = parse_git_status(run.read("stdout"), version=run.version)
    found = {(c.path, c.status, c.staged, c.original_path) for c in status.changes}
    assert found == {
        ("README.md", "modified", True, None),
        ("shop/entities.py", "renamed", True, "shop/models.py"),
        ("shop/inventory.py", "modified", False, None),
        ("tests/test_inventory.py", "deleted", True, None),
        ("notes with space.txt", "untracked", False, None),
        ("shop/prix_été.py", "untracked", False, None),
    }


def test_empty_repository_and_clean_tree() -> None:
    status = parse_git_status(
        "# branch.oid (initial)\0# branch.head (detached)\0", version="git 2.39"
    )
    assert (status.branch, status.commit, status.clean, status.changes) == (None, None, True, [])


def test_numstat() -> None:
    run = captured("git", "numstat_shop")
    files = parse_git_numstat(run.read("stdout"), version=run.version)
    assert [(f.path, f.added, f.removed) for f in files] == [("shop/inventory.py", 1, 1)]
    staged = captured("git", "numstat_staged")
    files = parse_git_numstat(staged.read("stdout"), version=staged.version)
    assert {f.path for f in files} == {"README.md", "shop/entities.py", "tests/test_inventory.py"}


def test_log() -> None:
    run = captured("git", "log_shop")
    log = parse_git_log(run.read("stdout"), version=run.version)
    assert [c.subject for c in log.commits][-3:] == [
        "Add inventory reservations",
        "Add pricing: discounts, tax and coupons",
        "Start the shop: products, catalog and cart",
    ]
    assert log.commits[-1].author == "Ada Shopkeeper"
    assert log.commits[-1].date == "2026-01-05T09:00:00+00:00"


@pytest.mark.parametrize(
    ("parse", "text", "reason"),
    [
        (parse_git_status, "1 M. N... 100644 file.py\0", "wrong fields"),
        (parse_git_status, "X something\0", "unknown status record type 'X'"),
        (parse_git_status, "", "no '# branch.oid' header"),
        (parse_git_status, "? a.py\0", "no '# branch.oid' header"),
        (parse_git_status, "# branch.oid (initial)\0? \0", "without a path"),
        (
            parse_git_status,
            "1 Z. N... 100644 100644 100644 abc abc file.py\0",
            "unknown change code 'Z'",
        ),
        (parse_git_numstat, "1 file changed\0", "is not 'added<TAB>removed<TAB>path'"),
        (parse_git_numstat, "one\t2\tfile.py\0", "is not a number"),
        (parse_git_log, "abc def\0", "not hash, author, email, date, subject"),
    ],
)
def test_format_drift(parse, text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        parse(text, version="git 2.39.5")
    assert "git (git 2.39.5)" in str(caught.value)
