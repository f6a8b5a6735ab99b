"""Reading grade of quoted text: the Flesch-Kincaid grade level.

Why this formula: guidance on written information for patients states its target as a US school
grade (often grade 6-8), and the Flesch-Kincaid grade is the grade formula most used to check
it; the Flesch reading ease measures the same two things (sentence length, syllables per word)
on an inverted 0-100 scale, so it adds nothing here.

Counted as textstat 0.7.3 counts: a word is a whitespace token once punctuation is removed
(apostrophes of contractions kept, hyphenated words one word); a word's syllables are its
hyphenation points in pyphen's en_US dictionary plus one. Pyphen breaks words where a printer
may, not at every syllable ("chemotherapy": 3, not 6), so grades run somewhat low; they are
for comparing answers, suites and sources with each other. Two differences from textstat,
on purpose: the sentences are the answer's own quoted sentences (a quoted list item has no
full stop, and textstat's splitter would fuse it with the next sentence), and nothing is
rounded before the formula (textstat rounds both averages to 0.1 first, up to 0.6 of a grade).

pyphen is used directly, not through textstat: textstat 0.7.3 imports `pkg_resources`, which
setuptools no longer ships, and textstat 0.7.10 and later download a dictionary with nltk at
run time. pyphen reads its dictionaries from its own wheel: no network, ever.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from qa.text import sentence_spans

if TYPE_CHECKING:
    from pyphen import Pyphen

# Below this many words the sentence-length term means nothing (one short sentence scores
# below grade 0), so no grade is given.
MIN_WORDS = 10
_LANGUAGE = "en_US"
# textstat 0.7.3's punctuation removal: a quote mark becomes a double one unless it is the
# apostrophe of a contraction, then every non-word character but the apostrophe goes.
_QUOTE = re.compile(r"'(?![tsd]\b|ve\b|ll\b|re\b)")
_PUNCTUATION = re.compile(r"[^\w\s']")


@cache
def _hyphenator() -> Pyphen:
    """Load the dictionary once, on first use, not at import."""
    from pyphen import Pyphen

    return Pyphen(lang=_LANGUAGE)


def _words(sentence: str) -> list[str]:
    return _PUNCTUATION.sub("", _QUOTE.sub('"', sentence.lower())).split()


def syllables(word: str) -> int:
    """Hyphenation points of `word` plus one."""
    return len(_hyphenator().positions(word)) + 1


def flesch_kincaid_grade(sentences: str | Sequence[str]) -> float | None:
    """Flesch-Kincaid grade = 0.39 * words / sentences + 11.8 * syllables / words - 15.59.

    Args:
        sentences: the sentences, or one text that is split into sentences.

    Returns:
        The grade rounded to 0.1; None for text of fewer than MIN_WORDS words.
    """
    if isinstance(sentences, str):
        sentences = [sentences[a:b] for a, b in sentence_spans(sentences)]
    counted = [w for w in (_words(s) for s in sentences) if w]
    n_words = sum(len(w) for w in counted)
    if n_words < MIN_WORDS:
        return None
    n_syllables = sum(syllables(word) for ws in counted for word in ws)
    grade = 0.39 * n_words / len(counted) + 11.8 * n_syllables / n_words - 15.59
    return round(grade, 1)
