"""Where an import goes so that ruff's isort rule (I001) accepts the file.

ruff sorts an import block into sections, in this order: ``__future__``, standard library,
third-party, first-party, local (relative) imports, one blank line between sections. Inside a
section, ``import x`` lines come before ``from x import y`` lines, each sorted by module name
(case-insensitively, digits by value); the names of one ``from`` import are sorted constants
first (``MAX_SIZE``), then classes (``Path``), then the rest (``field``). A name with an ``as``
alias stays on its own ``from`` line. This module repeats those rules (ruff's defaults) for the
one import ``cst_add_import`` adds.

Which module is first-party is decided as ruff decides it, from the project's own files: the
``known-first-party`` / ``known-third-party`` / ``known-local-folder`` lists of the nearest ruff
configuration (``ruff.toml``, ``.ruff.toml`` or ``[tool.ruff]`` in ``pyproject.toml``); else the
package that contains the edited file; else the standard library of the running Python; else a
module whose whole dotted path exists as a folder or ``.py`` file in one of the configuration's
``src`` folders (default: the project folder and its ``src/``; ruff 0.17 checks the whole path,
so ``shop.models`` is first-party only when ``shop/models.py`` or ``shop/models/`` exists);
everything else is third-party. ``line-length`` (default 88)
decides when a ``from`` import is wrapped in parentheses.
"""

from __future__ import annotations

import fnmatch
import re
import sys
import tomllib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import libcst as cst

from bridges.cst._names import dotted_name, import_module_name

__all__ = [
    "ImportSettings",
    "MemberKey",
    "Section",
    "StatementKey",
    "member_key",
    "section_of",
    "statement_key",
]

_CONFIG_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")


class Section(IntEnum):
    """ruff's import sections, in the order they appear in a file."""

    FUTURE = 0
    STANDARD_LIBRARY = 1
    THIRD_PARTY = 2
    FIRST_PARTY = 3
    LOCAL_FOLDER = 4


@dataclass(frozen=True)
class ImportSettings:
    """The parts of a project's ruff configuration that decide import order."""

    src: tuple[Path, ...]
    """Folders whose top-level packages and modules are first-party."""
    package: str | None = None
    """Top-level package that holds the edited file (ruff's ``detect-same-package``)."""
    known_first_party: tuple[str, ...] = ()
    known_third_party: tuple[str, ...] = ()
    known_local_folder: tuple[str, ...] = ()
    line_length: int = 88

    @classmethod
    def for_file(cls, file: Path, *, workspace: Path) -> ImportSettings:
        """Settings from the ruff configuration nearest to ``file`` inside the workspace."""
        root = workspace.resolve()
        folder = file.resolve().parent
        config: dict[str, Any] = {}
        project = root
        for candidate in (folder, *folder.parents):
            found = _read_config(candidate)
            if found is not None:
                config, project = found, candidate
                break
            if candidate == root:
                break
        lint = config.get("lint", {})
        isort = {**config.get("isort", {}), **lint.get("isort", {})}
        src = tuple(project / entry for entry in config.get("src", [".", "src"]))
        line_length = config.get("line-length", 88)
        return cls(
            src=src,
            package=_package_of(file, root=root),
            known_first_party=tuple(isort.get("known-first-party", ())),
            known_third_party=tuple(isort.get("known-third-party", ())),
            known_local_folder=tuple(isort.get("known-local-folder", ())),
            line_length=line_length if isinstance(line_length, int) else 88,
        )


def _read_config(folder: Path) -> dict[str, Any] | None:
    for name in _CONFIG_FILES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # ruff itself reports a broken configuration; order by the defaults
        if name == "pyproject.toml":
            tool = data.get("tool", {})
            if "ruff" not in tool:
                continue
            data = tool["ruff"]
        return data if isinstance(data, dict) else {}
    return None


def _package_of(file: Path, *, root: Path) -> str | None:
    folder = file.resolve().parent
    package = None
    while (folder / "__init__.py").is_file() and folder != root and root in folder.parents:
        package = folder.name
        folder = folder.parent
    return package


def _matches(module: str, patterns: tuple[str, ...]) -> bool:
    parts = module.split(".")
    prefixes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(prefix, p) for p in patterns for prefix in prefixes)


def section_of(module: str, *, level: int, settings: ImportSettings) -> Section:
    """The section of ``import module`` / ``from module import ...`` (``level`` leading dots)."""
    base = module.split(".")[0]
    if level > 0:
        return Section.LOCAL_FOLDER
    if base == "__future__":
        return Section.FUTURE
    if _matches(module, settings.known_first_party):
        return Section.FIRST_PARTY
    if _matches(module, settings.known_third_party):
        return Section.THIRD_PARTY
    if _matches(module, settings.known_local_folder):
        return Section.LOCAL_FOLDER
    if settings.package is not None and base == settings.package:
        return Section.FIRST_PARTY
    if base in sys.stdlib_module_names:
        return Section.STANDARD_LIBRARY
    inner = Path(*module.split("."))
    for folder in settings.src:
        found = folder / inner
        if found.is_dir() or any(found.with_suffix(s).is_file() for s in (".py", ".pyi")):
            return Section.FIRST_PARTY
    return Section.THIRD_PARTY


Natural = tuple[tuple[str, int], ...]
MemberKey = tuple[int, Natural, Natural, Natural, Natural]
StatementKey = tuple[int, int, Natural, Natural, MemberKey]


def _natural(text: str) -> Natural:
    """Digits compare by value (``py2`` before ``py10``), like ruff's natural ordering."""
    pieces = re.split(r"(\d+)", text)
    return tuple(
        (piece, 0) if index % 2 == 0 else ("", int(piece)) for index, piece in enumerate(pieces)
    )


def member_key(name: str, asname: str | None) -> MemberKey:
    """Order of names in ``from m import ...``: constants, classes, then the rest."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    alias = asname or ""
    return (kind, _natural(name.lower()), _natural(name), _natural(alias.lower()), _natural(alias))


def statement_key(statement: cst.Import | cst.ImportFrom) -> StatementKey:
    """Order of statements in one section: ``import`` lines first, then ``from`` lines."""
    if isinstance(statement, cst.Import):
        first = statement.names[0]
        module = dotted_name(first.name) or ""
        return (
            0,
            0,
            _natural(module.lower()),
            _natural(module),
            member_key(module, _alias_of(first)),
        )
    relative = len(statement.relative)
    module = import_module_name(statement).lstrip(".")
    names = statement.names
    if isinstance(names, cst.ImportStar):
        first_key = member_key("*", None)
    else:
        first_key = member_key(dotted_name(names[0].name) or "", _alias_of(names[0]))
    # Relative imports: furthest first (``from .. import`` before ``from . import``).
    return (1, -relative, _natural(module.lower()), _natural(module), first_key)


def _alias_of(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    return dotted_name(alias.asname.name)
