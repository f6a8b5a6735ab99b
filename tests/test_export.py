"""Marked log entries become a golden suite that `qa.evaluation.suites.load_suite` accepts."""

from __future__ import annotations

from qa.config import Settings
from qa.evaluation.suites import load_suite
from qa.serving.export import export_suite
from qa.serving.loading import load_pipeline
from qa.serving.logbook import Logbook
from qa.serving.logbook_rows import Mark, Verdict
from qa.types import Answer, Status

NOW = 1_750_000_000.0


def _settings(tmp_path, log_questions: bool) -> Settings:
    return Settings.of(db_path=tmp_path / "qa.sqlite3", log_questions=log_questions)


def test_marked_entries_export_as_a_valid_suite(tmp_path, built, fake_embedder):
    pipeline = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    book = Logbook.open(built.replace(db_path=tmp_path / "qa.sqlite3", log_questions=True), NOW)
    answered = book.record(pipeline.ask("What does cryotherapy use to kill cancer cells?"), NOW)
    wrong = book.record(pipeline.ask("Which chemotherapy is used for stage 4 rectal cancer?"), NOW)
    phrase = book.record(pipeline.ask("What does radiation therapy use?"), NOW)
    escalated = book.record(pipeline.ask("I have crushing chest pain right now"), NOW)
    unmarked = book.record(pipeline.ask("What is FOLFIRI?"), NOW)
    book.mark(answered, Mark(Verdict.CORRECT, "good\nanswer"), NOW)
    book.mark(wrong, Mark(Verdict.WRONG, "not what was asked"), NOW)
    book.mark(phrase, Mark(Verdict.WRONG, "", "radiation", "high-energy rays"), NOW)
    book.mark(escalated, Mark(Verdict.CORRECT), NOW)

    out = export_suite(book.marked())
    assert out.exported == (answered, wrong, phrase, escalated)
    assert unmarked not in out.exported and out.skipped == ()
    path = tmp_path / "reviewed.yaml"
    path.write_text(out.yaml_text, encoding="utf-8")
    suite = load_suite(path, pipeline.index.documents.keys())
    cases = {c.id: c for c in suite.cases}
    assert cases[f"review-{answered}"].sources == ("surgery-notes",)
    assert cases[f"review-{wrong}"].abstain
    assert cases[f"review-{phrase}"].sources == ("radiation",)
    assert cases[f"review-{phrase}"].all_of == (("high-energy rays",),)
    assert cases[f"review-{escalated}"].escalate == "emergency"
    assert f"review-{answered}: good answer" in out.yaml_text  # comment, one line


def test_entries_without_question_text_are_skipped_with_a_reason(tmp_path):
    book = Logbook.open(_settings(tmp_path, log_questions=False), NOW)
    entry = book.record(Answer("q", Status.ABSTAINED, "No info.", "D", reason="r"), NOW)
    book.mark(entry, Mark(Verdict.CORRECT), NOW)
    out = export_suite(book.marked())
    assert out.exported == ()
    assert out.skipped == ((entry, "question text was not kept (not shared by the patient, QA_LOG_QUESTIONS off)"),)


def test_a_wrong_abstention_without_an_expectation_is_skipped(tmp_path):
    book = Logbook.open(_settings(tmp_path, log_questions=True), NOW)
    entry = book.record(Answer("q?", Status.ABSTAINED, "No info.", "D", reason="r"), NOW)
    book.mark(entry, Mark(Verdict.WRONG), NOW)
    assert "no expected source or phrase" in export_suite(book.marked()).skipped[0][1]
