"""Any input at all gets a well-formed reply with the disclaimer: property tests through the
library (the app's API is covered by the UI tests)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qa.safety.messages import DISCLAIMER
from qa.serving.loading import load_pipeline
from qa.types import Status

# Every code point, lone surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    from qa.config import Settings
    from qa.ingest.build import build_index
    from tests.conftest import TINY_CATALOG, TINY_DOCS
    from tests.fakes import FakeEmbedder

    root = tmp_path_factory.mktemp("fuzz")
    sources = root / "sources"
    sources.mkdir()
    for name, text in TINY_DOCS.items():
        (sources / name).write_text(text, encoding="utf-8")
    (sources / "catalog.toml").write_text(TINY_CATALOG, encoding="utf-8")
    s = Settings.of(sources_dir=sources, index_dir=root / "index")
    build_index(s, FakeEmbedder())
    return load_pipeline(s, FakeEmbedder())


def assert_well_formed(answer) -> None:
    assert answer.disclaimer == DISCLAIMER
    assert answer.status in set(Status)
    assert answer.text.strip()
    out = json.loads(json.dumps(answer.to_json(), ensure_ascii=False))  # serialisable
    assert out["disclaimer"] == DISCLAIMER
    if answer.status is Status.ANSWERED:
        assert answer.citations
    # What we echo back holds no control or lone surrogate characters.
    assert not any(0xD800 <= ord(ch) <= 0xDFFF or ord(ch) < 0x20 for ch in answer.question)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=ANY_TEXT)
@example(raw="\x00" * 50)
@example(raw="\ud800 what is FOLFIRI \udfff")
@example(raw="😀🎉🔥")
@example(raw=" \t\n\r\u200b\u2028 ")
@example(raw="\u202e FOLFIRI \u202c side effects")
@example(raw="<img src=x onerror=alert(1)> chemotherapy?")
def test_any_text_gets_a_well_formed_reply(pipeline, raw):
    assert_well_formed(pipeline.ask(raw))


@pytest.mark.parametrize(
    "raw",
    ["FOLFIRI " * 12_500, "x" * 1_000_000, "\x00" * 1_000_000],
    ids=["100k", "1MB", "1MB-NUL"],
)
def test_huge_questions_are_rejected_politely(pipeline, raw):
    answer = pipeline.ask(raw)
    assert answer.status is Status.REJECTED
    assert "too long" in answer.text
    assert_well_formed(answer)


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01", "😀", "?!?!", "\u200b\u200b"])
def test_empty_or_meaningless_input_asks_to_rephrase(pipeline, raw):
    answer = pipeline.ask(raw)
    assert answer.status is Status.REJECTED
    assert "rephrase" in answer.text
    assert_well_formed(answer)
