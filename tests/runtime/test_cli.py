"""``punie ask`` and ``punie traces`` as a user runs them (scripted model, real sandbox, real bridges)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from runtime import ConfigError, load_config, render_tool_call
from runtime.cli import main

COUNT = render_tool_call('r = typecheck(path=".")\nprint(r.error_count)')


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text('count: int = "three"\n')
    (root / "replies.json").write_text(json.dumps([COUNT, "There is 1 type error."]))
    return root


def test_ask_prints_each_turn_and_the_answer(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "ask",
            "How many type errors?",
            "--model",
            "scripted:replies.json",
            "--workspace",
            str(workspace),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "print(r.error_count)" in out
    assert "There is 1 type error." in out


def test_ask_json_prints_the_whole_result(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "ask",
            "How many?",
            "--model",
            "scripted:replies.json",
            "--workspace",
            str(workspace),
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert data["answer"] == "There is 1 type error."
    assert data["turns"][0]["result"] == "1"
    assert data["calls"][0]["name"] == "typecheck"
    assert data["trace_id"]


def test_ask_takes_defaults_from_tool_punie(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "pyproject.toml").write_text(
        '[tool.punie]\nmodel = "scripted:replies.json"\nmax_turns = 1\n'
    )
    status = main(["ask", "How many?", "--workspace", str(workspace), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert (status, data["outcome"], len(data["turns"])) == (1, "max_turns", 1)


def test_ask_without_a_model_is_a_usage_error(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "hi", "--workspace", str(workspace)]) == 2
    assert "no model" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "fragment"),
    [
        (["--temperature", "-1"], "temperature must be 0 (greedy) or more"),
        (["--max-turns", "0"], "max_turns must be positive"),
        (["--max-time", "-5"], "max_time_s must be positive"),
    ],
)
def test_ask_with_nonsense_numbers_is_a_usage_error(
    option: list[str], fragment: str, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["ask", "hi", "--model", "scripted:replies.json", "--workspace", str(workspace)]
    assert main([*arguments, *option]) == 2
    assert fragment in capsys.readouterr().err


def test_ask_with_a_server_that_is_down_fails_cleanly(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.runtime.runtime_test_support import free_port

    spec = f"openai:http://127.0.0.1:{free_port()}/v1"
    assert main(["ask", "hi", "--model", spec, "--workspace", str(workspace), "--json"]) == 1
    captured = capsys.readouterr()
    assert "ModelUnavailableError" in captured.err
    assert captured.out == ""
    trace_id = captured.err.split("punie trace id: ")[1].split()[0]
    assert main(["traces", "show", trace_id]) == 0
    assert "run ended: error" in capsys.readouterr().out


def test_config_files(tmp_path: Path) -> None:
    assert load_config(tmp_path).model is None
    (tmp_path / "pyproject.toml").write_text('[tool.punie]\nmodel = "mlx:m"\n')
    assert load_config(tmp_path).model == "mlx:m"
    (tmp_path / "punie.toml").write_text('model = "openai:http://h:1"\nmax_turns = 3\n')
    config = load_config(tmp_path)
    assert (config.model, config.max_turns) == ("openai:http://h:1", 3)
    (tmp_path / "punie.toml").write_text("max_turnz = 3\n")
    with pytest.raises(ConfigError, match="max_turnz"):
        load_config(tmp_path)


def test_traces_list_show_export(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "ask",
            "How many?",
            "--model",
            "scripted:replies.json",
            "--workspace",
            str(workspace),
            "--json",
        ]
    )
    trace_id = json.loads(capsys.readouterr().out)["trace_id"]
    assert main(["traces", "list"]) == 0
    assert trace_id in capsys.readouterr().out
    assert main(["traces", "show", trace_id[:12]]) == 0
    assert "There is 1 type error." in capsys.readouterr().out
    assert main(["traces", "export", "--since", "2020-01-01", "--outcome", "success"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [m["role"] for m in row["messages"]] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
    ]
    assert main(["traces", "export", "--outcome", "max_turns"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["traces", "show", "nope"]) == 1
    assert "no trace 'nope'" in capsys.readouterr().err


def test_bad_since_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["traces", "export", "--since", "last tuesday"])
    assert caught.value.code == 2
    assert "not an ISO date" in capsys.readouterr().err


def test_console_script_runs(workspace: Path) -> None:
    punie = Path(sys.executable).parent / "punie"
    completed = subprocess.run(
        [str(punie), "ask", "How many?", "--model", "scripted:replies.json", "--json"],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["outcome"] == "success"


def _ask_once(workspace: Path, capsys: pytest.CaptureFixture[str]) -> str:
    arguments = ["ask", "How many?", "--model", "scripted:replies.json"]
    main([*arguments, "--workspace", str(workspace), "--json"])
    return json.loads(capsys.readouterr().out)["trace_id"]


def test_traces_export_to_an_unwritable_file_is_a_clear_error(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ask_once(workspace, capsys)
    target = tmp_path / "missing-folder" / "rows.jsonl"
    assert main(["traces", "export", "--output", str(target)]) == 1
    error = capsys.readouterr().err
    assert "cannot write the export" in error
    assert "Traceback" not in error
    assert main(["traces", "export", "--output", str(tmp_path / "rows.jsonl")]) == 0
    assert len((tmp_path / "rows.jsonl").read_text().splitlines()) == 1


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["export", "--outcome", "succes"], "invalid choice: 'succes'"),
        (["list", "--limit", "0"], "'0' is not a positive whole number"),
        (["list", "--limit", "-1"], "'-1' is not a positive whole number"),
    ],
)
def test_bad_traces_options_are_usage_errors(
    arguments: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["traces", *arguments])
    assert caught.value.code == 2
    assert fragment in capsys.readouterr().err


def test_traces_outcome_choices_match_the_runtime() -> None:
    from typing import get_args

    from runtime import Outcome
    from runtime.cli._traces import OUTCOMES

    assert (*get_args(Outcome), "incomplete") == OUTCOMES


def test_traces_list_limit_keeps_the_newest(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _ask_once(workspace, capsys), _ask_once(workspace, capsys)
    assert main(["traces", "list", "--limit", "1"]) == 0
    shown = capsys.readouterr().out
    assert second in shown
    assert first not in shown


@pytest.mark.parametrize("trace_id", ["../../etc/passwd", "", "a/b", ".hidden"])
def test_trace_ids_that_are_paths_are_refused(
    trace_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["traces", "show", trace_id]) == 1
    assert "is not a trace id" in capsys.readouterr().err


def test_ask_with_an_empty_question_is_a_usage_error(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["ask", "  ", "--model", "scripted:replies.json", "--workspace", str(workspace)]
    assert main(arguments) == 2
    assert "the question is empty" in capsys.readouterr().err


def test_export_leaves_out_runs_in_which_the_model_never_replied(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.runtime.runtime_test_support import free_port

    down = f"openai:http://127.0.0.1:{free_port()}/v1"
    main(["ask", "hi", "--model", down, "--workspace", str(workspace), "--json"])
    _ask_once(workspace, capsys)
    assert main(["traces", "export"]) == 0
    captured = capsys.readouterr()
    (row,) = [json.loads(line) for line in captured.out.splitlines()]
    assert row["messages"][-1] == {"role": "assistant", "content": "There is 1 type error."}
    assert "left out 1 trace(s) in which the model never replied" in captured.err
    assert main(["traces", "export", "--format", "events", "--outcome", "error"]) == 0
    assert '"run_finished"' in capsys.readouterr().out


def test_error_messages_are_printed_verbatim_not_as_markup(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "hi", "--workspace", str(workspace)]) == 2
    assert "set model in [tool.punie]" in capsys.readouterr().err
    assert main(["traces", "show", "[bold]x"]) == 1
    assert "no trace '[bold]x'" in capsys.readouterr().err


def test_traces_show_questions_verbatim(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one table row per trace
    question = "what does [tool.punie] set?"
    arguments = ["ask", question, "--model", "scripted:replies.json"]
    main([*arguments, "--workspace", str(workspace), "--json"])
    trace_id = json.loads(capsys.readouterr().out)["trace_id"]
    assert main(["traces", "list"]) == 0
    assert question in capsys.readouterr().out
    assert main(["traces", "show", trace_id]) == 0
    assert f"question: {question}" in capsys.readouterr().out
