"""`qa index / ask / eval / calibrate / chat / serve / loadtest`; QAError becomes an exit code
and a fix-it message.

Exit codes: 0 success; 2 bad usage or bad suite file; 3 index missing, stale or corrupt;
4 model or tokenizer data missing; 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import ConfigError, IndexProblem, QAError
from qa.safety.messages import DISCLAIMER

if TYPE_CHECKING:
    from qa.evaluate import Report
    from qa.pipeline import Pipeline
    from qa.types import Answer

METRICS = (
    "answer_accuracy",
    "abstain_accuracy",
    "false_abstain_rate",
    "escalation_recall",
    "emergency_recall",
    "urgent_recall",
    "crisis_recall",
    "near_miss_stopped_rate",
    "near_miss_caution_rate",
    "answerable_escalated_rate",
    "citation_integrity",
    "disclaimer_rate",
    "answer_words_p50",
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qa",
        description=(
            "Answers questions about recurrent or metastatic rectal and anal cancer with "
            "sentences quoted word for word from trusted documents, each cited. "
            "Every knob is also a QA_<SETTING> environment variable (see README)."
        ),
        epilog='Example: qa index && qa ask "What chemotherapy is used for stage 4 rectal cancer?"',
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def paths(sp: argparse.ArgumentParser, rebuild: bool = False) -> None:
        """--index and --sources; with `rebuild`, also --rebuild for commands that serve."""
        if rebuild:
            sp.add_argument(
                "--rebuild",
                action="store_true",
                help="rebuild the index first if it is missing or stale",
            )
        sp.add_argument("--index", type=Path, help="index folder (default: index, or QA_INDEX_DIR)")
        sp.add_argument(
            "--sources", type=Path, help="sources folder (default: sources, or QA_SOURCES_DIR)"
        )

    sp = sub.add_parser("index", help="build or update the index from the sources folder")
    paths(sp)
    sp.add_argument("--quiet", action="store_true", help="no progress output")

    sp = sub.add_parser("ask", help="answer one question, or a file of questions (--batch)")
    sp.add_argument("question", nargs="?", help="the question, in quotes")
    sp.add_argument("--batch", type=Path, help="file with one question per line")
    sp.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    paths(sp, rebuild=True)

    sp = sub.add_parser(
        "eval",
        help="run golden-question suites and print metrics",
        description=(
            "Run a suite. Bounds: --min-METRIC X or --max-METRIC X for any of "
            + ", ".join(METRICS)
            + "; the exit code is 1 when a bound is not met."
        ),
    )
    sp.add_argument("suites", nargs="+", type=Path, metavar="SUITE.yaml")
    sp.add_argument("--json", action="store_true", help="print the report as JSON")
    sp.add_argument("--verbose", action="store_true", help="print every failed case's reasons")
    sp.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="write DIR/report.json, DIR/report.html and DIR/cases.jsonl (one line per case)",
    )
    sp.add_argument(
        "--resume",
        action="store_true",
        help="with --report: skip the cases already in DIR/cases.jsonl (an interrupted run)",
    )
    sp.add_argument(
        "--baseline", type=Path, metavar="OLD/report.json", help="compare with an earlier report"
    )
    sp.add_argument(
        "--tolerance",
        type=float,
        default=0.02,
        help="with --baseline: exit 1 when a metric got worse by more than this (default 0.02)",
    )
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    paths(sp)

    sp = sub.add_parser(
        "calibrate",
        help="derive the abstention thresholds from a suite's answerable and unanswerable cases",
    )
    sp.add_argument("suites", nargs="+", type=Path, metavar="SUITE.yaml")
    sp.add_argument(
        "--max-false-abstain",
        type=float,
        default=0.05,
        help="highest allowed share of answerable questions that abstain (default 0.05)",
    )
    paths(sp)

    sp = _learner(
        sub,
        "tune-adapter",
        "learn the query adapter that ranks answer sentences, from suites' questions",
        "Learn the query adapter (qa/adapter.py) from the answerable questions of the given "
        "suites: their expected phrases mark which sentences of the retrieved passages answer "
        "them. Learn it only from suites you will not judge it by. The bundled adapter was "
        "learned with `make adapter`.",
        "qa/query_adapter.npz",
    )
    paths(sp)
    _learner(
        sub,
        "tune-triage",
        "fit the triage score (semantic layer) from suites of labelled messages",
        "Fit the learned triage score (qa/safety/triage.py) and its thresholds from the given "
        "suites: cases with expect.escalate set to a level must escalate; cases with "
        "escalate: none and ordinary questions must not. Fit only on suites you will not "
        "judge it by. The bundled score was fitted with `make triage-model`.",
        "qa/safety/triage_model.json",
    )

    sp = sub.add_parser(
        "serve",
        help="start the chat app (patients at /, staff review at /staff/)",
        description=(
            "Start the Gradio chat app. Staff login: QA_STAFF_USER and QA_STAFF_PASSWORD. "
            "Question logging: QA_LOG_QUESTIONS, QA_LOG_RETENTION_DAYS, QA_DB_PATH."
        ),
    )
    sp.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    paths(sp, rebuild=True)

    sp = sub.add_parser(
        "bench-triage",
        help="how often triage stops ordinary health questions, and its time per question",
        description=(
            "Triage every question of a MedQuAD JSONL(.gz) file (or a text file, one question "
            "a line) as `qa ask` would, and print the share escalated at each level, the share "
            "given a caution line, and the triage's time per question. MedQuAD's questions are "
            "all informational: each escalation is a false alarm."
        ),
    )
    sp.add_argument("path", type=Path, help="medquad.jsonl(.gz) or a text file of questions")
    sp.add_argument("--limit", type=int, help="a fixed random sample of N questions")
    sp.add_argument("--json", action="store_true", help="print the result as JSON")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")

    sp = sub.add_parser(
        "bench-quality",
        help="retrieval and extraction quality on an external benchmark (MedQuAD)",
        description=(
            "Index the MedQuAD answers (each answer one document) into a separate index folder, "
            "ask the questions and report Recall@1/5/10 and MRR@10 of each question's own answer "
            "for hybrid, dense-only and BM25-only retrieval, and how often the extracted answer "
            "quotes it. Data: MedQuAD (Ben Abacha & Demner-Fushman, 2019), CC BY 4.0."
        ),
    )
    sp.add_argument("benchmark", choices=["medquad"])
    sp.add_argument("path", type=Path, help="medquad.jsonl(.gz): one JSON pair per line")
    sp.add_argument("--source", help="only pairs from this source, e.g. CancerGov")
    sp.add_argument("--sample", type=int, help="ask a fixed random sample of N questions")
    sp.add_argument("--seed", type=int, default=13, help="sampling seed (default 13)")
    sp.add_argument(
        "--index",
        type=Path,
        dest="bench_index",
        help="benchmark index folder (default: under the temp folder; never the app's index)",
    )
    sp.add_argument("--json", action="store_true", help="print the result as JSON")
    sp.add_argument("--quiet", action="store_true", help="no progress output")

    sp = sub.add_parser(
        "loadtest",
        help="simulate many chat users at once; report latency, errors and server memory",
        description=(
            "Load-test the chat app through its public API: one gradio_client session per "
            "simulated user, users joining one by one over --ramp-seconds, each asking questions "
            "back to back until --questions have been asked in total. Reports throughput, "
            "latency p50/p95/p99 (per question, queue wait included), errors by kind ('busy' = "
            "queue full, the app's polite refusal, counted apart) and the server's memory "
            "(RSS before, after and peak). Exit code 1 when any error other than 'busy' occurred."
        ),
        epilog=(
            "Without URL it starts `qa serve --rebuild` on a free 127.0.0.1 port (building the "
            "index first if needed, logging to a throwaway logbook) and stops it afterwards. "
            "Example: qa loadtest --users 50 --questions 1000 --json"
        ),
    )
    sp.add_argument(
        "url",
        nargs="?",
        help="a running chat app, e.g. http://127.0.0.1:7860/ (default: start one)",
    )
    sp.add_argument(
        "--users",
        type=int,
        default=50,
        help="simultaneous users at the end of the ramp (default 50)",
    )
    sp.add_argument("--questions", type=int, default=1000, help="questions in total (default 1000)")
    sp.add_argument(
        "--ramp-seconds",
        type=float,
        default=20.0,
        help="seconds over which users join, from 1 to --users (default 20)",
    )
    sp.add_argument(
        "--questions-file",
        type=Path,
        metavar="FILE",
        help="one question per line, cycled (default: the questions of evals/golden.yaml and "
        "evals/holdout.yaml)",
    )
    sp.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds one question may take before it counts as a timeout error (default 60)",
    )
    sp.add_argument(
        "--server-pid",
        type=int,
        metavar="PID",
        help="with URL: the server's process id, to report its memory (Linux /proc)",
    )
    sp.add_argument(
        "--abuse",
        action="store_true",
        help="run the users twice, alone and beside three abusers (oversized bodies, rotated "
        "X-Forwarded-For, a burst from one address), as behind a reverse proxy with the rate "
        "limit on; users read each answer for 2 s. Reports both runs' latency (target: p95 "
        "under abuse within 2x) and what the abusers got. Needs no URL",
    )
    sp.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    paths(sp)

    sp = sub.add_parser(
        "bench",
        help="measure build, memory, latency and cold start on a corpus (a separate index)",
        description=(
            "Build CORPUS into a separate index folder (a temporary one unless --index) and "
            "print build time and throughput next to the raw model encoding, peak memory, index "
            "size, warm latency p50/p95/p99 (baseline, retrieval, full answer), cold start of "
            "`qa ask`, and the rebuild after editing one document."
        ),
    )
    sp.add_argument(
        "--corpus",
        type=Path,
        help="a folder of source files or a MedQuAD-style JSONL(.gz) file (default: the sources)",
    )
    sp.add_argument("--questions", type=int, default=200, help="warm questions (default 200)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.add_argument("--index", type=Path, help="new or empty folder to build into (kept)")
    sp.add_argument("--source", help="JSONL only: keep records with this source (e.g. CancerGov)")
    sp.add_argument("--max-documents", type=int, help="JSONL only: the first N records")
    sp.add_argument(
        "--encode-sample",
        type=int,
        default=2000,
        help="chunk and sentence texts encoded for the raw throughput (default 2000 each)",
    )
    sp.add_argument("--no-edit-one", action="store_true", help="skip the edit-one rebuild")
    sp.add_argument("--no-cold-start", action="store_true", help="skip the cold-start run")

    sp = sub.add_parser("chat", help="ask questions at an interactive prompt")
    paths(sp, rebuild=True)
    return p


def _split_bounds(argv: Sequence[str]) -> tuple[list[str], dict[str, float], dict[str, float]]:
    """Pull `--min-METRIC X` / `--max-METRIC X` out of argv (argparse cannot express them)."""
    rest: list[str] = []
    mins: dict[str, float] = {}
    maxs: dict[str, float] = {}
    it = iter(argv)
    for arg in it:
        name, _, inline = arg.partition("=")
        kind = "min" if name.startswith("--min-") else "max" if name.startswith("--max-") else ""
        metric = name[6:].replace("-", "_")
        if not kind or metric not in METRICS:
            rest.append(arg)
            continue
        raw = inline or next(it, "")
        try:
            (mins if kind == "min" else maxs)[metric] = float(raw)
        except ValueError:
            raise ConfigError(f"{name} needs a number, got {raw!r}") from None
    return rest, mins, maxs


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        sources_dir=getattr(args, "sources", None), index_dir=getattr(args, "index", None)
    )


def _learner(
    sub: Any, name: str, help_text: str, description: str, bundled: str
) -> argparse.ArgumentParser:
    """A command that learns a bundled file from suites: SUITE.yaml …, --out, --quiet."""
    sp: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=description)
    sp.add_argument("suites", nargs="+", type=Path, metavar="SUITE.yaml")
    sp.add_argument(
        "--out", type=Path, default=None, help=f"file to write (default: the bundled {bundled})"
    )
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    return sp


@contextmanager
def _progress(unit: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar, as the `progress(done, total)` callback the long commands take."""
    from tqdm import tqdm

    with tqdm(desc=unit, unit=f" {unit}", leave=False, disable=quiet) as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield advance


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        rest, mins, maxs = _split_bounds(argv)
        args = _parser().parse_args(rest)
        if (mins or maxs) and args.command != "eval":
            raise ConfigError("--min-METRIC and --max-METRIC go with `qa eval`")
        settings = _settings(args)
        handler = {
            "index": _cmd_index,
            "ask": _cmd_ask,
            "eval": _cmd_eval,
            "calibrate": _cmd_calibrate,
            "tune-adapter": _cmd_tune_adapter,
            "tune-triage": _cmd_tune_triage,
            "bench-quality": _cmd_bench_quality,
            "bench-triage": _cmd_bench_triage,
            "bench": _cmd_bench,
            "chat": _cmd_chat,
            "serve": _cmd_serve,
            "loadtest": _cmd_loadtest,
        }[args.command]
        return handler(args, settings, mins, maxs)
    except QAError as err:
        print(f"error: {err}", file=sys.stderr)
        print(DISCLAIMER, file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`qa eval … | head`): stop quietly, as other commands do. Point
        # stdout at /dev/null so that Python's flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command killed by it


