"""Scored sentences -> the passages an answer quotes: one or two runs of consecutive sentences
from the source, in its order, each sentence with what it leans on (a list item with the
sentence introducing its list, a "These …" sentence with the one before it; qa/layout.py), and
the sentences that carry the answer marked."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from qa.answering.candidates import MIN_SENTENCE_WORDS, Candidate
from qa.answering.ranker import FEATURES, Ranker
from qa.config import Settings
from qa.index_data import IndexData
from qa.text import word_count
from qa.types import Audience

# An answer is one passage, or two when the second covers what the first leaves out.
MAX_PASSAGES = 2
# How far back a chain of leaning sentences is followed ("Side effects include:" <- item).
_MAX_LEAN_STEPS = 3


@dataclass(frozen=True)
class Passage:
    doc_id: str
    section: str
    rows: tuple[int, ...]  # sentence rows (IndexData.sentences), in document order
    marked: frozenset[int]  # the rows that carry the answer
    anchor: Candidate  # the best-scoring candidate the passage was grown around


@dataclass
class _Assembler:
    index: IndexData
    settings: Settings
    exclude: Callable[[str], object] | None
    row_score: dict[int, float]

    # Words per sentence row, counted once: passages are grown and measured many times.
    _words: dict[int, int] = field(default_factory=dict)

    def text(self, row: int) -> str:
        return self.index.sentence_text(row)

    def joined(self, rows: Sequence[int] | set[int]) -> str:
        return " ".join(self.text(r) for r in sorted(rows))

    def features(self, core: Passage, covers: Callable[[str], float]) -> list[float]:
        """The core's row of features, in FEATURES order."""
        a = core.anchor
        coverage = covers(self.joined(core.rows))
        row = {
            "score": a.score,
            "dense": a.dense,
            "own_lexical": a.own_lexical,
            "core_coverage": coverage,
            "core_gain": max(coverage - a.lexical, 0.0),
            "chunk": a.chunk,
            "generic": float(self.index.sentence_density[a.row]),
            "hit_reciprocal_rank": 1.0 / a.hit_rank,
            "log_words": math.log1p(self.words(set(core.rows))),
            "context": float(len(core.rows) - 1),
            "item": float(self.index.layout.is_item[a.row]),
        }
        return [row[name] for name in FEATURES]

    def words(self, rows: set[int]) -> int:
        for r in rows - self._words.keys():
            self._words[r] = word_count(self.text(r))
        return sum(self._words[r] for r in rows)

    def with_context(self, rows: set[int]) -> set[int] | None:
        """`rows` with every sentence they lean on, or None when one of those is excluded."""
        out = set(rows)
        layout = self.index.layout
        for row in rows:
            for _ in range(_MAX_LEAN_STEPS):
                row = layout.leans_on[row]
                if row < 0:
                    break
                out.add(row)
        if self.exclude is not None and any(self.exclude(self.text(r)) for r in out):
            return None
        return out

    def core(self, anchor: Candidate, used: set[int], budget: int) -> Passage | None:
        """`anchor`'s sentences with what they lean on, or None when they overlap `used`, need
        an excluded sentence or do not fit `budget` words."""
        index, layout = self.index, self.index.layout
        own = layout.rows_within(anchor.doc_id, anchor.start, anchor.end, index.sentence_ends)
        rows = self.with_context(set(own)) if own else None
        if rows is None or rows & used or self.words(rows) > budget:
            return None
        return self._passage(anchor, self._filled(anchor.doc_id, rows, budget))

    def extend(self, passage: Passage, used: set[int], budget: int) -> Passage:
        """`passage` with the neighbours in its section that score within `sentence_max_gap`
        of its anchor, while the words of the answer fit `budget`."""
        layout = self.index.layout
        floor = passage.anchor.score - self.settings.sentences.sentence_max_gap
        rows, others = set(passage.rows), used - set(passage.rows)
        grown = True
        while grown:
            grown = False
            ordered = sorted(rows, key=lambda r: layout.position[r])
            for row in (
                layout.neighbour(ordered[0], passage.doc_id, -1),
                layout.neighbour(ordered[-1], passage.doc_id, 1),
            ):
                if row < 0 or row in used or self.row_score.get(row, -math.inf) < floor:
                    continue
                more = self.with_context(rows | {row})
                if more is not None and not more & others and self.words(more | others) <= budget:
                    rows, grown = more, True
        return self._passage(passage.anchor, rows)

    def _passage(self, anchor: Candidate, rows: set[int]) -> Passage:
        # The anchor's own sentence always scores at least `floor`.
        floor = anchor.score - self.settings.sentences.sentence_max_gap
        return Passage(
            anchor.doc_id,
            anchor.section,
            tuple(sorted(rows, key=lambda r: self.index.layout.position[r])),
            frozenset(r for r in rows if self.row_score.get(r, -math.inf) >= floor),
            anchor,
        )

    def _filled(self, doc_id: str, rows: set[int], budget: int) -> set[int]:
        """`rows` with the sentences between them (a list's items between its lead-in and the
        item quoted) when those fit the budget: one run reads better than two."""
        layout = self.index.layout
        positions = sorted(layout.position[r] for r in rows)
        between = set(layout.order[doc_id][positions[0] : positions[-1] + 1])
        if self.exclude is not None and any(self.exclude(self.text(r)) for r in between):
            return rows
        return between if self.words(between) <= budget else rows


