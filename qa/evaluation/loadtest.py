"""`qa loadtest`: many simulated patients asking the chat app through its public API at once.

Each simulated user is one thread with its own `gradio_client.Client` (its own session, so its
own conversation, as in a browser tab). Users join one by one over the ramp and ask questions
back to back until the total is reached. Latency is per question as the client sees it (queue
wait included). A full queue ("busy, try again") is counted apart from real errors: it is the
app refusing politely, not failing. Every call has a client-side timeout, so nothing hangs.
Server memory comes from /proc/<pid>/status (Linux), read before the load (after a warm-up),
sampled during it and read after it.
"""

from __future__ import annotations

import html
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import ConfigError, QAError
from qa.evaluation.loadtest_result import BUSY, RATE_LIMITED, LoadResult
from qa.evaluation.procmem import read_memory
from qa.evaluation.suites import load_suite
from qa.safety.messages import DISCLAIMER

DEFAULT_SUITES = ("golden.yaml", "holdout.yaml")
API_NAME = "/ask"
TIMEOUT = "timeout"
CONNECT = "connect"
BAD_REPLY = "bad_reply"
SERVER_ERROR = "server_error"
# A user told "busy" waits this long before the next question, as a person would.
BUSY_PAUSE_SECONDS = 0.5
WARMUP_QUESTIONS = 5
_SAMPLE_EVERY_SECONDS = 0.25
_REPLY_CLASS = re.compile(r'class="qa-reply qa-([a-z]+)"')
_DISCLAIMER_HTML = html.escape(DISCLAIMER, quote=True)


class LoadTestError(QAError):
    """The load test could not run (the app did not start or does not answer)."""


def load_questions(path: Path | None, evals_dir: Path) -> list[str]:
    """One question per non-blank line of `path`, or every question of the default suites."""
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"--questions-file {path}: cannot be read ({err})") from None
        questions = [line.strip() for line in lines if line.strip()]
        if not questions:
            raise ConfigError(f"--questions-file {path}: no questions in it")
        return questions
    return [c.question for name in DEFAULT_SUITES for c in load_suite(evals_dir / name).cases]


@dataclass
class _Tally:
    """What the user threads record, under one lock."""

    total: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: int = 0
    active: int = 0
    peak_active: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    replies: Counter[str] = field(default_factory=Counter)

    def next_question(self) -> int | None:
        with self.lock:
            if self.started >= self.total:
                return None
            self.started += 1
            return self.started - 1

    def record(self, seconds: float, outcome: str, detail: str = "") -> None:
        with self.lock:
            if outcome.startswith("reply:"):
                self.latencies.append(seconds)
                self.replies[outcome[6:]] += 1
            else:
                self.errors[outcome] += 1
                self.examples.setdefault(outcome, detail[:200])

    def join(self, delta: int) -> None:
        with self.lock:
            self.active += delta
            self.peak_active = max(self.peak_active, self.active)


def classify_reply(result: Any) -> str:
    """`reply:<status>` for a well-formed chat reply, else the error kind.

    The endpoint returns (question box, chat messages); the last message is the assistant's
    HTML reply, which always ends with the disclaimer.
    """
    try:
        last = result[-1][-1]
        role, content = last["role"], last["content"]
    except (TypeError, KeyError, IndexError):
        return BAD_REPLY
    if isinstance(content, list):  # Gradio may return a list of typed parts
        content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    if role != "assistant" or not isinstance(content, str) or _DISCLAIMER_HTML not in content:
        return BAD_REPLY
    match = _REPLY_CLASS.search(content)
    status = match.group(1) if match else "unknown"
    return SERVER_ERROR if status == "error" else f"reply:{status}"


def _outcome_of(err: BaseException) -> str:
    from gradio_client.exceptions import AppError
    from gradio_client.utils import QueueError

    if isinstance(err, QueueError):
        return BUSY
    response = getattr(err, "response", None)
    if getattr(response, "status_code", None) == 429:
        return RATE_LIMITED
    if isinstance(err, FutureTimeout | TimeoutError):
        return TIMEOUT
    if isinstance(err, AppError):
        return SERVER_ERROR
    name = type(err).__name__
    return TIMEOUT if "Timeout" in name else name