def _build(settings: Settings, quiet: bool = False) -> None:
    from qa.build import build_index
    from qa.embedding import make_embedder

    embedder = make_embedder(settings)

    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr)

    say(f"indexing {settings.sources_dir} into {settings.index_dir} …")
    report = build_index(settings, embedder, progress=say, show_bars=not quiet)
    say(
        f"done in {report.seconds:.1f}s: {report.documents} documents, {report.chunks} chunks, "
        f"{report.sentences} sentences ({report.embedded} embedded, {report.reused} reused) "
        f"-> {report.build_dir}"
    )


def _pipeline(settings: Settings, rebuild: bool = False) -> Pipeline:
    from qa.pipeline import Pipeline

    try:
        return Pipeline.load(settings)
    except IndexProblem as err:
        if not rebuild:
            raise
        print(f"{err}\nrebuilding …", file=sys.stderr)
        _build(settings)
        return Pipeline.load(settings)


def _cmd_index(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    _build(settings, quiet=args.quiet)
    return 0


def _cmd_ask(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    if (args.question is None) == (args.batch is None):
        raise ConfigError("give either a QUESTION or --batch FILE (not both)")
    if args.batch is not None:
        try:
            questions = args.batch.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"--batch {args.batch}: cannot be read ({err})") from None
        questions = [q for q in questions if q.strip()]
    else:
        questions = [args.question]
    pipeline = _pipeline(settings, args.rebuild)
    for q in questions:
        answer = pipeline.ask(q)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer), flush=True)
            if len(questions) > 1:
                print("-" * 60)
    return 0


