"""``cst_add_import`` writes what ruff's isort rule accepts, checked by the real ruff.

Issue 10, finding 6: the bridge merged names unsorted (``from x import c, a``) and put
``import os`` after relative imports; ``ruff check --select I`` flagged both. Every expected text
here is also run through ``ruff check --select I --no-cache --isolated``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from bridges import BridgeContext, run_tool
from bridges.cst import CST_ADD_IMPORT
from parsers.contracts import Patch

BLOCKS = '''"""Module doc."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import attr
from rich.text import Text

from mypkg import b

from . import c
from .d import e

x = 1
'''


def ruff_isort_findings(file: Path, *, cwd: Path) -> str:
    """ruff's I001 output for ``file`` ('' when the imports are sorted)."""
    run = run_tool(
        "ruff",
        [
            "check",
            "--select",
            "I",
            "--no-cache",
            "--isolated",
            "--output-format",
            "concise",
            "--",
            str(file),
        ],
        cwd=cwd,
        timeout_s=60,
    )
    return "" if run.returncode == 0 else run.stdout


def add_import(workspace: Path, path: str, *, allow_write: bool = True, **arguments: str) -> Patch:
    return call(workspace, path, arguments, allow_write=allow_write)


def call(
    workspace: Path, path: str, arguments: Mapping[str, str], *, allow_write: bool = True
) -> Patch:
    context = BridgeContext(workspace=workspace, allow_write=allow_write)
    result = CST_ADD_IMPORT.bind(context).function(path=path, **arguments)
    assert isinstance(result, Patch)
    return result


def added_and_removed(patch: Patch) -> list[str]:
    return [
        line
        for line in patch.diff.splitlines()[2:]
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A package ``mypkg`` at the workspace root, so ``mypkg`` is first-party."""
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    return tmp_path


def check(project: Path, source: str, **arguments: str) -> str:
    """Add the import to ``mypkg/mod.py`` holding ``source``; assert ruff accepts the result."""
    file = project / "mypkg" / "mod.py"
    file.write_text(source)
    assert ruff_isort_findings(file, cwd=project) == "", "the fixture itself must be sorted"
    patch = call(project, "mypkg/mod.py", arguments)
    assert patch.applied
    assert file.read_text() == patch.new_text
    assert ruff_isort_findings(file, cwd=project) == ""
    return patch.new_text


def test_a_name_joins_an_existing_from_import_in_sorted_order(project: Path) -> None:
    text = check(project, BLOCKS, module="dataclasses", name="asdict")
    assert text == BLOCKS.replace(
        "from dataclasses import dataclass, field",
        "from dataclasses import asdict, dataclass, field",
    )
    text = check(project, BLOCKS, module="dataclasses", name="replace")
    assert text == BLOCKS.replace(
        "from dataclasses import dataclass, field",
        "from dataclasses import dataclass, field, replace",
    )
    text = check(project, BLOCKS, module="dataclasses", name="KW_ONLY")
    assert "from dataclasses import KW_ONLY, dataclass, field\n" in text.splitlines(keepends=True)


def test_import_os_goes_into_the_standard_library_block(project: Path) -> None:
    text = check(project, BLOCKS, module="os")
    assert text == BLOCKS.replace("import sys\n", "import os\nimport sys\n")


def test_each_section_gets_its_import(project: Path) -> None:
    assert check(project, BLOCKS, module="httpx") == BLOCKS.replace(
        "import attr\n", "import attr\nimport httpx\n"
    )
    assert check(project, BLOCKS, module="mypkg.z", name="Q") == BLOCKS.replace(
        "from mypkg import b\n", "from mypkg import b\nfrom mypkg.z import Q\n"
    )
    assert check(project, BLOCKS, module="aaa") == BLOCKS.replace(
        "import attr\n", "import aaa\nimport attr\n"
    )
    assert check(project, BLOCKS, module="dataclasses", name="dataclass", alias="dc") == (
        BLOCKS.replace(
            "from dataclasses import dataclass, field\n",
            "from dataclasses import dataclass, field\nfrom dataclasses import dataclass as dc\n",
        )
    )


def test_a_missing_section_is_created_between_its_neighbours(project: Path) -> None:
    source = (
        '"""Doc."""\n\nfrom __future__ import annotations\n\nfrom .cells import cell_len\n\nx = 1\n'
    )
    assert check(project, source, module="os") == (
        '"""Doc."""\n\nfrom __future__ import annotations\n\nimport os\n\n'
        "from .cells import cell_len\n\nx = 1\n"
    )
    source = '"""Doc."""\n\nfrom .cells import cell_len\n\nx = 1\n'
    assert check(project, source, module="os") == (
        '"""Doc."""\n\nimport os\n\nfrom .cells import cell_len\n\nx = 1\n'
    )


def test_after_the_docstring_and_future_import(project: Path) -> None:
    source = '"""Doc."""\n\nfrom __future__ import annotations\n\n\ndef f() -> None:\n    pass\n'
    assert check(project, source, module="typing", name="Any") == (
        '"""Doc."""\n\nfrom __future__ import annotations\n\nfrom typing import Any\n\n\n'
        "def f() -> None:\n    pass\n"
    )


def test_a_file_without_imports(project: Path) -> None:
    assert check(project, "x = 1\n", module="os") == "import os\n\nx = 1\n"
    assert check(project, '"""Doc."""\n\n\nclass A:\n    pass\n', module="os") == (
        '"""Doc."""\n\nimport os\n\n\nclass A:\n    pass\n'
    )
    assert check(project, "", module="os") == "import os\n"


PARENTHESIZED = """from typing import (
    Any,
    Callable,  # why
)

y = 1
"""


def test_parenthesized_imports_keep_their_shape_and_comments(project: Path) -> None:
    assert check(project, PARENTHESIZED, module="typing", name="cast") == (
        "from typing import (\n    Any,\n    Callable,  # why\n    cast,\n)\n\ny = 1\n"
    )
    assert check(project, PARENTHESIZED, module="typing", name="TYPE_CHECKING") == (
        "from typing import (\n    TYPE_CHECKING,\n    Any,\n    Callable,  # why\n)\n\ny = 1\n"
    )


def test_a_line_that_grows_too_long_is_wrapped(project: Path) -> None:
    long_name = "a_name_long_enough_to_push_the_import_line_past_eighty_eight_chars"
    text = check(project, BLOCKS, module="dataclasses", name=long_name)
    assert text == BLOCKS.replace(
        "from dataclasses import dataclass, field\n",
        f"from dataclasses import (\n    {long_name},\n    dataclass,\n    field,\n)\n",
    )


def test_first_party_comes_from_src_and_the_project_configuration(tmp_path: Path) -> None:
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "src" / "shop" / "__init__.py").write_text("")
    (tmp_path / "src" / "shop" / "models.py").write_text("")
    (tmp_path / "tests").mkdir()
    test_file = tmp_path / "tests" / "test_shop.py"
    source = "import pytest\nfrom zoo import animal\n\nfrom shop import cart\n\nx = 1\n"
    test_file.write_text(source)
    patch = add_import(tmp_path, "tests/test_shop.py", module="shop.models", name="Product")
    assert patch.new_text == (
        "import pytest\nfrom zoo import animal\n\n"
        "from shop import cart\nfrom shop.models import Product\n\nx = 1\n"
    )
    assert ruff_isort_findings(test_file, cwd=tmp_path) == ""
    test_file.write_text(source.replace("shop", "billing"))
    # billing exists nowhere: only the configuration makes it first-party.
    (tmp_path / "ruff.toml").write_text('[lint.isort]\nknown-first-party = ["billing"]\n')
    patch = add_import(tmp_path, "tests/test_shop.py", module="billing.models", name="Bill")
    assert patch.new_text == (
        "import pytest\nfrom zoo import animal\n\n"
        "from billing import cart\nfrom billing.models import Bill\n\nx = 1\n"
    )
    run = run_tool(
        "ruff",
        [
            "check",
            "--select",
            "I",
            "--no-cache",
            "--output-format",
            "concise",
            "--",
            str(test_file),
        ],
        cwd=tmp_path,
        timeout_s=60,
    )
    assert run.returncode == 0, run.stdout


def test_an_import_that_is_there_changes_nothing(project: Path) -> None:
    file = project / "mypkg" / "mod.py"
    file.write_text(BLOCKS)
    for arguments in (
        {"module": "sys"},
        {"module": "dataclasses", "name": "field"},
        {"module": "attr"},
    ):
        patch = call(project, "mypkg/mod.py", arguments)
        assert (patch.diff, patch.new_text, patch.applied) == ("", BLOCKS, False)


def test_only_the_new_line_changes(project: Path) -> None:
    file = project / "mypkg" / "mod.py"
    file.write_text(BLOCKS)
    patch = add_import(project, "mypkg/mod.py", module="zlib", allow_write=False)
    assert added_and_removed(patch) == ["+import zlib"]
    assert not patch.applied and file.read_text() == BLOCKS
