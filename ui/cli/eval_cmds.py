"""`qa eval` and `qa calibrate`: run golden suites, derive the abstention thresholds."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import ConfigError

if TYPE_CHECKING:
    from qa.evaluation.evaluate import Report

from ui.cli.common import METRICS, Handler, add_paths, ready_pipeline


def add_parsers(sub: Any) -> None:
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
    sp.add_argument(
        "--slips",
        action="store_true",
        help=(
            "type realistic typing slips into every question first: two variants per case, "
            "one slip in a word of 5+ letters and two in a word of 7+ (seeded, repeatable)"
        ),
    )
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    add_paths(sp)
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
    add_paths(sp)


def _cmd_eval(
    args: argparse.Namespace, settings: Settings, mins: dict[str, float], maxs: dict[str, float]
) -> int:
    from qa.evaluation.compare import compare, comparison_lines
    from qa.evaluation.evaluate import unmet_bounds
    from qa.evaluation.report import (
        CASES_JSONL,
        load_baseline,
        provenance,
        report_json,
        run_suites,
        write_report,
    )
    from qa.evaluation.suites import load_suite

    if args.resume and args.report is None:
        raise ConfigError("--resume needs --report DIR (the folder of the interrupted run)")
    baseline = load_baseline(args.baseline) if args.baseline else None
    pipeline = ready_pipeline(settings)
    known = pipeline.index.documents.keys()
    suites = [load_suite(p, known) for p in args.suites]
    if args.slips:
        from qa.evaluation.slips import with_slips

        suites = [with_slips(s) for s in suites]
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
    from qa.evaluation.calibrate import calibrate

    pipeline = ready_pipeline(settings)
    print(calibrate(pipeline, args.suites, args.max_false_abstain))
    return 0


HANDLERS: dict[str, Handler] = {"eval": _cmd_eval, "calibrate": _cmd_calibrate}
