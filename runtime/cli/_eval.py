"""``punie eval list | run | show | compare``: score a model on a suite, read and compare reports.

A thin face over ``evals`` (imported lazily inside the handlers, so ``punie --help`` stays fast):
``run`` is ``evals.run_suite`` plus ``evals.write_reports``; ``show`` reads a report back;
``compare`` is ``evals.compare`` and its verdict. Exit status: 0 whatever the scores, 1 when the
work failed (a broken case file, a report that cannot be written), 2 for a usage error (an
unknown suite or case, a bad model spec, an unreadable report), the message naming the flag.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from runtime.cli._traces import positive_int

__all__ = ["register"]

_DEFAULT_OUT = (
    "default: $PUNIE_DATA_DIR/evals/<UTC time>-<suite>-<model>; PUNIE_DATA_DIR defaults to "
    "$XDG_DATA_HOME/punie or ~/.local/share/punie"
)
_MODEL_SPECS = (
    "oracle (replays each case's reference: scores 100%%), fault:NAME (a model that fails "
    "known layers: no_call, wrong_bridge, bad_field, extra_call, bad_argument, ignore_result), "
    "mlx:PATH[@ADAPTER] (a local MLX model), openai:URL#MODEL (any OpenAI-compatible server), "
    "scripted:FILE.json"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score a model on an evaluation suite, layer by layer, through the real runtime",
        description="Score a model layer by layer (L0 validity ... L6 final answer) on an "
        "evaluation suite, through the same agent a user runs. See docs/evals.md.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="the suites: name, cases, categories")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(handler=_list)

    run = actions.add_parser(
        "run",
        help="run a suite with a model and write the reports",
        description="Run every case of a suite with a model and score it. Writes report.json, "
        "report.md, report.html (self-contained, with charts) and inspect.eval (an Inspect AI "
        f"log, when inspect_ai is installed) into --out ({_DEFAULT_OUT}). Exit status 0 "
        "whatever the scores.",
    )
    run.add_argument(
        "--suite",
        required=True,
        help="a suite name (see 'punie eval list'), a folder of .toml case files or one file",
    )
    run.add_argument("--model", required=True, help=f"the model under test: {_MODEL_SPECS}")
    run.add_argument(
        "--cases",
        nargs="+",
        metavar="ID",
        help="run only these case ids (globs allowed: 'meteo-*')",
    )
    run.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="cases run in parallel (default 1)",
    )
    run.add_argument(
        "--repeat",
        type=positive_int,
        metavar="N",
        default=1,
        help="run the suite N times (seeds seed..seed+N-1) and report the spread (default 1)",
    )
    run.add_argument(
        "--perturb",
        action="store_true",
        help="also run under perturbed prompts (reworded rules, reordered stubs, another "
        "equivalent bridge selection) and report the delta per layer",
    )
    run.add_argument("--seed", type=int, default=0, metavar="N", help="base seed (default 0)")
    run.add_argument(
        "--max-turns", type=positive_int, default=8, metavar="N", help="turns per case (default 8)"
    )
    run.add_argument(
        "--max-tokens",
        type=positive_int,
        metavar="N",
        help="cap every model reply at N new tokens (default: the runtime's 1,024), in every "
        "repetition and perturbed run; for a quick smoke run or a slow local model. A reply cut "
        "at the cap is not an answer (the model is told and tries again), so a cap too low for "
        "real answers lowers the scores; the report records the cap",
    )
    run.add_argument("--out", type=Path, metavar="DIR", help=f"output folder ({_DEFAULT_OUT})")
    run.add_argument("--no-inspect", action="store_true", help="do not write the Inspect AI log")
    run.add_argument(
        "--json",
        action="store_true",
        help='print only the summary as JSON: {"suite", "model", "cases", "layers", '
        '"categories", "report"} (no progress bar)',
    )
    run.set_defaults(handler=_run)

    show = actions.add_parser("show", help="print a report's summary")
    show.add_argument("report", type=Path, help="a report.json, or the folder holding it")
    show.add_argument("--json", action="store_true", help="print the summary as JSON")
    show.set_defaults(handler=_show)

    compare = actions.add_parser(
        "compare",
        help="per-layer and per-category deltas of report B against report A, and the verdict",
        description="Compare a candidate report (B) with a baseline (A): per-layer and "
        "per-category deltas, and the verdict the LoRA gate uses (no layer worse than the "
        "baseline by more than --margin). Writes comparison.json, .md and .html into --out "
        f"({_DEFAULT_OUT.replace('<suite>-<model>', 'compare')}).",
    )
    compare.add_argument("baseline", type=Path, help="report A (report.json or its folder)")
    compare.add_argument("candidate", type=Path, help="report B (report.json or its folder)")
    compare.add_argument(
        "--margin",
        type=_margin,
        default=0.02,
        help="how far a layer may fall before the verdict is WORSE (default 0.02: 2 points)",
    )
    compare.add_argument("--out", type=Path, metavar="DIR", help="output folder")
    compare.add_argument(
        "--fail-if-worse",
        action="store_true",
        help="exit with status 1 when the verdict is WORSE (for scripts and CI)",
    )
    compare.add_argument(
        "--json", action="store_true", help="print the comparison and the verdict as JSON"
    )
    compare.set_defaults(handler=_compare)


def _margin(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a margin between 0 and 1 (0.02 means two percentage points)"
        )
    return value


def _usage(flag: str, message: object) -> int:
    from runtime.cli._display import error_text, make_console

    make_console(stderr=True).print(error_text(f"{flag}: {message}"))
    return 2


def _failed(message: object) -> int:
    from runtime.cli._display import error_text, make_console

    make_console(stderr=True).print(error_text(str(message)))
    return 1


# -- list -----------------------------------------------------------------------------------------


def _list(arguments: argparse.Namespace) -> int:
    from evals import CATEGORIES, SuiteError, load_suite, suite_names

    rows: list[dict[str, Any]] = []
    for name in suite_names():
        try:
            suite = load_suite(name)
        except SuiteError as error:
            return _failed(error)
        counts = {c: sum(case.category == c for case in suite.cases) for c in CATEGORIES}
        rows.append(
            {
                "name": name,
                "cases": len(suite.cases),
                "categories": {c: n for c, n in counts.items() if n},
                "workspaces": sorted({case.workspace for case in suite.cases}),
            }
        )
    if arguments.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    from rich.table import Table

    from runtime.cli._display import make_console

    table = Table("suite", "cases", "workspaces", "categories")
    for row in rows:
        table.add_row(
            row["name"],
            str(row["cases"]),
            ", ".join(row["workspaces"]),
            ", ".join(f"{c} {n}" for c, n in row["categories"].items()),
        )
    make_console().print(table)
    return 0


# -- run ------------------------------------------------------------------------------------------


def _run(arguments: argparse.Namespace) -> int:
    from evals import (
        EvalError,
        EvalUsageError,
        SuiteError,
        load_suite,
        report_summary,
        run_suite,
        suite_names,
        write_reports,
    )
    from runtime import UsageError

    suite_path = Path(arguments.suite)
    if arguments.suite not in suite_names() and not suite_path.exists():
        return _usage(
            "--suite",
            f"no suite {arguments.suite!r}; the suites are: {', '.join(suite_names())} (or give "
            "a folder of .toml case files or one .toml file)",
        )
    try:
        suite = load_suite(arguments.suite)
    except SuiteError as error:
        return _failed(error)
    if arguments.cases:
        try:
            suite = suite.select(arguments.cases)
        except SuiteError as error:
            return _usage("--cases", error)
    missing = _missing_model_path(arguments.model)
    if missing is not None:
        return _usage("--model", missing)
    progress = None if arguments.json or not sys.stderr.isatty() else _ProgressBar(suite)
    try:
        with progress if progress is not None else _Nothing():
            report = run_suite(
                suite,
                model=arguments.model,
                workers=arguments.workers,
                repeat=arguments.repeat,
                perturb=arguments.perturb,
                seed=arguments.seed,
                max_turns=arguments.max_turns,
                max_tokens=arguments.max_tokens,
                progress=progress.update if progress is not None else None,
            )
    except (EvalUsageError, UsageError) as error:
        return _usage("--model", error)
    queries = {case.id: (case.query, case.reference.answer) for case in suite.cases}
    try:
        files = write_reports(
            report, arguments.out, queries=queries, inspect=not arguments.no_inspect
        )
    except EvalError as error:
        return _failed(error)
    if arguments.json:
        sys.stdout.write(json.dumps(report_summary(report, files.json), indent=2) + "\n")
        if files.note:
            sys.stderr.write(f"note: {files.note}\n")
        return 0
    _print_summary(report)
    from runtime.cli._display import make_console

    console = make_console()
    console.print(f"report: {files.json}", markup=False)
    console.print(f"markdown: {files.markdown}", markup=False)
    console.print(f"html: {files.html}", markup=False)
    if files.inspect is not None:
        console.print(f"inspect log: {files.inspect} (inspect view --log-dir {files.directory})")
    if files.note:
        console.print(f"note: {files.note}", markup=False)
    return 0


def _missing_model_path(spec: str) -> str | None:
    """For ``mlx:PATH[@ADAPTER]`` with local paths, what does not exist (checked before the run:
    otherwise every case would try to load it and fail with ``model_error``)."""
    if not spec.startswith("mlx:"):
        return None
    model, _, adapter = spec.removeprefix("mlx:").partition("@")
    for kind, text in (("model", model), ("adapter", adapter)):
        if text.startswith(("/", "~", ".")) and not Path(text).expanduser().exists():
            return (
                f"there is no {kind} directory at {text}; give a local folder or a Hugging Face "
                "id such as mlx:mlx-community/Qwen3-Coder-30B-A3B-Instruct-4bit"
            )
    return None


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class _ProgressBar:
    """A rich progress bar on stderr: cases done, pass rate so far, elapsed and ETA."""

    def __init__(self, suite: Any) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("pass {task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task(suite.name, total=None, rate="-")

    def __enter__(self) -> _ProgressBar:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.__exit__(*exc)

    def update(self, update: Any) -> None:
        rate = f"{update.passed / update.done * 100:.0f}%" if update.done else "-"
        self._progress.update(self._task, completed=update.done, total=update.total, rate=rate)


# -- show -----------------------------------------------------------------------------------------


def _show(arguments: argparse.Namespace) -> int:
    from evals import EvalUsageError, read_report, report_summary

    try:
        report = read_report(arguments.report)
    except EvalUsageError as error:
        return _usage("REPORT", error)
    if arguments.json:
        path = arguments.report / "report.json" if arguments.report.is_dir() else arguments.report
        sys.stdout.write(json.dumps(report_summary(report, path), indent=2) + "\n")
        return 0
    _print_summary(report)
    return 0


def _print_summary(report: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    from evals import LAYER_TITLES, LAYERS, format_rate
    from runtime.cli._display import make_console

    console = make_console()
    base = report.base_cases()
    console.print(
        Text(
            f"{report.model} on {report.suite}: {len({c.case_id for c in base})} cases, "
            f"{len(report.cases)} runs, {report.duration_s:.1f} s; strict "
            f"{format_rate(report.strict)}, single-shot {format_rate(report.single_shot)}"
        )
    )
    layers = Table("layer", "rate", "passed", "failed", "n/a", "error types")
    for layer in LAYERS:
        s = report.layer_summary[layer]
        layers.add_row(
            f"{layer} {LAYER_TITLES[layer]}",
            format_rate(s.rate),
            str(s.passed),
            str(s.failed),
            str(s.not_applicable),
            Text(", ".join(f"{k} {v}" for k, v in s.errors.items()) or "-"),
        )
    console.print(layers)
    categories = Table("category", *LAYERS)
    for name, rates in report.categories.items():
        categories.add_row(name, *(format_rate(rates[layer]) for layer in LAYERS))
    console.print(categories)
    if report.perturbation:
        from evals import format_delta

        robustness = Table("variant (delta)", *LAYERS)
        for variant, deltas in report.perturbation.items():
            robustness.add_row(variant, *(format_delta(deltas[layer]) for layer in LAYERS))
        console.print(robustness)
    console.print(
        Text(
            f"latency p50 {report.latency_p50_s:.2f} s, p95 {report.latency_p95_s:.2f} s; "
            f"tokens {report.prompt_tokens} prompt, {report.completion_tokens} completion"
        )
    )


# -- compare --------------------------------------------------------------------------------------


def _compare(arguments: argparse.Namespace) -> int:
    from evals import (
        EvalError,
        EvalUsageError,
        compare,
        default_comparison_dir,
        read_report,
        write_comparison,
    )

    reports = []
    for flag, path in (
        ("A (baseline)", arguments.baseline),
        ("B (candidate)", arguments.candidate),
    ):
        try:
            reports.append(read_report(path))
        except EvalUsageError as error:
            return _usage(flag, error)
    baseline, candidate = reports
    comparison = compare(baseline, candidate)
    verdict = comparison.verdict(arguments.margin)
    out = arguments.out if arguments.out is not None else default_comparison_dir()
    try:
        files = write_comparison(comparison, out, margin=arguments.margin)
    except EvalError as error:
        return _failed(error)
    status = 1 if arguments.fail_if_worse and not verdict.ok else 0
    if arguments.json:
        data = {
            "comparison": comparison.model_dump(mode="json"),
            "verdict": verdict.model_dump(),
            "report": str(files.json),
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return status
    from rich.table import Table
    from rich.text import Text

    from evals import LAYER_TITLES, LAYERS, format_delta, format_rate
    from runtime.cli._display import make_console

    console = make_console()
    console.print(Text(f"{comparison.candidate} against {comparison.baseline}"))
    layers = Table("layer", "baseline", "candidate", "delta")
    for name, delta in [*comparison.layers.items(), ("strict", comparison.strict)]:
        layers.add_row(
            f"{name} {LAYER_TITLES[name]}" if name in LAYER_TITLES else name,
            format_rate(delta.baseline),
            format_rate(delta.candidate),
            format_delta(delta.delta),
        )
    console.print(layers)
    categories = Table("category (delta)", *LAYERS)
    for name, deltas in comparison.categories.items():
        categories.add_row(name, *(format_delta(deltas[layer].delta) for layer in LAYERS))
    console.print(categories)
    console.print(Text(f"verdict: {'OK' if verdict.ok else 'WORSE'}: {verdict.message}"))
    console.print(f"html: {files.html}", markup=False)
    return status
