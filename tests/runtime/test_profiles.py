"""Profiles: one bridge selection + stub style renders the prompt for training and for inference.

The central test renders one conversation (a preamble, a failing turn, a recovering turn, an
answer) twice — as a training row through ``runtime.template`` and as the Agent's last model
request — and compares both with ``profile_conversation.json``, a fixed, checked-in file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from runtime import Agent, MLXModel, ScriptedModel
from runtime.profiles import (
    MANIFEST_NAME,
    PROFILES,
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
    Step,
    outcome_from_run,
    render_conversation,
    render_tool_call,
    render_tool_result,
    training_record,
)
from sandbox import HostFunctionError, Sandbox, render_stubs

EXPECTED = Path(__file__).parent / "profile_conversation.json"


class LineCount(BaseModel):
    """How long a file is.

    Counted by the host, never by the snippet.
    """

    path: str = Field(description="The file, relative to the workspace.")
    lines: int = Field(description="Number of lines, the last one counted even without newline.")


def count_lines(*, path: str) -> LineCount:
    """Count the lines of one file.

    Fails with a message naming the path when the file does not exist.
    """
    sizes = {"shop/cart.py": 42, "shop/models.py": 17}
    if path not in sizes:
        raise HostFunctionError(f"no file {path!r}; the files are: {', '.join(sorted(sizes))}")
    return LineCount(path=path, lines=sizes[path])


def shout(*, text: str) -> str:
    """Upper-case some text."""
    return text.upper()


def whisper(*, text: str) -> str:
    """Lower-case some text (left out by the profile)."""
    return text.lower()


FUNCTIONS = [count_lines, shout, whisper]
PROFILE = Profile(name="test-compact", bridges=("count_lines", "shout"), stub_style="compact")
QUESTION = "How many lines does the cart module have?"
FIRST = 'n = count_lines(path="cart.py")\nprint(n.lines)'
SECOND = 'n = count_lines(path="shop/cart.py")\nprint(n.lines)'
PREAMBLE = "Let me count the lines."
ANSWER = "shop/cart.py has 42 lines."


def test_compact_stubs_keep_signature_fields_and_first_paragraphs() -> None:
    assert render_stubs([count_lines], style="compact") == (
        "def count_lines(*, path: str) -> LineCount:\n"
        '    """Count the lines of one file."""\n'
        "    ...\n"
        "\n"
        "class LineCount:\n"
        '    """How long a file is."""\n'
        "\n"
        "    path: str\n"
        "    lines: int\n"
    )


def test_full_stubs_are_unchanged_by_the_style_parameter() -> None:
    assert render_stubs([count_lines], style="full") == render_stubs([count_lines])
    assert "Fails with a message naming the path" in render_stubs([count_lines])


def test_unknown_stub_style_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"^stub style 'tiny' is unknown; use one of full, compact$"
    ):
        render_stubs([count_lines], style="tiny")  # ty: ignore[invalid-argument-type]


def test_training_and_inference_render_the_checked_in_conversation() -> None:
    system = PROFILE.system_prompt(FUNCTIONS)
    # training: run each snippet for real in one session, render through the template
    with Sandbox(PROFILE.select(FUNCTIONS)) as box, box.session() as session:
        steps = [
            Step(code=code, preamble=preamble, result=render_tool_result(outcome_from_run(run)))
            for code, preamble in ((FIRST, PREAMBLE), (SECOND, ""))
            for run in [session.run(code)]
        ]
    training = json.loads(
        training_record(
            render_conversation(system=system, question=QUESTION, steps=steps, answer=ANSWER)
        )
    )
    # inference: what the Agent sends the model, plus the answer it gave
    model = ScriptedModel(
        [
            f"{PREAMBLE}\n{render_tool_call(FIRST)}",
            render_tool_call(SECOND),
            ANSWER,
        ]
    )
    with Agent(
        model=model, host_functions=FUNCTIONS, profile=PROFILE, record_traces=False
    ) as agent:
        result = agent.ask(QUESTION)
    assert result.answer == ANSWER
    sent = [m.model_dump() for m in model.requests[-1]]
    inference = {"messages": [*sent, Message(role="assistant", content=ANSWER).model_dump()]}

    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert training == expected
    assert inference == expected


def test_the_checked_in_conversation_has_a_preamble_and_an_error_turn() -> None:
    messages = json.loads(EXPECTED.read_text(encoding="utf-8"))["messages"]
    assert [m["role"] for m in messages] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "tool",
        "assistant",
    ]
    assert messages[2]["content"].startswith(PREAMBLE + "\n<tool_call>")
    assert messages[3]["content"].startswith("Error: ")
    assert "whisper" not in messages[0]["content"]


def test_profile_prompt_is_the_agent_prompt_for_builtin_profiles(tmp_path: Path) -> None:
    for name in ("full", "compact"):
        profile = get_profile(name)
        agent = Agent(
            model=ScriptedModel(["ok"]),
            host_functions=FUNCTIONS,
            profile=name,
            record_traces=False,
        )
        assert agent.system_prompt == profile.system_prompt(FUNCTIONS)
        assert agent.profile == profile


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(ProfileError) as caught:
        get_profile("tiny")
    assert str(caught.value) == (
        f"there is no profile named 'tiny'; the profiles are: {', '.join(PROFILES)}"
    )


def test_profile_selecting_an_absent_bridge_is_a_mismatch() -> None:
    with pytest.raises(ProfileMismatchError) as caught:
        PROFILE.select([shout, whisper])
    assert str(caught.value) == (
        "profile 'test-compact' (bridges: count_lines, shout; stub style compact) does not "
        "match this run's bridges: no bridge matches 'count_lines'; the bridges are: "
        "shout, whisper"
    )


def test_manifest_round_trip_and_bad_manifests(tmp_path: Path) -> None:
    manifest = AdapterManifest(profile=PROFILE, base_model="tiny", dataset_card_hash="ab" * 32)
    path = write_manifest(tmp_path / "adapter", manifest)
    assert path == tmp_path / "adapter" / MANIFEST_NAME
    assert read_manifest(tmp_path / "adapter") == manifest
    assert read_manifest(path) == manifest

    with pytest.raises(ManifestError, match=r"cannot read the adapter manifest .*missing"):
        read_manifest(tmp_path / "missing")
    path.write_text('{"format": "punie.adapter", "version": 2}', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"is not a valid punie adapter manifest"):
        read_manifest(path)


def test_agent_with_an_adapter_uses_its_profile_and_refuses_another(tmp_path: Path) -> None:
    adapter = tmp_path / "adapter"
    write_manifest(adapter, AdapterManifest(profile=PROFILE, base_model="tiny"))
    agent = Agent(
        model=ScriptedModel(["ok"]), host_functions=FUNCTIONS, adapter=adapter, record_traces=False
    )
    assert agent.profile == PROFILE
    assert [f.name for f in agent.host_functions] == ["count_lines", "shout"]
    assert agent.system_prompt == PROFILE.system_prompt(FUNCTIONS)

    with pytest.raises(ProfileMismatchError) as caught:
        Agent(
            model=ScriptedModel(["ok"]),
            host_functions=FUNCTIONS,
            adapter=adapter,
            profile="full",
            record_traces=False,
        )
    assert str(caught.value) == (
        f"the adapter manifest {adapter / MANIFEST_NAME} asks for profile 'test-compact' "
        "(bridges: count_lines, shout; stub style compact), but the profile argument asks for "
        "profile 'full' (bridges: *; stub style full); a model must run with the prompt it was "
        "trained on: drop one, or pass profile='test-compact'"
    )

    with pytest.raises(ProfileMismatchError) as caught:
        Agent(
            model=ScriptedModel(["ok"]),
            host_functions=FUNCTIONS,
            adapter=adapter,
            bridges=["shout"],
            record_traces=False,
        )
    assert str(caught.value) == (
        "bridges=['shout'] selects shout, but profile 'test-compact' (bridges: count_lines, "
        "shout; stub style compact) selects count_lines, shout; leave out bridges to run with "
        "the profile's selection"
    )


def test_same_selection_with_another_style_is_refused(tmp_path: Path) -> None:
    adapter = tmp_path / "adapter"
    write_manifest(adapter, AdapterManifest(profile=PROFILE, base_model="tiny"))
    full = PROFILE.model_copy(update={"stub_style": "full", "name": "test-full"})
    with pytest.raises(ProfileMismatchError, match=r"stub style compact.*stub style full"):
        Agent(
            model=ScriptedModel(["ok"]),
            host_functions=FUNCTIONS,
            adapter=adapter,
            profile=full,
            record_traces=False,
        )


def test_mlx_model_with_an_adapter_carries_its_profile(tmp_path: Path) -> None:
    adapter = tmp_path / "adapter"
    write_manifest(adapter, AdapterManifest(profile=PROFILE, base_model="tiny"))
    model = MLXModel(tmp_path / "base", adapter=adapter)  # not loaded: no mlx needed
    assert model.profile == PROFILE
    assert MLXModel(tmp_path / "base", adapter=tmp_path / "plain").profile is None
    agent = Agent(model=model, host_functions=FUNCTIONS, record_traces=False)
    assert agent.system_prompt == PROFILE.system_prompt(FUNCTIONS)
    with pytest.raises(ProfileMismatchError, match=r"^the model 'mlx:.*' asks for profile"):
        Agent(model=model, host_functions=FUNCTIONS, profile="compact", record_traces=False)
