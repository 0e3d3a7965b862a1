"""The gate through the evaluation API: it promotes a better candidate, refuses a worse one, and
records promotions in a registry that ``--model promoted`` resolves.

The models are the evaluation's public test doubles (``oracle``, ``fault:ignore_result``) and a
``scripted:`` model, on two cases of the standard suite (one tool case, one direct answer).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evals import load_suite
from lora import GateError, ModelRegistry, RegistryError, gate, read_registry
from runtime import ModelSpecError, ScriptedModel, model_from_spec
from runtime.cli import main
from runtime.profiles import AdapterManifest, Profile, write_manifest

SUITE = load_suite("standard").select(["single-typecheck-shop-error-count", "direct-yield-keyword"])
SAME = {"baseline": 1.0, "candidate": 1.0, "delta": 0.0}
NONE = {"baseline": None, "candidate": None, "delta": None}


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """punie's data directory moved into the test's folder; returns the registry file."""
    monkeypatch.setenv("PUNIE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "models.json"


def test_a_better_candidate_is_promoted_and_recorded(registry: Path) -> None:
    result = gate("oracle", "fault:ignore_result", suite=SUITE)
    assert (result.promoted, result.registry, result.cases, result.skipped) == (
        True,
        registry,
        2,
        (),
    )
    assert result.layers() == {
        "L0": SAME,
        "L1": SAME,
        "L2": SAME,
        "L3": SAME,
        "L4": SAME,
        "L5": NONE,
        "L6": {"baseline": 0.0, "candidate": 1.0, "delta": 1.0},
    }
    written = read_registry()
    assert written.promoted == "oracle"
    [entry] = written.models
    assert entry.name.startswith("oracle-20")
    assert entry.model_dump(exclude={"promoted_at", "name"}) == {
        "spec": "oracle",
        "source": "oracle",
        "profile": None,
        "replaced": "fault:ignore_result",
        "suite": "standard",
        "cases": 2,
        "margin": 0.02,
        "layers": result.layers(),
        "message": "not worse than the baseline by more than 0.020 on any layer",
    }
    assert written.current() == entry
    assert result.promoted_spec == "oracle"


def test_a_promoted_model_folder_is_kept_as_it_was(registry: Path, tmp_path: Path) -> None:
    """punie lora run rebuilds its model folder; the promoted model must not change with it."""
    from lora._registry import snapshot

    model = tmp_path / "run" / "model"
    model.mkdir(parents=True)
    (model / "config.json").write_text("first")
    kept = snapshot(f"mlx:{model}", name="model-1", registry=registry)
    assert kept == f"mlx:{registry.parent / 'models' / 'model-1' / 'model'}"
    shutil.rmtree(model)  # what the next run does before writing the new model
    model.mkdir()
    (model / "config.json").write_text("second")
    assert (registry.parent / "models" / "model-1" / "model" / "config.json").read_text() == "first"
    assert snapshot("openai:http://127.0.0.1:8080/v1#m", name="x", registry=registry) == (
        "openai:http://127.0.0.1:8080/v1#m"
    )


def test_a_worse_candidate_is_refused_and_nothing_is_recorded(registry: Path) -> None:
    result = gate("fault:ignore_result", "oracle", suite=SUITE)
    assert (result.promoted, result.registry) == (False, None)
    assert result.verdict.worse == {"L6": -1.0}
    assert result.table().splitlines()[-1] == (
        "refused: worse than the baseline by more than 0.020 on L6 -1.000"
    )
    assert not registry.exists()
    assert read_registry() == ModelRegistry()


def test_a_loss_within_the_margin_is_promoted(registry: Path) -> None:
    # ignore_result fails L6 on both cases (rate 1.0 -> 0.0): a margin of 1.0 lets it through.
    result = gate("fault:ignore_result", "oracle", suite=SUITE, margin=1.0)
    assert result.promoted
    assert read_registry().promoted == "fault:ignore_result"


def test_the_comparison_table(registry: Path) -> None:
    result = gate("oracle", "fault:ignore_result", suite=SUITE, promote_on_pass=False)
    assert result.table() == (
        "gate on standard (2 cases), margin 2.0 points\n"
        "  current:   fault:ignore_result\n"
        "  candidate: oracle\n"
        "\n"
        "  layer     current  candidate      delta\n"
        "  L0         100.0%     100.0%     +0.0pt\n"
        "  L1         100.0%     100.0%     +0.0pt\n"
        "  L2         100.0%     100.0%     +0.0pt\n"
        "  L3         100.0%     100.0%     +0.0pt\n"
        "  L4         100.0%     100.0%     +0.0pt\n"
        "  L5            n/a        n/a        n/a\n"
        "  L6           0.0%     100.0%   +100.0pt\n"
        "  strict       0.0%     100.0%   +100.0pt\n"
        "\n"
        "refused: not worse than the baseline by more than 0.020 on any layer\n"
    )
    assert not registry.exists()  # promote_on_pass=False only compares


def test_promoted_resolves_to_what_the_gate_promoted(registry: Path, tmp_path: Path) -> None:
    """The registry is a contract between lora (writes) and runtime (reads ``promoted``)."""
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps(["A generator: calling it returns a generator."]))
    direct = SUITE.select(["direct-yield-keyword"])
    result = gate(f"scripted:{replies}", "fault:ignore_result", suite=direct)
    assert result.promoted
    model = model_from_spec("promoted")
    assert isinstance(model, ScriptedModel)
    assert model.name == ScriptedModel.from_file(str(replies)).name
    # and the current model of the next gate, by default
    again = gate("oracle", "promoted", suite=direct)
    assert (again.current, again.promoted) == (f"scripted:{replies}", True)
    assert read_registry().promoted == "oracle"
    assert [m.spec for m in read_registry().models] == [f"scripted:{replies}", "oracle"]


def test_promoted_before_any_promotion_is_a_clear_error(registry: Path) -> None:
    with pytest.raises(GateError) as caught:
        gate("oracle", "promoted", suite=SUITE)
    assert str(caught.value) == (
        f"model spec 'promoted': no model has been promoted yet (registry {registry}); promote "
        "one with punie lora gate or punie lora run, or name a model: mlx:PATH, openai:URL#MODEL"
    )


def test_unusable_models_and_margins_are_refused(registry: Path, tmp_path: Path) -> None:
    with pytest.raises(GateError) as caught:
        gate("bogus:thing", "oracle", suite=SUITE)
    assert str(caught.value) == (
        "unknown model kind 'bogus' in 'bogus:thing'; use mlx:PATH[@ADAPTER], openai:URL#MODEL, "
        "scripted:FILE.json or promoted (the gate also takes a model folder, oracle or "
        "fault:NAME)"
    )
    with pytest.raises(GateError) as caught:
        gate("oracle", "fault:typo", suite=SUITE)
    assert str(caught.value) == (
        "unknown fault model 'fault:typo'; the fault models are fault:no_call, "
        "fault:wrong_bridge, fault:bad_field, fault:extra_call, fault:bad_argument, "
        "fault:ignore_result"
    )
    with pytest.raises(GateError) as caught:
        gate("oracle", "oracle", suite=SUITE, margin=-0.1)
    assert str(caught.value) == (
        "margin=-0.1: give 0 or more (--margin 0.02 allows two points less per layer)"
    )
    with pytest.raises(GateError) as caught:
        gate(tmp_path / "missing", "oracle", suite=SUITE)
    assert str(caught.value) == (
        f"{tmp_path / 'missing'} is not a model folder; give a folder holding config.json"
    )


def test_cases_a_profiled_model_cannot_run_are_left_out(registry: Path, tmp_path: Path) -> None:
    """A model trained with a profile runs only where every bridge of the profile is offered."""
    model = tmp_path / "model"
    git_only = Profile(name="git", bridges=("git_*",), stub_style="compact")
    write_manifest(model, AdapterManifest(profile=git_only, base_model="tiny"))
    with pytest.raises(GateError) as caught:  # the typecheck case offers no git bridge
        gate(model, "oracle", suite=SUITE.select(["single-typecheck-shop-error-count"]))
    assert str(caught.value) == (
        "no case of the suite 'standard' offers every bridge of profile 'git' (bridges: git_*; "
        "stub style compact), so neither model can be scored; choose a suite (--suite) with "
        'cases that offer them (bridges = "all")'
    )


def test_a_broken_registry_is_named(registry: Path) -> None:
    registry.parent.mkdir(parents=True)
    registry.write_text("{not json", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"^the model registry .* is not a punie model "):
        read_registry()
    with pytest.raises(ModelSpecError, match=r"^model spec 'promoted': cannot read the model "):
        model_from_spec("promoted")


def test_punie_lora_gate_and_models(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "one.toml"
    suite.write_text(
        (
            Path(__file__).parents[2] / "evals" / "suites" / "standard" / "direct_answer.toml"
        ).read_text(encoding="utf-8")
    )
    assert main(["lora", "models"]) == 0
    assert capsys.readouterr().out == (
        "no model promoted yet: punie lora gate or punie lora run promotes one\n"
    )
    refused = ["lora", "gate", "--candidate", "fault:ignore_result", "--current", "oracle"]
    assert main([*refused, "--suite", str(suite), "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "candidate": "fault:ignore_result",
        "current": "oracle",
        "suite": "one",
        "cases": 1,
        "skipped": [],
        "promoted": False,
        "layers": {
            "L0": NONE,
            "L1": SAME,
            "L2": NONE,
            "L3": NONE,
            "L4": NONE,
            "L5": NONE,
            "L6": {"baseline": 1.0, "candidate": 0.0, "delta": -1.0},
        },
        "message": "worse than the baseline by more than 0.020 on L6 -1.000",
    }
    promoted = ["lora", "gate", "--candidate", "oracle", "--current", "fault:ignore_result"]
    assert main([*promoted, "--suite", str(suite)]) == 0
    output = capsys.readouterr().out
    assert output.splitlines()[-1] == (
        "promoted: not worse than the baseline by more than 0.020 on any layer "
        f"(registry {registry})"
    )
    assert main(["lora", "models"]) == 0
    line = capsys.readouterr().out
    assert line.startswith("* 20") and line.endswith(
        "  oracle  profile -  replaced fault:ignore_result on one (1 cases)\n"
    )
    assert main(["lora", "models", "--json"]) == 0
    assert ModelRegistry.model_validate_json(capsys.readouterr().out) == read_registry()
