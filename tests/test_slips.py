"""`qa eval --slips`: suites with realistic typing slips typed in, repeatably."""

from __future__ import annotations

import random
from pathlib import Path

from rapidfuzz.distance import OSA

from qa.evaluation.slips import slipped, with_slips
from qa.evaluation.suites import Case, Suite

SUITE = Suite(
    "s",
    Path("s.yaml"),
    (
        Case("long", "How long is chemotherapy usually given for?", sources=("a",)),
        Case("short", "Is it safe?", abstain=True),
        Case("conv", "and after that?", turns=("What is radiotherapy?",), sources=("a",)),
    ),
)


def _changed_word(before: str, after: str) -> tuple[str, str]:
    pairs = [(a, b) for a, b in zip(before.split(), after.split(), strict=True) if a != b]
    assert len(pairs) == 1, pairs
    return pairs[0]


def test_each_case_gets_one_and_two_slips_in_one_long_enough_word() -> None:
    slipped_suite = with_slips(SUITE)
    assert slipped_suite.name == "s+slips"
    by_id = {c.id: c for c in slipped_suite.cases}
    # "Is it safe?" has no word of five letters; "and after that?" one of five but none of seven.
    assert sorted(by_id) == ["conv-slip1", "long-slip1", "long-slip2"]
    for case_id, slips, shortest in (("long-slip1", 1, 5), ("long-slip2", 2, 7)):
        word, typed = _changed_word(SUITE.cases[0].question, by_id[case_id].question)
        assert len(word.strip("?")) >= shortest
        assert typed[0] == word[0]
        assert 1 <= OSA.distance(word, typed) <= slips
        assert by_id[case_id].sources == ("a",)  # the expectations stay
    assert by_id["conv-slip1"].turns == ("What is radiotherapy?",)  # earlier turns untouched


def test_the_same_suite_gets_the_same_slips() -> None:
    assert with_slips(SUITE) == with_slips(SUITE)
    questions = {slipped("chemotherapy", random.Random(n), 1, 5) for n in range(30)}
    assert len(questions) > 10  # and they vary from case to case
