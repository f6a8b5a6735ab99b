"""What `qa loadtest` measured: the result, its JSON and the text table it prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qa.evaluation.procmem import Memory

BUSY = "busy"
# The guard's polite refusal of a client over the rate limit (HTTP 429), counted apart.
RATE_LIMITED = "rate_limited"
POLITE = frozenset({BUSY, RATE_LIMITED})


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the value at rank ceil(p/100 * n) of the sorted values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class LoadResult:
    url: str
    users: int
    peak_users: int
    ramp_seconds: float
    questions: int
    seconds: float
    latencies: tuple[float, ...]
    errors: dict[str, int]
    error_examples: dict[str, str]
    replies: dict[str, int]
    memory_before: Memory | None = None
    memory_after: Memory | None = None
    memory_peak_mb: float | None = None

    @property
    def failures(self) -> int:
        """Errors other than the app's polite refusals ("busy", "rate_limited")."""
        return sum(n for kind, n in self.errors.items() if kind not in POLITE)

    def to_json(self) -> dict[str, Any]:
        ms = [s * 1000 for s in self.latencies]
        memory = None
        if self.memory_before and self.memory_after:
            memory = {
                "before_mb": round(self.memory_before.rss_mb, 1),
                "after_mb": round(self.memory_after.rss_mb, 1),
                "peak_mb": round(self.memory_peak_mb or self.memory_after.rss_mb, 1),
                "high_water_mb": round(self.memory_after.hwm_mb, 1),
                "growth_mb": round(self.memory_after.rss_mb - self.memory_before.rss_mb, 1),
            }
        return {
            "url": self.url,
            "users": self.users,
            "peak_users": self.peak_users,
            "ramp_seconds": self.ramp_seconds,
            "questions": self.questions,
            "answered": len(self.latencies),
            "duration_s": round(self.seconds, 2),
            "throughput_qps": round(len(self.latencies) / self.seconds, 2) if self.seconds else 0.0,
            "latency_ms": {
                name: round(percentile(ms, p), 1) if ms else None
                for name, p in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
            },
            "busy": self.errors.get(BUSY, 0),
            "rate_limited": self.errors.get(RATE_LIMITED, 0),
            "error_count": self.failures,
            "errors": dict(sorted(self.errors.items())),
            "error_examples": self.error_examples,
            "replies": dict(sorted(self.replies.items())),
            "memory": memory,
            "ok": self.failures == 0,
        }


def table(result: LoadResult) -> str:
    """The result as an aligned text table."""
    data = result.to_json()
    lat = data["latency_ms"]
    rows = [
        ("app", data["url"]),
        (
            "users",
            f"{data['users']} (ramp {data['ramp_seconds']:g} s; "
            f"{data['peak_users']} at once at most)",
        ),
        ("questions", f"{data['questions']} ({data['answered']} answered)"),
        ("duration", f"{data['duration_s']:.1f} s"),
        ("throughput", f"{data['throughput_qps']:.2f} answers/s"),
        (
            "latency p50/p95/p99",
            " / ".join(_ms(lat[k]) for k in ("p50", "p95", "p99")) + f" (max {_ms(lat['max'])})",
        ),
        ("busy (queue full)", str(data["busy"])),
        ("rate-limited", str(data["rate_limited"])),
        ("errors", _counts({k: v for k, v in data["errors"].items() if k not in POLITE}) or "0"),
        ("replies", _counts(data["replies"]) or "none"),
    ]
    mem = data["memory"]
    rows.append(
        (
            "server memory",
            f"before {mem['before_mb']} MB, after {mem['after_mb']} MB "
            f"(growth {mem['growth_mb']:+} MB), peak {mem['peak_mb']} MB, "
            f"high-water {mem['high_water_mb']} MB"
            if mem
            else "not measured (give --server-pid PID with a URL)",
        )
    )
    lines = [f"{name:<20} {value}" for name, value in rows]
    lines += [f"  {kind}: {text}" for kind, text in data["error_examples"].items()]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())
