"""The model registry: which models the gate promoted, and which one is current.

One JSON file, ``$PUNIE_DATA_DIR/models.json`` (default ``~/.local/share/punie/models.json``)::

    {
      "format": "punie.models",
      "version": 1,
      "promoted": "mlx:/home/me/runs/r1/model",      <- the current model's spec string
      "models": [ {"name": "r1-model", "spec": "mlx:/home/me/runs/r1/model", ...}, ... ]
    }

A promoted model that is a local folder (``mlx:PATH[@ADAPTER]``) is first **snapshotted** into
``$PUNIE_DATA_DIR/models/<name>-<time>/`` (hard links where the file system allows, else copies),
and the registry names the snapshot: ``punie lora run`` rebuilds its ``model/`` folder on the
next run, and the promoted model must not change under ``--model promoted`` when it does.

``"promoted"`` is the one key the runtime reads: ``--model promoted`` (``punie ask``, ``[tool.punie]
model = "promoted"``, ``Agent(model="promoted")``) resolves it in ``runtime/models/_spec.py``, which
may not import ``lora``. So the key's name and meaning are a contract between the two packages,
pinned by ``tests/lora/test_gate.py``. ``models`` keeps every promotion, newest last, with the
comparison that allowed it.

Writes are atomic (a temporary file in the same folder, then ``os.replace``) under an exclusive
``flock`` on ``models.json.lock``, so two gates finishing at once cannot lose each other's entry and
a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lora._gate_errors import RegistryError

__all__ = [
    "REGISTRY_FILE",
    "ModelRegistry",
    "RegisteredModel",
    "promote",
    "read_registry",
    "registry_file",
    "snapshot",
]

REGISTRY_FILE = "models.json"
"""The registry's file name in punie's data directory (``runtime.models._spec`` reads the same)."""


class RegisteredModel(BaseModel):
    """One promotion: the model, and the evaluation that let it replace the previous one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """A short label for ``punie lora models`` (the model folder's name, or the spec)."""
    spec: str
    """What ``--model`` takes to run it (``mlx:/abs/path``, ``openai:URL#MODEL``, ...); for a
    local folder, the snapshot's path."""
    source: str
    """The spec the gate was given (a snapshot's origin, which may change later)."""
    profile: str | None = None
    """The name of the profile it was trained with (from its manifest), if any."""
    promoted_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    replaced: str
    """The spec of the model it was compared with (the current model at the time)."""
    suite: str
    """The evaluation suite of the comparison."""
    cases: int
    """Cases of the suite that both models ran."""
    margin: float
    layers: dict[str, dict[str, float | None]]
    """Per layer: ``{"baseline": rate, "candidate": rate, "delta": candidate - baseline}``."""
    message: str
    """The verdict's one line."""


class ModelRegistry(BaseModel):
    """The whole registry file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["punie.models"] = "punie.models"
    version: Literal[1] = 1
    promoted: str | None = None
    """The spec of the current model (what ``--model promoted`` runs); None before a promotion."""
    models: tuple[RegisteredModel, ...] = ()
    """Every promotion, oldest first."""

    def current(self) -> RegisteredModel | None:
        """The newest entry whose spec is the promoted one."""
        return next((m for m in reversed(self.models) if m.spec == self.promoted), None)


def registry_file(registry: str | Path | None = None) -> Path:
    """``registry`` itself, else ``models.json`` in punie's data directory (``PUNIE_DATA_DIR``)."""
    if registry is not None:
        return Path(registry).expanduser()
    from runtime import data_dir

    return data_dir() / REGISTRY_FILE


def read_registry(registry: str | Path | None = None) -> ModelRegistry:
    """The registry (an empty one when the file does not exist yet)."""
    path = registry_file(registry)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ModelRegistry()
    except OSError as error:
        raise RegistryError(
            f"cannot read the model registry {path}: {error.strerror or error}; set "
            "PUNIE_DATA_DIR to a readable folder"
        ) from None
    try:
        return ModelRegistry.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError) as error:
        raise RegistryError(
            f"the model registry {path} is not a punie model registry ({error}); move it "
            "aside and promote the model again with punie lora gate"
        ) from None


@contextlib.contextmanager
def _locked(path: Path) -> Generator[None]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115 - held for the lock
    except OSError as error:
        raise RegistryError(
            f"cannot write the model registry {path}: {error.strerror or error}; set "
            "PUNIE_DATA_DIR to a writable folder"
        ) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _write(path: Path, registry: ModelRegistry) -> None:
    text = registry.model_dump_json(indent=2) + "\n"
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def snapshot(spec: str, *, name: str, registry: str | Path | None = None) -> str:
    """Keep a promoted local model: hard-link (or copy) the folders of an ``mlx:PATH[@ADAPTER]``
    spec into ``models/<name>/`` beside the registry; returns the snapshot's spec. Other specs
    (a hub id, ``openai:``, ``scripted:``, test doubles) are returned as they are."""
    kind, _, rest = spec.partition(":")
    path, _, adapter = rest.rpartition("@") if "@" in rest else (rest, "", "")
    if kind != "mlx" or not Path(path).is_dir():
        return spec
    store = registry_file(registry).parent / "models" / name
    try:
        shutil.copytree(path, store / "model", copy_function=_link_or_copy)
        if adapter and Path(adapter).is_dir():
            shutil.copytree(adapter, store / "adapter", copy_function=_link_or_copy)
    except OSError as error:
        raise RegistryError(
            f"cannot keep a copy of the promoted model in {store}: {error}; free some space "
            "or set PUNIE_DATA_DIR to a writable folder"
        ) from None
    return f"mlx:{store / 'model'}" + (f"@{store / 'adapter'}" if adapter else "")


def promote(entry: RegisteredModel, *, registry: str | Path | None = None) -> ModelRegistry:
    """Append ``entry`` and make its spec the promoted one; returns the registry as written."""
    path = registry_file(registry)
    with _locked(path):
        before = read_registry(path)
        after = before.model_copy(
            update={"promoted": entry.spec, "models": (*before.models, entry)}
        )
        try:
            _write(path, after)
        except OSError as error:
            raise RegistryError(
                f"cannot write the model registry {path}: {error.strerror or error}; set "
                "PUNIE_DATA_DIR to a writable folder"
            ) from None
    return after
