"""`qa eval --slips`: the same suite with typing slips typed into its questions, to measure how
well answering reads what people actually type.

Each case becomes two: one slip in one word of five letters or more (`-slip1`), and two slips in
one word of seven or more (`-slip2`). A slip keeps the first letter and is one of: a letter
dropped, doubled, swapped with the next, a vowel for another vowel, or a key's neighbour on the
keyboard. The random choices are seeded by the suite's name and the case's id, so a run can be
repeated and compared with --baseline.
"""

from __future__ import annotations

import dataclasses
import random
import re

from qa.evaluation.suites import Suite

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = "aeiou"
_WORD = re.compile(r"[A-Za-z]+")
# (suffix, slips typed, shortest word they go into)
VARIANTS = (("slip1", 1, 5), ("slip2", 2, 7))


def with_slips(suite: Suite) -> Suite:
    """`suite` with each case replaced by its slipped variants (a case without a word long
    enough has fewer)."""
    cases = []
    for case in suite.cases:
        for suffix, slips, shortest in VARIANTS:
            rng = random.Random(f"{suite.name}/{case.id}/{suffix}")
            question = slipped(case.question, rng, slips, shortest)
            if question is not None:
                cases.append(dataclasses.replace(case, id=f"{case.id}-{suffix}", question=question))
    return Suite(f"{suite.name}+slips", suite.path, tuple(cases))


def slipped(text: str, rng: random.Random, slips: int, shortest: int) -> str | None:
    """`text` with `slips` slips typed into one of its words of `shortest` letters or more."""
    words = [m for m in _WORD.finditer(text) if len(m.group()) >= shortest]
    if not words:
        return None
    m = rng.choice(words)
    word = m.group()
    typed = word
    while typed.lower() == word.lower():
        typed = word
        for _ in range(slips):
            typed = _slip(typed, rng)
    return text[: m.start()] + typed + text[m.end() :]


def _slip(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    kind = rng.choice(("drop", "double", "swap", "vowel", "neighbour"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "vowel" and word[i].lower() in _VOWELS:
        return word[:i] + rng.choice([v for v in _VOWELS if v != word[i].lower()]) + word[i + 1 :]
    return word[:i] + rng.choice(_neighbours(word[i].lower()) or [word[i]]) + word[i + 1 :]


def _neighbours(letter: str) -> list[str]:
    for row in _ROWS:
        if letter in row:
            i = row.index(letter)
            return [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
    return []
