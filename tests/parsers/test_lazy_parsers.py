"""``parsers`` loads its parsers on first use; its lazy table matches what it declares."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import parsers

INIT = Path(parsers.__file__)


def test_the_lazy_table_names_the_modules_the_type_checking_imports_name() -> None:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    declared: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module is not None
                for alias in statement.names:
                    declared[alias.name] = statement.module
    assert declared == parsers._HOME
    assert sorted(declared) == sorted(parsers.__all__)


def test_every_public_name_resolves_to_its_home_module_object() -> None:
    for name in parsers.__all__:
        home = sys.modules.get(parsers._HOME[name]) or __import__(
            parsers._HOME[name], fromlist=[name]
        )
        assert getattr(parsers, name) is getattr(home, name)


def test_importing_the_contracts_loads_no_parser() -> None:
    code = (
        "import sys\nimport parsers.contracts\n"
        "print(sorted(m for m in sys.modules if m.startswith('parsers._') or m == 'msgspec'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
