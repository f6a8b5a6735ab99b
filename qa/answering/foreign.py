"""Names the sources never mention: a question about "Ibrance" or "BRCA" cannot be answered by
documents that never say them, however close the rest of the question is to the documents.

A word counts as such a name when all of these hold:
- the documents never use it, nor any word sharing its first five letters or one typing slip
  away (typo shields: "hercepin" shares "herce" with "herceptin", "diffrence" is one letter short of
  "difference"), and it is no lay term the lexical step maps to the documents' words ("chemo",
  "yrs"); contractions typed without an apostrophe ("cant") do not count;
- the embedding model's tokenizer splits it into several word pieces, also once a common English
  ending or beginning is taken off ("spots", "realistically", "fractionation", "hes" typed for
  "he's", "unrealistic") or one typing slip is mended ("diffrence"). A whole-word piece means an
  everyday English word ("spot", "mom"), which the embedding model bridges to the documents'
  wording; a split word is a rare name, acronym or brand;
- it is not two whole words run together ("painkillers") nor a clinical common noun by its
  ending ("neuropathy", "incontinence"), which a patient may mention in passing.

Such a name is no reason to refuse by itself (qa/answering/answer.py,
`unknown_name_min_coverage`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from qa.answering import english
from qa.answering.edits import any_near, near
from qa.lexical import Lexicon

_WORD = re.compile(r"[a-z][a-z0-9]*")
_PREFIX = 5
# Shorter words are too often one slip from another real word ("msi" -> "mri").
_MIN_SLIP_LENGTH = 6
# The tokenizer's whole words are a wider net than the documents' words; five letters let
# "gonig" and "sincce" through while names of four letters ("braf") stay names.
_MIN_EVERYDAY_SLIP_LENGTH = 5
_MIN_LENGTH = 3
# Contractions typed without the apostrophe are everyday words, not names.
CONTRACTIONS = frozenset(
    [
        "cant",
        "dont",
        "wont",
        "isnt",
        "arent",
        "didnt",
        "doesnt",
        "wasnt",
        "werent",
        "shouldnt",
        "couldnt",
        "wouldnt",
        "ive",
        "youre",
        "theyre",
        "whats",
        "thats",
        "theres",
        "hasnt",
        "havent",
        "hadnt",
        "hes",
        "shes",
        "im",
        "id",
        "ill",
        "youve",
        "weve",
        "theyve",
        "lets",
        "whos",
        "wheres",
        "hows",
        "theyll",
        "youll",
        "itll",
        "thatll",
        "shouldve",
        "couldve",
        "wouldve",
        "mustve",
        "aint",
    ]
)


# Inflections and the commonest derivations; a drug, gene or place name seldom ends in one
# that leaves an everyday word behind.
_ENDINGS = (
    "ation",
    "ally",
    "ness",
    "ment",
    "less",
    "able",
    "ible",
    "ful",
    "ous",
    "ish",
    "ing",
    "ly",
    "ed",
    "es",
    "er",
    "s",
)
# "hes" (he's) -> "he"
_MIN_STEM = 2
# Negating and repeating beginnings: "unrealistic", "nonsurgical", "retreated". Drug and gene
# names do begin with these letters, but what is left of them ("gorafenib") is no everyday word.
_BEGINNINGS = ("un", "non", "re", "dis", "mis", "in", "im")
# … of at least five letters: names are short ones with such a beginning ("Rett", "Reye", "Unna").
_MIN_REST = 5
# Endings of clinical common nouns (conditions, findings, procedures), which no drug, gene or
# place name has: a patient mentioning "neuropathy" or "incontinence" in passing asks no less
# answerable a question; whether the documents answer one about them is the evidence's call.
_CLINICAL_ENDINGS = (
    "pathy",
    "itis",
    "osis",
    "emia",
    "penia",
    "ence",
    "ance",
    "age",
    "ectomy",
    "otomy",
    "ostomy",
    "scopy",
    "plasty",
    "algia",
    "rrhea",
    "rrhoea",
)
_MIN_COMPOUND_PART = 3
# A word this common in English text (Zipf 3.5, about three per million words: "fyi", "asap",
# "tbh" 4.2) is no name the sources lack, whatever the tokenizer makes of it: chat shorthand
# and everyday words the model's vocabulary splits. Names patients type are rarer ("aspirin"
# 3.3, "tamoxifen" 2.4, brand names under 3).
_NAME_MAX_ZIPF = 3.5


@dataclass(frozen=True)
class Vocabulary:
    """The lower-cased words of the documents, how often each occurs, and their five-letter
    prefixes."""

    words: Mapping[str, int]
    prefixes: frozenset[str]
    # The lay phrases the lexical step maps to the documents' words (a word it knows is known).
    lexicon: Lexicon = field(default_factory=Lexicon.of)

    @classmethod
    def of(cls, texts: Iterable[str], lexicon: Lexicon | None = None) -> Vocabulary:
        words = Counter(w for text in texts for w in _WORD.findall(text.lower()))
        prefixes = frozenset(w[:_PREFIX] for w in words if len(w) >= _PREFIX)
        return cls(dict(words), prefixes, lexicon or Lexicon.of())

    @functools.cached_property
    def by_frequency(self) -> tuple[str, ...]:
        """The words, the most frequent first."""
        return tuple(sorted(self.words, key=lambda w: (-self.words[w], w)))

    @functools.cached_property
    def lay_targets(self) -> tuple[str, ...]:
        """The lexicon's lay words that are no drug brand, sorted: what a slip may be mended to
        besides the documents' words (qa/answering/spelling.py)."""
        return tuple(sorted(self.lexicon.lay_words - self.lexicon.brand_words))

    @functools.cached_property
    def brand_targets(self) -> tuple[str, ...]:
        """The lexicon's one-word drug brands, sorted."""
        return tuple(sorted(self.lexicon.brand_words))

    def knows(self, word: str) -> bool:
        return (
            word in self.words
            or (len(word) >= _PREFIX and word[:_PREFIX] in self.prefixes)
            or (len(word) >= _MIN_SLIP_LENGTH and any_near(word, self.by_frequency, 1))
        )


