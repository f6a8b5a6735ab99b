"""List-introducing sentences answer together with the items after them."""

from __future__ import annotations

import pytest

from qa.answering.pipeline import Pipeline
from qa.ingest.build import build_index
from qa.ingest.store import load_index
from qa.serving.loading import load_pipeline
from qa.types import Status
from tests.fakes import FakeEmbedder

DECISIONS = """# Treatment decisions

The multidisciplinary team must weigh:

- Age and comorbidities
- Patient preferences
- Performance status and ability to tolerate intensive therapy

## Afterwards

The plan is reviewed often. Another list follows:

Not a bullet, so the sentence above introduces nothing.
"""


@pytest.fixture
def with_list(built, fake_embedder: FakeEmbedder):
    (built.ingest.sources_dir / "decisions.md").write_text(DECISIONS, encoding="utf-8")
    build_index(built, fake_embedder)
    return built


def _text(doc_text: str, span: tuple[int, int]) -> str:
    return doc_text[span[0] : span[1]]


def test_intro_maps_to_the_bullets_after_it(with_list):
    index = load_index(with_list.ingest.index_dir)
    doc = index.documents["decisions"]
    found = {
        _text(doc.text, key[1:]): [_text(doc.text, (s.start, s.end)) for s in items]
        for key, items in index.list_items.items()
        if key[0] == "decisions"
    }
    assert found == {
        "The multidisciplinary team must weigh:": [
            "Age and comorbidities",
            "Patient preferences",
            "Performance status and ability to tolerate intensive therapy",
        ]
    }


def test_answer_quotes_the_intro_with_its_items_verbatim(with_list, fake_embedder):
    pipeline = load_pipeline(with_list.replace(abstain_min_support=-1.0), fake_embedder)
    answer = pipeline.ask("What must the multidisciplinary team weigh?")
    assert answer.status is Status.ANSWERED
    first = answer.citations[0]
    assert first.quote.startswith("The multidisciplinary team must weigh:")
    assert first.quote.endswith("Performance status and ability to tolerate intensive therapy")
    doc = pipeline.index.documents[first.source_id]
    assert doc.text[first.start : first.end] == first.quote
    # The items are inside the list quote, so none is quoted again on its own.
    assert not any(c.quote == "Patient preferences" for c in answer.citations[1:])


def test_list_is_cut_at_an_item_boundary_to_fit_the_budget(with_list, fake_embedder):
    settings = with_list.replace(abstain_min_support=-1.0, answer_max_words=12)
    pipeline = load_pipeline(settings, fake_embedder)
    answer = pipeline.ask("What must the multidisciplinary team weigh?")
    first = answer.citations[0]
    assert first.quote == (
        "The multidisciplinary team must weigh:\n\nAge and comorbidities\nPatient preferences"
    )


def _pipeline_with(built, fake_embedder, name: str, text: str) -> Pipeline:
    """The tiny corpus plus one document, indexed; abstention off."""
    (built.ingest.sources_dir / name).write_text(text, encoding="utf-8")
    build_index(built, fake_embedder)
    return load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)


def test_sentence_opening_with_a_pronoun_is_quoted_with_the_one_before(built, fake_embedder):
    pipeline = _pipeline_with(
        built,
        fake_embedder,
        "pump.md",
        "# Liver pump\n\nHepatic arterial infusion treats liver metastases. "
        "It delivers floxuridine straight into the hepatic artery.\n",
    )
    answer = pipeline.ask("Which drug goes straight into the hepatic artery?")
    quotes = [c.quote for c in answer.citations]
    assert (
        "Hepatic arterial infusion treats liver metastases. "
        "It delivers floxuridine straight into the hepatic artery."
    ) in quotes
    assert not any(q.startswith("It delivers") for q in quotes)


def test_a_sentence_pointing_at_what_follows_is_never_quoted_alone(built, fake_embedder):
    pipeline = _pipeline_with(
        built,
        fake_embedder,
        "options.md",
        "# Pelvic recurrence options\n\n"
        "The following are pelvic recurrence treatment options for you.\n\n"
        "## Surgery\n\nSurgery removes a pelvic recurrence when it is resectable.\n",
    )
    answer = pipeline.ask("What are the pelvic recurrence treatment options?")
    assert answer.status is Status.ANSWERED
    assert not any("The following" in c.quote for c in answer.citations)
    assert any(c.quote.startswith("Surgery removes") for c in answer.citations)


def test_a_sentence_is_embedded_after_the_one_before_it_in_its_paragraph(with_list, fake_embedder):
    index = load_index(with_list.ingest.index_dir)
    doc = index.documents["decisions"].text
    in_context = {
        doc[s.start : s.end]: index.sentence_context_vectors[index.sentence_context_row[i]]
        for i, s in enumerate(index.sentences)
        if s.doc_id == "decisions" and s.context_key
    }
    # Bullets, headings and a paragraph's first sentence have none.
    assert list(in_context) == ["Another list follows:"]
    expected = fake_embedder.encode(["The plan is reviewed often. Another list follows:"])[0]
    assert in_context["Another list follows:"] == pytest.approx(expected)


@pytest.mark.parametrize(("window", "in_context"), [(20, 0), (40, 1)])
def test_a_context_the_model_window_cannot_hold_is_left_out(tmp_path, window, in_context):
    from qa.config import Settings

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "notes.txt").write_text(
        "Notes\n\nOne two three four five six seven eight nine ten. "
        "Eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.\n",
        encoding="utf-8",
    )
    settings = Settings.of(sources_dir=sources, index_dir=tmp_path / "index")
    # 22 word pieces for the two sentences together, 12 for each alone.
    build_index(settings, FakeEmbedder(max_tokens=window))
    index = load_index(settings.ingest.index_dir)
    assert len(index.sentences) == 2
    assert sum(bool(s.context_key) for s in index.sentences) == in_context
    assert index.sentence_context_vectors.shape[0] == in_context
