"""The local SQLite logbook: answers given, patients' thumbs up/down and staff review marks.

Patient questions are health data (see the quality bar): their text is stored only when the
patient agrees to share it (the chat's consent box) or the operator sets `log_questions`
(QA_LOG_QUESTIONS), and then with e-mail addresses, phone numbers, dates (of birth) and record
numbers redacted, the kinds redacted noted, and control characters removed. Rows older than
`log_retention_days` are deleted whenever the logbook is opened or written. Each call opens its
own connection, so the logbook can be shared by the server's worker threads.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.serving.logbook_rows import (
    Entry,
    Mark,
    SharedBy,
    Verdict,
    entry_from_row,
    payload,
    vector_blob,
)
from qa.serving.redaction import clean_for_log, reason_for_log, redact, redact_listing
from qa.serving.review_queue import ReviewFilter
from qa.types import Answer

_DAY = 86_400.0
_PRIVATE = 0o600
_JOURNALS = ("-wal", "-shm", "-journal")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    question TEXT,                -- NULL unless shared or logged; redacted
    shared TEXT,                  -- who let the question be kept: 'patient' or 'operator'
    redacted TEXT NOT NULL DEFAULT '',  -- the kinds of text redacted from it, comma-separated
    vector BLOB,                  -- the question's retrieval vector (float16), for themes
    status TEXT NOT NULL,
    escalation TEXT,
    reason TEXT NOT NULL,
    answer TEXT NOT NULL,
    payload TEXT NOT NULL         -- JSON: disclaimer, evidence, sentences, citations, hits
);
CREATE INDEX IF NOT EXISTS entries_created ON entries(created);
CREATE TABLE IF NOT EXISTS votes (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    created REAL NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1))
);
CREATE TABLE IF NOT EXISTS marks (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    created REAL NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong', 'unsafe')),
    comment TEXT NOT NULL,
    expected_source TEXT NOT NULL,
    expected_phrase TEXT NOT NULL,
    staff TEXT NOT NULL DEFAULT ''  -- the staff account that marked it
);
"""
# Columns added since the first schema, added to an older logbook when it is opened.
_ADDED_COLUMNS = (
    ("entries", "shared", "TEXT"),
    ("entries", "redacted", "TEXT NOT NULL DEFAULT ''"),
    ("marks", "staff", "TEXT NOT NULL DEFAULT ''"),
    ("entries", "vector", "BLOB"),
)


