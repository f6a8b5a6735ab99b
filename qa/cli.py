"""`qa index / ask / eval / calibrate / chat`; QAError becomes an exit code and a fix-it message.

Exit codes: 0 success; 2 bad usage or bad suite file; 3 index missing, stale or corrupt;
4 model or tokenizer data missing; 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import ConfigError, IndexProblem, QAError
from qa.safety import DISCLAIMER

if TYPE_CHECKING:
    from qa.pipeline import Pipeline
    from qa.types import Answer

METRICS = (
    "answer_accuracy",
    "abstain_accuracy",
    "false_abstain_rate",
    "escalation_recall",
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

    def paths(sp: argparse.ArgumentParser) -> None:
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
    sp.add_argument(
        "--rebuild", action="store_true", help="rebuild the index first if it is missing or stale"
    )
    paths(sp)

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
    sp.add_argument(
        "--rebuild", action="store_true", help="rebuild the index first if it is missing or stale"
    )
    paths(sp)
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
            "bench": _cmd_bench,
            "chat": _cmd_chat,
        }[args.command]
        return handler(args, settings, mins, maxs)
    except QAError as err:
        print(f"error: {err}", file=sys.stderr)
        print(DISCLAIMER, file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _build(settings: Settings, quiet: bool = False) -> None:
    from qa.build import build_index
    from qa.embedding import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(settings.model, settings.embed_batch_size)

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
    lines = [answer.text]
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
    from qa.evaluate import load_suite, run_suite, unmet_bounds

    pipeline = _pipeline(settings)
    known = pipeline.index.documents.keys()
    suites = [load_suite(p, known) for p in args.suites]
    failed = False
    for suite in suites:
        report = run_suite(suite, pipeline.ask, pipeline.index)
        problems = unmet_bounds(report, mins, maxs)
        failed = failed or bool(problems)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(f"suite {report.suite} ({len(report.results)} cases)")
            for name, value in report.metrics.items():
                print(f"  {name:20} {'n/a' if value is None else value}")
            bad = [r for r in report.results if not r.passed]
            print(f"  failed cases: {len(bad)}")
            for r in bad if args.verbose else []:
                print(f"    - {r.case.id}: {'; '.join(r.reasons)}")
        for p in problems:
            print(f"FAILED: {p}", file=sys.stderr)
    return 1 if failed else 0


def _cmd_calibrate(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.calibrate import calibrate

    pipeline = _pipeline(settings)
    print(calibrate(pipeline, args.suites, args.max_false_abstain))
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


if __name__ == "__main__":
    raise SystemExit(main())
