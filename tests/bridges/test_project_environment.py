"""The project's environment: pytest_run, the language server and the CLI use the project's Python.

One fixture project is built per module run, in a temporary folder, with a real virtual
environment (``uv venv`` + ``uv pip install pytest``, from uv's cache when it can) that holds:

- a fake ``rich`` whose version is not punie's (punie depends on rich: its copy must not leak);
- ``onlyproject``, a package punie does not have;
- ``punie_demo_plugin``, a pytest plugin registered through a ``pytest11`` entry point;
- a ``.pth`` file that makes the project's ``src/`` importable (an editable install), where a
  broken ``idna`` (punie has a working one, through httpx) must be the one the tests import.

Each test fails on the bridge as it was before (punie's pytest, punie's site-packages).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from bridges import (
    ProjectPythonError,
    TestResult,
    ToolMissing,
    default_bridges,
    find_project_python,
)
from bridges.navigation import session_for
from tests.bridges.bridge_helpers import functions, make_venv

pytestmark = pytest.mark.slow

PUNIE = Path(sys.executable).parent / "punie"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture project, with its own ``.venv``."""
    root = tmp_path_factory.mktemp("env") / "proj"
    site = make_venv(root / ".venv", pytest_installed=True)
    _write(
        site,
        {
            "rich/__init__.py": '__version__ = "0.0.1+project"\n',
            "rich-0.0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: rich\nVersion: 0.0.1\n",
            "onlyproject/__init__.py": "VALUE = 42\n",
            "punie_demo_plugin.py": """\
                import pytest


                @pytest.fixture
                def demo_value():
                    return "from the project's plugin"
                """,
            "punie_demo_plugin-1.0.dist-info/METADATA": (
                "Metadata-Version: 2.1\nName: punie-demo-plugin\nVersion: 1.0\n"
            ),
            "punie_demo_plugin-1.0.dist-info/entry_points.txt": (
                "[pytest11]\ndemo = punie_demo_plugin\n"
            ),
            "_proj_editable.pth": f"{root / 'src'}\n",
        },
    )
    _write(
        root,
        {
            "pyproject.toml": """\
                [project]
                name = "proj"
                version = "0"

                [tool.pytest.ini_options]
                testpaths = ["tests"]
                addopts = "--strict-markers"
                """,
            # punie's idna encodes correctly; the project's copy is broken.
            "src/idna/__init__.py": "def encode(text, **options):\n    return b'broken'\n",
            "tests/test_versions.py": """\
                import rich


                def test_the_project_rich():
                    assert rich.__version__ == "0.0.1+project"
                """,
            "tests/test_own_dependency.py": """\
                from onlyproject import VALUE


                def test_a_dependency_punie_lacks():
                    assert VALUE == 42
                """,
            "tests/test_plugin.py": """\
                def test_the_plugin_fixture(demo_value):
                    assert demo_value == "from the project's plugin"
                """,
            "tests/test_src.py": """\
                import idna


                def test_encode():
                    assert idna.encode("abc") == b"abc"
                """,
            # Outside testpaths, and its marker is not declared: collecting it is an error.
            "bench/test_bench.py": """\
                import pytest


                @pytest.mark.benchmark
                def test_speed():
                    pass
                """,
        },
    )
    yield root
    session_for(root.resolve()).close()


def run(workspace: Path, **arguments: object) -> TestResult:
    result = functions(workspace)["pytest_run"].function(**arguments)
    assert isinstance(result, TestResult)
    return result


def outcomes(result: TestResult) -> list[tuple[str, str]]:
    return [(t.name, t.outcome) for t in result.tests]


def test_the_project_environment_is_found_and_shown(project: Path) -> None:
    found = find_project_python(project.resolve())
    assert (found.source, found.prefix) == ("workspace", project.resolve() / ".venv")
    result = run(project, path="tests/test_versions.py")
    assert result.python == f"{project.resolve() / '.venv'} (the workspace's own environment)"


def test_the_project_copy_of_a_package_punie_also_has_wins(project: Path) -> None:
    result = run(project, path="tests/test_versions.py")
    assert outcomes(result) == [("tests/test_versions.py::test_the_project_rich", "passed")]


def test_a_broken_project_package_fails_even_though_punie_has_a_working_one(
    project: Path,
) -> None:
    result = run(project, path="tests/test_src.py")
    assert outcomes(result) == [("tests/test_src.py::test_encode", "failed")]
    assert result.tests[0].message is not None
    assert result.tests[0].message.splitlines()[0] == "AssertionError: assert b'broken' == b'abc'"


def test_a_dependency_punie_lacks_is_importable(project: Path) -> None:
    result = run(project, path="tests/test_own_dependency.py")
    assert outcomes(result) == [
        ("tests/test_own_dependency.py::test_a_dependency_punie_lacks", "passed")
    ]


def test_a_plugin_installed_in_the_project_works(project: Path) -> None:
    result = run(project, path="tests/test_plugin.py")
    assert outcomes(result) == [("tests/test_plugin.py::test_the_plugin_fixture", "passed")]


