"""The agent runtime: model backends, the one prompt template, the loop, events and traces.

Public API (pinned by ``tests/runtime/test_public_api.py``)::

    from runtime import Agent, ScriptedModel

    agent = Agent(model=ScriptedModel(["The answer is 42."]), record_traces=False)
    result = agent.ask("What is six times seven?")

Submodules with their own public surface: ``runtime.template`` (rendering shared with the LoRA
pipeline), ``runtime.traces`` (trace files), ``runtime.models`` (backends, tiny-model builder),
``runtime.profiles`` (bridge selection + stub style, adapter manifests).

The names are loaded on first use (PEP 562): ``punie lsp``, ``punie run`` and ``punie --help``
import this package on their way to their own modules, and should not pay for the agent loop,
the model backends and their HTTP client before anything asks for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and readers see; at run time see __getattr__
    from runtime._agent import Agent
    from runtime._config import PunieConfig, load_config
    from runtime._errors import (
        ConfigError,
        ModelError,
        ModelRequestError,
        ModelResponseError,
        ModelSpecError,
        ModelUnavailableError,
        PunieRuntimeError,
        TraceError,
        UsageError,
    )
    from runtime._events import (
        BridgeCalled,
        CheckIssue,
        Event,
        EventAdapter,
        ModelRequest,
        ModelResponse,
        Outcome,
        ReplyRejected,
        RunFinished,
        RunStarted,
        SnippetChecked,
        SnippetExecuted,
        Subscriber,
        TurnFinished,
        Usage,
    )
    from runtime._extract import Extraction, extract
    from runtime._results import AgentLimits, AgentResult, BridgeCallRecord, CancelToken, TurnRecord
    from runtime._select import select_host_functions
    from runtime.models import (
        Completion,
        GenerationSettings,
        MLXModel,
        Model,
        OpenAIModel,
        ScriptedModel,
        build_tiny_model,
        model_from_spec,
    )
    from runtime.profiles import (
        AdapterManifest,
        ManifestError,
        Profile,
        ProfileError,
        ProfileMismatchError,
        get_profile,
        read_manifest,
        write_manifest,
    )
    from runtime.template import (
        Message,
        SnippetOutcome,
        Step,
        outcome_from_precheck,
        outcome_from_run,
        render_conversation,
        render_system_prompt,
        render_tool_call,
        render_tool_result,
        system_prompt_for,
        training_record,
    )
    from runtime.traces import Trace, TraceRecorder, TraceStore, conversation_from_trace, data_dir

_SOURCES: dict[str, tuple[str, ...]] = {
    "runtime._agent": ("Agent",),
    "runtime._config": (
        "PunieConfig",
        "load_config",
    ),
    "runtime._errors": (
        "ConfigError",
        "ModelError",
        "ModelRequestError",
        "ModelResponseError",
        "ModelSpecError",
        "ModelUnavailableError",
        "PunieRuntimeError",
        "TraceError",
        "UsageError",
    ),
    "runtime._events": (
        "BridgeCalled",
        "CheckIssue",
        "Event",
        "EventAdapter",
        "ModelRequest",
        "ModelResponse",
        "Outcome",
        "ReplyRejected",
        "RunFinished",
        "RunStarted",
        "SnippetChecked",
        "SnippetExecuted",
        "Subscriber",
        "TurnFinished",
        "Usage",
    ),
    "runtime._extract": (
        "Extraction",
        "extract",
    ),
    "runtime._results": (
        "AgentLimits",
        "AgentResult",
        "BridgeCallRecord",
        "CancelToken",
        "TurnRecord",
    ),
    "runtime._select": ("select_host_functions",),
    "runtime.profiles": (
        "AdapterManifest",
        "ManifestError",
        "Profile",
        "ProfileError",
        "ProfileMismatchError",
        "get_profile",
        "read_manifest",
        "write_manifest",
    ),
    "runtime.models": (
        "Completion",
        "GenerationSettings",
        "MLXModel",
        "Model",
        "OpenAIModel",
        "ScriptedModel",
        "build_tiny_model",
        "model_from_spec",
    ),
    "runtime.template": (
        "Message",
        "SnippetOutcome",
        "Step",
        "outcome_from_precheck",
        "outcome_from_run",
        "render_conversation",
        "render_system_prompt",
        "render_tool_call",
        "render_tool_result",
        "system_prompt_for",
        "training_record",
    ),
    "runtime.traces": (
        "Trace",
        "TraceRecorder",
        "TraceStore",
        "conversation_from_trace",
        "data_dir",
    ),
}
_HOME = {name: module for module, names in _SOURCES.items() for name in names}

__all__ = [
    "AdapterManifest",
    "Agent",
    "AgentLimits",
    "AgentResult",
    "BridgeCallRecord",
    "BridgeCalled",
    "CancelToken",
    "CheckIssue",
    "Completion",
    "ConfigError",
    "Event",
    "EventAdapter",
    "Extraction",
    "GenerationSettings",
    "MLXModel",
    "ManifestError",
    "Message",
    "Model",
    "ModelError",
    "ModelRequest",
    "ModelRequestError",
    "ModelResponse",
    "ModelResponseError",
    "ModelSpecError",
    "ModelUnavailableError",
    "OpenAIModel",
    "Outcome",
    "Profile",
    "ProfileError",
    "ProfileMismatchError",
    "PunieConfig",
    "PunieRuntimeError",
    "ReplyRejected",
    "RunFinished",
    "RunStarted",
    "ScriptedModel",
    "SnippetChecked",
    "SnippetExecuted",
    "SnippetOutcome",
    "Step",
    "Subscriber",
    "Trace",
    "TraceError",
    "TraceRecorder",
    "TraceStore",
    "TurnFinished",
    "TurnRecord",
    "Usage",
    "UsageError",
    "build_tiny_model",
    "conversation_from_trace",
    "data_dir",
    "extract",
    "get_profile",
    "load_config",
    "model_from_spec",
    "outcome_from_precheck",
    "outcome_from_run",
    "read_manifest",
    "render_conversation",
    "render_system_prompt",
    "render_tool_call",
    "render_tool_result",
    "select_host_functions",
    "system_prompt_for",
    "training_record",
    "write_manifest",
]


_SUBMODULES = frozenset({"models", "profiles", "template", "traces"})
"""Public submodules, reachable as attributes like after an eager import (``runtime.traces``)."""


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"runtime.{name}")  # binds the attribute itself
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
