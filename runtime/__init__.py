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

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # The one list of public names: each is imported here, for type checkers and readers, with
    # the ``as`` form that marks a re-export. At run time nothing of this runs: __getattr__ reads
    # this block (once, on the first lookup) to learn which module holds which name.
    from runtime._agent import Agent as Agent
    from runtime._config import (
        PunieConfig as PunieConfig,
        load_config as load_config,
    )
    from runtime._errors import (
        ConfigError as ConfigError,
        ModelError as ModelError,
        ModelRequestError as ModelRequestError,
        ModelResponseError as ModelResponseError,
        ModelSpecError as ModelSpecError,
        ModelUnavailableError as ModelUnavailableError,
        PunieRuntimeError as PunieRuntimeError,
        TraceError as TraceError,
        UsageError as UsageError,
    )
    from runtime._events import (
        BridgeCalled as BridgeCalled,
        CheckIssue as CheckIssue,
        Event as Event,
        EventAdapter as EventAdapter,
        ModelRequest as ModelRequest,
        ModelResponse as ModelResponse,
        Outcome as Outcome,
        ReplyRejected as ReplyRejected,
        RunFinished as RunFinished,
        RunStarted as RunStarted,
        SnippetChecked as SnippetChecked,
        SnippetExecuted as SnippetExecuted,
        Subscriber as Subscriber,
        TurnFinished as TurnFinished,
        Usage as Usage,
    )
    from runtime._extract import (
        Extraction as Extraction,
        extract as extract,
    )
    from runtime._results import (
        AgentLimits as AgentLimits,
        AgentResult as AgentResult,
        BridgeCallRecord as BridgeCallRecord,
        CancelToken as CancelToken,
        TurnRecord as TurnRecord,
    )
    from runtime._select import select_host_functions as select_host_functions
    from runtime.models import (
        Completion as Completion,
        GenerationSettings as GenerationSettings,
        MLXModel as MLXModel,
        Model as Model,
        OpenAIModel as OpenAIModel,
        ScriptedModel as ScriptedModel,
        build_tiny_model as build_tiny_model,
        model_from_spec as model_from_spec,
    )
    from runtime.profiles import (
        AdapterManifest as AdapterManifest,
        ManifestError as ManifestError,
        Profile as Profile,
        ProfileError as ProfileError,
        ProfileMismatchError as ProfileMismatchError,
        get_profile as get_profile,
        read_manifest as read_manifest,
        write_manifest as write_manifest,
    )
    from runtime.template import (
        Message as Message,
        SnippetOutcome as SnippetOutcome,
        Step as Step,
        outcome_from_precheck as outcome_from_precheck,
        outcome_from_run as outcome_from_run,
        render_conversation as render_conversation,
        render_system_prompt as render_system_prompt,
        render_tool_call as render_tool_call,
        render_tool_result as render_tool_result,
        system_prompt_for as system_prompt_for,
        training_record as training_record,
    )
    from runtime.traces import (
        Trace as Trace,
        TraceRecorder as TraceRecorder,
        TraceStore as TraceStore,
        conversation_from_trace as conversation_from_trace,
        data_dir as data_dir,
    )


_SUBMODULES = frozenset({"models", "profiles", "template", "traces"})
"""Public submodules, reachable as attributes like after an eager import (``runtime.traces``)."""


def _public_names() -> dict[str, str]:
    """Public name -> the module that defines it, read from the ``TYPE_CHECKING`` block above."""
    homes: dict[str, str] = {}
    source = Path(__file__).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    homes.update((alias.name, statement.module) for alias in statement.names)
    return homes


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"runtime.{name}")  # binds the attribute itself
    homes = globals().get("_HOMES")
    if homes is None:
        homes = globals()["_HOMES"] = _public_names()
    if name == "__all__":
        names = globals()["__all__"] = sorted(homes, key=lambda n: (not n[0].isupper(), n))
        return names
    module = homes.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__getattr__("__all__")})
