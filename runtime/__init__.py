"""The agent runtime: model backends, the one prompt template, the loop, events and traces.

Public API (pinned by ``tests/runtime/test_public_api.py``)::

    from runtime import Agent, ScriptedModel

    agent = Agent(model=ScriptedModel(["The answer is 42."]), record_traces=False)
    result = agent.ask("What is six times seven?")

Submodules with their own public surface: ``runtime.template`` (rendering shared with the LoRA
pipeline), ``runtime.traces`` (trace files), ``runtime.models`` (backends, tiny-model builder).
"""

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

__all__ = [
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
    "load_config",
    "model_from_spec",
    "outcome_from_precheck",
    "outcome_from_run",
    "render_conversation",
    "render_system_prompt",
    "render_tool_call",
    "render_tool_result",
    "select_host_functions",
    "system_prompt_for",
    "training_record",
]
