"""Any input through the app's public API (gradio_client, as a script would call it): always a
well-formed reply with the disclaimer, never an error or a stack trace."""

from __future__ import annotations

import html

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qa.safety.messages import DISCLAIMER

pytestmark = pytest.mark.browser  # needs the app server of tests/ui

# Any code point but lone surrogates, which cannot travel as JSON text over HTTP at all.
API_TEXT = st.text(st.characters(codec="utf-8"), max_size=200)


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    base, _ = server
    return Client(base + "/", verbose=False)


def reply_of(client, question: str) -> str:
    _box, messages, *_ = client.predict(question, api_name="/ask")
    assert isinstance(messages, list)
    if not question.strip():
        return ""  # nothing is asked for an empty box
    last = messages[-1]
    assert last["role"] == "assistant"
    content = last["content"]
    return content if isinstance(content, str) else str(content)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question=API_TEXT)
@example(question="\x00\x01\x02 chemotherapy")
@example(question="😀😀😀")
@example(question="<img src=x onerror=alert(1)> what is FOLFIRI?")
@example(question="\u202e\u200b FOLFIRI")
def test_any_text_gets_a_reply_with_the_disclaimer(client, question):
    reply = reply_of(client, question)
    if question.strip():
        assert html.escape(DISCLAIMER) in reply or DISCLAIMER in reply
        assert "Traceback" not in reply
        assert "<img src=x" not in reply


def test_a_question_over_the_length_limit_gets_a_polite_rejection_and_is_not_kept_whole(client):
    question = "chemotherapy " * 400  # 5,200 characters: over the 2,000 limit, a small body
    box, messages, *_ = client.predict(question, api_name="/ask")
    reply = str(messages[-1]["content"])
    assert "too long" in reply
    assert html.escape(DISCLAIMER) in reply or DISCLAIMER in reply
    assert len(str(messages[-2]["content"])) < 1000  # the echo is cut short
    assert len(box) <= 2000  # the box keeps what fits, to edit


@pytest.mark.parametrize("size", [100_000, 1_000_000])
def test_huge_bodies_are_refused_before_the_app(client, size):
    import httpx

    with pytest.raises(httpx.HTTPStatusError, match="413"):
        client.predict("chemotherapy " * (size // 13), api_name="/ask")
