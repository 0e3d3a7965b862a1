"""``--model promoted`` and the manifest of a fused or quantized model directory.

``promoted`` reads the registry's ``"promoted"`` key (the format lora writes; the round trip
through ``lora.gate`` is pinned in tests/lora/test_gate.py). A model directory written by
``punie lora fuse``/``quantize`` carries ``punie_manifest.json``, and ``MLXModel`` reads it
without loading any weights.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime import Agent, MLXModel, ModelSpecError, ScriptedModel, model_from_spec
from runtime.profiles import AdapterManifest, Profile, write_manifest

GIT = Profile(name="git", bridges=("git_*",), stub_style="compact")
CORE_NAMES = Profile(name="lint", bridges=("ruff_check",), stub_style="compact")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PUNIE_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    return tmp_path / "data"


def test_promoted_runs_the_registry_s_current_model(data_dir: Path, tmp_path: Path) -> None:
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps(["Hello."]))
    (data_dir / "models.json").write_text(
        json.dumps({"format": "punie.models", "promoted": f"scripted:{replies}", "models": []})
    )
    model = model_from_spec("promoted")
    assert isinstance(model, ScriptedModel)
    agent = Agent(model="promoted", record_traces=False)
    assert agent.ask("Hi?").answer == "Hello."


def test_promoted_before_any_promotion(data_dir: Path) -> None:
    with pytest.raises(ModelSpecError) as caught:
        model_from_spec("promoted")
    assert str(caught.value) == (
        f"model spec 'promoted': no model has been promoted yet (registry "
        f"{data_dir / 'models.json'}); promote one with punie lora gate or punie lora run, or "
        "name a model: mlx:PATH, openai:URL#MODEL"
    )
    (data_dir / "models.json").write_text(json.dumps({"promoted": None, "models": []}))
    with pytest.raises(ModelSpecError, match=r"no model has been promoted yet"):
        model_from_spec("promoted")


def test_an_unreadable_registry_is_named(data_dir: Path) -> None:
    (data_dir / "models.json").write_text("[1, 2")
    with pytest.raises(ModelSpecError) as caught:
        model_from_spec("promoted")
    assert str(caught.value).startswith(
        f"model spec 'promoted': cannot read the model registry {data_dir / 'models.json'}: "
    )
    assert str(caught.value).endswith(
        "Fix or delete that file (punie lora gate rewrites it), or name a model: "
        "mlx:PATH[@ADAPTER], openai:URL#MODEL, scripted:FILE.json or promoted"
    )


def test_a_fused_model_directory_brings_its_profile(tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    write_manifest(model_dir, AdapterManifest(profile=GIT, base_model="tiny"))
    assert MLXModel(model_dir).profile == GIT  # not loaded: no mlx needed
    from_spec = model_from_spec(f"mlx:{model_dir}")
    assert isinstance(from_spec, MLXModel) and from_spec.profile == GIT
    assert MLXModel(tmp_path / "plain").profile is None
    assert MLXModel("mlx-community/some-model").profile is None  # a hub id: nothing to read


def test_the_adapter_s_manifest_wins_over_the_model_directory_s(tmp_path: Path) -> None:
    model_dir, adapter = tmp_path / "model", tmp_path / "adapter"
    write_manifest(model_dir, AdapterManifest(profile=GIT, base_model="tiny"))
    write_manifest(adapter, AdapterManifest(profile=CORE_NAMES, base_model=str(model_dir)))
    assert MLXModel(model_dir, adapter=adapter).profile == CORE_NAMES
    adapter_without = tmp_path / "plain-adapter"
    adapter_without.mkdir()
    assert MLXModel(model_dir, adapter=adapter_without).profile == GIT
