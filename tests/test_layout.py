"""Which sentence each sentence leans on (qa/layout.py), and answers quoted as passages that
bring it along (qa/answering/assemble.py): no list item without its lead-in, no "These …"
without what it refers to, exact offsets for every quoted span."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings
from qa.index_data import IndexData
from qa.ingest.build import build_index
from qa.ingest.store import load_index
from qa.layout import introduces, refers_back
from qa.serving.loading import load_pipeline
from qa.types import Status
from tests.fakes import FakeEmbedder

LEAFLET = """# Treatment

Several drugs can be used when the illness returns. The drugs used most often include:

- alpha-cillin, given by drip
- beta-cillin, taken as a tablet

These drugs are given every two weeks. Treatment goes on for six months.

## Other care

- Rest often.
- Drink water.

## Targeted drugs

- Medicines such as gamma-mab that attack one feature of the cells
- Combined with the drip drugs to work better
- Generally cause other side effects than the drip drugs
"""


@pytest.mark.parametrize(
    ("sentence", "back"),
    [
        ("These drugs are given every two weeks.", True),
        ("However, some people need more.", True),
        ("The drugs given during this time period are alpha and beta.", True),
        ("In addition, rest helps.", True),
        ("Treatment goes on for six months.", False),
        ("Thesis work is not relevant here.", False),
        ("There are two kinds of treatment.", False),
    ],
)
def test_refers_back(sentence: str, back: bool) -> None:
    assert refers_back(sentence) is back


def test_introduces() -> None:
    assert introduces("The drugs used include:")
    assert introduces("Risk factors include the following.")
    assert not introduces("The drugs are given by drip.")


@pytest.fixture
def leaflet(tmp_path: Path, fake_embedder: FakeEmbedder) -> Settings:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "leaflet.md").write_text(LEAFLET, encoding="utf-8")
    settings = Settings.of(
        sources_dir=sources, index_dir=tmp_path / "index", abstain_min_support=-1.0
    )
    build_index(settings, fake_embedder)
    return settings


def _text(index: IndexData, row: int) -> str:
    s = index.sentences[row]
    return index.documents[s.doc_id].text[s.start : s.end]


def test_items_lean_on_their_lead_in_and_references_on_the_sentence_before(
    leaflet: Settings,
) -> None:
    index = load_index(leaflet.ingest.index_dir)
    by_text = {_text(index, r): r for r in range(len(index.sentences))}
    leans = index.layout.leans_on

    def lean(sentence: str) -> str | None:
        row = leans[by_text[sentence]]
        return None if row < 0 else _text(index, row)

    lead_in = "The drugs used most often include:"
    assert lean("alpha-cillin, given by drip") == lead_in
    assert lean("beta-cillin, taken as a tablet") == lead_in
    assert lean("These drugs are given every two weeks.") == "beta-cillin, taken as a tablet"
    assert lean("Treatment goes on for six months.") is None
    # A list right under a heading has no lead-in to bring; its items that are whole
    # sentences stand alone, and phrases go on about what its first item names.
    assert lean("Rest often.") is None
    assert lean("Drink water.") is None
    first = "Medicines such as gamma-mab that attack one feature of the cells"
    assert lean(first) is None
    assert lean("Combined with the drip drugs to work better") == first
    assert lean("Generally cause other side effects than the drip drugs") == first
    assert lean("Several drugs can be used when the illness returns.") is None


def test_an_answer_quoting_a_list_item_brings_its_lead_in(
    leaflet: Settings, fake_embedder: FakeEmbedder
) -> None:
    pipeline = load_pipeline(leaflet, fake_embedder)
    answer = pipeline.ask("Is beta-cillin taken as a tablet?")
    assert answer.status is Status.ANSWERED
    texts = [s.text for s in answer.sentences]
    assert "beta-cillin, taken as a tablet" in texts
    assert "The drugs used most often include:" in texts
    assert texts.index("The drugs used most often include:") < texts.index(
        "beta-cillin, taken as a tablet"
    )
    doc = pipeline.index.documents["leaflet"]
    for c in answer.citations:
        assert doc.text[c.start : c.end] == c.quote
    for s in answer.sentences:
        assert doc.text[s.start : s.end] == s.text
    data = answer.to_json()
    passages = data["passages"]
    assert isinstance(passages, list) and 1 <= len(passages) <= 2
    first = passages[0]
    assert first["source_id"] == "leaflet" and first["marked"]
    assert set(first["marked"]) <= set(first["sentences"])
    # The list items are on lines of their own in the plain text.
    assert "\n- beta-cillin, taken as a tablet" in answer.text


def test_a_back_reference_is_quoted_with_what_it_refers_to(
    leaflet: Settings, fake_embedder: FakeEmbedder
) -> None:
    pipeline = load_pipeline(leaflet, fake_embedder)
    answer = pipeline.ask("How often are these drugs given every two weeks?")
    texts = [s.text for s in answer.sentences]
    assert "These drugs are given every two weeks." in texts
    assert "beta-cillin, taken as a tablet" in texts
