"""General English word frequencies, from wordfreq (its data ships inside the wheel: no download).

The documents' own words say what a corpus knows; these say what any English reader knows, so
that a word missing from a clinic's leaflets is not taken for a typing slip or a name because
those leaflets happen not to use it.
"""

from __future__ import annotations

import functools

# Words at least this frequent (Zipf scale: 4.5 is about 30 per million words: "usually" 5.2,
# "effects" 4.6) are everyday words, which say nothing of a message's topic, and the only
# English words a slip is mended to: a rarer one the documents never use would not help find
# a passage, and guessing it turns names into unrelated words (over MedQuAD's questions, from
# 3.0 down: "crohn" -> "crown", "acidemia" -> "academia"). Under 2.0, one per hundred million
# words, the list holds mostly misspellings ("retal" 1.2, "frst" 1.8), names and fragments.
EVERYDAY_ZIPF = 4.5
# About as many words as the embedding model's vocabulary keeps whole (26,000 of four letters
# or more): a word one slip from one of these is a mistyped English word, not a name.
COMMON_ZIPF = 3.0
KNOWN_ZIPF = 2.0


@functools.lru_cache(maxsize=8192)
def zipf(word: str) -> float:
    """How frequent `word` is in general English (Zipf scale: log10 of uses per billion words)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def known(word: str) -> bool:
    """Whether `word` is an English word in its own right, rare or not ("stoma", "lice")."""
    return zipf(word) >= KNOWN_ZIPF


def everyday_words() -> tuple[str, ...]:
    """Alphabetic English words of four letters or more at least EVERYDAY_ZIPF frequent, most
    frequent first."""
    return words(EVERYDAY_ZIPF)


@functools.lru_cache(maxsize=4)
def words(min_zipf: float) -> tuple[str, ...]:
    """Alphabetic English words of four letters or more at least `min_zipf` frequent, most
    frequent first."""
    from wordfreq import iter_wordlist, zipf_frequency

    out = []
    for word in iter_wordlist("en"):
        if zipf_frequency(word, "en") < min_zipf:
            break
        if len(word) >= 4 and word.isascii() and word.isalpha():
            out.append(word)
    return tuple(out)
