"""Where Python imports a project's modules from, and so what a file's module is called.

A bridge that turns a path into a module name (``check_layers``) must name modules as the code
imports them, or its rules never meet the imports they are about: in a src/ layout
``src/meteo/stats.py`` is imported as ``meteo.stats``, not ``src.meteo.stats``, and a checker
that counts from the workspace root refuses rules on ``meteo.*`` and lets rules on
``src.meteo.*`` pass every breach. This module is the one answer to "which folders are import
roots" for every such bridge.

The import roots are the workspace root itself, always, plus these folders when they exist in the
workspace (read from the workspace's own ``pyproject.toml``, the files the tools read):

- ``[tool.setuptools.packages.find] where`` and the ``""`` entry of ``[tool.setuptools]
  package-dir``;
- the folders holding ``[tool.hatch.build.targets.wheel] packages`` (``"src/meteo"`` -> ``src``)
  and the folders its ``sources`` strip (``["src"]`` or ``{"src" = ""}``);
- the ``from`` of ``[tool.poetry] packages``;
- ``[tool.pytest.ini_options] pythonpath`` and ``[tool.ty.environment] root``;
- by convention (as ty detects it), ``src/`` and ``python/`` when they are not packages
  themselves (no ``__init__.py``).

A file belongs to the deepest root that holds it; everything else is named from the workspace
root, so a project with both ``src/app/`` and a top-level ``tools/`` package gets ``app.*`` and
``tools.*``. A ``tests/`` folder keeps its name (``tests/test_x.py`` is ``tests.test_x``) so
that rules can name it as a layer. Not read: ``setup.py``/``setup.cfg``, ``pytest.ini``, renamed
packages (``package-dir = {"app" = "lib/app"}``) and configurations of sub-projects.

The ``pyproject.toml`` is workspace content: it is read only when under 1 MiB, and one that does
not parse adds no roots (the tools themselves report it).
"""

from __future__ import annotations

import posixpath
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["describe_roots", "import_roots", "module_name"]

_READ_LIMIT = 1 << 20
"""A ``pyproject.toml`` larger than this (1 MiB) is not parsed in the host."""

_CONVENTIONAL = ("src", "python")
"""Folders that are import roots when they exist and are not packages themselves (ty's rule)."""


def import_roots(workspace: Path) -> tuple[str, ...]:
    """The folders besides the workspace root that the project's modules are imported from.

    Workspace-relative POSIX paths of existing folders, deepest first, without duplicates; empty
    for a flat layout.
    """
    root = workspace.resolve()
    found: set[str] = set()
    for entry in (*_configured(root / "pyproject.toml"), *_conventional(root)):
        folder = _normalised(entry)
        if folder and (root / folder).is_dir():
            found.add(folder)
    return tuple(sorted(found, key=lambda folder: (-folder.count("/"), folder)))


def module_name(relative: str, roots: Sequence[str] = ()) -> str:
    """The module a workspace-relative ``.py`` path is imported as, given the ``import_roots``.

    ``shop/web/routes.py`` -> ``shop.web.routes``; ``pkg/__init__.py`` -> ``pkg``; with
    ``roots=("src",)``, ``src/meteo/stats.py`` -> ``meteo.stats``.
    """
    rest = relative
    for folder in sorted(roots, key=lambda folder: -folder.count("/")):
        inner = relative.removeprefix(f"{folder}/")
        if inner != relative and inner != "__init__.py":
            rest = inner
            break
    parts = rest.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def describe_roots(roots: Sequence[str]) -> str:
    """The roots in words for an error message: ``src/ and the workspace root``."""
    return " and ".join([*(f"{folder}/" for folder in roots), "the workspace root"])


def _normalised(entry: str) -> str:
    """``entry`` as a clean workspace-relative folder, or '' (the root itself, or outside)."""
    text = entry.strip().replace("\\", "/")
    if not text or text.startswith(("/", "~")) or "\x00" in text:
        return ""
    folder = posixpath.normpath(text)
    if folder == "." or folder == ".." or folder.startswith("../"):
        return ""
    return folder


def _conventional(root: Path) -> Iterator[str]:
    for name in _CONVENTIONAL:
        folder = root / name
        if folder.is_dir() and not any(
            (folder / init).exists() for init in ("__init__.py", "__init__.pyi")
        ):
            yield name


def _configured(pyproject: Path) -> Iterator[str]:
    """Every import root the ``pyproject.toml`` names (unchecked strings)."""
    tool = _table(_read(pyproject), "tool")
    setuptools = _table(tool, "setuptools")
    yield from _strings(_table(_table(setuptools, "packages"), "find").get("where"))
    package_dir = _table(setuptools, "package-dir")
    yield from _strings(package_dir.get(""))
    wheel = _table(_table(_table(_table(tool, "hatch"), "build"), "targets"), "wheel")
    yield from (
        posixpath.dirname(package.rstrip("/")) for package in _strings(wheel.get("packages"))
    )
    sources = wheel.get("sources")
    if isinstance(sources, dict):
        yield from (prefix for prefix, target in sources.items() if target == "")
    else:
        yield from _strings(sources)
    packages = _table(tool, "poetry").get("packages")
    if isinstance(packages, list):
        yield from (
            package["from"]
            for package in packages
            if isinstance(package, dict) and isinstance(package.get("from"), str)
        )
    yield from _strings(_table(_table(tool, "pytest"), "ini_options").get("pythonpath"))
    yield from _strings(_table(_table(tool, "ty"), "environment").get("root"))


def _read(pyproject: Path) -> dict[str, Any]:
    try:
        with pyproject.open("rb") as stream:
            data = stream.read(_READ_LIMIT + 1)
    except OSError:
        return {}
    if len(data) > _READ_LIMIT:
        return {}
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    """A TOML value that should be a string or a list of strings, as that list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