def test_no_path_runs_what_plain_pytest_runs(project: Path) -> None:
    result = run(project)
    assert outcomes(result) == [
        ("tests/test_own_dependency.py::test_a_dependency_punie_lacks", "passed"),
        ("tests/test_plugin.py::test_the_plugin_fixture", "passed"),
        ("tests/test_src.py::test_encode", "failed"),
        ("tests/test_versions.py::test_the_project_rich", "passed"),
    ]
    plain = subprocess.run(
        [str(project / ".venv" / "bin" / "pytest"), "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")},
    )
    assert plain.stdout.splitlines()[-1].startswith("1 failed, 3 passed")


def test_nothing_of_punie_is_importable_by_the_tests(tmp_path: Path, project: Path) -> None:
    _write(
        tmp_path,
        {
            "tests/test_isolated.py": """\
                import importlib.util
                import sys


                def test_no_punie_packages():
                    found = [
                        name
                        for name in ("bridges", "sandbox", "libcst", "pydantic", "httpx")
                        if importlib.util.find_spec(name) is not None
                    ]
                    assert found == []


                def test_no_punie_folder_on_the_path():
                    assert [p for p in sys.path if "punie_pytest_report" in p] == []
                """,
        },
    )
    bound = default_bridges(tmp_path, python=str(project / ".venv"))
    result = next(f for f in bound if f.name == "pytest_run").function()
    assert [t.outcome for t in result.tests] == ["passed", "passed"]


def test_a_project_without_pytest_gets_a_typed_error_that_says_how_to_add_it(
    tmp_path: Path,
) -> None:
    make_venv(tmp_path / ".venv", pytest_installed=False)
    _write(tmp_path, {"tests/test_a.py": "def test_a():\n    pass\n"})
    with pytest.raises(ToolMissing) as caught:
        run(tmp_path)
    venv = tmp_path.resolve() / ".venv"
    assert str(caught.value) == (
        f"pytest is not installed in the project's Python, {venv} (the workspace's own "
        "environment); add it to the project (uv add --dev pytest, or pip install pytest in "
        f"that environment: {venv / 'bin' / 'python'} -m pip install pytest) and run the tests "
        "again"
    )
    assert caught.value.tool == "pytest"


def test_collection_errors_name_project_files(tmp_path: Path, project: Path) -> None:
    _write(
        tmp_path,
        {
            "tests/conftest.py": "import not_installed_anywhere\n",
            "tests/test_a.py": "def test_a():\n    pass\n",
        },
    )
    bound = default_bridges(tmp_path, python=str(project / ".venv"))
    result = next(f for f in bound if f.name == "pytest_run").function()
    assert not result.success
    assert [(t.name, t.outcome, t.file, t.line, t.message) for t in result.tests] == [
        (
            "tests/conftest.py",
            "error",
            "tests/conftest.py",
            1,
            "ModuleNotFoundError: No module named 'not_installed_anywhere'",
        )
    ]


def test_a_collection_error_raised_inside_pytest_names_the_test_file(
    tmp_path: Path, project: Path
) -> None:
    """pytest's crash location is its own python.py, in an environment: not a project file."""
    _write(
        tmp_path,
        {
            "tests/test_p.py": """\
                import pytest


                @pytest.mark.parametrize("y", [1])
                def test_x():
                    pass
                """
        },
    )
    bound = default_bridges(tmp_path, python=str(project / ".venv"))
    result = next(f for f in bound if f.name == "pytest_run").function()
    assert [(t.name, t.outcome, t.file, t.line, t.message) for t in result.tests] == [
        (
            "tests/test_p.py",
            "error",
            "tests/test_p.py",
            None,
            "Failed: In tests/test_p.py::test_x: function uses no argument 'y'",
        )
    ]


def test_hostile_path_names_are_paths(tmp_path: Path, project: Path) -> None:
    folders = {"-pno_such_plugin": "test_one", "--basetemp=elsewhere": "test_two"}
    for folder, name in folders.items():
        _write(tmp_path, {f"{folder}/{name}.py": "def test_x():\n    pass\n"})
    bound = default_bridges(tmp_path, python=str(project / ".venv"))
    pytest_run = next(f for f in bound if f.name == "pytest_run").function
    for folder, name in folders.items():
        result = pytest_run(path=folder)
        assert outcomes(result) == [(f"{folder}/{name}.py::test_x", "passed")]
    assert not (tmp_path / "elsewhere").exists()
    # A keyword that looks like an option is a keyword, too (it matches the folder's name).
    assert outcomes(pytest_run(keyword="-pno_such_plugin")) == [
        ("-pno_such_plugin/test_one.py::test_x", "passed")
    ]


