"""What patients could not get answered, grouped into themes: the to-do list for the next leaflet.

The items are the logbook's abstentions, thumbs-down answers and answers staff marked wrong or
unsafe. Their question vectors (kept for every reply, text or not) are grouped by average-linkage
clustering on cosine distance, cut at `max_distance`. Questions count toward a theme whether or
not their text was kept. Only questions the patient chose to share are shown as examples.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from qa.serving.logbook_rows import Entry, SharedBy, Verdict
from qa.types import Status

EXAMPLES = 3
TOP = 3


@dataclass(frozen=True)
class Theme:
    """One group of unanswered questions."""

    number: int  # 1 for the largest theme
    entries: tuple[Entry, ...]
    examples: tuple[str, ...]  # questions their patients shared, the most typical first
    documents: tuple[tuple[str, int], ...]  # the documents retrieval came closest to, counted
    reasons: tuple[tuple[str, int], ...]  # why they went unanswered, counted

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(e.id for e in self.entries)

    def weekly(self) -> dict[str, int]:
        """Items per ISO week ("2026-W49"), oldest first."""
        return dict(sorted(Counter(week_of(e.created) for e in self.entries).items()))

    @property
    def label(self) -> str:
        """A short name: its most typical shared question, else where retrieval went."""
        if self.examples:
            return self.examples[0]
        near = ", ".join(doc for doc, _ in self.documents[:2]) or "no document"
        return f"(no question shared) near {near}"


def is_unanswered(entry: Entry) -> bool:
    """An abstention, a thumbs-down, or an answer staff marked wrong or unsafe."""
    marked_bad = entry.mark is not None and entry.mark.verdict is not Verdict.CORRECT
    return entry.answer.status is Status.ABSTAINED or entry.vote == -1 or marked_bad


def why(entry: Entry) -> str:
    """The item's reason as the report counts it."""
    if entry.mark is not None and entry.mark.verdict is not Verdict.CORRECT:
        return f"marked {entry.mark.verdict.value} by staff"
    if entry.answer.status is Status.ABSTAINED:
        return entry.answer.reason or "abstained"
    return "thumbs down from the patient"


def week_of(created: float) -> str:
    """The ISO week of a Unix time, in UTC ("2026-W49")."""
    year, week, _ = datetime.datetime.fromtimestamp(created, datetime.UTC).isocalendar()
    return f"{year}-W{week:02d}"


def themes(entries: Sequence[Entry], max_distance: float) -> list[Theme]:
    """The unanswered items of `entries` with a vector, grouped; the largest theme first."""
    items = [e for e in entries if is_unanswered(e) and e.vector is not None]
    if not items:
        return []
    vectors = np.stack([e.vector for e in items if e.vector is not None]).astype(np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    if len(items) == 1:
        labels = np.ones(1, dtype=int)
    else:
        tree = linkage(vectors, method="average", metric="cosine")
        labels = fcluster(tree, t=max_distance, criterion="distance")
    groups = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    # Largest first; among equals, the most recent first.
    groups.sort(key=lambda g: (-len(g), -max(items[i].created for i in g)))
    return [_theme(n, [items[i] for i in g], vectors[g]) for n, g in enumerate(groups, 1)]


def _theme(number: int, members: list[Entry], vectors: np.ndarray) -> Theme:
    centre = vectors.mean(axis=0)
    typical = np.argsort(-(vectors @ centre), kind="stable")
    shared = [
        members[i].answer.question
        for i in typical
        if members[i].shared_by is SharedBy.PATIENT and members[i].answer.question
    ]
    nearest = Counter(e.answer.hits[0].chunk.doc_id for e in members if e.answer.hits)
    return Theme(
        number=number,
        entries=tuple(members),
        examples=tuple(dict.fromkeys(shared))[:EXAMPLES],
        documents=tuple(nearest.most_common(TOP)),
        reasons=tuple(Counter(why(e) for e in members).most_common(TOP)),
    )
