"""What an editor may configure, through ``initializationOptions`` or
``workspace/didChangeConfiguration``.

Both accept the keys either at the top level or under a ``"punie"`` section (editors nest
settings by section: VS Code sends ``{"punie": {...}}``), in camelCase or snake_case. Unknown keys
are reported, never silently dropped, so a typo shows up in the editor's log.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runtime._errors import ConfigError

__all__ = ["CHECKS", "ServerSettings", "parse_settings"]

Check = Literal["ty", "ruff", "validators"]
CHECKS: tuple[Check, ...] = ("ty", "ruff", "validators")

_ALIASES = {
    "ruffSelect": "ruff_select",
    "timeoutS": "timeout_s",
    "timeout": "timeout_s",
}


class ServerSettings(BaseModel):
    """punie's language-server settings; every field has a safe default."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    checks: tuple[Check, ...] = CHECKS
    """Which diagnostic sources run on open and save: any of 'ty', 'ruff', 'validators'."""
    ruff_select: tuple[str, ...] | None = None
    """Ruff rule codes or prefixes (['F', 'E7', 'B']); None uses the ruff_check bridge default."""
    validators: tuple[str, ...] | None = None
    """Validator bridge names to run (['validate_route_pattern']); None runs every validator."""
    layers: dict[str, list[str]] | None = None
    """Import-layer rules for check_layers ({'shop.web': ['shop.models']}); None skips it."""
    model: str | None = None
    """Model spec for punie.ask ('openai:http://127.0.0.1:8080/v1#model', 'mlx:PATH', ...)."""
    timeout_s: float = Field(default=60.0, gt=0, le=600)
    """Upper bound for one tool run behind a diagnostic or a command."""
    python: str | None = Field(default=None, min_length=1)
    """The project's Python (a venv folder or an interpreter, relative to the workspace); None
    uses ``python`` of ``[tool.punie]``, else the workspace's ``.venv`` (see docs/bridges.md)."""


def parse_settings(raw: Any, *, base: ServerSettings | None = None) -> ServerSettings:
    """Settings from an editor's JSON, layered over ``base``; ``ConfigError`` says what is wrong."""
    current = (base or ServerSettings()).model_dump()
    if raw is None:
        return ServerSettings.model_validate(current)
    if not isinstance(raw, dict):
        raise ConfigError(
            f"punie settings must be a JSON object, got {type(raw).__name__}; e.g. "
            '{"checks": ["ty", "ruff"], "ruffSelect": ["F", "E"]}'
        )
    section = raw.get("punie", raw)
    if not isinstance(section, dict):
        raise ConfigError('the "punie" settings section must be a JSON object')
    for key, value in section.items():
        current[_ALIASES.get(key, key)] = value
    try:
        return ServerSettings.model_validate(current)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'settings'}: {item['msg']}"
            for item in error.errors()
        )
        raise ConfigError(
            f"invalid punie settings ({problems}); known keys: checks, ruffSelect, validators, "
            "layers, model, timeoutS, python"
        ) from None
