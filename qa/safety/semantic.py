"""The semantic layer: a message's vector against the catalogue's example bank.

Every example of every entry (messages that should escalate) and every informational example
(messages on the same subjects that should not) is encoded once by the bundled encoder. A
message, or one of its clauses, is then compared with all of them: how close it is to the
nearest entry, how close to the informational bank, and which of its nearest neighbours are
escalations. The bank's vectors are cached on disk, keyed by model and catalogue.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

from qa.encoder.base import Embedder
from qa.files import write_atomic
from qa.safety.catalogue import Catalogue, Level
from qa.safety.rules import mend_triggers

# Similarities are averaged over an entry's TOP_K nearest examples, so one odd example does
# not decide alone; the vote counts escalations among the NEIGHBOURS nearest examples.
TOP_K = 2
NEIGHBOURS = 10
_INFORMATIONAL = -1
# Bumped whenever encoder_form changes, so that cached bank vectors are not reused.
ENCODER_FORM = "mended-2"


@dataclass(frozen=True)
class BankMatch:
    """How one text sits against the example bank."""

    entry: str
    similarity: float
    example: str
    example_similarity: float
    informational: float
    vote: float
    by_level: dict[Level, tuple[str, float]]

    @property
    def margin(self) -> float:
        return self.similarity - self.informational


@dataclass(frozen=True)
class ExampleBank:
    texts: tuple[str, ...]
    owners: np.ndarray  # entry index per row, or -1 for an informational example
    vectors: np.ndarray
    entry_ids: tuple[str, ...]
    entry_levels: tuple[Level, ...]

    @classmethod
    def build(cls, catalogue: Catalogue, embedder: Embedder, cache_dir: Path | None) -> ExampleBank:
        texts: list[str] = []
        owners: list[int] = []
        for i, entry in enumerate(catalogue.entries):
            texts.extend(entry.examples)
            owners.extend([i] * len(entry.examples))
        for messages in (*(e.informational for e in catalogue.entries), catalogue.informational):
            texts.extend(messages)
            owners.extend([_INFORMATIONAL] * len(messages))
        vectors = _cached_vectors(
            [encoder_form(t) for t in texts], embedder, catalogue.digest, cache_dir
        )
        return cls(
            texts=tuple(texts),
            owners=np.asarray(owners, dtype=np.int64),
            vectors=vectors,
            entry_ids=tuple(e.id for e in catalogue.entries),
            entry_levels=tuple(e.level for e in catalogue.entries),
        )

    def match(self, vectors: np.ndarray) -> list[BankMatch]:
        """One BankMatch per row of `vectors` (L2-normalised, as the embedder gives them)."""
        # One BLAS thread: a multi-threaded product this small gains nothing, and its threads
        # keep spinning into the next encoder run on the same two cores (measured: the
        # question's encoding took 10 ms instead of 4).
        with _one_blas_thread():
            sims = vectors @ self.vectors.T
        return [self._match_one(row) for row in sims]

    def leave_one_out(self) -> list[BankMatch]:
        """Each example's own match against the rest of the bank (itself left out): how a new
        message like it would sit, which is what a score learned from the bank must see."""
        sims = self.vectors @ self.vectors.T
        np.fill_diagonal(sims, -2.0)
        return [self._match_one(row) for row in sims]

    @cached_property
    def _groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each entry's rows as one padded grid of row numbers (padding points one past the end,
        where a match puts -inf), each entry's size, and the informational rows: one
        vectorised pass a message instead of a loop over entries. The informational rows,
        twenty times as many as an entry's, are kept apart so that the grid stays as narrow as
        the largest entry (partitioning it was most of triage's time)."""
        groups = [np.flatnonzero(self.owners == i) for i in range(len(self.entry_ids))]
        width = max(2, *(len(g) for g in groups))
        grid = np.full((len(groups), width), len(self.owners), dtype=np.int64)
        for i, rows in enumerate(groups):
            grid[i, : len(rows)] = rows
        informational = np.flatnonzero(self.owners == _INFORMATIONAL)
        return grid, np.array([len(g) for g in groups]), informational

    def _match_one(self, sims: np.ndarray) -> BankMatch:
        grid, sizes, informational = self._groups
        values = np.append(sims, -np.inf)[grid]
        top = np.partition(values, values.shape[1] - TOP_K, axis=1)[:, -TOP_K:]
        # The mean of the TOP_K nearest, or of all when a group has fewer; -1 when empty.
        finite = np.where(np.isfinite(top), top, 0.0)
        counts = np.minimum(sizes, TOP_K)
        per_entry = np.where(sizes > 0, finite.sum(axis=1) / np.maximum(counts, 1), -1.0)
        nearest = grid[np.arange(len(grid)), values.argmax(axis=1)]
        info = _top_mean(sims[informational])
        best = int(np.argmax(per_entry))
        k = min(NEIGHBOURS, sims.size)
        order = np.argpartition(-sims, k - 1)[:k]
        vote = float(np.mean(self.owners[order] != _INFORMATIONAL))
        by_level: dict[Level, tuple[str, float]] = {}
        for i, level in enumerate(self.entry_levels):
            if level not in by_level or per_entry[i] > by_level[level][1]:
                by_level[level] = (self.entry_ids[i], float(per_entry[i]))
        return BankMatch(
            entry=self.entry_ids[best],
            similarity=float(per_entry[best]),
            example=self.texts[int(nearest[best])],
            example_similarity=float(sims[int(nearest[best])]),
            informational=float(info),
            vote=vote,
            by_level=by_level,
        )


def _top_mean(sims: np.ndarray) -> float:
    """The mean of the TOP_K largest of `sims`, or of all when fewer; -1 when empty."""
    if sims.size == 0:
        return -1.0
    k = min(TOP_K, sims.size)
    return float(np.partition(sims, sims.size - k)[-k:].mean())


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[object]:
    limited: AbstractContextManager[object] = _blas().limit(limits=1, user_api="blas")
    return limited


def encoder_form(text: str) -> str:
    """What the encoder reads of a message or an example: the text with typing slips of the
    safety trigger words mended (qa/safety/rules.py), which a word-piece model cannot see
    through ("seizur" is split into pieces that mean nothing alike)."""
    return mend_triggers(text)


def _cached_vectors(
    texts: list[str], embedder: Embedder, digest: str, cache_dir: Path | None
) -> np.ndarray:
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    key = hashlib.sha256(f"{embedder.name}\n{digest}\n{ENCODER_FORM}".encode()).hexdigest()[:20]
    path = cache_dir / f"bank-{key}.npy" if cache_dir else None
    if path is not None and path.exists():
        try:
            cached = np.load(path, allow_pickle=False)
            if cached.shape == (len(texts), embedder.dim):
                return np.asarray(cached, dtype=np.float32)
        except (OSError, ValueError):
            pass  # a damaged cache is rebuilt below
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
    if path is not None:
        _save_atomic(path, vectors)
    return vectors


def _save_atomic(path: Path, vectors: np.ndarray) -> None:
    """Write the cache whole or not at all; an unwritable folder only costs speed."""
    buffer = io.BytesIO()
    np.save(buffer, vectors)
    with contextlib.suppress(OSError):
        write_atomic(path, buffer.getvalue())
