"""The example files: schema pinned, every expectation a whole line, snippets lint-clean, tags
true, loading lazy, and a broken file reported with its file, example id, field and what is allowed.

Running the examples themselves is ``test_examples.py``'s job.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bridges import (
    BridgeExample,
    ExampleFileError,
    ExampleStep,
    all_examples,
    load_examples,
    locate_tool,
    registry,
)
from bridges._example_files import EXAMPLES_FOLDER, LazyExamples
from bridges._example_schema import examples_schema
from bridges._examples import CATEGORIES

SCHEMA = EXAMPLES_FOLDER / "schema.json"
RECORDS = registry()
WRITING = {record.name for record in RECORDS if record.writes}
EXAMPLES = [example for examples in all_examples().values() for example in examples]


def called(example: BridgeExample) -> set[str]:
    return {
        node.func.id
        for step in example.steps
        for node in ast.walk(ast.parse(step.snippet))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def reads_a_field(example: BridgeExample) -> bool:
    """An attribute read that is not the function of a call (``r.errors``, not ``s.strip()``)."""
    for step in example.steps:
        tree = ast.parse(step.snippet)
        functions = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        if any(isinstance(n, ast.Attribute) and id(n) not in functions for n in ast.walk(tree)):
            return True
    return False


def test_the_schema_file_is_the_models_schema() -> None:
    if os.environ.get("PUNIE_UPDATE_EXAMPLES_SCHEMA") == "1":
        SCHEMA.write_text(examples_schema(), encoding="utf-8")
    assert SCHEMA.read_text(encoding="utf-8") == examples_schema(), (
        "bridges/examples/schema.json is out of date; run PUNIE_UPDATE_EXAMPLES_SCHEMA=1 "
        "uv run pytest tests/bridges/test_example_files.py"
    )


def test_each_bridge_has_its_own_file_and_every_file_a_bridge() -> None:
    files = sorted(path.stem for path in EXAMPLES_FOLDER.glob("*.toml"))
    assert files == sorted(record.name for record in RECORDS)
    for record in RECORDS:
        assert record.examples == LazyExamples(record.name)


def test_ids_are_unique_and_numbered_per_bridge() -> None:
    for name, examples in all_examples().items():
        assert [example.id for example in examples] == [
            f"{name}-{number}" for number in range(len(examples))
        ]


def test_the_categories_that_follow_from_the_snippets_are_set() -> None:
    wrong = []
    for example in EXAMPLES:
        bridges_called = called(example) & {record.name for record in RECORDS}
        derived = {
            "field_access": reads_a_field(example),
            "cross_bridge": len(bridges_called) >= 2,
            "write": bool(bridges_called & WRITING),
        }
        for category, holds in derived.items():
            if holds != (category in example.categories):
                wrong.append(f"{example.id}: {category} should be {'set' if holds else 'unset'}")
    assert wrong == []
    assert {c for example in EXAMPLES for c in example.categories} == set(CATEGORIES)


def test_every_step_pins_whole_lines() -> None:
    """No step passes on a fragment: each names at least one whole line of its output, and no
    text of three characters or fewer is checked as a substring (the schema refuses it)."""
    assert [
        f"{example.id} step {number}"
        for example in EXAMPLES
        for number, step in enumerate(example.steps, start=1)
        if not step.expect_lines
    ] == []
    assert [
        text
        for example in EXAMPLES
        for step in example.steps
        for text in step.expect_contains
        if len(text) <= 3
    ] == []


def test_a_fragment_or_a_broken_line_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 4 characters"):
        ExampleStep(snippet="print(1)\n", expect_contains=("0",))
    with pytest.raises(ValidationError, match="should match pattern"):
        ExampleStep(snippet="print(1)\n", expect_lines=("1\n2",))


def test_unmet_compares_whole_lines() -> None:
    step = ExampleStep(snippet="print(10)\n", expect_lines=("0",), expect_contains=("shop",))
    assert step.unmet("10\nshop/cart.py\n") == ("line '0'",)
    assert step.unmet("0\n10\n") == ("text 'shop'",)
    assert step.unmet("0\nshop/cart.py\n") == ()


def test_snippets_pass_ruff(tmp_path: Path) -> None:
    """Each step as a file named by its example id, linted at once with the rules of the repo
    that apply to a snippet (bridge names are builtins to it)."""
    for example in EXAMPLES:
        for number, step in enumerate(example.steps, start=1):
            (tmp_path / f"{example.id.replace('-', '_')}_step{number}.py").write_text(step.snippet)
    builtins = ", ".join(f'"{record.name}"' for record in RECORDS)
    ruff = subprocess.run(
        [
            str(locate_tool("ruff")),
            "check",
            "--isolated",
            "--target-version=py311",
            "--select=E,F,W,I,B,UP,RUF,SIM",
            "--ignore=E501",
            f"--config=builtins = [{builtins}]",
            "--output-format=concise",
            "--",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ruff.returncode, ruff.stdout) == (0, "All checks passed!\n"), ruff.stdout + ruff.stderr


def test_building_the_records_reads_no_example_file(tmp_path: Path) -> None:
    """``default_bridges`` (every ``punie run --workspace``) must not parse the TOML files."""
    script = (
        "import sys, bridges\n"
        f"bridges.default_bridges({str(tmp_path)!r})\n"
        "print([r.name for r in bridges.registry() if r.examples._loaded])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert run.stdout == "[]\n"


def test_punie_run_with_a_workspace_reads_no_example_file(tmp_path: Path) -> None:
    """Not even when the snippet calls a bridge (the records are built then)."""
    script = (
        "import bridges._example_files as files\n"
        "from runtime.cli import main\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('an example file was read at start-up')\n"
        "files.load_examples = refuse\n"
        f"raise SystemExit(main(['run', '--workspace', {str(tmp_path)!r}, '-c', "
        "'print(list_files().files)']))\n"
    )
    (tmp_path / "a.py").write_text("")
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "['a.py']\n", "")


def test_reading_the_examples_loads_the_file_once() -> None:
    examples = LazyExamples("git_log")
    assert examples._loaded == []
    assert examples[0].id == "git_log-0"
    assert [example.id for example in examples] == [example.id for example in examples._loaded[0]]
    assert len(examples._loaded) == 1


# -- broken files ---------------------------------------------------------------------------

GOOD = """
[[examples]]
id = "demo-0"
categories = ["single", "field_access"]
request = "How many type errors?"
answer = "Three."

