"""Typing slips mended before retrieval: "my dads lung cacer came back" asks about lung cancer.

The small embedding model splits a mistyped word into meaningless pieces ("cacer" -> "ca",
"##cer"), BM25 finds no such term, and the unknown-name rule (qa.answering.foreign) would take
the word for
a name the sources never mention and refuse to answer. With one slip typed into a word of five
or more letters of our suites' answerable questions, 29% of them were refused that way.

A word is mended only when all of these hold, so that names and everyday words are left alone:
- the documents never use it nor a word sharing its first five letters (an inflection), and
  the embedding model's tokenizer splits it (a whole-word piece is an English word the model
  knows: "wine" is not mended to "wide");
- it is no lay term or contraction ("chemo", "cant") and has four letters or more ("msi" is a
  name, not a slip of "mri");
- one deletion, transposition, replacement or insertion of a letter, not of the first one,
  turns it into a word the documents use or a lay word ("chmo" -> "chemo"); a four-letter word
  only by an added letter ("frst" -> "first"), as one letter off another four-letter word it is
  as often a name ("copd", "lice"). Among several, the documents' most frequent word wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.answering.foreign import CONTRACTIONS, Vocabulary, one_slip

_WORD = re.compile(r"[A-Za-z]+")
_MIN_LENGTH = 4
_PREFIX = 5


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
        or word[:_PREFIX] in vocabulary.prefixes
        or word in CONTRACTIONS
        or is_whole(word)
        or vocabulary.lexicon.is_lay_word(word)
    ):
        return None
    # Set operations first (most slips are no word at all), the plausibility test on the few left.
    options = set(one_slip(word))
    known = [w for w in options & vocabulary.words.keys() if _plausible(word, w)]
    if known:
        return max(known, key=lambda w: (vocabulary.words[w], w))
    lay = sorted(w for w in options & vocabulary.lexicon.lay_words if _plausible(word, w))
    return lay[0] if lay else None


def _plausible(typed: str, meant: str) -> bool:
    if len(meant) < _MIN_LENGTH or meant[0] != typed[0]:
        return False
    return len(typed) > _MIN_LENGTH or len(meant) > len(typed)