@dataclass(frozen=True)
class Logbook:
    path: Path
    log_questions: bool = False
    retention_days: int = 30

    @classmethod
    def open(cls, settings: Settings, now: float | None = None) -> Logbook:
        """Create the database if needed (WAL mode), and delete rows past the retention period."""
        book = cls(
            settings.serving.db_path,
            settings.serving.log_questions,
            settings.serving.log_retention_days,
        )
        book.path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner only; SQLite gives the -wal and -shm files the same
        # mode. A logbook made world-readable by an older version is made private again.
        os.close(os.open(book.path, os.O_CREAT | os.O_WRONLY, _PRIVATE))
        with book._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            _add_missing_columns(con)
        for path in (book.path, *(book.path.with_name(book.path.name + s) for s in _JOURNALS)):
            if path.exists():
                os.chmod(path, _PRIVATE)
        book.purge(now)
        return book

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as con:
            con.execute("PRAGMA foreign_keys=ON")
            with con:  # one transaction: committed on success, rolled back on error
                yield con

    def purge(self, now: float | None = None) -> int:
        """Delete entries (with their votes and marks) older than the retention period."""
        cutoff = (time.time() if now is None else now) - self.retention_days * _DAY
        with self._connect() as con:
            return con.execute("DELETE FROM entries WHERE created < ?", (cutoff,)).rowcount

    def record(self, answer: Answer, now: float | None = None, *, shared: bool = False) -> int:
        """Log one reply; returns its entry id (for votes and marks). `shared`: the patient
        agreed that the care team may see the question."""
        now = time.time() if now is None else now
        kept = self.shared_by(shared)
        question, redacted = redact_listing(answer.question) if kept else (None, ())
        self.purge(now)
        with self._connect() as con:
            cursor = con.execute(
                "INSERT INTO entries (created, question, shared, redacted, vector, status, "
                "escalation, reason, answer, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now,
                    question,
                    kept.value if kept else None,
                    ",".join(redacted),
                    vector_blob(answer.vector),
                    answer.status.value,
                    answer.escalation,
                    reason_for_log(answer.reason, kept is not None),
                    answer.text,
                    json.dumps(payload(answer, kept is not None), ensure_ascii=False),
                ),
            )
            return int(cursor.lastrowid or 0)

    def shared_by(self, patient_agreed: bool) -> SharedBy | None:
        """Why a question would be kept, or None when its text must not be: the patient's
        consent first, so review shows who agreed even when the operator logs everything."""
        if patient_agreed:
            return SharedBy.PATIENT
        return SharedBy.OPERATOR if self.log_questions else None

    def vote(self, entry_id: int, up: bool, now: float | None = None) -> None:
        """A patient's thumbs up (or down); a later vote on the same answer replaces it."""
        with self._connect() as con:
            con.execute(
                "INSERT OR REPLACE INTO votes (entry_id, created, vote) "
                "SELECT id, ?, ? FROM entries WHERE id = ?",
                (time.time() if now is None else now, 1 if up else -1, entry_id),
            )

    def mark(self, entry_id: int, mark: Mark, now: float | None = None) -> bool:
        """Store (or replace) a staff mark; False when the entry no longer exists."""
        with self._connect() as con:
            cursor = con.execute(
                "INSERT OR REPLACE INTO marks (entry_id, created, verdict, comment, "
                "expected_source, expected_phrase, staff) SELECT id, ?, ?, ?, ?, ?, ? "
                "FROM entries WHERE id = ?",
                (
                    time.time() if now is None else now,
                    Verdict(mark.verdict).value,
                    redact(mark.comment),
                    clean_for_log(mark.expected_source),
                    clean_for_log(mark.expected_phrase),
                    clean_for_log(mark.staff),
                    entry_id,
                ),
            )
            return cursor.rowcount == 1

    def escalation_counts(self) -> dict[str, int]:
        """Replies kept (within the retention period) by triage outcome: each escalation level,
        and answers given under a caution line."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT escalation, COUNT(*) FROM entries WHERE escalation IS NOT NULL "
                "GROUP BY escalation"
            ).fetchall()
            cautioned = con.execute(
                "SELECT COUNT(*) FROM entries WHERE json_extract(payload, '$.caution') IS NOT NULL"
            ).fetchone()[0]
        counts = {str(level): int(n) for level, n in rows}
        counts["caution"] = int(cautioned)
        return counts

    def recent(self, limit: int = 50) -> list[Entry]:
        return self._select("ORDER BY e.id DESC LIMIT ?", (limit,))

    def queue(
        self, chosen: ReviewFilter, limit: int = 100, now: float | None = None
    ) -> list[Entry]:
        """The newest replies the review filter lets through."""
        condition, params = chosen.where(now)
        return self._select(f"WHERE {condition} ORDER BY e.id DESC LIMIT ?", (*params, limit))

    def get(self, entry_id: int) -> Entry | None:
        found = self._select("WHERE e.id = ?", (entry_id,))
        return found[0] if found else None

    def unanswered(self, limit: int = 5000) -> list[Entry]:
        """The newest abstentions, thumbs-down answers and answers staff marked wrong or unsafe
        (what the report of unanswered questions groups), oldest first."""
        newest = self._select(
            "WHERE e.status = 'abstained' OR v.vote = -1 OR m.verdict IN ('wrong', 'unsafe') "
            "ORDER BY e.id DESC LIMIT ?",
            (limit,),
        )
        return newest[::-1]

    def activity(self) -> list[tuple[float, str, int | None]]:
        """(time, status, patient vote) of every kept reply, for the charts over time."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT e.created, e.status, v.vote FROM entries e "
                "LEFT JOIN votes v ON v.entry_id = e.id ORDER BY e.created"
            ).fetchall()
        return [(float(t), str(s), None if v is None else int(v)) for t, s, v in rows]

    def marked(self) -> list[Entry]:
        return self._select("WHERE m.verdict IS NOT NULL ORDER BY e.id", ())

    def _select(self, tail: str, params: tuple[Any, ...]) -> list[Entry]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT e.id, e.created, e.question, e.shared, e.redacted, e.vector, e.status, "
                "e.escalation, e.reason, e.answer, e.payload, v.vote, m.verdict, m.comment, "
                "m.expected_source, m.expected_phrase, m.staff "
                "FROM entries e LEFT JOIN votes v ON v.entry_id = e.id "
                "LEFT JOIN marks m ON m.entry_id = e.id " + tail,
                params,
            ).fetchall()
        return [entry_from_row(row) for row in rows]


def _add_missing_columns(con: sqlite3.Connection) -> None:
    """Bring a logbook written by an earlier version up to the current schema, keeping its
    rows (a new column's old rows read as "not shared, nothing redacted")."""
    for table, column, kind in _ADDED_COLUMNS:
        present = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
