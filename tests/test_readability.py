"""Reading grade: the formula, the case record's field, per-suite and per-source figures, HTML."""

from __future__ import annotations

import json
import socket

import pytest

from qa.evaluation.metrics import (
    INFORMATIONAL,
    CaseRecord,
    CitedSource,
    reading_by_source,
    suite_metrics,
)
from qa.evaluation.readability import MIN_WORDS, flesch_kincaid_grade, syllables
from qa.evaluation.report import CasesLog, read_cases
from qa.evaluation.report_reading import reading_html
from tests.test_report import record

SIMPLE = "The nurse will call you in the morning. You can eat and drink as usual."
HARD = (
    "Metastatic colorectal adenocarcinoma frequently necessitates multidisciplinary "
    "consideration of hepatic resection, systemic chemotherapy and radiofrequency ablation."
)


def test_a_hard_sentence_gets_a_higher_grade_than_a_simple_one() -> None:
    simple, hard = flesch_kincaid_grade(SIMPLE), flesch_kincaid_grade(HARD)
    assert simple is not None and hard is not None
    assert simple < 5 < 14 < hard


def test_the_formula_by_hand() -> None:
    # 2 sentences, 15 words; every word one syllable but "morning", "usual" (2 each): 17.
    assert syllables("morning") == 2 and syllables("cat") == 1
    expected = round(0.39 * 15 / 2 + 11.8 * 17 / 15 - 15.59, 1)
    assert flesch_kincaid_grade(SIMPLE) == expected
    # The same sentences given one by one: the text's own split is not needed.
    assert flesch_kincaid_grade(SIMPLE.split(". ")) == expected


def test_empty_and_very_short_text_get_no_grade() -> None:
    assert flesch_kincaid_grade("") is None
    assert flesch_kincaid_grade([]) is None
    assert flesch_kincaid_grade(["", "  "]) is None
    assert flesch_kincaid_grade("Yes.") is None
    assert flesch_kincaid_grade(" ".join(["word"] * (MIN_WORDS - 1)) + ".") is None
    assert flesch_kincaid_grade(" ".join(["word"] * MIN_WORDS) + ".") is not None


def test_grading_opens_no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # The conftest guard already fails any connection; this makes the promise explicit.
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert flesch_kincaid_grade(HARD) is not None


def test_the_record_keeps_its_grade_and_old_rows_without_it_still_load(tmp_path) -> None:
    graded = record(id="new", reading_grade=7.4)
    path = tmp_path / "cases.jsonl"
    log = CasesLog(path, resume=False)
    log.append(graded)
    log.close()
    old = graded.to_json()
    del old["reading_grade"]
    old["id"] = "old"
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(old) + "\n")
    done = read_cases(path)
    assert done[("s", "new")] == graded
    assert done[("s", "old")].reading_grade is None
    assert CaseRecord.from_json(json.loads(json.dumps(graded.to_json()))) == graded


def _cite(source: str) -> CitedSource:
    return CitedSource(1, source, f"Title of {source}", "")


def test_mean_and_median_grade_of_answered_cases() -> None:
    records = [
        record(reading_grade=6.0),
        record(reading_grade=8.0),
        record(reading_grade=13.0),
        record(reading_grade=None),  # answered but too short to grade
        record(status="abstained", reading_grade=None, citations=()),
    ]
    m = suite_metrics(records)
    assert m["reading_grade_mean"] == 9.0
    assert m["reading_grade_p50"] == 8.0
    assert suite_metrics([record(status="abstained")])["reading_grade_mean"] is None
    # Informational: a change of grade is never a regression in `--baseline`.
    assert {"reading_grade_mean", "reading_grade_p50"} <= INFORMATIONAL


def test_per_source_breakdown() -> None:
    records = [
        record(reading_grade=6.0, citations=(_cite("a"),)),
        # Two citations of one source count once; an answer citing two sources counts for both.
        record(reading_grade=10.0, citations=(_cite("a"), _cite("a"), _cite("b"))),
        record(reading_grade=None, citations=(_cite("b"),)),
        record(status="escalated", reading_grade=None, citations=(_cite("c"),)),
    ]
    assert reading_by_source(records) == {
        "a": {"title": "Title of a", "answers": 2, "graded": 2, "grade_mean": 8.0},
        "b": {"title": "Title of b", "answers": 2, "graded": 1, "grade_mean": 10.0},
    }


def test_the_html_shows_the_figures_escaped() -> None:
    suite = {
        "metrics": {"reading_grade_mean": 9.25, "reading_grade_p50": 8.5},
        "cases": [
            {"status": "answered", "reading_grade": 8.5},
            {"status": "answered", "reading_grade": None},
            {"status": "abstained", "reading_grade": None},
        ],
        "reading_by_source": {
            "<i>src</i>": {"title": "A & B", "answers": 2, "graded": 1, "grade_mean": 11.75}
        },
    }
    html = reading_html(suite)
    assert "mean 9.25, median 8.5" in html and "over 1 of 2 answers" in html
    assert "&lt;i&gt;src&lt;/i&gt;" in html and "<i>src" not in html and "A &amp; B" in html
    assert "11.75" in html and "<svg" in html
    assert "<svg" not in reading_html({"metrics": {}, "cases": []})
