"""check_layers names modules as the project imports them: src/ layouts, configured roots, both.

Before ``bridges._import_roots`` the checker named every module from the workspace root, so in a
src/ layout ``src/weather/core.py`` was ``src.weather.core``: rules on ``weather.*`` were refused
and rules on ``src.weather.*`` never met an import, so a breach PASSED. Each project here is
built in ``tmp_path``; the last tests run on a copy of the meteo evaluation workspace.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bridges import BridgeContext
from bridges._import_roots import import_roots, module_name
from bridges.cst import RuleArgumentError
from bridges.validators import BRIDGES
from parsers.contracts import ValidationIssue, ValidationResult

ROOT = Path(__file__).resolve().parents[3]
CHECK_LAYERS = next(bridge for bridge in BRIDGES if bridge.name == "check_layers")
RULES: dict[str, list[str]] = {"weather.core": [], "weather.web": ["weather.core"]}
CORE_IMPORTS_WEB = "import weather.web.views\nfrom .web import views\n"
"""Two breaches of ``RULES`` in ``weather/core.py``: absolute, and relative (resolved first)."""


def check(workspace: Path, rules: dict[str, list[str]], path: str = ".") -> ValidationResult:
    function = CHECK_LAYERS.bind(BridgeContext(workspace=workspace)).function
    result = function(rules=rules, path=path)
    assert isinstance(result, ValidationResult)
    return result


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def weather(prefix: str) -> dict[str, str]:
    """The package ``weather`` under ``prefix`` ('' or 'src/'), its core importing its web."""
    return {
        f"{prefix}weather/__init__.py": "",
        f"{prefix}weather/core.py": CORE_IMPORTS_WEB,
        f"{prefix}weather/web/__init__.py": "",
        f"{prefix}weather/web/views.py": "from weather.core import *\n",
    }


def core_breaches(file: str) -> list[ValidationIssue]:
    """The two issues of ``CORE_IMPORTS_WEB`` checked against ``RULES``, as whole values."""
    return [
        ValidationIssue(
            rule="LAYER001",
            severity="error",
            message=(
                f"weather.core (layer weather.core) imports {target} (layer weather.web); "
                "weather.core may import no other layer"
            ),
            file=file,
            line=line,
            suggestion=(
                "move the code that needs weather.web out of weather.core, or change the rules "
                "if the design allows it"
            ),
        )
        for line, target in ((1, "weather.web.views"), (2, "weather.web"))
    ]


# --- src layout ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pyproject",
    [
        None,  # the src/ convention alone
        '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
        '[tool.hatch.build.targets.wheel]\npackages = ["src/weather"]\n',
    ],
    ids=["convention", "pytest", "setuptools", "hatch"],
)
def test_a_breach_in_a_src_layout_is_reported(tmp_path: Path, pyproject: str | None) -> None:
    files = weather("src/")
    if pyproject is not None:
        files["pyproject.toml"] = pyproject
    project = write(tmp_path, files)
    for path in (".", "src", "src/weather", "src/weather/core.py"):  # ast prefilter and LibCST
        result = check(project, RULES, path)
        assert result.issues == core_breaches("src/weather/core.py"), path
        assert not result.valid


def test_rules_on_the_imported_names_are_accepted_in_a_src_layout(tmp_path: Path) -> None:
    project = write(tmp_path, {**weather("src/"), "src/weather/core.py": "import json\n"})
    assert check(project, RULES) == ValidationResult(valid=True, domain="layers", issues=[])


def test_a_configured_root_that_is_not_called_src(tmp_path: Path) -> None:
    files = {f"lib/{name}": text for name, text in weather("").items()}
    project = write(
        tmp_path, {**files, "pyproject.toml": '[tool.ty.environment]\nroot = ["lib"]\n'}
    )
    assert check(project, RULES, "lib").issues == core_breaches("lib/weather/core.py")


# --- flat layout -----------------------------------------------------------------------------


def test_a_breach_in_a_flat_layout_is_still_reported(tmp_path: Path) -> None:
    project = write(tmp_path, weather(""))
    assert check(project, RULES).issues == core_breaches("weather/core.py")


def test_a_package_called_src_is_named_src(tmp_path: Path) -> None:
    """A src/ with an __init__.py is a package imported as ``src``, not an import root."""
    files = {f"src/{name}": text for name, text in weather("").items()}
    files["src/weather/core.py"] = "import src.weather.web.views\n"
    project = write(tmp_path, {**files, "src/__init__.py": ""})
    rules = {"src.weather.core": [], "src.weather.web": ["src.weather.core"]}
    issues = check(project, rules).issues
    assert [(i.file, i.line, i.message) for i in issues] == [
        (
            "src/weather/core.py",
            1,
            "src.weather.core (layer src.weather.core) imports src.weather.web.views "
            "(layer src.weather.web); src.weather.core may import no other layer",
        )
    ]


# --- src/ and a top-level package ------------------------------------------------------------


def test_src_packages_and_top_level_packages_are_both_named_as_imported(tmp_path: Path) -> None:
    project = write(
        tmp_path,
        {
            **weather("src/"),
            "tools/__init__.py": "",
            "tools/report.py": "from weather.web import views\n",
        },
    )
    rules = {**RULES, "tools": ["weather.core"]}
    tools_breach = ValidationIssue(
        rule="LAYER001",
        severity="error",
        message=(
            "tools.report (layer tools) imports weather.web (layer weather.web); "
            "tools may import only weather.core"
        ),
        file="tools/report.py",
        line=1,
        suggestion=(
            "move the code that needs weather.web out of tools, or change the rules if the "
            "design allows it"
        ),
    )
    assert check(project, rules).issues == [*core_breaches("src/weather/core.py"), tools_breach]


# --- rules naming nothing --------------------------------------------------------------------


def test_a_rule_on_a_module_that_does_not_exist_is_refused_with_the_real_names(
    tmp_path: Path,
) -> None:
    project = write(tmp_path, {**weather("src/"), "tests/test_core.py": "import weather\n"})
    with pytest.raises(RuleArgumentError) as raised:
        check(project, {"climate": [], "climate.web": ["climate"]})
    assert str(raised.value) == (
        "no module under '.' belongs to any layer of the rules (climate, climate.web); module "
        "names start at the import roots (src/ and the workspace root), e.g. tests, weather"
    )


def test_a_rule_on_a_module_that_does_not_exist_in_a_flat_layout(tmp_path: Path) -> None:
    project = write(tmp_path, weather(""))
    with pytest.raises(RuleArgumentError) as raised:
        check(project, {"climate": []})
    assert str(raised.value) == (
        "no module under '.' belongs to any layer of the rules (climate); module names start at "
        "the workspace root, e.g. weather"
    )


def test_a_rule_spelt_with_the_src_prefix_is_refused_with_the_name_to_use(
    tmp_path: Path,
) -> None:
    project = write(tmp_path, weather("src/"))
    with pytest.raises(RuleArgumentError) as raised:
        check(project, {"src.weather.core": [], "src.weather.web": ["src.weather.core"]}, "src")
    assert str(raised.value) == (
        "no module under 'src' belongs to any layer of the rules (src.weather.core, "
        "src.weather.web); module names start at the import roots (src/ and the workspace "
        "root), e.g. weather; src/ is an import root, so name 'src.weather.core' as "
        "'weather.core'"
    )


def test_results_are_not_shared_between_projects_with_other_roots(tmp_path: Path) -> None:
    """The results cache is keyed by file content: the roots must be part of the key."""
    rules = {"lib": [], "weather.core": [], "weather.web": []}
    files = {"lib/weather/core.py": "import weather.web.views\n", "lib/weather/web/views.py": ""}
    flat = write(tmp_path / "flat", files)
    pyproject = '[tool.setuptools]\npackage-dir = {"" = "lib"}\n'
    rooted = write(tmp_path / "rooted", {**files, "pyproject.toml": pyproject})
    messages = [[i.message for i in check(project, rules).issues] for project in (flat, rooted)]
    assert messages == [
        [
            "lib.weather.core (layer lib) imports weather.web.views (layer weather.web); "
            "lib may import no other layer"
        ],
        [
            "weather.core (layer weather.core) imports weather.web.views (layer weather.web); "
            "weather.core may import no other layer"
        ],
    ]


# --- the import roots themselves -------------------------------------------------------------


@pytest.mark.parametrize(
    ("pyproject", "folders", "expected"),
    [
        ("", ["src/app"], ("src",)),
        ("", ["src", "python"], ("python", "src")),
        ("", ["lib"], ()),
        (
            '[tool.pytest.ini_options]\npythonpath = [".", "src", "../up", "OUTSIDE"]\n',
            ["src"],
            ("src",),
        ),
        ('[tool.pytest.ini_options]\npythonpath = "lib"\n', ["lib"], ("lib",)),
        ('[tool.setuptools.packages.find]\nwhere = ["lib/py"]\n', ["lib/py"], ("lib/py",)),
        ('[tool.setuptools]\npackage-dir = {"" = "lib"}\n', ["lib"], ("lib",)),
        ('[tool.hatch.build.targets.wheel]\npackages = ["a", "b"]\n', ["a", "b"], ()),
        ('[tool.hatch.build.targets.wheel]\nsources = ["lib"]\n', ["lib"], ("lib",)),
        (
            '[tool.hatch.build.targets.wheel.sources]\n"lib" = ""\n"x" = "y"\n',
            ["lib", "x"],
            ("lib",),
        ),
        ('[tool.poetry]\npackages = [{include = "app", from = "lib"}]\n', ["lib/app"], ("lib",)),
        (
            '[tool.ty.environment]\nroot = ["./code", "code/more"]\n',
            ["code/more"],
            ("code/more", "code"),
        ),
        ('[tool.pytest.ini_options]\npythonpath = ["missing"]\n', [], ()),
        ("[tool.pytest.ini_options\npythonpath = ['lib']\n", ["src/app", "lib"], ("src",)),
    ],
    ids=[
        "src-convention",
        "python-convention",
        "no-roots",
        "pytest-list",
        "pytest-string",
        "setuptools-where",
        "setuptools-package-dir",
        "hatch-top-level-packages",
        "hatch-sources-list",
        "hatch-sources-table",
        "poetry-from",
        "ty-root-deepest-first",
        "missing-folder",
        "broken-toml",
    ],
)
def test_import_roots(
    tmp_path: Path, pyproject: str, folders: list[str], expected: tuple[str, ...]
) -> None:
    workspace = tmp_path / "workspace"
    for folder in [*folders, "../up"]:  # ../up: a folder outside the workspace, never a root
        (workspace / folder).mkdir(parents=True)
    if pyproject:
        outside = (tmp_path / "up").as_posix()
        (workspace / "pyproject.toml").write_text(pyproject.replace("OUTSIDE", outside))
    assert import_roots(workspace) == expected


def test_a_src_folder_that_is_a_package_is_no_root(tmp_path: Path) -> None:
    write(tmp_path, {"src/__init__.py": "", "python/__init__.pyi": ""})
    assert import_roots(tmp_path) == ()


@pytest.mark.parametrize(
    ("relative", "roots", "expected"),
    [
        ("shop/web/routes.py", (), "shop.web.routes"),
        ("shop/__init__.py", (), "shop"),
        ("src/meteo/stats.py", ("src",), "meteo.stats"),
        ("src/meteo/__init__.py", ("src",), "meteo"),
        ("src/conftest.py", ("src",), "conftest"),
        ("source/meteo.py", ("src",), "source.meteo"),
        ("tools/report.py", ("src",), "tools.report"),
        ("lib/py/app/x.py", ("lib", "lib/py"), "app.x"),
        ("src/__init__.py", ("src",), "src"),
    ],
)
def test_module_name(relative: str, roots: tuple[str, ...], expected: str) -> None:
    assert module_name(relative, roots) == expected


# --- the meteo evaluation workspace ----------------------------------------------------------

METEO_RULES: dict[str, list[str]] = {
    "meteo.units": [],
    "meteo.readings": [],
    "meteo.stats": ["meteo.readings"],
    "meteo.alerts": ["meteo.readings", "meteo.units"],
    "meteo.storage": ["meteo.readings"],
    "meteo.dashboard": ["meteo.readings"],
    "tests": ["meteo"],
}
"""meteo's design: the core never imports the dashboard; the dashboard reads readings only."""


@pytest.fixture
def meteo(tmp_path: Path) -> Path:
    source = ROOT / "evals" / "workspaces" / "meteo"
    for part in ("src", "tests"):
        shutil.copytree(source / part, tmp_path / part)
    shutil.copy(source / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_meteo_follows_its_layering(meteo: Path) -> None:
    assert check(meteo, METEO_RULES) == ValidationResult(valid=True, domain="layers", issues=[])


def test_a_breach_planted_in_meteo_is_reported(meteo: Path) -> None:
    stats = meteo / "src" / "meteo" / "stats.py"
    stats.write_text(stats.read_text() + "\nfrom meteo.dashboard.widgets import StationHeader\n")
    line = stats.read_text().count("\n")
    assert check(meteo, METEO_RULES, "src").issues == [
        ValidationIssue(
            rule="LAYER001",
            severity="error",
            message=(
                "meteo.stats (layer meteo.stats) imports meteo.dashboard.widgets "
                "(layer meteo.dashboard); meteo.stats may import only meteo.readings"
            ),
            file="src/meteo/stats.py",
            line=line,
            suggestion=(
                "move the code that needs meteo.dashboard out of meteo.stats, or change the "
                "rules if the design allows it"
            ),
        )
    ]
