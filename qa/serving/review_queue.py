"""Which logged replies the staff review queue shows: filters by status, patient vote, staff mark,
age and theme, as one parameterised SQL condition (no value is ever pasted into the SQL)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qa.serving.logbook_rows import Verdict
from qa.types import Status

ANY = "any"
UNMARKED = "unmarked"
VOTES = {"up": 1, "down": -1}
NO_VOTE = "none"
_DAY = 86_400.0


@dataclass(frozen=True)
class ReviewFilter:
    """What the queue shows; the default is every reply nobody has marked yet."""

    status: str = ANY  # a Status value, or ANY
    vote: str = ANY  # "up", "down", NO_VOTE or ANY
    mark: str = UNMARKED  # a Verdict value, UNMARKED or ANY
    days: int = 0  # only replies from the last `days` days; 0: the whole kept period
    entry_ids: frozenset[int] | None = None  # a theme's items; None: no theme chosen

    def __post_init__(self) -> None:
        _one_of("status", self.status, [ANY, *(s.value for s in Status)])
        _one_of("vote", self.vote, [ANY, NO_VOTE, *VOTES])
        _one_of("mark", self.mark, [ANY, UNMARKED, *(v.value for v in Verdict)])
        if self.days < 0:
            raise ValueError(f"days must be 0 or more, got {self.days}")

    def where(self, now: float | None = None) -> tuple[str, tuple[Any, ...]]:
        """The SQL condition on entries e, votes v and marks m, and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        if self.status != ANY:
            parts.append("e.status = ?")
            params.append(self.status)
        if self.vote == NO_VOTE:
            parts.append("v.vote IS NULL")
        elif self.vote != ANY:
            parts.append("v.vote = ?")
            params.append(VOTES[self.vote])
        if self.mark == UNMARKED:
            parts.append("m.verdict IS NULL")
        elif self.mark != ANY:
            parts.append("m.verdict = ?")
            params.append(self.mark)
        if self.days:
            parts.append("e.created >= ?")
            params.append((time.time() if now is None else now) - self.days * _DAY)
        if self.entry_ids is not None:
            ids = sorted(self.entry_ids)
            parts.append(f"e.id IN ({', '.join('?' * len(ids))})" if ids else "0")
            params.extend(ids)
        return " AND ".join(parts) or "1", tuple(params)


def _one_of(name: str, value: str, allowed: Iterable[str]) -> None:
    options = list(allowed)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}; got {value!r}")
