"""Navigation bridges and punie's language server: warm latency, overhead, diagnostics, start-up.

Run: ``uv run python benchmarks/lsp.py``. Prints medians in milliseconds:

1. Warm navigation bridge calls on a copy of the sample workspace (the host function a snippet's
   call reaches), against the floor of 30 ms.
2. The overhead of a bridge over asking ty server directly: the same LSP request sent by an
   independent minimal client (tests/lsp/_raw.py), as a ratio (target <= 1.2x). Shown for the
   position form (one request, like the direct one) and the symbol form (which first asks for
   the file's outline to find the name).
3. Diagnostics after ``didSave`` on a generated 100-module project with warm servers: from
   sending ``didSave`` to receiving ``publishDiagnostics`` (ty + ruff + validators), target
   <= 300 ms.
4. First-request latency after start: a cold navigation session, and ``punie lsp`` from spawn to
   the ``initialize`` answer and to the first diagnostics.

Exits 1 when a target is missed.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This folder holds a script named bridges.py, which would shadow the bridges package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

from bridges import BridgeContext, sample_workspace  # noqa: E402
from bridges.lsp import BRIDGES, LanguageServerSession, close_all_sessions  # noqa: E402
from tests.lsp._raw import RawClient, direct_ty, generate_project  # noqa: E402

FLOOR_MS = 30.0
RATIO_TARGET = 1.2
SAVE_TARGET_MS = 300.0
RUNS = 200
SAVE_RUNS = 15


def median_ms(function: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def navigation(root: Path) -> list[str]:
    context = BridgeContext(workspace=root)
    calls = {record.name: record.bind(context).function for record in BRIDGES}
    cases: list[tuple[str, Callable[[], Any]]] = [
        (
            "goto_definition(symbol)",
            lambda: calls["goto_definition"](file="shop/pricing.py", symbol="Cart"),
        ),
        (
            "goto_definition(line, column)",
            lambda: calls["goto_definition"](file="shop/pricing.py", line=4, column=23),
        ),
        (
            "find_references(symbol)",
            lambda: calls["find_references"](file="shop/models.py", symbol="Product"),
        ),
        ("hover(symbol)", lambda: calls["hover"](file="shop/pricing.py", symbol="bulk_discount")),
        ("document_symbols", lambda: calls["document_symbols"](file="shop/cart.py")),
        ("workspace_symbols", lambda: calls["workspace_symbols"](query="Cart")),
    ]
    lines = ["warm navigation bridge calls (sample workspace, median of %d):" % RUNS]
    failed = []
    medians: dict[str, float] = {}
    for name, call in cases:
        call()  # warm
        medians[name] = median_ms(call, RUNS)
        verdict = "PASS" if medians[name] <= FLOOR_MS else "FAIL"
        if verdict == "FAIL":
            failed.append(name)
        lines.append(f"  {name:32s} {medians[name]:7.2f} ms  (floor {FLOOR_MS:g} ms: {verdict})")

    direct = direct_ty(root)
    try:
        path = root / "shop/pricing.py"
        direct.open(path)
        params = {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": 3, "character": 22},
        }
        direct.request("textDocument/definition", params)
        direct_ms = median_ms(lambda: direct.request("textDocument/definition", params), RUNS)
        outline = {"textDocument": {"uri": path.as_uri()}}
        both_ms = median_ms(
            lambda: (
                direct.request("textDocument/documentSymbol", outline),
                direct.request("textDocument/definition", params),
            ),
            RUNS,
        )
    finally:
        direct.close()
    position_ratio = medians["goto_definition(line, column)"] / direct_ms
    symbol_ratio = medians["goto_definition(symbol)"] / both_ms
    lines.append(f"direct textDocument/definition to ty server (raw client): {direct_ms:.2f} ms")
    lines.append(
        f"  goto_definition(line, column) / direct definition: {position_ratio:.2f}x "
        f"(target <= {RATIO_TARGET}x: {'PASS' if position_ratio <= RATIO_TARGET else 'FAIL'})"
    )
    lines.append(
        f"  goto_definition(symbol) / direct documentSymbol + definition ({both_ms:.2f} ms): "
        f"{symbol_ratio:.2f}x"
    )
    if position_ratio > RATIO_TARGET:
        failed.append("overhead ratio")
    return lines + [f"FAILED: {', '.join(failed)}" if failed else ""]


def first_requests(root: Path) -> list[str]:
    lines = ["first request after start:"]
    for attempt in range(3):
        session = LanguageServerSession(root)
        started = time.perf_counter()
        from lsprotocol import types

        path = root / "shop/pricing.py"
        session.request(
            types.TEXT_DOCUMENT_DEFINITION,
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                position=types.Position(line=3, character=22),
            ),
            documents={path: path.read_text(encoding="utf-8")},
        )
        total = (time.perf_counter() - started) * 1000
        lines.append(
            f"  cold navigation session #{attempt + 1}: {total:.0f} ms to the first definition "
            f"(server start + initialize {session.start_duration_s * 1000:.0f} ms)"
        )
        session.close()
    return lines


def diagnostics_after_save(root: Path) -> tuple[list[str], bool]:
    punie = str(Path(sys.executable).parent / "punie")
    started = time.perf_counter()
    client = RawClient([punie, "lsp"], cwd=root)
    client.initialize(root)
    initialized_ms = (time.perf_counter() - started) * 1000
    path = root / "gen" / "mod50.py"
    base = path.read_text(encoding="utf-8")
    client.open(path)
    client.wait_notification("textDocument/publishDiagnostics", timeout_s=120, uri=path.as_uri())
    first_ms = (time.perf_counter() - started) * 1000
    times = []
    try:
        for run in range(SAVE_RUNS):
            text = base + f"\n# edit {run}\nimport os\n"
            path.write_text(text, encoding="utf-8")
            client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": path.as_uri(), "version": run + 2},
                    "contentChanges": [{"text": text}],
                },
            )
            sent = time.perf_counter()
            client.notify("textDocument/didSave", {"textDocument": {"uri": path.as_uri()}})
            published = client.wait_notification(
                "textDocument/publishDiagnostics", timeout_s=120, uri=path.as_uri()
            )
            times.append((time.perf_counter() - sent) * 1000)
            assert any(d["code"] == "F401" for d in published["diagnostics"]), published
    finally:
        path.write_text(base, encoding="utf-8")
        client.close()
    median = statistics.median(times)
    ok = median <= SAVE_TARGET_MS
    return (
        [
            f"punie lsp start: initialize answered after {initialized_ms:.0f} ms, first "
            f"diagnostics (open) after {first_ms:.0f} ms",
            f"diagnostics after didSave (100-module project, ty + ruff + validators, median of "
            f"{SAVE_RUNS}): {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f}; target "
            f"<= {SAVE_TARGET_MS:g} ms: {'PASS' if ok else 'FAIL'})",
        ],
        ok,
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        shop = sample_workspace(Path(folder) / "shop")
        report = navigation(shop)
        report += first_requests(shop)
        project = generate_project(Path(folder) / "gen")
        save_lines, save_ok = diagnostics_after_save(project)
        report += save_lines
        close_all_sessions()
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(line for line in report if line))
    failed = any(line.startswith("FAILED") for line in report) or not save_ok
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
