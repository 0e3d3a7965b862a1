"""The learnability task: which bridge does a request need? Run as a script by test_learnability.

Five real bridges (each has its example file in ``bridges/examples``) and a few phrasings of a
request for each. Training requests name files from one pool, held-out requests from another, so
a model that passes has learnt to route by the request's words, not to recall a file name. The
prompt has no tools block (the experiments in ../shared/reference/mlx.md: 3x shorter prompts, the
same accuracy), and each assistant turn is a tool call rendered by ``runtime.template``.

``python tests/lora/routing_task.py BASE_MODEL OUT_DIR`` prints one JSON line:
``{"before": accuracy, "after": accuracy, "train_seconds": s, "first_loss": x, "last_loss": x}``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runtime.template import render_tool_call  # noqa: E402

SYSTEM = "You are punie. Answer with one tool call that runs one function on the file named."

PHRASINGS: dict[str, tuple[str, ...]] = {
    "typecheck": (
        "Are there type errors in {path}?",
        "Run the type checker on {path}.",
        "Does {path} type-check?",
    ),
    "ruff_check": (
        "Lint {path}.",
        "Any ruff violations in {path}?",
        "Check the style of {path} with the linter.",
    ),
    "pytest_run": (
        "Run the tests in {path}.",
        "Do the tests in {path} pass?",
        "Execute the test file {path}.",
    ),
    "read_file": (
        "Show me the contents of {path}.",
        "Read {path}.",
        "Print the text of {path}.",
    ),
    "git_log": (
        "Show the commit history of {path}.",
        "Who changed {path} recently?",
        "List the commits that touched {path}.",
    ),
}

TRAIN_FILES = ("shop/cart.py", "app/models.py")
HELD_OUT_FILES = (
    "billing/invoice.py",
    "core/engine.py",
    "web/views.py",
    "lib/parser.py",
    "data/loader.py",
    "api/routes.py",
)
_CALLED = re.compile(r"<parameter=code>\s*(?:\w+\s*=\s*)?(?:print\()?\s*([A-Za-z_]\w*)\(")


def _messages(request: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": request}]


def _row(bridge: str, request: str, path: str) -> dict[str, Any]:
    call = render_tool_call(f"print({bridge}(path={path!r}))")
    return {"messages": [*_messages(request), {"role": "assistant", "content": call}]}


def build(data: Path) -> list[tuple[str, str]]:
    """Write train.jsonl (30 rows) and valid.jsonl; return the held-out (request, bridge) pairs."""
    for bridge in PHRASINGS:  # the task is built on real bridges only
        assert (ROOT / "bridges" / "examples" / f"{bridge}.toml").is_file(), bridge
    data.mkdir(parents=True, exist_ok=True)
    train = [
        _row(bridge, phrasing.format(path=path), path)
        for bridge, phrasings in PHRASINGS.items()
        for phrasing in phrasings
        for path in TRAIN_FILES
    ]
    valid = [
        _row(bridge, phrasings[0].format(path=path), path)
        for bridge, phrasings in PHRASINGS.items()
        for path in HELD_OUT_FILES[:2]
    ]
    (data / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in train), "utf-8")
    (data / "valid.jsonl").write_text("".join(json.dumps(r) + "\n" for r in valid), "utf-8")
    return [
        (phrasing.format(path=path), bridge)
        for bridge, phrasings in PHRASINGS.items()
        for phrasing in phrasings
        for path in HELD_OUT_FILES
    ]


def called_bridge(text: str) -> str | None:
    """The function the generated tool call calls first (None: no tool call)."""
    found = _CALLED.search(text)
    return found.group(1) if found else None


def accuracy(base: Path, adapter: Path | None, held_out: list[tuple[str, str]]) -> float:
    from runtime import MLXModel
    from runtime.models import GenerationSettings
    from runtime.template import Message

    model = MLXModel(base, adapter=adapter)
    settings = GenerationSettings(max_tokens=48)
    right = 0
    for request, bridge in held_out:
        messages = [Message.model_validate(m) for m in _messages(request)]
        right += called_bridge(model.complete(messages, settings).text) == bridge
    return right / len(held_out)


def main(base: Path, out: Path) -> None:
    from lora import TrainConfig, train

    held_out = build(out / "data")
    before = accuracy(base, None, held_out)
    config = TrainConfig(
        rank=16, iters=300, grad_accumulation=1, steps_per_save=100, steps_per_eval=100
    )
    started = time.perf_counter()
    result = train(base=base, data=out / "data", out=out / "adapter", config=config, progress=False)
    seconds = time.perf_counter() - started
    after = accuracy(base, out / "adapter", held_out)
    summary = {
        "before": before,
        "after": after,
        "held_out": len(held_out),
        "train_seconds": round(seconds, 1),
        "first_loss": result.first_loss,
        "last_loss": result.last_loss,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
