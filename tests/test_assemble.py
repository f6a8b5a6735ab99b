"""When an answer quotes a second passage."""

from __future__ import annotations

import numpy as np

from qa.answering.assemble import Passage, _adds_enough
from qa.answering.candidates import Candidate
from qa.config import Settings


def passage(doc_id: str, score: float) -> Passage:
    anchor = Candidate(
        doc_id, 0, 10, "A sentence.", "", np.zeros(4), 0.5, 0.5, 0.5, score, False, 2, 0
    )
    return Passage(doc_id, "", (0,), frozenset({0}), anchor)


SETTINGS = Settings.of(second_passage_min_gain=0.15, second_passage_max_gap=0.05)


def test_a_second_passage_adding_enough_of_the_question_is_quoted():
    first = passage("a", 1.0)
    assert _adds_enough(passage("a", 0.5), first, lambda: 0.2, SETTINGS)
    assert not _adds_enough(passage("a", 0.99), first, lambda: 0.1, SETTINGS)


def test_a_nearly_as_good_passage_from_another_document_is_quoted_whatever_it_adds():
    first = passage("a", 1.0)
    assert _adds_enough(passage("b", 0.96), first, lambda: 0.0, SETTINGS)
    assert not _adds_enough(passage("b", 0.9), first, lambda: 0.0, SETTINGS)
    # From the same document, only what it adds counts.
    assert not _adds_enough(passage("a", 0.99), first, lambda: 0.0, SETTINGS)
