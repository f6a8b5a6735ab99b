"""Words a few typing slips apart, by rapidfuzz's optimal-string-alignment distance: one edit is a
letter deleted, inserted, replaced, or two neighbours swapped."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA


def near(word: str, words: Sequence[str], edits: int) -> list[tuple[str, int, int]]:
    """The words of `words` at most `edits` edits from `word`: (word, distance, position)."""
    return [
        (str(w), int(d), int(i))
        for w, d, i in process.extract(
            word, words, scorer=OSA.distance, score_cutoff=edits, limit=None
        )
    ]


def any_near(word: str, words: Sequence[str], edits: int) -> bool:
    """Whether some word of `words` is at most `edits` edits from `word`."""
    return process.extractOne(word, words, scorer=OSA.distance, score_cutoff=edits) is not None