def connect(url: str, timeout: float, headers: dict[str, str] | None = None) -> Any:
    """A client with its own session; no telemetry, no file downloads, no console output."""
    # gradio_client sends usage data unless this is "False", whatever its argument says.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from gradio_client import Client

    return Client(
        url,
        verbose=False,
        download_files=False,
        analytics_enabled=False,
        httpx_kwargs={"timeout": timeout},
        headers=headers,
    )


def ask(client: Any, question: str, timeout: float) -> tuple[str, str]:
    """Ask once; (outcome, detail) where outcome is `reply:<status>` or an error kind."""
    job = client.submit(question, api_name=API_NAME)
    try:
        result = job.result(timeout=timeout)
    except Exception as err:
        if isinstance(err, FutureTimeout | TimeoutError):
            job.cancel()
        return _outcome_of(err), f"{type(err).__name__}: {err}"
    outcome = classify_reply(result)
    return outcome, "" if outcome.startswith("reply:") else repr(result)[:200]


def run(
    url: str,
    questions: Sequence[str],
    users: int,
    total: int,
    ramp_seconds: float,
    timeout: float,
    server_pid: int | None = None,
    warmup: int = WARMUP_QUESTIONS,
    client_factory: Callable[[str, float], Any] = connect,
    think_seconds: float = 0.0,
) -> LoadResult:
    """Ramp from 1 to `users` simultaneous users over `ramp_seconds` until `total` questions
    have been asked (warm-up questions not counted); each user waits `think_seconds` between
    questions (reading the answer)."""
    if warmup:
        _warm_up(client_factory(url, timeout), questions[:warmup], timeout)
    before = read_memory(server_pid) if server_pid else None
    tally = _Tally(total)
    stop_sampling = threading.Event()
    peak = [before.rss_mb if before else 0.0]
    sampler = threading.Thread(target=_sample, args=(server_pid, peak, stop_sampling), daemon=True)
    if server_pid:
        sampler.start()
    start = time.monotonic()
    step = ramp_seconds / (users - 1) if users > 1 else 0.0
    threads = [
        threading.Thread(
            target=_user,
            args=(url, questions, tally, start + n * step, timeout, client_factory, think_seconds),
            name=f"loadtest-user-{n}",
            daemon=True,
        )
        for n in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    stop_sampling.set()
    after = read_memory(server_pid) if server_pid else None
    return LoadResult(
        url=url,
        users=users,
        peak_users=tally.peak_active,
        ramp_seconds=ramp_seconds,
        questions=tally.started,
        seconds=seconds,
        latencies=tuple(tally.latencies),
        errors=dict(tally.errors),
        error_examples=dict(tally.examples),
        replies=dict(tally.replies),
        memory_before=before,
        memory_after=after,
        memory_peak_mb=max(peak[0], after.rss_mb) if after else None,
    )


def _warm_up(client: Any, questions: Sequence[str], timeout: float) -> None:
    try:
        for q in questions:
            outcome, detail = ask(client, q, timeout)
            if not outcome.startswith("reply:"):
                raise LoadTestError(
                    f"the app did not answer a warm-up question: {outcome} {detail}"
                )
    finally:
        client.close()


def _user(
    url: str,
    questions: Sequence[str],
    tally: _Tally,
    start_at: float,
    timeout: float,
    client_factory: Callable[[str, float], Any],
    think_seconds: float = 0.0,
) -> None:
    time.sleep(max(0.0, start_at - time.monotonic()))
    if tally.started >= tally.total:
        return  # the others already asked everything
    try:
        client = client_factory(url, timeout)
    except Exception as err:
        tally.record(0.0, CONNECT, f"{type(err).__name__}: {err}")
        return
    tally.join(+1)
    try:
        while (i := tally.next_question()) is not None:
            began = time.monotonic()
            outcome, detail = ask(client, questions[i % len(questions)], timeout)
            tally.record(time.monotonic() - began, outcome, detail)
            time.sleep(BUSY_PAUSE_SECONDS if outcome == BUSY else think_seconds)
    finally:
        tally.join(-1)
        client.close()


def _sample(pid: int, peak: list[float], stop: threading.Event) -> None:
    while not stop.wait(_SAMPLE_EVERY_SECONDS):
        memory = read_memory(pid)
        if memory:
            peak[0] = max(peak[0], memory.rss_mb)
