"""The SQLite logbook: redaction, the question-logging off-switch, retention, votes and marks."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading

import pytest

from qa.config import Settings
from qa.serving.loading import load_pipeline
from qa.serving.logbook import Logbook
from qa.serving.logbook_rows import Mark, SharedBy, Verdict
from qa.serving.redaction import clean_for_log, redact
from qa.types import Answer, Status

DAY = 86_400.0
NOW = 1_750_000_000.0


@pytest.mark.parametrize(
    ("text", "secret", "label"),
    [
        ("mail me at jane.doe+onc@example.co.uk please", "jane.doe", "[email]"),
        ("call 555-123-4567 tonight", "4567", "[phone]"),
        ("my number is +1 (416) 555-0199", "0199", "[phone]"),
        ("ring 07700 900123", "900123", "[phone]"),
        ("DOB 12/03/1961, rectal cancer", "1961", "[date of birth]"),
        ("I was born on 3 March 1958", "1958", "[date of birth]"),
        ("date of birth: March 3, 1958", "1958", "[date of birth]"),
        ("seen on 2024-05-01 in clinic", "2024-05-01", "[date]"),
        ("my MRN is 00123456", "00123456", "[record number]"),
        ("hospital number: AB 123 456", "123 456", "[record number]"),
        ("patient id #448812", "448812", "[record number]"),
        ("my ref 99887766", "99887766", "[number]"),
    ],
)
def test_redaction_removes_each_kind(text, secret, label):
    out = redact(text)
    assert secret not in out
    assert label in out


@pytest.mark.parametrize(
    "text",
    [
        "What are the odds, 10 to 20%, that surgery cures it?",
        "Is 5-FU given at 400 mg with FOLFOX 4?",
        "fever of 38.5 during chemo",
        "stage 4 rectal cancer after 2 years",
    ],
)
def test_redaction_keeps_medical_numbers(text):
    assert redact(text) == text


def test_clean_for_log_strips_control_and_line_breaks():
    out = clean_for_log("hi\nFAKE LOG LINE\r\x00\x1b[31m\u202eevil")
    assert "\n" not in out and "\r" not in out and "\x00" not in out and "\x1b" not in out
    assert "\u202e" not in out
    assert len(clean_for_log("x" * 100_000)) <= 2000


def _answer(question: str = "What is FOLFIRI? email me a@b.com", status=Status.ABSTAINED) -> Answer:
    return Answer(question=question, status=status, text="No info.", disclaimer="D", reason="r")


def _book(tmp_path, **changes) -> Logbook:
    settings = Settings.of(db_path=tmp_path / "var" / "qa.sqlite3").replace(**changes)
    return Logbook.open(settings, now=NOW)


def test_question_text_is_not_stored_when_logging_is_off(tmp_path):
    book = _book(tmp_path)
    entry_id = book.record(_answer(), now=NOW)
    entry = book.get(entry_id)
    assert entry is not None and not entry.question_logged and entry.answer.question == ""
    raw = sqlite3.connect(book.path).execute("SELECT question FROM entries").fetchall()
    assert raw == [(None,)]
    assert "FOLFIRI" not in book.path.read_bytes().decode("latin-1")


def test_question_text_is_redacted_when_logging_is_on(tmp_path):
    book = _book(tmp_path, log_questions=True)
    entry = book.get(book.record(_answer(), now=NOW))
    assert entry is not None and entry.question_logged
    assert entry.answer.question == "What is FOLFIRI? email me [email]"


@pytest.mark.parametrize("log_questions", [True, False])
def test_mended_slips_are_kept_only_with_the_question(tmp_path, log_questions):
    book = _book(tmp_path, log_questions=log_questions)
    answer = dataclasses.replace(_answer("whats FOLFRI"), read_as="folfri -> folfiri")
    entry = book.get(book.record(answer, now=NOW))
    assert entry is not None
    assert entry.answer.read_as == ("folfri -> folfiri" if log_questions else "")
    assert ("folfri" in book.path.read_bytes().decode("latin-1")) is log_questions


def test_retention_purges_old_rows_on_open_and_insert(tmp_path):
    book = _book(tmp_path, log_retention_days=2)
    old = book.record(_answer(), now=NOW - 4 * DAY)
    book.vote(old, up=True, now=NOW - 4 * DAY)
    book.mark(old, Mark(Verdict.CORRECT), now=NOW - 4 * DAY)
    recent = book.record(_answer(), now=NOW - 1 * DAY)
    assert book.get(old) is None  # purged by the insert
    assert book.get(recent) is not None
    Logbook.open(Settings.of(db_path=book.path, log_retention_days=2), now=NOW + 2 * DAY)
    assert book.recent() == []
    counts = (
        sqlite3.connect(book.path)
        .execute("SELECT (SELECT count(*) FROM votes), (SELECT count(*) FROM marks)")
        .fetchone()
    )
    assert counts == (0, 0)


def test_the_database_uses_wal(tmp_path):
    book = _book(tmp_path)
    mode = sqlite3.connect(book.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_votes_and_marks_round_trip(tmp_path):
    book = _book(tmp_path, log_questions=True)
    first = book.record(_answer("first question"), now=NOW)
    second = book.record(_answer("second question"), now=NOW)
    book.vote(first, up=True, now=NOW)
    book.vote(first, up=False, now=NOW)  # a later vote replaces the earlier one
    assert book.mark(second, Mark(Verdict.WRONG, "line1\nline2", "doc-a", "FOLFIRI"), now=NOW)
    assert not book.mark(999, Mark(Verdict.CORRECT), now=NOW)
    book.vote(999, up=True, now=NOW)  # unknown entry: ignored, no error
    entries = {e.id: e for e in book.recent()}
    assert entries[first].vote == -1 and entries[first].mark is None
    assert entries[second].mark == Mark(Verdict.WRONG, "line1 line2", "doc-a", "FOLFIRI")
    assert [e.id for e in book.marked()] == [second]
    assert [e.id for e in book.recent(limit=1)] == [second]


def test_a_real_answer_round_trips_with_hits_and_scores(tmp_path, built, fake_embedder):
    pipeline = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    book = _book(tmp_path, log_questions=True)
    entry = book.get(book.record(answer, now=NOW))
    assert entry is not None
    assert entry.answer == answer


def test_concurrent_writers_do_not_fail(tmp_path):
    book = _book(tmp_path)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(20):
                book.vote(book.record(_answer(), now=NOW), up=True, now=NOW)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(book.recent(limit=1000)) == 160


def test_escalations_and_cautions_are_counted_and_round_trip(tmp_path):
    book = _book(tmp_path)
    for level in ("emergency", "urgent", "urgent", "crisis"):
        escalated = dataclasses.replace(
            _answer(status=Status.ESCALATED), escalation=level, triage_entry="leg-clot"
        )
        book.record(escalated, now=NOW)
    cautioned = dataclasses.replace(
        _answer(),
        caution="chest-pain",
        notice="If this is happening now: call",
        triage_entry="chest-pain",
    )
    entry_id = book.record(cautioned, now=NOW)
    book.record(_answer(), now=NOW)
    assert book.escalation_counts() == {"emergency": 1, "urgent": 2, "crisis": 1, "caution": 1}
    entry = book.get(entry_id)
    assert entry is not None
    assert (entry.answer.caution, entry.answer.triage_entry) == ("chest-pain", "chest-pain")
    assert entry.answer.notice.startswith("If this is happening now")


@pytest.mark.parametrize(
    ("log_questions", "shared", "kept_by"),
    [
        (False, True, SharedBy.PATIENT),
        (True, True, SharedBy.PATIENT),
        (True, False, SharedBy.OPERATOR),
    ],
)
def test_a_shared_or_logged_question_is_kept_redacted_with_what_was_removed(
    tmp_path, log_questions, shared, kept_by
):
    book = _book(tmp_path, log_questions=log_questions)
    question = "call 555-123-4567 or mail a@b.com about FOLFIRI, DOB 12/03/1961"
    entry = book.get(book.record(_answer(question), now=NOW, shared=shared))
    assert entry is not None and entry.question_logged and entry.shared_by is kept_by
    assert entry.answer.question == ("call [phone] or mail [email] about FOLFIRI, [date of birth]")
    assert sorted(entry.redacted) == ["date of birth", "email", "phone"]
    assert "4567" not in book.path.read_bytes().decode("latin-1")


def test_a_question_not_shared_is_not_kept_and_names_nothing_redacted(tmp_path):
    book = _book(tmp_path)
    entry = book.get(book.record(_answer("call 555-123-4567"), now=NOW, shared=False))
    assert entry is not None and entry.shared_by is None and entry.redacted == ()
    assert not entry.question_logged and "555" not in book.path.read_bytes().decode("latin-1")


def test_an_older_logbook_gains_the_new_columns_and_keeps_its_rows(tmp_path):
    path = tmp_path / "var" / "qa.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as con:  # the schema before questions could be shared
        con.executescript(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL,"
            " question TEXT, status TEXT NOT NULL, escalation TEXT, reason TEXT NOT NULL,"
            " answer TEXT NOT NULL, payload TEXT NOT NULL);"
        )
        con.execute(
            "INSERT INTO entries (created, question, status, escalation, reason, answer, payload)"
            " VALUES (?, 'old question', 'abstained', NULL, 'r', 'No info.', ?)",
            (
                NOW,
                '{"disclaimer": "D", "evidence": {}, "sentences": [], "citations": [], "hits": []}',
            ),
        )
    book = _book(tmp_path, log_questions=True)
    (old,) = book.recent()
    assert old.answer.question == "old question" and old.shared_by is None
    new = book.get(book.record(_answer("new one"), now=NOW, shared=True))
    assert new is not None and new.shared_by is SharedBy.PATIENT
