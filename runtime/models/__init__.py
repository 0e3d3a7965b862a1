"""Model backends behind one protocol, spec strings, and the tiny-model builder.

``Model`` is a one-method protocol (``complete(messages, settings) -> Completion``);
``MLXModel`` runs mlx-lm in-process, ``OpenAIModel`` talks to any OpenAI-compatible server,
``ScriptedModel`` is the public test double. ``build_tiny_model`` writes a small random qwen3
model that mlx-lm and mlx_lm.server load like any other (for tests; no download).
"""

from runtime.models._base import Completion, FinishReason, GenerationSettings, Model
from runtime.models._mlx import MLXModel
from runtime.models._openai import OpenAIModel
from runtime.models._scripted import ScriptedModel
from runtime.models._spec import PROMOTED, model_from_spec, promoted_spec
from runtime.models._tiny import TINY_CHAT_TEMPLATE, build_tiny_model

__all__ = [
    "PROMOTED",
    "TINY_CHAT_TEMPLATE",
    "Completion",
    "FinishReason",
    "GenerationSettings",
    "MLXModel",
    "Model",
    "OpenAIModel",
    "ScriptedModel",
    "build_tiny_model",
    "model_from_spec",
    "promoted_spec",
]
