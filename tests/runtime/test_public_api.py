"""The runtime's public surface is deliberate: pinned names, __all__ everywhere, mlx optional."""

from __future__ import annotations

import ast
import shutil
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
        if path == ROOT / "__init__.py":
            continue  # its __all__ is derived from its one list of imports (the next tests)
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


def test_each_public_name_is_written_once_and_marked_as_a_re_export() -> None:
    """``runtime`` lists its public names once, as ``TYPE_CHECKING`` imports in the ``as`` form
    (what ty and readers see); ``__all__`` and the lazy loading are derived from that list."""
    source = (ROOT / "__init__.py").read_text()
    tree = ast.parse(source)
    guarded = next(node for node in tree.body if isinstance(node, ast.If))
    aliases = [
        alias for node in guarded.body if isinstance(node, ast.ImportFrom) for alias in node.names
    ]
    assert all(alias.asname == alias.name for alias in aliases)
    assert sorted(alias.name for alias in aliases) == sorted(runtime.__all__)
    for name in runtime.__all__:
        assert source.count(f'"{name}"') == 0, f"{name} is written again as a string"
    assert set(dir(runtime)) >= set(runtime.__all__)


def test_a_name_added_to_the_list_is_public_and_loads_lazily(tmp_path: Path) -> None:
    """The derivation is live: a copy of the package with one more import exports it."""
    copy = tmp_path / "runtime"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    init = copy / "__init__.py"
    text = init.read_text()
    init.write_text(
        text.replace(
            "    from runtime._agent import Agent as Agent\n",
            "    from runtime._agent import Agent as Agent\n"
            "    from runtime._loop import new_run_id as new_run_id\n",
        )
    )
    code = (
        "import runtime; print(runtime.__file__); "
        "print('new_run_id' in runtime.__all__, callable(runtime.new_run_id))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [str(init), "True True"]


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
