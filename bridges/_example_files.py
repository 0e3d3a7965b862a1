"""The example files: one TOML file per bridge, read on first use and validated.

Why TOML: snippets are multi-line Python, and TOML's literal strings (``'''...'''``) hold them
exactly as written, with no escaping of quotes or backslashes, so a file reads like the code a
model writes and diffs line by line; the reader, ``tomllib``, is in the standard library. JSON
would put every snippet on one escaped line; YAML would need a dependency and has surprising
scalars (``no`` is False). The JSON Schema of a file is still exported (``schema.json``) for
editors and for readers in other languages.

Loading is lazy: records name their file through ``LazyExamples``, and nothing is parsed until
someone reads ``record.examples`` (the test suite, the docs, evaluation, LoRA), because every
``punie run --workspace`` builds the records and most runs never look at an example.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from bridges._errors import BridgeError
from bridges._examples import BridgeExample

__all__ = [
    "EXAMPLES_FOLDER",
    "ExampleFileError",
    "LazyExamples",
    "all_examples",
    "load_examples",
]

EXAMPLES_FOLDER = Path(__file__).resolve().parent / "examples"
"""Where the built-in example files live (inside the package, so the wheel carries them)."""


class ExampleFileError(BridgeError):
    """An example file is missing, is not valid TOML, or breaks the schema.

    The message names the file, the example's id (or its position), the field and what is
    allowed there.
    """


def load_examples(bridge_name: str, *, folder: Path | None = None) -> tuple[BridgeExample, ...]:
    """The examples ``bridge_name`` owns, read from ``<folder>/<bridge_name>.toml``.

    ``folder`` defaults to the built-in examples (``bridges/examples``); a plugin may keep its
    own files elsewhere. Raises ``ExampleFileError`` when the file is missing, is not TOML, or
    an example breaks the schema (``bridges/examples/schema.json``), including an id that does
    not start with '<bridge_name>-' or appears twice.
    """
    import tomllib

    from pydantic import ValidationError

    from bridges._example_schema import FORMAT_HELP, ExampleFile, describe_errors

    path = (EXAMPLES_FOLDER if folder is None else folder) / f"{bridge_name}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExampleFileError(
            f"{path}: no example file for bridge {bridge_name!r}; create it with at least one "
            f"[[examples]] table ({FORMAT_HELP})"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExampleFileError(
            f"{path}: not valid TOML ({error}); write snippets as '''...''' literal strings "
            f"({FORMAT_HELP})"
        ) from None
    try:
        parsed = ExampleFile.model_validate(data)
    except ValidationError as error:
        raise ExampleFileError(describe_errors(path, data, error)) from None
    seen: set[str] = set()
    for example in parsed.examples:
        if not example.id.startswith(f"{bridge_name}-"):
            raise ExampleFileError(
                f"{path}: example {example.id!r}, field 'id': it must be "
                f"'{bridge_name}-<number>', named after the bridge whose file holds it"
            )
        if example.id in seen:
            raise ExampleFileError(
                f"{path}: example {example.id!r}, field 'id': the id is used twice; give the "
                "new example the next free number"
            )
        seen.add(example.id)
    # Plain BridgeExamples: equal to the same example built in Python (pydantic compares types).
    return tuple(BridgeExample.model_validate(example.model_dump()) for example in parsed.examples)


def all_examples() -> dict[str, tuple[BridgeExample, ...]]:
    """Every registered bridge's examples (built-in and plugins), by bridge name, in registry
    order. Reads every example file: call it when you need them all (evaluation, LoRA)."""
    from bridges._registry import registry

    return {record.name: tuple(record.examples) for record in registry()}


@dataclass(frozen=True, eq=False)
class LazyExamples(Sequence[BridgeExample]):
    """The examples of one bridge, read from its file on first access (``load_examples``).

    A record stores this as its ``examples``: building the records costs no file read, and
    reading ``record.examples[0]`` or iterating loads the file once per process.
    """

    bridge_name: str
    folder: Path | None = None
    _loaded: list[tuple[BridgeExample, ...]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def _examples(self) -> tuple[BridgeExample, ...]:
        if not self._loaded:
            self._loaded.append(load_examples(self.bridge_name, folder=self.folder))
        return self._loaded[0]

    @overload
    def __getitem__(self, index: int) -> BridgeExample: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[BridgeExample, ...]: ...
    def __getitem__(self, index: int | slice) -> BridgeExample | tuple[BridgeExample, ...]:
        return self._examples()[index]

    def __len__(self) -> int:
        return len(self._examples())

    def __iter__(self) -> Iterator[BridgeExample]:
        return iter(self._examples())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyExamples):
            return (self.bridge_name, self.folder) == (other.bridge_name, other.folder)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((LazyExamples, self.bridge_name, self.folder))
