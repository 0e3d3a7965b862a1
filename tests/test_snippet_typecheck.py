"""The optional full check: real ty on a snippet against the real bridge stubs."""

from __future__ import annotations

from pathlib import Path

from bridges import default_bridges, typecheck_snippet


def test_ty_finds_what_the_fast_check_cannot(shop_workspace: Path) -> None:
    source = (
        'r = typecheck(path="shop")\n'
        "print(r.errorz)\n"
        "for e in r.errors:\n"
        '    print(e.line + "x")\n'
        "read_file(path=3)\n"
    )
    found = typecheck_snippet(source, default_bridges(shop_workspace))
    assert [(issue.line, issue.code) for issue in found] == [
        (2, "type"),
        (4, "type"),
        (5, "type"),
    ]
    assert "errorz" in found[0].message and "[missing-attribute]" in found[0].message
    assert "read_file" in found[2].message


def test_a_correct_snippet_has_no_findings(shop_workspace: Path) -> None:
    source = (
        'r = typecheck(path="shop")\n'
        "messages = [f'{e.file}:{e.line} {e.message}' for e in r.errors]\n"
        "text = read_file(path='shop/cart.py', start_line=1, end_line=5).text\n"
        "len(messages), text.splitlines()[0]\n"
    )
    assert typecheck_snippet(source, default_bridges(shop_workspace)) == []


def test_syntax_errors_keep_the_snippet_line(shop_workspace: Path) -> None:
    (issue,) = typecheck_snippet("x = 1\ny = (", default_bridges(shop_workspace))
    assert issue.code == "syntax" and issue.line == 2