def render_text(answer: Answer) -> str:
    lines = [answer.notice, ""] if answer.notice else []
    lines.append(answer.text)
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            label = " — written for healthcare professionals" if c.audience != "patients" else ""
            section = f", section “{c.section}”" if c.section else ""
            lines.append(f"  [{c.n}] {c.title} ({c.publisher}{section}){label}")
    lines.append("")
    lines.append(answer.disclaimer)
    return "\n".join(lines)


def _cmd_eval(
    args: argparse.Namespace, settings: Settings, mins: dict[str, float], maxs: dict[str, float]
) -> int:
    from qa.compare import compare, comparison_lines
    from qa.evaluate import load_suite, unmet_bounds
    from qa.report import (
        CASES_JSONL,
        load_baseline,
        provenance,
        report_json,
        run_suites,
        write_report,
    )

    if args.resume and args.report is None:
        raise ConfigError("--resume needs --report DIR (the folder of the interrupted run)")
    baseline = load_baseline(args.baseline) if args.baseline else None
    pipeline = _pipeline(settings)
    known = pipeline.index.documents.keys()
    suites = [load_suite(p, known) for p in args.suites]
    try:
        reports = run_suites(
            suites, pipeline.ask, pipeline.index, args.report, args.resume, not args.quiet
        )
    except KeyboardInterrupt:
        if args.report is not None:
            print(
                f"finished cases are in {args.report / CASES_JSONL}; "
                "run the same command with --resume to continue",
                file=sys.stderr,
            )
        raise
    data = report_json(reports, provenance(settings, pipeline.index.manifest, args.suites))
    failed = False
    for report in reports:
        problems = unmet_bounds(report, mins, maxs)
        failed = failed or bool(problems)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            _print_report(report, args.verbose)
        for p in problems:
            print(f"FAILED: {p}", file=sys.stderr)
    if baseline is not None:
        data["comparison"] = compare(data, baseline, args.tolerance)
        out = sys.stderr if args.json else sys.stdout
        print("\n".join(comparison_lines(data["comparison"])), file=out)
        if data["comparison"]["regressed"]:
            print(
                f"FAILED: a metric dropped by more than the tolerance {args.tolerance}",
                file=sys.stderr,
            )
            failed = True
    if args.report is not None:
        _, html_path = write_report(args.report, data)
        print(f"report: {html_path}", file=sys.stderr)
    return 1 if failed else 0


