"""Abbreviations the documents define, spelled out in a question before it is encoded.

The small embedding model does not know most medical abbreviations: "what is hipec?" sits far
from "hyperthermic intraperitoneal chemoperfusion (HIPEC) combines surgery with heated
chemotherapy", so the question would be turned away. The documents define their abbreviations
as "long form (SHORT)"; those definitions are found with the algorithm of Schwartz & Hearst
("A simple algorithm for identifying abbreviation definitions in biomedical text", PSB 2003)
and the question the encoder sees gets the long form after the abbreviation: "what is hipec
(hyperthermic intraperitoneal chemoperfusion)?". Drug brand names get their generic name the
same way. The lexical side and the safety rules read only the user's own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

# "(HIPEC)", "(HAI)", "(SBRT)", "(HER2)": a short form of 2-10 characters with a capital letter
# other than its first, so that "(Herceptin)" or "(called the hepatic artery)" are not taken.
_SHORT = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9-]{1,9})\)")
_CLAUSE_END = re.compile(r"[.;:!?()\[\]]")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z0-9-]*\b")


def _looks_short(short: str) -> bool:
    letters = [c for c in short if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters[1:]) >= 1


def best_long_form(short: str, window: str) -> str | None:
    """Schwartz & Hearst: the shortest end of `window` whose characters match every letter and
    digit of `short`, right to left, the first one at the start of a word."""
    s, i = len(short) - 1, len(window) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (window[i].lower() != c or (s == 0 and i > 0 and window[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = window.rfind(" ", 0, i + 1) + 1
    long = window[start:].strip()
    return long if len(long) > len(short) else None


def definitions(texts: Iterable[str]) -> dict[str, str]:
    """Lower-case short form -> its long form, first definition wins; short forms the texts
    also use as ordinary lower-case words ("all", "us") are left out."""
    found: dict[str, str] = {}
    lower_words: set[str] = set()
    for text in texts:
        lower_words.update(_LOWER_WORD.findall(text))
        for m in _SHORT.finditer(text):
            short = m.group(1)
            if not _looks_short(short) or short.lower() in found:
                continue
            before = text[max(0, m.start() - 300) : m.start()]
            clause = _CLAUSE_END.split(before)[-1]
            words = clause.split()
            window = " ".join(words[-min(len(short) + 5, 2 * len(short)) :])
            long = best_long_form(short, window)
            if long:
                found[short.lower()] = long
    return {k: v for k, v in found.items() if k not in lower_words}


def spell_out(
    question: str, defined: Mapping[str, str], model_knows: Callable[[str], bool] | None = None
) -> str:
    """The question with each defined word followed by its meaning in brackets ("hipec
    (hyperthermic intraperitoneal chemoperfusion)"), unless the question already says it or
    `model_knows` the word already: one the model's tokenizer keeps whole is a word it has
    learnt ("mri", "hiv") — and may be an ordinary word a document also used as a short form
    ("car", "iv" in "stage iv")."""
    if not defined:
        return question
    lowered = question.lower()

    def expand(m: re.Match[str]) -> str:
        meaning = defined.get(m.group(0).lower())
        if (
            meaning is None
            or meaning.lower() in lowered
            or (model_knows is not None and model_knows(m.group(0).lower()))
        ):
            return m.group(0)
        return f"{m.group(0)} ({meaning})"

    return _WORD.sub(expand, question)


class Abbreviations:
    """Each defined short form's term and its long form's terms, for lexical matching: a
    sentence that says "RFA" answers "how is radiofrequency ablation done?", and one that says
    "radiofrequency ablation" answers "what is RFA?"."""

    def __init__(self, pairs: Iterable[tuple[str, frozenset[str]]] = ()) -> None:
        """`pairs`: (a short form's term, its long form's terms)."""
        self._pairs = tuple(pairs)

    @classmethod
    def of(cls, defined: Mapping[str, str], split: Callable[[str], list[str]]) -> Abbreviations:
        """From `definitions`' mapping, split into terms by `split` (qa.lexical.Terms)."""
        pairs = []
        for short, long in defined.items():
            short_terms, long_terms = split(short), frozenset(split(long))
            if len(short_terms) == 1 and long_terms and short_terms[0] not in long_terms:
                pairs.append((short_terms[0], long_terms))
        return cls(pairs)

    def touching(self, terms: Iterable[str]) -> Abbreviations:
        """Only the abbreviations that can matter to a question with these terms: the closure
        is taken for every candidate sentence, and most questions have none."""
        wanted = set(terms)
        return Abbreviations((s, long) for s, long in self._pairs if s in wanted or long & wanted)

    def close(self, terms: Iterable[str]) -> set[str]:
        """`terms` plus the long form's terms of each short form in them, and the short form of
        each long form all of whose terms are in them."""
        out = set(terms)
        for short, long in self._pairs:
            if short in out:
                out |= long
            elif long <= out:
                out.add(short)
        return out
