"""`qa bench`, `qa bench-quality` and `qa bench-triage`: speed, memory and quality benchmarks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.errors import ConfigError
from ui.cli.common import Handler, progress_bar


def add_parsers(sub: Any) -> None:
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


def _cmd_bench_triage(args: argparse.Namespace, settings: Settings, *_: Any) -> int:

    from qa.evaluation.bench_triage import run, summary_lines

    if args.limit is not None and args.limit < 1:
        raise ConfigError("--limit must be 1 or more")
    with progress_bar("questions", args.quiet) as advance:
        result = run(settings, args.path, args.limit, advance)
    print(json.dumps(result) if args.json else "\n".join(summary_lines(result)))
    return 0


def _cmd_bench_quality(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.encoder.factory import make_embedder
    from qa.evaluation import bench_quality

    if args.sample is not None and args.sample < 1:
        raise ConfigError(f"--sample must be at least 1, got {args.sample}")
    index_dir = args.bench_index or bench_quality.default_index_dir(args.source)
    if index_dir.resolve() == settings.ingest.index_dir.resolve():
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
    from qa.evaluation.bench import BenchOptions, run_bench
    from qa.evaluation.bench_table import render_table

    if args.questions < 1 or args.encode_sample < 1 or (args.max_documents or 1) < 1:
        raise ConfigError("--questions, --encode-sample and --max-documents must be at least 1")
    options = BenchOptions(
        corpus=args.corpus or settings.ingest.sources_dir,
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


HANDLERS: dict[str, Handler] = {
    "bench-triage": _cmd_bench_triage,
    "bench-quality": _cmd_bench_quality,
    "bench": _cmd_bench,
}
