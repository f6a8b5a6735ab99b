"""What the commands share: the path options, progress bars, building and loading the index."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import IndexProblem
from qa.serving.loading import load_pipeline

if TYPE_CHECKING:
    from qa.answering.pipeline import Pipeline

# A command's handler: (arguments, settings, --min-METRIC bounds, --max-METRIC bounds) -> exit code.
Handler = Callable[[argparse.Namespace, Settings, dict[str, float], dict[str, float]], int]

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


def add_paths(sp: argparse.ArgumentParser, rebuild: bool = False) -> None:
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


def learner_parser(
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
def progress_bar(unit: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar, as the `progress(done, total)` callback the long commands take."""
    from tqdm import tqdm

    with tqdm(desc=unit, unit=f" {unit}", leave=False, disable=quiet) as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield advance


def build_with_progress(settings: Settings, quiet: bool = False) -> None:
    from qa.encoder.factory import make_embedder
    from qa.ingest.build import build_index

    embedder = make_embedder(settings)

    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr)

    say(f"indexing {settings.ingest.sources_dir} into {settings.ingest.index_dir} …")
    report = build_index(settings, embedder, progress=say, show_bars=not quiet)
    say(
        f"done in {report.seconds:.1f}s: {report.documents} documents, {report.chunks} chunks, "
        f"{report.sentences} sentences ({report.embedded} embedded, {report.reused} reused) "
        f"-> {report.build_dir}"
    )


def ready_pipeline(settings: Settings, rebuild: bool = False) -> Pipeline:

    try:
        return load_pipeline(settings)
    except IndexProblem as err:
        if not rebuild:
            raise
        print(f"{err}\nrebuilding …", file=sys.stderr)
        build_with_progress(settings)
        return load_pipeline(settings)