def _print_report(report: Report, verbose: bool) -> None:
    data = report.to_json()
    print(f"suite {report.suite} ({len(data['cases'])} cases)")
    for name, value in {**report.metrics, **data["retrieval"]}.items():
        print(f"  {name:20} {'n/a' if value is None else value}")
    bad = [c for c in data["cases"] if not c["passed"]]
    print(f"  failed cases: {len(bad)}")
    for c in bad if verbose else []:
        print(f"    - {c['id']}: {'; '.join(c['reasons'])}")


def _cmd_calibrate(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.calibrate import calibrate

    pipeline = _pipeline(settings)
    print(calibrate(pipeline, args.suites, args.max_false_abstain))
    return 0


def _cmd_tune_adapter(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    import numpy as np

    from qa.adapter import BUNDLED_ADAPTER, save_adapter
    from qa.tune import examples, loss, train

    # What is learned must not depend on an adapter already in place (nor on its file).
    pipeline = _pipeline(settings.replace(query_adapter="off"))
    with _progress("questions", args.quiet) as advance:
        data = examples(pipeline, args.suites, advance)
    if not data:
        raise ConfigError(
            "no answerable question in these suites has both an answering sentence and another "
            "one among its retrieved passages; give suites with `all_of` phrases"
        )
    adapter = train(data, pipeline.embedder.name, [p.stem for p in args.suites])
    out = args.out or BUNDLED_ADAPTER
    save_adapter(adapter, out)
    before = loss(np.eye(len(adapter.matrix)), data)
    after = loss(adapter.matrix, data)
    print(f"learned from {len(data)} questions; loss {before:.4f} -> {after:.4f}; wrote {out}")
    return 0


def _cmd_tune_triage(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.safety.catalogue import Level
    from qa.safety.triage import BUNDLED_MODEL_FILE
    from qa.tune_triage import tune

    out = args.out or BUNDLED_MODEL_FILE
    with _progress("messages", args.quiet) as advance:
        model = tune(settings, args.suites, out, advance)
    f = model.fitted
    oof = f["out_of_fold"]
    assert isinstance(oof, dict)
    print(
        f"fitted on {f['messages']} messages ({f['escalating']} escalating, "
        f"{f['near_misses']} near-misses); out of fold: escalating caught "
        f"{oof['escalating_caught']} (emergency {oof['emergency_caught']}, urgent "
        f"{oof['urgent_caught']}, crisis {oof['crisis_caught']}), near-misses stopped "
        f"{oof['near_misses_stopped']}, stopped or cautioned "
        f"{oof['near_misses_caution_or_stopped']}; escalate_at {model.escalate_at:.3f} "
        f"(crisis {model.escalates_at(Level.CRISIS):.3f}), caution_at {model.caution_at:.3f}, "
        f"severity_margin {model.severity_margin}; wrote {out}"
    )
    return 0


def _cmd_bench_triage(args: argparse.Namespace, settings: Settings, *_: Any) -> int:

    from qa.bench_triage import run, summary_lines

    if args.limit is not None and args.limit < 1:
        raise ConfigError("--limit must be 1 or more")
    with _progress("questions", args.quiet) as advance:
        result = run(settings, args.path, args.limit, advance)
    print(json.dumps(result) if args.json else "\n".join(summary_lines(result)))
    return 0


def _cmd_bench_quality(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa import bench_quality
    from qa.embedding import make_embedder

    if args.sample is not None and args.sample < 1:
        raise ConfigError(f"--sample must be at least 1, got {args.sample}")
    index_dir = args.bench_index or bench_quality.default_index_dir(args.source)
    if index_dir.resolve() == settings.index_dir.resolve():
        raise ConfigError(f"--index {index_dir} is the app's index; give another folder")
    result = bench_quality.run(
        args.path,
        make_embedder(settings),
        settings.replace(index_dir=index_dir),
        source=args.source,
        sample=args.sample,
        seed=args.seed,
        progress=not args.quiet,
        say=None if args.quiet else lambda m: print(m, file=sys.stderr),
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print("\n".join(bench_quality.summary_lines(result)))
    return 0


def _cmd_bench(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.bench import BenchOptions, render_table, run_bench

    if args.questions < 1 or args.encode_sample < 1 or (args.max_documents or 1) < 1:
        raise ConfigError("--questions, --encode-sample and --max-documents must be at least 1")
    options = BenchOptions(
        corpus=args.corpus or settings.sources_dir,
        questions=args.questions,
        index_dir=args.index,
        source=args.source,
        max_documents=args.max_documents,
        encode_sample=args.encode_sample,
        edit_one=not args.no_edit_one,
        cold_start=not args.no_cold_start,
    )
    # --index is where the benchmark builds; the app's own index folder stays untouched.
    result = run_bench(
        options,
        Settings.from_env(),
        say=lambda m: print(m, file=sys.stderr, flush=True),
    )
    print(json.dumps(result, ensure_ascii=False) if args.json else render_table(result))
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    pipeline = _pipeline(settings, rebuild=args.rebuild)
    print("Ask a question about recurrent or metastatic rectal or anal cancer (Ctrl-D to quit).")
    while True:
        try:
            question = input("\n> ")
        except EOFError:
            print()
            return 0
        if question.strip():
            print(render_text(pipeline.ask(question)))


def _cmd_serve(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.logbook import Logbook

    # Before Gradio is imported: no usage data, no update checks.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, got {args.port}")
    try:
        from ui.server import serve
    except ImportError as err:
        raise ConfigError(
            f"the chat app needs the ui extra ({err}); run `make setup` or `pip install -e '.[ui]'`"
        ) from None
    from qa.live import LivePipeline

    # Builds the index first when asked to; the server then follows later builds by itself.
    embedder = _pipeline(settings, rebuild=args.rebuild).embedder
    live = LivePipeline(settings, embedder)
    try:
        logbook = Logbook.open(settings)
    except (sqlite3.Error, OSError) as err:
        raise ConfigError(f"setting db_path (QA_DB_PATH) {settings.db_path}: {err}") from None
    serve(live, logbook, args.host, args.port)
    return 0


def _cmd_loadtest(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa import loadtest
    from qa.local_app import local_app

    for name, value, low in (
        ("--users", args.users, 1),
        ("--questions", args.questions, 1),
        ("--ramp-seconds", args.ramp_seconds, 0),
    ):
        if value < low:
            raise ConfigError(f"{name} must be at least {low}, got {value}")
    if args.timeout <= 0:
        raise ConfigError(f"--timeout must be more than 0, got {args.timeout}")
    if args.url is None and args.server_pid is not None:
        raise ConfigError("--server-pid goes with a URL (without one, the load test knows the pid)")
    if args.url is not None and (args.index or args.sources):
        raise ConfigError("--index and --sources go with the app the load test starts (no URL)")
    questions = loadtest.load_questions(args.questions_file, settings.evals_dir)
    if args.abuse:
        return _abuse_loadtest(args, questions)

    def load(url: str, pid: int | None) -> loadtest.LoadResult:
        return loadtest.run(
            url, questions, args.users, args.questions, args.ramp_seconds, args.timeout, pid
        )

    if args.url is not None:
        result = load(args.url, args.server_pid)
    else:
        serve_args = [
            f"--{k}={v}" for k, v in (("index", args.index), ("sources", args.sources)) if v
        ]
        print("starting `qa serve` (it builds the index first if needed) …", file=sys.stderr)
        with local_app(serve_args) as app:
            print(f"load test against {app.url} (pid {app.pid})", file=sys.stderr)
            result = load(app.url, app.pid)
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else loadtest.table(result))
    return 0 if result.failures == 0 else 1


def _abuse_loadtest(args: argparse.Namespace, questions: list[str]) -> int:
    from qa import abuse
    from qa.local_app import local_app

    if args.url is not None:
        raise ConfigError("--abuse starts its own app (behind a simulated proxy): give no URL")
    serve_args = [f"--{k}={v}" for k, v in (("index", args.index), ("sources", args.sources)) if v]
    env = {
        "QA_TRUSTED_PROXIES": "127.0.0.1",
        "QA_CHAT_RATE_PER_MINUTE": str(Settings().chat_rate_per_minute),
    }
    print("starting `qa serve` behind a simulated proxy …", file=sys.stderr)
    with local_app(serve_args, env=env) as app:
        print(f"clean run, then under abuse, against {app.url} (pid {app.pid})", file=sys.stderr)
        result = abuse.run_abuse(
            app.url, questions, args.users, args.questions, args.ramp_seconds, args.timeout,
            app.pid,
        )
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else abuse.table(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
