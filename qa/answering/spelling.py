"""Typing slips mended before retrieval: "my dads lung cacer came back" asks about lung cancer.

The small embedding model splits a mistyped word into meaningless pieces ("cacer" -> "ca",
"##cer"), BM25 finds no such term, and the unknown-name rule (qa.answering.foreign) would take
the word for a name the sources never mention.

A word is a slip only when it is nobody's word: the documents never use it nor a form of one of
their words (a prefix of it or an extension by up to three letters: "diagnose", "diagnosed"),
it is no English word (wordfreq, qa.answering.english), the embedding model's tokenizer splits
it (a whole-word piece is a word the model knows), it is no lay term or contraction, and it has
four letters or more ("msi" is a name, not a slip of "mri").

What it meant is the nearest word, by the optimal-string-alignment edit distance (rapidfuzz), of
the documents, the lay lexicon and everyday English (qa.answering.english says why only
everyday), one edit away for a word of up to six letters and two for longer ones ("diahrrea" ->
"diarrhea", "efectes" -> "effects", "actuaklu" -> "actually"); a drug brand only one edit away.
It keeps the first letter (a slip there is as likely another word), and a four-letter word is
mended only by an added letter ("frst" -> "first"), as one letter off another four-letter word
it is as often a name ("copd", "lice"). Nearest first; then the documents' words (the most
frequent), the lay words, and English (the most frequent).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.answering import english
from qa.answering.edits import near
from qa.answering.foreign import CONTRACTIONS, Vocabulary

_WORD = re.compile(r"[A-Za-z]+")
_MIN_LENGTH = 4
_PREFIX = 5
# Longer words than this may hold two slips: few words lie two edits from a long one.
_ONE_EDIT_MAX_LENGTH = 6
# The longest ending an inflection adds ("-ing", "-ies").
_ENDING_LETTERS = 3


def mend_slips(
    question: str, vocabulary: Vocabulary, is_whole: Callable[[str], bool]
) -> tuple[str, dict[str, str]]:
    """`question` with its slips mended, and what was read as what ({"cacer": "cancer"}).

    Args:
        is_whole: whether the embedding model's tokenizer keeps a word as one piece.
    """
    # Most questions have no slip: look each distinct word up once, and rewrite only if needed.
    mended: dict[str, str] = {}
    for word in dict.fromkeys(w.lower() for w in _WORD.findall(question)):
        meant = _meant(word, vocabulary, is_whole)
        if meant is not None:
            mended[word] = meant
    if not mended:
        return question, {}
    text = _WORD.sub(lambda m: mended.get(m.group(0).lower(), m.group(0)), question)
    return text, mended


def _meant(word: str, vocabulary: Vocabulary, is_whole: Callable[[str], bool]) -> str | None:
    if (
        len(word) < _MIN_LENGTH
        or word in vocabulary.words
        or _inflection(word, vocabulary)
        or word in CONTRACTIONS
        or vocabulary.lexicon.is_lay_word(word)
        or is_whole(word)
        or english.known(word)
    ):
        return None
    edits = 1 if len(word) <= _ONE_EDIT_MAX_LENGTH else 2
    # Each source's words in order of preference, the documents' most frequent first. Brand
    # names are mended to only one edit away: drug names are made alike, and "proscar" is two
    # edits from "prostap", another drug.
    sources = (
        (vocabulary.by_frequency, edits),
        (vocabulary.lay_targets, edits),
        (vocabulary.brand_targets, 1),
        (english.everyday_words(), edits),
    )
    best: tuple[int, int, int, str] | None = None
    for rank, (words, most) in enumerate(sources):
        for meant, distance, position in near(word, words, most):
            key = (distance, rank, position, meant)
            if _plausible(word, meant) and (best is None or key < best):
                best = key
    return None if best is None else best[3]


def _inflection(word: str, vocabulary: Vocabulary) -> bool:
    """Whether `word` is a word of the documents with an ending added or taken off: one starts
    with the other, a few letters apart ("diagnose", "diagnosed"). Sharing the first letters is
    not enough: "chemoterapy" is a slip of "chemotherapy", not a form of it."""
    if word[:_PREFIX] not in vocabulary.prefixes:
        return False
    return any(
        (w.startswith(word) or word.startswith(w)) and abs(len(w) - len(word)) <= _ENDING_LETTERS
        for w in vocabulary.by_frequency
        if w[:_PREFIX] == word[:_PREFIX]
    )


def _plausible(typed: str, meant: str) -> bool:
    if len(meant) < _MIN_LENGTH or meant[0] != typed[0]:
        return False
    return len(typed) > _MIN_LENGTH or len(meant) > len(typed)
