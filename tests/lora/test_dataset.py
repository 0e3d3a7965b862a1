"""``lora.build_dataset``: real sandbox runs, splits, card, leakage, stale examples, balance.

One dataset is built per module (the ``files`` profile below keeps it to the quick bridges: the
sandbox runs ~35 examples in a few seconds) with planted items: a stale example, a duplicate, an
example and a trace that match a built-in evaluation fingerprint set, and a trace file.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bridges import BridgeExample, ExampleStep, default_bridges, registry, sample_workspace
from evals import fingerprint
from lora import DatasetCard, DatasetConfigError, build_dataset, card_hash
from runtime import Message, outcome_from_run, render_tool_call, render_tool_result
from runtime.cli import main
from runtime.profiles import Profile, ProfileError
from sandbox import Sandbox

PROFILE = Profile(
    name="files",
    bridges=("read_file", "list_files", "git_status", "git_log"),
    stub_style="compact",
)
RECORDS = registry()
GIT_STATUS = next(r for r in RECORDS if r.name == "git_status")
LEAKED = GIT_STATUS.examples[0]  # its request is "in the evaluation suite" below
LEAKED_BY_SNIPPET = next(r for r in RECORDS if r.name == "git_log").examples[0]

STALE = BridgeExample(
    request="Which branch is checked out, and is it trunk?",
    steps=(ExampleStep(snippet="print(git_status().branch)", expect_lines=("trunk",)),),
    answer="The branch is trunk.",
)
STALE_OK = BridgeExample(
    request="Show that reading a missing file fails.",
    steps=(ExampleStep(snippet='read_file(path="shop/models.py").path', expect_ok=False),),
    answer="It fails.",
)
DUPLICATED = next(r for r in RECORDS if r.name == "git_log").examples[1]
DUPLICATE = BridgeExample(
    request=DUPLICATED.request.upper(),  # same request, other case: a duplicate
    steps=(ExampleStep(snippet="print(git_log(count=1).commits[0].subject)"),),
    answer="The last commit.",
)
FINGERPRINTS = frozenset(
    {
        fingerprint(LEAKED.request),
        fingerprint(LEAKED_BY_SNIPPET.request, LEAKED_BY_SNIPPET.steps[0].snippet),
        fingerprint("What is the capital of France?"),
    }
)


def _trace_row(question: str, code: str, result: str, answer: str) -> str:
    messages = [
        Message(role="system", content="an old system prompt"),
        Message(role="user", content=question),
        Message(role="assistant", content=render_tool_call(code)),
        Message(role="tool", content=result),
        Message(role="assistant", content=answer),
    ]
    return json.dumps({"messages": [m.model_dump() for m in messages]})


@pytest.fixture(scope="module")
def traces_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("traces") / "export.jsonl"
    path.write_text(
        _trace_row(
            "How many commits does the shop have?",
            "print(len(git_log(count=50).commits))",
            "5",
            "The shop has 5 commits.",
        )
        + "\n"
        + _trace_row("Are there type errors?", 'typecheck(path=".").error_count', "3", "3.")
        + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, traces_file: Path) -> tuple[Path, DatasetCard]:
    out = tmp_path_factory.mktemp("dataset") / "out"
    card = build_dataset(
        out,
        profile=PROFILE,
        traces=traces_file,
        fingerprints=FINGERPRINTS,
        extra_examples=[("git_status", STALE), ("read_file", STALE_OK), ("git_log", DUPLICATE)],
        seed=3,
    )
    return out, card


def _rows(path: Path) -> list[list[dict[str, str]]]:
    return [json.loads(line)["messages"] for line in path.read_text().splitlines()]


def _dropped(card: DatasetCard) -> dict[str, str]:
    return {item["id"]: item["reason"] for item in card.dropped}


def test_rows_are_chat_jsonl_with_the_profile_prompt(built: tuple[Path, DatasetCard]) -> None:
    out, card = built
    system = PROFILE.system_prompt(default_bridges(out))
    for split in ("train", "valid"):
        rows = _rows(out / f"{split}.jsonl")
        assert len(rows) == card.counts[split]
        for messages in rows:
            assert messages[0] == {"role": "system", "content": system}
            assert messages[1]["role"] == "user"
            assert messages[-1]["role"] == "assistant"
            assert "<tool_call>" not in messages[-1]["content"]


def test_tool_messages_are_real_results(built: tuple[Path, DatasetCard], tmp_path: Path) -> None:
    """Re-run the snippet of every single-step example row in a fresh sample workspace."""
    out, _ = built
    workspace = sample_workspace(tmp_path / "shop")
    checked = 0
    with Sandbox(PROFILE.select(default_bridges(workspace))) as box:
        for messages in _rows(out / "train.jsonl"):
            if len(messages) != 5 or messages[1]["content"].startswith("How many commits"):
                continue  # the trace row's result was recorded, not re-run
            code = messages[2]["content"].split("<parameter=code>\n", 1)[1]
            code = code.split("\n</parameter>", 1)[0]
            assert messages[3]["content"] == render_tool_result(outcome_from_run(box.run(code)))
            checked += 1
    assert checked >= 20


def test_a_stale_example_is_refused_with_the_reason(built: tuple[Path, DatasetCard]) -> None:
    _, card = built
    dropped = _dropped(card)
    assert dropped["extra-0"] == "stale: step 1 output lacks line 'trunk'; it was: main"
    assert dropped["extra-1"] == "stale: step 1 should fail but succeeded: shop/models.py"
    assert [i for i, r in dropped.items() if r.startswith("stale:")] == ["extra-0", "extra-1"]


def test_evaluation_items_are_refused(built: tuple[Path, DatasetCard]) -> None:
    out, card = built
    dropped = _dropped(card)
    refusal = "evaluation: matches an item of the evaluation suite 'standard'"
    assert [i for i, r in dropped.items() if r == refusal] == [
        "git_status-0",
        "git_log-0",
        "no_tool-33",
    ]
    text = (out / "train.jsonl").read_text() + (out / "valid.jsonl").read_text()
    for request in (LEAKED.request, LEAKED_BY_SNIPPET.request, "What is the capital of France?"):
        assert json.dumps(request)[1:-1] not in text


def test_duplicates_and_outside_profile_are_refused(built: tuple[Path, DatasetCard]) -> None:
    _, card = built
    dropped = _dropped(card)
    assert dropped["extra-2"] == "duplicate: same request as git_log-1"
    assert dropped["typecheck-0"] == (
        "outside_profile: calls typecheck, which profile 'files' (bridges: read_file, "
        "list_files, git_status, git_log; stub style compact) does not offer"
    )
    assert dropped["trace-export-2"] == ("trace: calls typecheck, which the profile does not offer")


def test_the_trace_is_kept_with_the_profile_prompt(built: tuple[Path, DatasetCard]) -> None:
    out, card = built
    assert card.sources["trace"] == 1
    rows = _rows(out / "train.jsonl") + _rows(out / "valid.jsonl")
    trace = [m for m in rows if m[1]["content"] == "How many commits does the shop have?"]
    assert len(trace) == 1
    assert trace[0][0]["content"] == PROFILE.system_prompt(default_bridges(out))
    assert trace[0][3:] == [
        {"role": "tool", "content": "5"},
        {"role": "assistant", "content": "The shop has 5 commits."},
    ]


def test_card_counts_match_the_files(built: tuple[Path, DatasetCard]) -> None:
    out, card = built
    assert DatasetCard.model_validate_json((out / "card.json").read_text()) == card
    assert (out / "card.md").read_text() == card.markdown()
    assert len(card_hash(out)) == 64
    rows = {split: _rows(out / f"{split}.jsonl") for split in ("train", "valid")}
    assert card.counts == {"train": len(rows["train"]), "valid": len(rows["valid"])}
    assert card.profile == PROFILE
    assert card.token_method == "estimate:chars/4"
    # split ids are disjoint, apart from rows repeated to reach a floor (train only)
    assert not set(card.rows["train"]) & set(card.rows["valid"])
    # per bridge and per turn counts, recomputed from the rows
    turns = Counter(
        str(sum(m["role"] == "tool" for m in messages))
        for split in rows.values()
        for messages in split
    )
    assert card.turns == dict(sorted(turns.items()))
    no_tool = sum(len(m) == 3 for split in rows.values() for m in split)
    assert card.sources["no_tool"] == no_tool == card.balance["no_tool_rows"]
    tool_rows = (
        sum(card.counts.values()) - no_tool - sum(card.balance["repeated_to_floor"].values())
    )
    assert no_tool == round(0.1 * tool_rows / 0.9)
    for bridge, splits in card.bridges.items():
        if bridge != "none":
            assert splits["train"] >= 8, bridge  # the default floor


def test_same_seed_same_dataset_other_seed_other_split(
    built: tuple[Path, DatasetCard], tmp_path: Path, traces_file: Path
) -> None:
    out, card = built
    kwargs = dict(
        profile=PROFILE,
        traces=traces_file,
        fingerprints=FINGERPRINTS,
        extra_examples=[("git_status", STALE), ("read_file", STALE_OK), ("git_log", DUPLICATE)],
    )
    again = build_dataset(tmp_path / "again", seed=3, **kwargs)  # ty: ignore[invalid-argument-type]
    assert (tmp_path / "again" / "train.jsonl").read_bytes() == (out / "train.jsonl").read_bytes()
    assert (tmp_path / "again" / "valid.jsonl").read_bytes() == (out / "valid.jsonl").read_bytes()
    assert again.rows == card.rows
    other = build_dataset(tmp_path / "other", seed=4, **kwargs)  # ty: ignore[invalid-argument-type]
    assert other.rows["valid"] != card.rows["valid"]


def test_caps_are_applied_and_reported(tmp_path: Path) -> None:
    settings = dict(
        profile=PROFILE,
        suite=None,
        min_per_bridge=0,
        no_tool_fraction=0,
        records=[r for r in RECORDS if r.name in {"git_log", "list_files"}],
    )
    whole = build_dataset(tmp_path / "whole", max_per_bridge=None, **settings)  # ty: ignore[invalid-argument-type]
    totals = {b: s["train"] + s["valid"] for b, s in whole.bridges.items()}
    assert min(totals.values()) > 4
    card = build_dataset(tmp_path / "out", max_per_bridge=4, **settings)  # ty: ignore[invalid-argument-type]
    assert card.balance["capped_bridges"] == {b: n - 4 for b, n in totals.items()}
    assert {b: s["train"] + s["valid"] for b, s in card.bridges.items()} == {
        "git_log": 4,
        "list_files": 4,
    }
    assert card.dropped_by_reason["balance"] == sum(totals.values()) - 8
    assert "balance" not in whole.dropped_by_reason


def test_bad_parameters_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetConfigError) as caught:
        build_dataset(tmp_path / "a", valid_fraction=1.5)
    assert str(caught.value) == (
        "valid_fraction=1.5: give a fraction above 0 and below 1, e.g. 0.1"
    )
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "train.jsonl").write_text("")
    with pytest.raises(DatasetConfigError, match=r"the output folder .*full is not empty"):
        build_dataset(tmp_path / "full")
    with pytest.raises(ProfileError, match=r"^there is no profile named 'nope'"):
        build_dataset(tmp_path / "b", profile="nope")
    bad = tmp_path / "no_tool.toml"
    bad.write_text('[[questions]]\nkind = "chatty"\nquestion = "hi"\nanswer = "hello"\n')
    with pytest.raises(DatasetConfigError) as caught:
        build_dataset(
            tmp_path / "c",
            profile=PROFILE,
            suite=None,
            records=[r for r in RECORDS if r.name == "git_log"],
            no_tool_file=bad,
        )
    assert str(caught.value) == (
        f"{bad}: question 1 has kind 'chatty'; use 'direct' or 'irrelevant'"
    )


def test_no_tool_file_has_enough_questions_of_both_kinds() -> None:
    import tomllib

    from lora._sources import NO_TOOL_FILE

    questions = tomllib.loads(NO_TOOL_FILE.read_text())["questions"]
    kinds = Counter(q["kind"] for q in questions)
    assert len(questions) >= 40
    assert kinds["direct"] >= 20 and kinds["irrelevant"] >= 10
    assert len({q["question"] for q in questions}) == len(questions)


def test_cli_reports_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["lora", "dataset", "--out", str(tmp_path / "o"), "--profile", "nope"])
    assert status == 2
    assert capsys.readouterr().err == (
        "error: there is no profile named 'nope'; the profiles are: full, compact, core\n"
    )
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "x").write_text("")
    assert main(["lora", "dataset", "--out", str(tmp_path / "o"), "--json"]) == 2
    assert capsys.readouterr().err.startswith("error: the output folder ")


def test_cli_builds_a_dataset_and_prints_the_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "git.json"
    profile.write_text(
        Profile(name="git", bridges=("git_log",), stub_style="compact").model_dump_json()
    )
    out = tmp_path / "out"
    status = main(
        [
            "lora",
            "dataset",
            "--out",
            str(out),
            "--profile",
            str(profile),
            "--suite",
            "none",
            "--seed",
            "5",
            "--json",
        ]
    )
    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((out / "card.json").read_text())
    assert printed["profile"] == {
        "name": "git",
        "bridges": ["git_log"],
        "stub_style": "compact",
        "description": "",
    }
    assert (printed["seed"], printed["suite"]) == (5, None)
    assert sorted(printed["bridges"]) == ["git_log", "none"]


def test_cli_refuses_a_bad_profile_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "bad.json"
    profile.write_text('{"name": "bad", "stub_style": "tiny"}')
    assert main(["lora", "dataset", "--out", str(tmp_path / "o"), "--profile", str(profile)]) == 2
    assert capsys.readouterr().err == (
        f"error: {profile} is not a profile: ('stub_style',): Input should be 'full' or "
        '\'compact\'. Write e.g. {"name": "git", "bridges": ["git_*"], "stub_style": '
        '"compact"}\n'
    )


def test_traces_from_a_trace_folder_successful_runs_only(tmp_path: Path) -> None:
    from runtime import Agent, ModelResponseError, ScriptedModel

    workspace = sample_workspace(tmp_path / "shop")
    trace_dir = tmp_path / "traces"
    call = render_tool_call("print(git_log(count=1).commits[0].author)")
    with Agent(
        model=ScriptedModel([call, "Ada Shopkeeper."]),
        workspace=workspace,
        profile=PROFILE,
        trace_dir=trace_dir,
    ) as agent:
        agent.ask("Who made the newest commit of all?")
    with (
        Agent(
            model=ScriptedModel([call]),  # runs out of replies: recorded with outcome "error"
            workspace=workspace,
            profile=PROFILE,
            trace_dir=trace_dir,
        ) as agent,
        pytest.raises(ModelResponseError),
    ):
        agent.ask("Who committed last, and when?")
    card = build_dataset(
        tmp_path / "out",
        profile=PROFILE,
        traces=trace_dir,
        suite=None,
        no_tool_fraction=0,
        records=[r for r in RECORDS if r.name == "git_log"],
    )
    assert card.sources["trace"] == 1
    assert [item for item in card.dropped if item["id"].startswith("trace-")] == []  # not read
    rows = _rows(tmp_path / "out" / "train.jsonl") + _rows(tmp_path / "out" / "valid.jsonl")
    (trace,) = [m for m in rows if m[1]["content"] == "Who made the newest commit of all?"]
    assert trace[2:] == [
        {"role": "assistant", "content": call},
        {"role": "tool", "content": "Ada Shopkeeper"},
        {"role": "assistant", "content": "Ada Shopkeeper."},
    ]