def test_a_wrong_python_setting_is_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(ProjectPythonError) as caught:
        default_bridges(tmp_path, python="no-such-venv")
    assert str(caught.value) == (
        f"python = 'no-such-venv' is neither a virtual environment folder nor a Python "
        f"interpreter (looked at {tmp_path.resolve() / 'no-such-venv'}); set it to the "
        "project's .venv, e.g. python = '.venv', or remove the setting to let punie find it"
    )
    with pytest.raises(ValueError, match="above 0 seconds"):
        default_bridges(tmp_path, timeout_s=0)


def test_the_language_server_resolves_imports_in_the_chosen_environment(
    tmp_path: Path, project: Path
) -> None:
    """No .venv in the workspace: only the explicit choice leads ty to ``onlyproject``."""
    code = tmp_path / "uses.py"
    code.write_text("from onlyproject import VALUE\n\nprint(VALUE)\n", encoding="utf-8")
    root = tmp_path.resolve()
    session = session_for(root, python=str(project / ".venv"))
    try:
        params = types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=(root / "uses.py").as_uri()),
            position=types.Position(line=2, character=7),
        )
        found = session.request(
            types.TEXT_DOCUMENT_DEFINITION, params, documents={root / "uses.py": code.read_text()}
        )
    finally:
        session.close()
    site = next((project / ".venv" / "lib").glob("python3*/site-packages"))
    targets = sorted({item["uri"] if isinstance(item, dict) else item.uri for item in found})
    assert targets == [(site / "onlyproject" / "__init__.py").as_uri()]


# -- the command line and the settings --------------------------------------------------------


def punie(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PUNIE), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


SNIPPET = "r = pytest_run(path='tests/test_versions.py')\n[r.python, r.passed, r.failed]"


def test_cli_python_flag_and_setting(tmp_path: Path, project: Path) -> None:
    venv = project.resolve() / ".venv"
    _write(tmp_path, {"tests/test_versions.py": (project / "tests/test_versions.py").read_text()})
    done = punie("run", "--workspace", ".", "--python", str(venv), "-c", SNIPPET, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "[",
        f'"{venv}',
        "(set",
        "by",
        'configuration)",',
        "1,",
        "0",
        "]",
    ]
    (tmp_path / "punie.toml").write_text(f"python = {str(venv)!r}\n", encoding="utf-8")
    configured = punie("run", "--workspace", ".", "-c", SNIPPET, cwd=tmp_path)
    assert configured.stdout == done.stdout
    shown = punie("bridges", "--workspace", ".", cwd=tmp_path)
    assert shown.stderr.splitlines()[0] == f"# project Python: {venv} (set by configuration)"


def test_cli_wrong_python_names_the_flag_or_the_setting(tmp_path: Path) -> None:
    done = punie("run", "--workspace", ".", "--python", "nowhere", "-c", "1", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"punie run: --python nowhere: {tmp_path.resolve() / 'nowhere'} is neither a virtual "
        "environment folder nor a Python interpreter; pass the project's environment (e.g. "
        "--python .venv) or leave the flag out to let punie find it"
    )
    (tmp_path / "punie.toml").write_text("python = 'gone/.venv'\n", encoding="utf-8")
    configured = punie("bridges", "--workspace", ".", cwd=tmp_path)
    assert configured.returncode == 2
    assert configured.stderr.strip() == (
        f"punie bridges: {tmp_path.resolve() / 'punie.toml'}: python = 'gone/.venv': "
        f"{tmp_path.resolve() / 'gone/.venv'} is neither a virtual environment folder nor a "
        "Python interpreter; set it to the project's environment (e.g. python = '.venv'), "
        "remove it to let punie find one, or override it with --python PATH"
    )


def test_cli_bridge_timeout_flag_and_setting(tmp_path: Path, project: Path) -> None:
    _write(
        tmp_path, {"tests/test_hang.py": "import time\n\n\ndef test_hang():\n    time.sleep(60)\n"}
    )
    venv = str(project / ".venv")
    snippet = "pytest_run()"
    done = punie(
        "run", "--workspace", ".", "--python", venv, "--bridge-timeout", "2", "--timeout", "30",
        "-c", snippet, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert "pytest did not finish within 2 s and was stopped" in done.stderr
    (tmp_path / "punie.toml").write_text(f"python = {venv!r}\nbridge_timeout_s = 3\n")
    configured = punie("run", "--workspace", ".", "--timeout", "30", "-c", snippet, cwd=tmp_path)
    assert "pytest did not finish within 3 s and was stopped" in configured.stderr
    bad = punie("run", "--workspace", ".", "--bridge-timeout", "0", "-c", "1", cwd=tmp_path)
    assert bad.returncode == 2
    assert "--bridge-timeout: must be a number of seconds above 0, got '0'" in bad.stderr


@pytest.mark.parametrize("command", ["run", "ask", "repl"])
def test_cli_help_explains_the_options(command: str, tmp_path: Path) -> None:
    done = punie(command, "--help", cwd=tmp_path)
    text = " ".join(done.stdout.split())
    assert "--python PATH the project's Python for pytest_run, typecheck and navigation" in text
    assert "--bridge-timeout S seconds any one tool run behind a bridge may take" in text
