"""`qa loadtest`'s result as the aligned text table it prints."""

from __future__ import annotations

from qa.evaluation.loadtest import POLITE, LoadResult


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
