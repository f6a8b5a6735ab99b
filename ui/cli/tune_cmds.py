"""`qa tune-adapter` and `qa tune-triage`: learn the bundled files from development suites."""

from __future__ import annotations

import argparse
from typing import Any

from qa.config import Settings
from qa.errors import ConfigError
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


HANDLERS: dict[str, Handler] = {"tune-adapter": _cmd_tune_adapter, "tune-triage": _cmd_tune_triage}
