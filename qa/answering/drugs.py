"""The drugs a question names, and whether the quoted sentences speak of them: by the general
drug-name stems (WHO INN), by the collection's own drug and regimen names and by its brand names
(its profile's [drugs] and [brands]), each drug under any of its names.

"What side effects does trastuzumab cause?" is not answered by a sentence that never names
trastuzumab (`missing_drug_effect`); "what's the usual dose of tamoxifen?" not by one that names
no drug of the question (`missing_drug`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

# Generic drug names by their WHO INN stems (-mab antibodies, -platin, -taxel, -tinib/-rafenib
# kinase inhibitors, -uracil, -citabine, -ridine, -tecan, -mycin, -vorin, -ercept). Regimens and
# other names particular to a collection come from its profile ([drugs] names; DrugNames).
_DRUG = re.compile(
    r"\b\w+(?:mab|platin|taxel|tinib|nib|rafenib|uracil|citabine|ridine|tecan|mycin|vorin|"
    r"ercept)\b",
    re.IGNORECASE,
)


_PLAIN_WORD = re.compile(r"\w+")

# "what side effects does trastuzumab cause?", "does herceptin cause heart problems?"
_ASKS_EFFECT = re.compile(r"\bside[- ]effects?\b|\bcauses?\b|\btoxic", re.IGNORECASE)


_STATES_EFFECT = re.compile(r"\bside[- ]effects?\b|\bcaus\w*|\btoxic", re.IGNORECASE)


# _DRUG, case-sensitive, for lower-cased text: a third of the time of IGNORECASE, and the drug
# check runs on every question that gets this far.
_DRUG_LOWER = re.compile(_DRUG.pattern)


class DrugNames:
    """The drugs a text names: by the general pattern (_DRUG), by the collection's own names
    (its profile's [drugs] names: regimens such as "CHOP") or by its brand names; and each
    drug's other names (the generic name and every brand: "herceptin" -> {"trastuzumab",
    "herceptin", "kanjinti", "ogivri"})."""

    def __init__(self, brands: Sequence[tuple[str, str]], names: str = "") -> None:
        self._own = re.compile(rf"\b(?:{names})\b") if names else None
        self._own_any_case = re.compile(self._own.pattern, re.IGNORECASE) if self._own else None
        # Brands of one plain word are looked up among the text's words (hundreds of them in a
        # pattern made this check four times slower); the others are matched by a pattern.
        self._brand_words = frozenset(b for b, _ in brands if _PLAIN_WORD.fullmatch(b))
        phrases = [re.escape(b) for b, _ in brands if b not in self._brand_words]
        self._brand = re.compile(r"\b(?:" + "|".join(phrases) + r")\b") if phrases else None
        groups: dict[str, set[str]] = {}
        for brand, generic in brands:
            main = generic.split()[0]
            groups.setdefault(main, {main}).add(brand)
        self._same = {name: frozenset(group) for group in groups.values() for name in group}

    def named(self, question: str) -> frozenset[str]:
        text = question.lower()
        brands = self._brand.finditer(text) if self._brand else ()
        own = self._own.finditer(text) if self._own else ()
        words = self._brand_words.intersection(_PLAIN_WORD.findall(text))
        return frozenset(m.group(0) for m in (*_DRUG_LOWER.finditer(text), *own, *brands)) | words

    def held(self, text: str) -> bool:
        """Whether `text` names a drug by the general pattern or the collection's own names
        (what a "what drug …?" question is answered by)."""
        return bool(_DRUG.search(text)) or bool(
            self._own_any_case and self._own_any_case.search(text)
        )

    def naming(self, drugs: frozenset[str]) -> re.Pattern[str]:
        """A pattern for `drugs` under any of their names (brand or generic)."""
        names = drugs.union(*(self._same.get(n, ()) for n in drugs))
        return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")\b", re.I)


@lru_cache(maxsize=8)
def drug_names(brands: tuple[tuple[str, str], ...], names: str = "") -> DrugNames:
    return DrugNames(brands, names)


GENERAL_DRUGS = DrugNames(())


def missing_drug(asking: str, texts: Iterable[str], drugs: DrugNames) -> str | None:
    """A drug the question's asking sentence names ("which one makes you live longer, CHOP
    or CHOP-R?", "what's the usual dose of tamoxifen?") when no one of `texts` names any of
    them (under any name); None when it names none or one does."""
    named = drugs.named(asking)
    if not named:
        return None
    pattern = drugs.naming(named)
    return None if any(pattern.search(t) for t in texts) else sorted(named)[0]


def missing_drug_effect(question: str, texts: Iterable[str], drugs: DrugNames) -> str | None:
    """The drug a question asks the effects of ("side effects of trastuzumab") when no one of
    `texts` names it (or its brand or generic name) and speaks of side effects or causing;
    None when it asks no such thing or one does."""
    if not _ASKS_EFFECT.search(question):
        return None
    named = drugs.named(question)
    if not named:
        return None
    pattern = drugs.naming(named)
    if any(pattern.search(t) and _STATES_EFFECT.search(t) for t in texts):
        return None
    return sorted(named)[0]
