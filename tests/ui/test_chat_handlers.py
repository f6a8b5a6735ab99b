"""The chat handler without a browser: per-client rate limiting and the live index."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from qa.live import LivePipeline
from qa.logbook import Logbook
from qa.ratelimit import RATE_LIMITED_MESSAGE, RateLimiter
from qa.safety.messages import DISCLAIMER
from ui.chat import ChatHandlers, Conversation
from ui.render import esc


def request(host: str) -> Any:
    """What the handler reads of a gr.Request: the client's address."""
    return SimpleNamespace(client=SimpleNamespace(host=host))


def test_a_client_over_its_limit_is_told_to_wait_and_others_are_not(built, fake_embedder):
    settings = built.replace(abstain_min_support=-1.0, db_path=built.index_dir.parent / "q.db")
    handlers = ChatHandlers(
        LivePipeline(settings, fake_embedder),
        Logbook.open(settings),
        limiter=RateLimiter(per_minute=1, burst=2),
    )
    conv = Conversation()
    question = "What is FOLFIRI used for?"
    for _ in range(2):
        box, messages, conv = handlers.respond(question, conv, request("10.0.0.1"))
        assert box == "" and "FOLFIRI" in messages[-1]["content"]
    box, messages, conv = handlers.respond(question, conv, request("10.0.0.1"))
    assert box == question  # kept, so the patient can send it again later
    assert esc(RATE_LIMITED_MESSAGE) in messages[-1]["content"]
    assert esc(DISCLAIMER) in messages[-1]["content"]
    _, messages, _ = handlers.respond(question, Conversation(), request("10.0.0.2"))
    assert esc(RATE_LIMITED_MESSAGE) not in messages[-1]["content"]