def _coverage_gain(
    assembler: _Assembler, covers: Callable[[str], float], used: set[int], core: Passage
) -> float:
    """How much more of the question's terms the quoted rows cover with `core` than without."""
    before = covers(assembler.joined(sorted(used)))
    return covers(assembler.joined(sorted(used | set(core.rows)))) - before


def _adds_enough(
    core: Passage, first: Passage, gain: Callable[[], float], settings: Settings
) -> bool:
    """Whether `core` earns its place after `first`: it adds `second_passage_min_gain` of the
    question's terms (`gain()`, computed only when needed), or it is from another document and
    its best sentence scores within `second_passage_max_gap` of the first's. Two sources about
    as good as each other often each say part of the answer ("40 percent" five-year survival in
    one, "directly to liver tumors" in another), which one passage of ~80 words does not hold."""
    s = settings.sentences
    if core.doc_id != first.doc_id and first.anchor.score - core.anchor.score <= (
        s.second_passage_max_gap
    ):
        return True
    return gain() >= s.second_passage_min_gain


def _audience_bonus(cores: Sequence[Passage], index: IndexData, settings: Settings) -> np.ndarray:
    """`patient_preference` for each core from a document written for patients, else 0: of two
    passages that answer about equally well, the one its readers were meant to read first."""
    bonus = settings.sentences.patient_preference
    patients = [index.documents[c.doc_id].meta.audience is Audience.PATIENTS for c in cores]
    return np.array([bonus if p else 0.0 for p in patients])


def assemble(
    cands: Sequence[Candidate],
    index: IndexData,
    settings: Settings,
    covers: Callable[[str], float],
    ranker: Ranker,
    exclude: Callable[[str], object] | None = None,
    observe: Callable[[np.ndarray, list[Passage]], None] | None = None,
) -> list[Passage]:
    """The passages to quote, best first; empty when no candidate can be quoted.

    `covers(text)`: how much of the question's terms `text` holds (0..1); a second passage is
    quoted only when it adds at least `second_passage_min_gain` to the first's, or comes from
    another document and scores nearly as well (`_adds_enough`). `observe`
    receives every core with its features (what `qa tune-passages` learns from)."""
    usable = sorted(
        (
            c
            for c in cands
            if c.words >= MIN_SENTENCE_WORDS
            and not c.dangling
            and not (exclude and exclude(c.text))
        ),
        key=lambda c: -c.score,
    )
    if not usable:
        return []
    row_score: dict[int, float] = {}
    for c in cands:
        row_score[c.row] = max(row_score.get(c.row, -math.inf), c.score)
    assembler = _Assembler(index, settings, exclude, row_score)
    budget = settings.sentences.answer_max_words
    floor = usable[0].score - settings.sentences.sentence_max_gap
    # First each passage's core (its best sentence and what that leans on), so that a second
    # passage is not crowded out by the first's neighbours; then the neighbours.
    # Each candidate's core, ranked by `ranker` over its features (qa/answering/ranker.py):
    # "The drugs most commonly given during this time period are …" answers "which drugs are
    # given with radiotherapy?" only with the sentence it leans on.
    found = [
        core for c in usable if c.score >= floor and (core := assembler.core(c, set(), budget))
    ]
    if not found:
        return []
    features = np.array([assembler.features(core, covers) for core in found])
    if observe is not None:
        observe(features, found)
    scores = ranker.scores(features) + _audience_bonus(found, index, settings)
    ranked = [found[i] for i in np.argsort(-scores, kind="stable")]
    cores: list[Passage] = []
    used: set[int] = set()
    for core in ranked:
        if len(cores) == MAX_PASSAGES:
            break
        if set(core.rows) & used or assembler.words(used | set(core.rows)) > budget:
            continue
        if cores:
            vector, dedup = core.anchor.vector, settings.sentences.dedup_cosine
            if any(float(vector @ p.anchor.vector) > dedup for p in cores):
                continue
            gain = functools.partial(_coverage_gain, assembler, covers, used, core)
            if not _adds_enough(core, cores[0], gain, settings):
                continue
        cores.append(core)
        used.update(core.rows)
    if not cores:
        # Every candidate needs more context than the word budget holds: the best one with its
        # context, longer than the budget, reads better than a fragment.
        core = assembler.core(usable[0], set(), 10 * budget)
        return [] if core is None else [core]
    passages = []
    for core in cores:
        passage = assembler.extend(core, used, budget)
        used.update(passage.rows)
        passages.append(passage)
    return passages