def foreign_names(
    question: str, vocabulary: Vocabulary, is_whole: Callable[[str], bool]
) -> list[str]:
    """The words of `question` that look like names the documents never mention, in order.

    A word counts as known when the documents use it or the word the lexical step maps it to
    ("chemo" -> "chemotherapy", "herceptin" -> "trastuzumab"); the words named are the user's.

    Args:
        is_whole: whether the embedding model's tokenizer keeps a word as one piece.
    """
    found: list[str] = []
    for word in _WORD.findall(question.lower()):
        # Cheapest tests first: most words are the documents' own or everyday ones.
        if (
            len(word) < _MIN_LENGTH
            or word in found
            or word in CONTRACTIONS
            or word in vocabulary.words
            or is_whole(word)
            or any(vocabulary.knows(w) for w in _WORD.findall(vocabulary.lexicon.expand(word)))
        ):
            continue
        if not _everyday(word, is_whole):
            found.append(word)
    return found



def _everyday(word: str, is_whole: Callable[[str], bool]) -> bool:
    """Whether the tokenizer keeps a word it splits whole once a common ending or beginning is
    taken off ("unrealistically"), or once one typing slip is mended ("diffrence"); or whether
    the word is two whole words ("painkillers", "tailbone") or a clinical common noun by its
    ending ("neuropathy", "incontinence")."""
    if word.endswith(_CLINICAL_ENDINGS) or any(is_whole(stem) for stem in _stems(word)):
        return True
    if english.zipf(word) >= _NAME_MAX_ZIPF:
        return True
    rests = [
        word[len(b) :]
        for b in _BEGINNINGS
        if word.startswith(b) and len(word) - len(b) >= _MIN_REST
    ]
    if any(_whole_or_stemmed(rest, is_whole) for rest in rests):
        return True
    if any(
        is_whole(word[:i]) and _whole_or_stemmed(word[i:], is_whole)
        for i in range(_MIN_COMPOUND_PART, len(word) - _MIN_COMPOUND_PART + 1)
    ):
        return True
    return len(word) >= _MIN_EVERYDAY_SLIP_LENGTH and any(
        len(w) >= _MIN_EVERYDAY_SLIP_LENGTH and is_whole(w)
        for w, _, _ in near(word, english.words(english.COMMON_ZIPF), 1)
    )


def _whole_or_stemmed(word: str, is_whole: Callable[[str], bool]) -> bool:
    """Whether the tokenizer keeps `word` whole, as it is or without a common ending."""
    return is_whole(word) or any(is_whole(s) for s in _stems(word))


def _stems(word: str) -> list[str]:
    """What is left of the word without each common English ending it has, longest ending
    first ("realistically" -> "realistic", "realistical")."""
    return [
        word[: -len(ending)]
        for ending in _ENDINGS
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM
    ]