[[examples.steps]]
snippet = '''
print(typecheck().error_count)
'''
expect_lines = ["3"]
"""


def load_text(tmp_path: Path, text: str) -> tuple[BridgeExample, ...]:
    (tmp_path / "demo.toml").write_text(text, encoding="utf-8")
    return load_examples("demo", folder=tmp_path)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ExampleFileError) as caught:
        load_text(tmp_path, text)
    return str(caught.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    assert load_text(tmp_path, GOOD) == (
        BridgeExample(
            id="demo-0",
            categories=("single", "field_access"),
            request="How many type errors?",
            answer="Three.",
            steps=(ExampleStep(snippet="print(typecheck().error_count)\n", expect_lines=("3",)),),
        ),
    )


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ExampleFileError) as caught:
        load_examples("demo", folder=tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'demo.toml'}: no example file for bridge 'demo'; create it with at least "
        "one [[examples]] table (see 'Examples: the data format' in docs/bridges.md)"
    )


def test_invalid_toml_is_named(tmp_path: Path) -> None:
    assert error_of(tmp_path, GOOD.replace('answer = "Three."', "answer = Three")) == (
        f"{tmp_path / 'demo.toml'}: not valid TOML (Invalid value (at line 6, column 10)); "
        "write snippets as '''...''' literal strings (see 'Examples: the data format' in "
        "docs/bridges.md)"
    )


def test_an_unknown_field_names_the_example_and_the_allowed_fields(tmp_path: Path) -> None:
    assert error_of(tmp_path, GOOD.replace("expect_lines", "expect_line")) == (
        f"{tmp_path / 'demo.toml'}: 1 problem(s) (see 'Examples: the data format' in "
        "docs/bridges.md):\n"
        "  example 'demo-0', field 'steps[0].expect_line': unknown field; did you mean "
        "'expect_lines'? allowed: snippet, expect_ok, expect_lines, expect_contains"
    )


def test_an_unknown_category_lists_the_allowed_ones(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('"field_access"]', '"fields"]'))
    assert message.splitlines()[1] == (
        "  example 'demo-0', field 'categories[1]': Input should be 'single', 'multi_turn', "
        "'field_access', 'cross_bridge', 'error', 'error_recovery', 'edge_case' or 'write'"
    )


def test_categories_that_contradict_the_steps_are_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('["single", ', '["multi_turn", '))
    assert message.splitlines()[1] == (
        "  example 'demo-0', field '(the example)': Value error, categories: add 'single': "
        "the example has one step"
    )
    message = error_of(tmp_path, GOOD.replace('expect_lines = ["3"]', "expect_ok = false"))
    assert message.splitlines()[1] == (
        "  example 'demo-0', field '(the example)': Value error, categories: add 'error': "
        "a step has expect_ok = false"
    )


def test_a_short_fragment_is_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('expect_lines = ["3"]', 'expect_contains = ["3"]'))
    assert message.splitlines()[1] == (
        "  example 'demo-0', field 'steps[0].expect_contains[0]': String should have at least "
        "4 characters"
    )


def test_a_missing_id_is_reported_by_position(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('id = "demo-0"\n', ""))
    assert message.splitlines()[1] == "  example number 1, field 'id': Field required"


def test_an_id_of_another_bridge_or_used_twice_is_refused(tmp_path: Path) -> None:
    assert error_of(tmp_path, GOOD.replace('"demo-0"', '"grep-0"')) == (
        f"{tmp_path / 'demo.toml'}: example 'grep-0', field 'id': it must be 'demo-<number>', "
        "named after the bridge whose file holds it"
    )
    assert error_of(tmp_path, GOOD + GOOD.replace("How many", "Count the")) == (
        f"{tmp_path / 'demo.toml'}: example 'demo-0', field 'id': the id is used twice; give "
        "the new example the next free number"
    )


def test_a_file_without_examples_is_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, "title = 'demo'\n")
    assert message.splitlines()[1:] == [
        "  the file, field 'examples': Field required",
        "  the file, key 'title': unknown; the file holds only [[examples]] tables",
    ]


# -- the docs section -----------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "bridges.md"


def doc_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Examples: the data format\n")
    return text[start : text.index("\n## ", start + 1)]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", doc_section(), re.DOTALL | re.MULTILINE)


def test_the_docs_toml_is_a_real_file_verbatim() -> None:
    (block,) = blocks("toml")
    assert block in (EXAMPLES_FOLDER / "ruff_check.toml").read_text(encoding="utf-8")


def test_the_docs_python_runs() -> None:
    (block,) = blocks("python")
    namespace: dict[str, object] = {"__name__": "docs_bridges_examples"}
    exec(compile(block, "docs/bridges.md (examples: the data format)", "exec"), namespace)


def test_the_docs_error_is_the_real_one(tmp_path: Path) -> None:
    (toml,) = blocks("toml")
    (shown,) = blocks("text")
    real = (EXAMPLES_FOLDER / "ruff_check.toml").read_text(encoding="utf-8")
    broken = toml.replace("expect_lines", "expect_line")
    (tmp_path / "ruff_check.toml").write_text(real.replace(toml, broken), encoding="utf-8")
    with pytest.raises(ExampleFileError) as caught:
        load_examples("ruff_check", folder=tmp_path)
    assert str(caught.value).replace(str(tmp_path), "bridges/examples") == shown.rstrip("\n")
