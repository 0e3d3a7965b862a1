"""Model spec strings, as the CLI and ``[tool.punie]`` write them.

- ``mlx:PATH_OR_ID[@ADAPTER]`` — mlx-lm in-process, optional LoRA adapter directory;
- ``openai:URL[#MODEL]`` — an OpenAI-compatible server (``#MODEL`` defaults to
  ``default_model``, which is what mlx_lm.server needs for its ``--adapter-path`` to apply); the
  API key, when the server wants one, comes from ``PUNIE_API_KEY`` (never from the spec string,
  which ends up in traces);
- ``scripted:FILE.json`` — a JSON list of assistant reply texts, replayed in order;
- ``promoted`` — the model ``punie lora gate`` promoted last (see ``promoted_spec``).

``runtime`` may not import ``lora``, so the model registry's file format is a contract between
the two: ``lora`` writes ``$PUNIE_DATA_DIR/models.json`` (``lora/_registry.py``), and this module
reads one key of it, ``"promoted"``, the spec string of the current model. A test of ``lora``
pins that what it writes resolves here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from runtime._errors import ModelSpecError
from runtime.models._base import Model
from runtime.models._mlx import MLXModel
from runtime.models._openai import DEFAULT_MODEL, OpenAIModel
from runtime.models._scripted import ScriptedModel

__all__ = ["PROMOTED", "REGISTRY_FILE", "model_from_spec", "promoted_spec"]

_FORMS = "mlx:PATH[@ADAPTER], openai:URL#MODEL, scripted:FILE.json or promoted"

PROMOTED = "promoted"
"""The spec that names the model ``punie lora gate`` promoted last."""

REGISTRY_FILE = "models.json"
"""The model registry's file name, in punie's data directory (``runtime.traces.data_dir``)."""


def promoted_spec(registry: Path | None = None) -> str:
    """The spec string of the promoted model, read from the registry (default
    ``$PUNIE_DATA_DIR/models.json``). Raises ``ModelSpecError`` when nothing was promoted yet."""
    from runtime.traces import data_dir

    path = registry if registry is not None else data_dir() / REGISTRY_FILE
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        recorded = {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelSpecError(
            f"model spec {PROMOTED!r}: cannot read the model registry {path}: {error}. Fix or "
            "delete that file (punie lora gate rewrites it), or name a model: " + _FORMS
        ) from None
    spec = recorded.get(PROMOTED) if isinstance(recorded, dict) else None
    if not isinstance(spec, str) or not spec or spec == PROMOTED:
        raise ModelSpecError(
            f"model spec {PROMOTED!r}: no model has been promoted yet (registry {path}); promote "
            "one with punie lora gate or punie lora run, or name a model: mlx:PATH, "
            "openai:URL#MODEL"
        )
    return spec


def model_from_spec(spec: str, *, base_dir: Path | None = None) -> Model:
    """Build the model a spec string names; relative paths are resolved against ``base_dir``."""
    if spec == PROMOTED:
        return model_from_spec(promoted_spec(), base_dir=base_dir)
    kind, separator, rest = spec.partition(":")
    if not separator or not rest:
        raise ModelSpecError(f"model spec {spec!r} is not understood; use {_FORMS}")

    def resolve(text: str) -> str:
        path = Path(text).expanduser()
        if base_dir is not None and not path.is_absolute() and (base_dir / path).exists():
            return str(base_dir / path)
        return str(path) if path.exists() else text

    if kind == "mlx":
        path, at, adapter = rest.rpartition("@") if "@" in rest else (rest, "", "")
        if not path or (at and not adapter):
            raise ModelSpecError(f"model spec {spec!r}: write mlx:PATH or mlx:PATH@ADAPTER_DIR")
        return MLXModel(resolve(path), adapter=resolve(adapter) if adapter else None)
    if kind == "openai":
        url, _, model = rest.rpartition("#") if "#" in rest else (rest, "", "")
        if not url.startswith(("http://", "https://")):
            raise ModelSpecError(
                f"model spec {spec!r}: the URL must start with http:// or https://, e.g. "
                "openai:http://127.0.0.1:8080/v1#default_model"
            )
        return OpenAIModel(
            url, model=model or DEFAULT_MODEL, api_key=os.environ.get("PUNIE_API_KEY") or None
        )
    if kind == "scripted":
        return ScriptedModel.from_file(resolve(rest))
    raise ModelSpecError(f"unknown model kind {kind!r} in {spec!r}; use {_FORMS}")
