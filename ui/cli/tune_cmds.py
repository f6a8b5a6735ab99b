"""`qa tune-adapter`, `qa tune-triage` and `qa tune-passages`: learn the bundled files from
development suites (and a passage ranker, gated on suites it did not learn from)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import ConfigError

if TYPE_CHECKING:
    from qa.answering.ranker import Ranker
from ui.cli.common import Handler, add_paths, learner_parser, progress_bar, ready_pipeline


def add_parsers(sub: Any) -> None:
    sp = learner_parser(
        sub,
        "tune-adapter",
        "learn the query adapter that ranks answer sentences, from suites' questions",
        "Learn the query adapter (qa/answering/adapter.py) from the answerable questions of the "
        "given "
        "suites: their expected phrases mark which sentences of the retrieved passages answer "
        "them. Learn it only from suites you will not judge it by. The bundled adapter was "
        "learned with `make adapter`.",
        "qa/answering/query_adapter.npz",
    )
    add_paths(sp)
    learner_parser(
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
        "tune-passages",
        help="fit a passage ranker from suites' questions (and report whether it beats the "
        "hand-set one)",
        description="Fit a linear passage ranker (qa/answering/ranker.py) from the answerable "
        "questions of the given suites: their expected phrases mark which candidate passages "
        "answer them. Prints, for each suite left out in turn, how often the ranker fitted on "
        "the other suites and the hand-set score rank an answering passage first; use the file "
        "(QA_PASSAGE_RANKER=FILE) only when the first beats the second. Staff-exported review "
        "cases are a suite like any other. With --gate, the file is written only when the "
        "refit loses nothing on the gate suites (untouched ones it did not learn from).",
    )
    sp.add_argument("suites", nargs="*", type=Path, metavar="SUITE.yaml")
    sp.add_argument("--out", type=Path, help="write the fitted ranker to this JSON file")
    sp.add_argument(
        "--gate",
        type=Path,
        nargs="+",
        default=[],
        metavar="SUITE.yaml",
        help="with --out: ask these suites with the current ranker and the refit; refuse to "
        "write (exit 1) when the refit answers fewer right, refuses fewer unanswerable or "
        "turns away more answerable questions on any of them",
    )
    sp.add_argument(
        "--save-groups",
        type=Path,
        metavar="FILE.npz",
        help="also save what was learned from, to fit later across collections",
    )
    sp.add_argument(
        "--add-groups",
        type=Path,
        nargs="*",
        default=[],
        metavar="FILE.npz",
        help="learn also from groups saved with --save-groups (another collection's suites)",
    )
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    add_paths(sp)


def _cmd_tune_adapter(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    import numpy as np

    from qa.answering.adapter import BUNDLED_ADAPTER, save_adapter
    from qa.evaluation.tune import examples, loss, train

    # What is learned must not depend on an adapter already in place (nor on its file).
    pipeline = ready_pipeline(settings.replace(query_adapter="off"))
    with progress_bar("questions", args.quiet) as advance:
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
    from qa.evaluation.tune_triage import tune
    from qa.safety.catalogue import Level
    from qa.safety.triage import BUNDLED_MODEL_FILE

    out = args.out or BUNDLED_MODEL_FILE
    with progress_bar("messages", args.quiet) as advance:
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


def _cmd_tune_passages(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.evaluation.tune_passages import (
        collect,
        cross_validate,
        fit,
        load_groups,
        save_groups,
    )

    if args.gate and not args.out:
        raise ConfigError("--gate needs --out FILE (the refit it decides on)")
    taught = {p.resolve() for p in args.suites}
    if any(p.resolve() in taught for p in args.gate):
        raise ConfigError("a --gate suite must be one the refit does not learn from")
    groups = []
    model = settings.ingest.model
    if args.suites:
        pipeline = ready_pipeline(settings.replace(passage_ranker="hand"))
        model = pipeline.embedder.name
        with progress_bar("questions", args.quiet) as advance:
            groups = collect(pipeline, args.suites, advance)
        if args.save_groups:
            save_groups(groups, args.save_groups)
    for path in args.add_groups:
        if not path.exists():
            raise ConfigError(f"{path} does not exist; make it with --save-groups")
        groups += load_groups(path)
    if len({g.suite for g in groups}) < 2:
        raise ConfigError(
            "need answerable questions with `all_of` phrases from at least two suites (one "
            "author each), so that each can be scored by a ranker that did not learn from it"
        )
    cv = cross_validate(groups, settings.sentences.sentence_lexical_weight)
    for suite, row in cv.items():
        print(f"{suite:24s} {row['groups']:4d} questions  learned {row['learned']:4d}  hand "
              f"{row['hand']:4d}")
    learned = sum(r["learned"] for r in cv.values())
    hand = sum(r["hand"] for r in cv.values())
    total = sum(r["groups"] for r in cv.values())
    print(f"answering passage ranked first, one suite left out at a time: learned {learned}, "
          f"hand-set {hand} of {total}")
    if args.out:
        meta = {"model": model, "suites": sorted(cv), "cross_validation": cv}
        ranker = fit(groups, meta)
        if args.gate and not _passes_gate(args, settings, ranker):
            print(f"FAILED: the refit loses on a gate suite; {args.out} not written",
                  file=sys.stderr)
            return 1
        ranker.save(args.out)
        print(
            f"wrote {args.out}; name it in the profile ([ranking] passage_ranker, the file "
            f"beside it) or set QA_PASSAGE_RANKER={args.out}"
        )
    return 0


def _passes_gate(args: argparse.Namespace, settings: Settings, ranker: Ranker) -> bool:
    import dataclasses

    from qa.evaluation.gate import gate, gate_lines
    from qa.evaluation.suites import load_suite

    current = ready_pipeline(settings)
    suites = [load_suite(p, current.index.documents.keys()) for p in args.gate]
    candidate = dataclasses.replace(current, ranker=ranker)
    total, done = 2 * sum(len(s.cases) for s in suites), [0]
    with progress_bar("gate questions", args.quiet) as advance:

        def asked() -> None:
            done[0] += 1
            advance(done[0], total)

        rows = gate(current, candidate, suites, asked)
    print("\n".join(gate_lines(rows)))
    for row in rows:
        for loss in row.losses:
            print(f"  {row.suite}: {loss}")
    return not any(row.losses for row in rows)


HANDLERS: dict[str, Handler] = {
    "tune-adapter": _cmd_tune_adapter,
    "tune-triage": _cmd_tune_triage,
    "tune-passages": _cmd_tune_passages,
}
