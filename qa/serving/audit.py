"""The audit log of staff changes to the documents: who, when, what, and the builds before and
after. Kept in the logbook's SQLite file, in its own table, and never purged with the
questions: a clinic must be able to say which leaflet was served when.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from qa.serving.redaction import clean_for_log
from qa.text import spreadsheet_cell

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    staff TEXT NOT NULL,          -- the staff account ('' without a login: this machine)
    action TEXT NOT NULL,         -- upload, replace, remove, edit, rebuild, rollback, refused
    detail TEXT NOT NULL,
    build_before TEXT NOT NULL,
    build_after TEXT NOT NULL
);
"""
FIELDS = ("id", "created", "staff", "action", "detail", "build_before", "build_after")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    created: float
    staff: str
    action: str
    detail: str
    build_before: str
    build_after: str

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.created))


@dataclass(frozen=True)
class AuditLog:
    path: Path

    @classmethod
    def open(cls, path: Path) -> AuditLog:
        log = cls(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with log._connect() as con:
            con.executescript(_SCHEMA)
        return log

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as con, con:
            yield con

    def record(
        self,
        staff: str,
        action: str,
        detail: str,
        build_before: str = "",
        build_after: str = "",
        now: float | None = None,
    ) -> None:
        with self._connect() as con:
            con.execute(
                "INSERT INTO audit (created, staff, action, detail, build_before, build_after) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    time.time() if now is None else now,
                    clean_for_log(staff),
                    action,
                    clean_for_log(detail),
                    build_before,
                    build_after,
                ),
            )

    def recent(self, limit: int = 200) -> list[AuditEntry]:
        with self._connect() as con:
            rows = con.execute(
                f"SELECT {', '.join(FIELDS)} FROM audit ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [AuditEntry(*row) for row in rows]

    def csv(self) -> str:
        """Every entry, oldest first, for a spreadsheet (formula-like cells quoted)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["when", *FIELDS[2:]])
        for e in reversed(self.recent(limit=1_000_000)):
            cells = (e.staff, e.action, e.detail, e.build_before, e.build_after)
            writer.writerow([e.when, *(spreadsheet_cell(c) for c in cells)])
        return out.getvalue()
