"""No patient words in the logbook with question logging off: a batch of questions full of
names, addresses and numbers goes through the real pipeline and the logbook, then every column
of every table is scanned for any word of theirs the documents do not also use."""

from __future__ import annotations

import os
import re
import sqlite3
import stat

import pytest

from qa.answering.pipeline import Pipeline
from qa.serving.loading import load_pipeline
from qa.serving.logbook import Logbook
from qa.serving.logbook_rows import Mark, Verdict
from qa.serving.redaction import redact

# Every kind of reply: answered, abstained, named-but-unknown, personal, dose, emergency,
# crisis, rejected, a follow-up; each carrying something only the patient could have written.
QUESTIONS = (
    "My name is Agnieszka Kowalczyk, MRN 48213377, what is FOLFIRI used for?",
    "kowalczyk",
    "Is Wojciechowska's clinic at Swithunbury any good for radiation therapy?",
    "e-mail me at zbigniew.nowak@example.org about radiofrequency ablation",
    "Should I take 4 tablets of capecitabine? Hospital number RX99887766",
    "I want to kill myself tonight, tell Przemyslaw I'm sorry",
    "My husband Grzegorz has crushing chest pain right now and is sweating",
    "call me on 07700 900123 about surgery for liver metastases",
    "born 12/03/1961 in Brzeszczowice, what is palliative care?",
    "what does Dr Szczepanik say about xeloxqz and brivantumab?",
    "!!!! ???? 5551234987",
    "What is xeloxqz brivantumab chemotherapy?",
    "Is FOLFIRI given at Swithunbury hospital?",
    "what is the survival at 37 years for FOLFIRI",
)


# What only the patient wrote: names, places, addresses and numbers planted in QUESTIONS.
SECRETS = (
    "agnieszka", "kowalczyk", "48213377", "wojciechowska", "swithunbury", "zbigniew", "nowak",
    "rx99887766", "przemyslaw", "grzegorz", "900123", "brzeszczowice",
    "szczepanik", "xeloxqz", "brivantumab", "5551234987",
)


def every_value(path) -> str:
    with sqlite3.connect(path) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            str(value)
            for table in tables
            for row in con.execute(f"SELECT * FROM {table}")
            for value in row
        ).lower()


@pytest.fixture
def pipeline(built, fake_embedder) -> Pipeline:
    return load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)


def _fill(book: Logbook, pipeline: Pipeline) -> None:
    asked: list[str] = []
    for question in QUESTIONS:
        entry = book.record(pipeline.ask(question, tuple(asked)))
        asked.append(question)
        book.vote(entry, up=False)
        book.mark(entry, Mark(Verdict.WRONG, "the patient gave MRN 48213377"))


def leaked_words(pipeline: Pipeline, book: Logbook) -> list[str]:
    """The planted words found anywhere in the logbook after the batch."""
    _fill(book, pipeline)
    stored = every_value(book.path)
    assert stored.count("the patient gave") == len(QUESTIONS)  # the batch is all there
    return [w for w in SECRETS if re.search(rf"\b{w}\b", stored)]


def test_no_patient_word_reaches_any_column_with_logging_off(pipeline, built, tmp_path):
    book = Logbook.open(built.replace(db_path=tmp_path / "q.db", log_questions=False))
    assert not leaked_words(pipeline, book)


def test_with_logging_on_reasons_are_redacted_like_the_question(pipeline, built, tmp_path):
    book = Logbook.open(built.replace(db_path=tmp_path / "q.db", log_questions=True))
    _fill(book, pipeline)
    stored = every_value(book.path)
    for secret in ("48213377", "rx99887766", "900123", "1961", "zbigniew.nowak", "5551234987"):
        assert secret not in stored, secret
    assert redact("MRN 48213377").lower() in stored  # the question column kept, redacted


def test_the_logbook_and_its_journal_are_readable_by_the_owner_only(built, tmp_path):
    book = Logbook.open(built.replace(db_path=tmp_path / "var" / "q.db"))
    book.record(load_pipeline(built.replace(abstain_min_support=-1.0),
                              __import__("tests.fakes", fromlist=["FakeEmbedder"]).FakeEmbedder())
                .ask("what is FOLFIRI?"))
    files = [p for p in tmp_path.joinpath("var").iterdir() if p.name.startswith("q.db")]
    assert files
    for path in files:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_an_existing_world_readable_logbook_is_made_private_when_opened(built, tmp_path):
    path = tmp_path / "old.db"
    Logbook.open(built.replace(db_path=path))
    os.chmod(path, 0o644)
    Logbook.open(built.replace(db_path=path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
