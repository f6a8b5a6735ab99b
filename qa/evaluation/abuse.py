"""`qa loadtest --abuse`: honest users beside abusers, against a clean run of the same users.

The app runs as behind a reverse proxy on this machine (QA_TRUSTED_PROXIES=127.0.0.1, the
rate limit on), so each honest user is its own client: a proxy's X-Forwarded-For names it.
Honest users read each answer before the next question (`THINK_SECONDS`). Three abusers
hammer the app meanwhile, each as fast as one connection allows:
- oversized: question bodies of `OVERSIZED_BYTES`;
- rotation: questions whose X-Forwarded-For names a new address every time, as an attacker
  behind the proxy would write it (the proxy appends the attacker's real address);
- burst: questions from one address, back to back.
The report: the honest users' latency in both runs (the target is p95 within 2x of the clean
run), and what each abuser got (refused: 413 or 429; answered: 200).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from qa.evaluation.loadtest import connect, run
from qa.evaluation.loadtest_result import LoadResult

THINK_SECONDS = 2.0
OVERSIZED_BYTES = 2_000_000
ABUSERS = ("oversized", "rotation", "burst")
_HONEST_NET = "198.51.100."  # documentation addresses (RFC 5737)
_ABUSER_ADDRESS = "203.0.113.66"
_ASK = "gradio_api/call/ask"


@dataclass(frozen=True)
class AbuseResult:
    clean: LoadResult
    abused: LoadResult
    abuse: dict[str, dict[int, int]]  # abuser -> HTTP status -> count

    @property
    def p95_ratio(self) -> float | None:
        clean, abused = (r.to_json()["latency_ms"]["p95"] for r in (self.clean, self.abused))
        return round(abused / clean, 2) if clean and abused else None

    @property
    def ok(self) -> bool:
        """No honest failure, p95 within 2x, and no abusive request answered but the few a
        rate limit's burst lets through."""
        ratio = self.p95_ratio
        return (
            self.clean.failures == 0
            and self.abused.failures == 0
            and ratio is not None
            and ratio <= 2.0
            and self.abuse.get("oversized", {}).get(200, 0) == 0
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "clean": self.clean.to_json(),
            "abused": self.abused.to_json(),
            "abuse": {k: {str(s): n for s, n in sorted(v.items())} for k, v in self.abuse.items()},
            "p95_ratio": self.p95_ratio,
            "ok": self.ok,
        }


def honest_clients() -> Callable[[str, float], Any]:
    """A client factory giving each simulated user its own forwarded address."""
    numbers = itertools.count(1)
    lock = threading.Lock()

    def factory(url: str, timeout: float) -> Any:
        with lock:
            n = next(numbers)
        return connect(url, timeout, {"X-Forwarded-For": f"{_HONEST_NET}{n % 254 + 1}"})

    return factory


def run_abuse(
    url: str,
    questions: Sequence[str],
    users: int,
    total: int,
    ramp_seconds: float,
    timeout: float,
    server_pid: int | None,
) -> AbuseResult:
    clients = honest_clients()  # one numbering: the second run's users are new clients

    def honest() -> LoadResult:
        return run(
            url, questions, users, total, ramp_seconds, timeout, server_pid,
            client_factory=clients, think_seconds=THINK_SECONDS,
        )

    clean = honest()
    stop = threading.Event()
    counts: dict[str, Counter[int]] = {name: Counter() for name in ABUSERS}
    threads = [
        threading.Thread(target=_abuser, args=(name, url, stop, counts[name]), daemon=True)
        for name in ABUSERS
    ]
    for t in threads:
        t.start()
    try:
        abused = honest()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=timeout)
    return AbuseResult(clean, abused, {k: dict(v) for k, v in counts.items()})


def _abuser(name: str, url: str, stop: threading.Event, counts: Counter[int]) -> None:
    import httpx

    question = json.dumps({"data": ["What is palliative care?"]}).encode()
    oversized = json.dumps({"data": ["x" * OVERSIZED_BYTES]}).encode()
    with httpx.Client(base_url=url, timeout=30.0) as client:
        for n in itertools.count():
            if stop.is_set():
                return
            body, forwarded = question, _ABUSER_ADDRESS
            if name == "oversized":
                body = oversized
            elif name == "rotation":
                forwarded = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}, {_ABUSER_ADDRESS}"
            try:
                response = client.post(
                    _ASK, content=body,
                    headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded},
                )
                counts[response.status_code] += 1
            except httpx.HTTPError:
                counts[0] += 1  # the server closed the connection: refused all the same


def table(result: AbuseResult) -> str:
    """The two runs side by side, and what the abusers got."""
    rows = []
    for name, run_result in (("clean", result.clean), ("under abuse", result.abused)):
        data = run_result.to_json()
        lat = data["latency_ms"]
        memory = data["memory"]
        rows.append(
            f"{name:<12} answered {data['answered']}/{data['questions']}, p50 "
            f"{lat['p50']} ms, p95 {lat['p95']} ms, errors {data['error_count']}, rate-limited "
            f"{data['rate_limited']}"
            + (f", server peak {memory['peak_mb']} MB" if memory else "")
        )
    rows.append(f"p95 under abuse / clean: {result.p95_ratio} (target <= 2)")
    for name, statuses in result.abuse.items():
        shown = ", ".join(f"{status or 'closed'}: {n}" for status, n in sorted(statuses.items()))
        rows.append(f"abuser {name:<10} {shown}")
    rows.append("ok" if result.ok else "NOT ok")
    return "\n".join(rows)
