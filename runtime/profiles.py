"""Profiles: the system prompt a model is trained on is the one it is shown.

The full system prompt with every bridge in full stub style is ~10,500 tokens: too long for a small
model to train on, or to prefill on every turn. A ``Profile`` names a bridge selection (names or
``fnmatch`` globs, applied by ``select_host_functions``) and a stub style (``"full"`` or
``"compact"``: signatures, field names and first docstring paragraphs), and renders the system
prompt through the one template (``runtime.template.system_prompt_for``)::

    from runtime.profiles import get_profile

    core = get_profile("core")
    prompt = core.system_prompt(host_functions)      # what training rows and the Agent both use

The LoRA pipeline records the profile in its dataset card, and a trained adapter carries it in
``punie_manifest.json`` beside its weights (``AdapterManifest``, ``write_manifest``,
``read_manifest``). ``MLXModel(path, adapter=DIR)`` reads that manifest; ``Agent`` then renders its
prompt with the adapter's profile, and refuses (``ProfileMismatchError``, naming both) a run that
asks for another bridge selection or stub style. For a server that serves the adapter
(``mlx_lm.server --adapter-path``), pass ``Agent(adapter=DIR_OR_MANIFEST)``.

Errors (all ``runtime.UsageError``)::

    UsageError
    ├── ProfileError              an unknown profile name or an invalid profile
    │   └── ProfileMismatchError  a run asks for another selection or stub style than the adapter's
    └── ManifestError             an adapter manifest that is missing, unreadable or invalid
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runtime._errors import UsageError
from runtime._select import select_host_functions
from runtime.template import USAGE_RULES, system_prompt_for
from sandbox import HostFunction, as_host_function

__all__ = [
    "MANIFEST_NAME",
    "PROFILES",
    "AdapterManifest",
    "ManifestError",
    "Profile",
    "ProfileError",
    "ProfileMismatchError",
    "StubStyle",
    "get_profile",
    "profile_of_adapter",
    "read_manifest",
    "resolve_profile",
    "write_manifest",
]

StubStyle = Literal["full", "compact"]
"""``"full"``: every docstring whole. ``"compact"``: first paragraphs, no field docstrings."""

MANIFEST_NAME = "punie_manifest.json"
"""The manifest's file name, beside ``adapters.safetensors`` and ``adapter_config.json``."""


class ProfileError(UsageError):
    """An unknown profile name, or a profile that selects nothing a run offers."""


class ProfileMismatchError(ProfileError):
    """A run asks for another bridge selection or stub style than the profile it must use."""


class ManifestError(UsageError):
    """An adapter's ``punie_manifest.json`` is missing, unreadable or not a punie manifest."""


class Profile(BaseModel):
    """A bridge selection plus a stub style: everything that decides the system prompt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    """How the dataset card, the manifest and ``--profile`` name it."""
    bridges: tuple[str, ...] = Field(default=("*",), min_length=1)
    """Bridge names or ``fnmatch`` globs (``"git_*"``), kept in the run's bridge order."""
    stub_style: StubStyle = "full"
    """How the stubs are rendered (``sandbox.render_stubs``)."""
    description: str = ""
    """One line for people (``punie lora dataset --help``, the dataset card)."""

    def describe(self) -> str:
        """``profile 'core' (bridges: a, b; stub style compact)``, for messages and cards."""
        return (
            f"profile {self.name!r} (bridges: {', '.join(self.bridges)}; "
            f"stub style {self.stub_style})"
        )

    def same_prompt_as(self, other: Profile) -> bool:
        """True when both render the same system prompt for the same host functions."""
        return (self.bridges, self.stub_style) == (other.bridges, other.stub_style)

    def select(
        self, host_functions: Sequence[HostFunction | Callable[..., Any]]
    ) -> list[HostFunction]:
        """The host functions this profile offers, in their original order.

        Raises ``ProfileMismatchError`` when a name of the selection is not among
        ``host_functions`` (a writing bridge in a read-only run, a bridge of another version).
        """
        functions = [as_host_function(f) for f in host_functions]
        if not functions:
            raise ProfileMismatchError(
                f"{self.describe()} selects bridges, but this run offers none; give the Agent a "
                "workspace (or host_functions) so the prompt matches the one it was trained on"
            )
        try:
            return select_host_functions(functions, self.bridges)
        except UsageError as error:
            raise ProfileMismatchError(
                f"{self.describe()} does not match this run's bridges: {error}"
            ) from None

    def system_prompt(
        self,
        host_functions: Sequence[HostFunction | Callable[..., Any]],
        *,
        rules: str = USAGE_RULES,
    ) -> str:
        """The system prompt for ``host_functions`` under this profile (selection, then style)."""
        return system_prompt_for(self.select(host_functions), rules=rules, style=self.stub_style)


