"""The runtime's public surface is deliberate: pinned names, __all__ everywhere, mlx optional."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import runtime
import runtime.models
import runtime.template
import runtime.traces

ROOT = Path(runtime.__file__).parent

PINNED = {
    "AdapterManifest",
    "ManifestError",
    "Profile",
    "ProfileError",
    "ProfileMismatchError",
    "get_profile",
    "read_manifest",
    "write_manifest",
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
    "system_prompt_for",
    "training_record",
    "render_conversation",
    "render_system_prompt",
    "render_tool_call",
    "render_tool_result",
    "select_host_functions",
}


def test_public_names_are_pinned_and_sorted() -> None:
    assert set(runtime.__all__) == PINNED
    assert runtime.__all__ == sorted(runtime.__all__, key=lambda n: (not n[0].isupper(), n))
    for name in runtime.__all__:
        assert getattr(runtime, name) is not None


def test_every_runtime_module_declares_all() -> None:
    missing = []
    for path in sorted(ROOT.rglob("*.py")):
        if "lsp" in path.relative_to(ROOT).parts:
            continue  # runtime/lsp belongs to the language-server engineer
        tree = ast.parse(path.read_text())
        names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        if "__all__" not in names:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def test_submodule_exports_exist() -> None:
    for module in (runtime.models, runtime.template, runtime.traces):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_importing_runtime_does_not_import_mlx() -> None:
    code = "import sys, runtime; print(sorted(m for m in ('mlx', 'mlx_lm', 'transformers') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_lazy_names_match_the_imports_type_checkers_see() -> None:
    """``runtime`` loads its names on first use; the table that does it must name the same
    modules as the ``TYPE_CHECKING`` imports that ty and readers see, and cover ``__all__``."""
    tree = ast.parse((ROOT / "__init__.py").read_text())
    guarded = next(node for node in tree.body if isinstance(node, ast.If))
    seen = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert seen == runtime._HOME
    assert set(seen) == set(runtime.__all__)
    assert set(dir(runtime)) >= set(runtime.__all__)


def test_importing_runtime_for_the_cli_or_the_language_server_leaves_the_agent_unloaded() -> None:
    """``punie lsp`` and ``punie --help`` import ``runtime`` on their way: the agent loop, the
    model backends and httpx load only when something asks for them."""
    heavy = ("runtime._agent", "runtime._loop", "runtime.models", "httpx")
    code = (
        "import sys, runtime.cli, runtime.lsp; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules)); "
        "from runtime import Agent; import runtime as r; "
        "print(Agent is r._agent.Agent, r.traces.__name__, 'runtime.models' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "True runtime.traces True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Agnet'"):
        _ = runtime.Agnet
