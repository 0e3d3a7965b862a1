"""Selecting bridges: a smaller system prompt that is still rendered by the one template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime import (
    Agent,
    ConfigError,
    ScriptedModel,
    TraceStore,
    UsageError,
    load_config,
    render_tool_call,
    select_host_functions,
    system_prompt_for,
)
from runtime.cli import main
from sandbox import HostFunction
from tests.runtime.runtime_fakes import broken, typecheck


def git_log(*, limit: int = 5) -> list[str]:
    """Recent commit subjects."""
    return ["first"][:limit]


def git_status() -> str:
    """The branch name."""
    return "main"


FUNCTIONS = [HostFunction.from_callable(f) for f in (typecheck, broken, git_log, git_status)]


def test_names_and_globs_keep_the_original_order() -> None:
    chosen = select_host_functions(FUNCTIONS, ["git_*", "typecheck"])
    assert [f.name for f in chosen] == ["typecheck", "git_log", "git_status"]


@pytest.mark.parametrize(
    ("patterns", "fragment"),
    [
        (["typechek"], "no bridge matches 'typechek'; did you mean 'typecheck'?"),
        (["svn_*"], "no bridge matches 'svn_*'; the bridges are: typecheck, broken"),
        ([" ", ""], "no bridges selected"),
    ],
)
def test_a_selection_that_matches_nothing_is_a_usage_error(
    patterns: list[str], fragment: str
) -> None:
    with pytest.raises(UsageError, match=fragment.replace("?", r"\?").replace("*", r"\*")):
        select_host_functions(FUNCTIONS, patterns)


def test_the_agent_offers_exactly_the_selected_bridges() -> None:
    model = ScriptedModel([render_tool_call('broken(reason="x")'), "done"])
    with Agent(model=model, host_functions=FUNCTIONS, bridges=["typecheck"]) as agent:
        assert agent.system_prompt == system_prompt_for([typecheck])
        assert "def broken" not in agent.system_prompt
        result = agent.ask("try the other one")
    assert result.turns[0].ok is False  # not offered, so not callable either
    assert "broken" in (result.turns[0].result or "")
    assert len(system_prompt_for(FUNCTIONS)) > len(agent.system_prompt)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    (root / "replies.json").write_text(json.dumps(["Nothing to do."]))
    return root


def _functions_of_last_run() -> list[str]:
    (trace,) = TraceStore().all()
    assert trace.started is not None
    return trace.started.functions


def test_ask_bridges_option_selects_and_the_trace_records_it(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["ask", "hi", "--model", "scripted:replies.json", "--workspace", str(workspace)]
    assert main([*arguments, "--bridges", "typecheck,git_*", "--json"]) == 0
    capsys.readouterr()
    functions = _functions_of_last_run()
    assert functions[0] == "typecheck"
    assert set(functions[1:]) == {"git_status", "git_diff", "git_log"}


def test_ask_takes_the_bridges_from_tool_punie(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "punie.toml").write_text(
        'model = "scripted:replies.json"\nbridges = ["ruff_check"]\n'
    )
    assert main(["ask", "hi", "--workspace", str(workspace), "--json"]) == 0
    capsys.readouterr()
    assert _functions_of_last_run() == ["ruff_check"]


@pytest.mark.parametrize("command", ["ask", "repl"])
def test_a_misspelt_bridge_is_a_usage_error(
    command: str, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = ["hi"] if command == "ask" else []
    arguments = [command, *question, "--model", "scripted:replies.json"]
    assert main([*arguments, "--workspace", str(workspace), "--bridges", "typechek"]) == 2
    assert "did you mean 'typecheck'?" in capsys.readouterr().err


def test_bridges_in_the_config_must_be_a_list_of_names(tmp_path: Path) -> None:
    (tmp_path / "punie.toml").write_text('bridges = "typecheck"\n')
    with pytest.raises(ConfigError, match="bridges"):
        load_config(tmp_path)