_CORE_BRIDGES = (
    "typecheck",
    "ruff_check",
    "pytest_run",
    "read_file",
    "list_files",
    "grep",
    "git_status",
    "git_diff",
    "git_log",
)

PROFILES: Mapping[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            name="full",
            bridges=("*",),
            stub_style="full",
            description="every bridge the run offers, full docstrings (~10,500 tokens)",
        ),
        Profile(
            name="compact",
            bridges=("*",),
            stub_style="compact",
            description="every bridge the run offers, first docstring paragraphs only",
        ),
        Profile(
            name="core",
            bridges=_CORE_BRIDGES,
            stub_style="compact",
            description="type checking, lint, tests, files and git; compact stubs (small models)",
        ),
    )
}
"""The built-in profiles by name."""


def get_profile(profile: Profile | str) -> Profile:
    """A built-in profile by name (a ``Profile`` is returned as it is)."""
    if isinstance(profile, Profile):
        return profile
    found = PROFILES.get(profile)
    if found is None:
        raise ProfileError(
            f"there is no profile named {profile!r}; the profiles are: {', '.join(PROFILES)}"
        )
    return found


class AdapterManifest(BaseModel):
    """What an adapter was trained with, written beside its weights as ``punie_manifest.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["punie.adapter"] = "punie.adapter"
    """Marks the file as a punie adapter manifest."""
    version: Literal[1] = 1
    """The manifest schema version."""
    profile: Profile
    """The profile whose system prompt every training row carried."""
    base_model: str
    """The base model the adapter was trained on (a directory or a hub id)."""
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))
    """When the adapter was written (UTC)."""
    dataset_card_hash: str | None = None
    """The SHA-256 of the dataset card the adapter was trained from (None: unknown)."""


def _manifest_path(path: str | Path) -> Path:
    location = Path(path).expanduser()
    return location / MANIFEST_NAME if location.is_dir() else location


def write_manifest(adapter_dir: str | Path, manifest: AdapterManifest) -> Path:
    """Write ``punie_manifest.json`` into ``adapter_dir`` (created if needed); returns its path."""
    directory = Path(adapter_dir).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MANIFEST_NAME
        path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise ManifestError(
            f"cannot write the adapter manifest into {directory}: {error.strerror or error}; "
            "choose a writable adapter directory"
        ) from error
    return path


def read_manifest(path: str | Path) -> AdapterManifest:
    """Read an adapter manifest: the adapter directory, or the manifest file itself."""
    manifest = _manifest_path(path)
    try:
        text = manifest.read_text(encoding="utf-8")
    except OSError as error:
        raise ManifestError(
            f"cannot read the adapter manifest {manifest}: {error.strerror or error}. An adapter "
            f"trained by punie has {MANIFEST_NAME} beside adapters.safetensors; pass that "
            "directory, or the profile it was trained with (profile=...)"
        ) from None
    try:
        return AdapterManifest.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError) as error:
        raise ManifestError(
            f"{manifest} is not a valid punie adapter manifest: {error}. Rewrite it with "
            "runtime.profiles.write_manifest (or retrain the adapter)"
        ) from None


def profile_of_adapter(adapter_dir: str | Path) -> Profile | None:
    """The profile in an adapter directory's manifest; None when it has no manifest (an adapter
    trained elsewhere: the run then uses the Agent's own settings)."""
    path = Path(adapter_dir).expanduser() / MANIFEST_NAME
    if not path.is_file():
        return None
    return read_manifest(path).profile


def resolve_profile(
    requested: Profile | str | None,
    *,
    model: object = None,
    adapter: str | Path | None = None,
) -> Profile | None:
    """The profile a run must use: the adapter's (from ``adapter``, a directory or manifest, or
    from the model's own ``profile``, set by ``MLXModel`` with an adapter), else ``requested``.

    Raises ``ProfileMismatchError`` naming both when they disagree on selection or stub style.
    """
    wanted = get_profile(requested) if requested is not None else None
    sources: list[tuple[str, Profile]] = []
    if adapter is not None:
        sources.append(
            (f"the adapter manifest {_manifest_path(adapter)}", read_manifest(adapter).profile)
        )
    model_profile = getattr(model, "profile", None)
    if isinstance(model_profile, Profile):
        sources.append((f"the model {getattr(model, 'name', model)!r}", model_profile))
    if wanted is not None:
        sources.append(("the profile argument", wanted))
    if not sources:
        return None
    (first_source, first), *rest = sources
    for source, profile in rest:
        if not profile.same_prompt_as(first):
            raise ProfileMismatchError(
                f"{first_source} asks for {first.describe()}, but {source} asks for "
                f"{profile.describe()}; a model must run with the prompt it was trained on: "
                f"drop one, or pass profile={first.name!r}"
            )
    return first
