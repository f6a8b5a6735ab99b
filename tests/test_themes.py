"""The report of unanswered questions: grouping, examples only from shared questions, the CSV,
and the review queue's filters over a real SQLite logbook."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from qa.config import Settings
from qa.serving.logbook import Logbook
from qa.serving.logbook_rows import Entry, Mark, SharedBy, Verdict
from qa.serving.review_queue import ANY, UNMARKED, ReviewFilter
from qa.serving.themes import is_unanswered, themes, week_of
from qa.types import Answer, Status
from ui.report_render import chart_svg, themes_csv, weekly_activity

NOW = 1_765_000_000.0  # a Saturday in December 2025
DAY = 86_400.0


def _vector(direction: int, noise: float, seed: int) -> tuple[float, ...]:
    rng = np.random.default_rng(seed)
    v = np.zeros(16)
    v[direction] = 1.0
    return tuple((v + noise * rng.standard_normal(16)).tolist())


def _answer(question: str, vector: tuple[float, ...], status: Status = Status.ABSTAINED) -> Answer:
    return Answer(question, status, "No info.", "D", reason="no passage answers it", vector=vector)


def _book(tmp_path) -> Logbook:
    return Logbook.open(Settings.of(db_path=tmp_path / "q.db"), now=NOW)


def test_alike_questions_form_one_theme_and_the_largest_comes_first(tmp_path):
    book = _book(tmp_path)
    for i in range(5):  # five about one thing, two shared by their patients
        book.record(_answer(f"diet question {i}", _vector(0, 0.1, i)), NOW - i * DAY, shared=i < 2)
    for i in range(2):
        book.record(_answer(f"travel question {i}", _vector(5, 0.1, 10 + i)), NOW)
    answered = book.record(_answer("answered", _vector(9, 0.1, 20), Status.ANSWERED), NOW)
    found = themes(book.unanswered(), 0.45)
    assert [t.count for t in found] == [5, 2]
    diet, travel = found
    assert set(diet.examples) == {"diet question 0", "diet question 1"}  # shared ones only
    assert diet.label in diet.examples
    assert travel.examples == () and travel.label.startswith("(no question shared)")
    assert dict(diet.reasons) == {"no passage answers it": 5}
    assert sum(diet.weekly().values()) == 5
    assert answered not in diet.ids | travel.ids


def test_thumbs_down_and_staff_marks_count_as_unanswered(tmp_path):
    book = _book(tmp_path)
    down = book.record(_answer("q1", _vector(1, 0.1, 1), Status.ANSWERED), NOW)
    book.vote(down, up=False, now=NOW)
    wrong = book.record(_answer("q2", _vector(1, 0.1, 2), Status.ANSWERED), NOW)
    book.mark(wrong, Mark(Verdict.WRONG))
    fine = book.record(_answer("q3", _vector(1, 0.1, 3), Status.ANSWERED), NOW)
    book.mark(fine, Mark(Verdict.CORRECT))
    (theme,) = themes(book.unanswered(), 0.45)
    assert theme.ids == {down, wrong}
    assert dict(theme.reasons) == {"thumbs down from the patient": 1, "marked wrong by staff": 1}


def test_no_items_no_themes_and_a_single_item_is_its_own_theme(tmp_path):
    book = _book(tmp_path)
    assert themes(book.unanswered(), 0.45) == []
    book.record(_answer("alone", _vector(2, 0.0, 0)), NOW)
    assert [t.count for t in themes(book.unanswered(), 0.45)] == [1]
    without = Entry(1, NOW, _answer("old", ()), False)
    assert is_unanswered(without) and themes([without], 0.45) == []


def test_the_csv_neutralises_formulas_and_the_chart_has_a_text_table(tmp_path):
    book = _book(tmp_path)
    for i in range(2):
        book.record(_answer(f'=HYPERLINK("x") {i}', _vector(3, 0.05, i)), NOW, shared=True)
    rows = list(csv.reader(io.StringIO(themes_csv(themes(book.unanswered(), 0.45)))))
    assert rows[0][:3] == ["theme", "items", "label"]
    assert rows[1][2].startswith("'=") and rows[1][4].startswith("'=")
    svg = chart_svg(weekly_activity(book.activity()))
    assert svg.count("<rect") == 3 and "<table" in svg and week_of(NOW) in svg


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (ReviewFilter(), {"new", "abstained"}),  # unmarked only, by default
        (ReviewFilter(mark=ANY), {"new", "abstained", "marked"}),
        (ReviewFilter(mark="wrong"), {"marked"}),
        (ReviewFilter(status="abstained", mark=ANY), {"abstained"}),
        (ReviewFilter(vote="down", mark=ANY), {"marked"}),
        (ReviewFilter(vote="none"), {"new", "abstained"}),
        (ReviewFilter(days=2, mark=ANY), {"new", "marked"}),
    ],
)
def test_the_review_queue_filters(tmp_path, chosen, expected):
    book = _book(tmp_path)
    ids = {
        "new": book.record(_answer("new", (), Status.ANSWERED), NOW),
        "abstained": book.record(_answer("abstained", ()), NOW - 5 * DAY),
        "marked": book.record(_answer("marked", (), Status.ANSWERED), NOW - DAY),
    }
    book.mark(ids["marked"], Mark(Verdict.WRONG))
    book.vote(ids["marked"], up=False, now=NOW)
    got = {e.id for e in book.queue(chosen, now=NOW)}
    assert got == {ids[name] for name in expected}
    theme = ReviewFilter(mark=ANY, entry_ids=frozenset({ids["new"]}))
    assert [e.id for e in book.queue(theme, now=NOW)] == [ids["new"]]
    assert book.queue(ReviewFilter(entry_ids=frozenset()), now=NOW) == []


def test_a_bad_filter_value_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="mark must be one of"):
        ReviewFilter(mark="maybe")
    assert ReviewFilter().mark == UNMARKED
    assert SharedBy.PATIENT.value == "patient"
