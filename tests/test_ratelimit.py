"""The per-client token bucket: bursts pass, a steady flood is limited, clients are separate."""

from __future__ import annotations

import threading

from qa.serving.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_limited_then_refilled():
    clock = Clock()
    limiter = RateLimiter(per_minute=30, burst=3, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    clock.now += 2.0  # 30 per minute = one token every 2 s
    assert limiter.allow("a") is True
    assert limiter.allow("a") is False


def test_clients_have_their_own_buckets():
    limiter = RateLimiter(per_minute=30, burst=1, clock=Clock())
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")


def test_zero_turns_it_off():
    limiter = RateLimiter(per_minute=0, burst=1, clock=Clock())
    assert all(limiter.allow("a") for _ in range(1000))


def test_threads_never_get_more_than_the_burst():
    limiter = RateLimiter(per_minute=1, burst=5, clock=Clock())
    results: list[bool] = []

    def ask() -> None:
        results.extend(limiter.allow("a") for _ in range(20))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 5


def test_memory_stays_bounded_with_many_clients(monkeypatch):
    monkeypatch.setattr("qa.serving.ratelimit._MAX_CLIENTS", 100)
    clock = Clock()
    limiter = RateLimiter(per_minute=30, burst=2, clock=clock)
    for i in range(1000):
        clock.now += 0.001
        limiter.allow(f"client-{i}")
    assert len(limiter._buckets) <= 101
