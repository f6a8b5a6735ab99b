"""qa.ingest.definitions: the definitions a document gives of its terms, as verbatim whole sentences."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from qa.ingest.chunking import document_sentences
from qa.ingest.definitions import (
    MAX_SENTENCE_WORDS,
    Definition,
    DefinitionKind,
    collect,
    find_definitions,
)
from qa.ingest.sources import assemble, load_sources
from qa.text import word_count
from qa.types import Audience, Document, DocumentMeta, RawBlock
from tests.fakes import B, H, P

REAL_SOURCES = Path(__file__).resolve().parent.parent / "sources"


def make_doc(blocks: list[RawBlock], doc_id: str = "guide") -> Document:
    text, spans = assemble(blocks)
    meta = DocumentMeta(id=doc_id, title="Guide", publisher="Test", audience=Audience.PATIENTS)
    return Document(meta=meta, text=text, path=f"{doc_id}.txt", blocks=spans)


def found(*paragraphs: str) -> dict[str, tuple[DefinitionKind, str, str]]:
    """term -> (kind, defining text, alias) of one document made of `paragraphs`."""
    doc = make_doc([H("Guide", 1), *(P(p) for p in paragraphs)])
    return {d.term: (d.kind, doc.text[d.start : d.end], d.alias) for d in find_definitions(doc)}


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        (
            "Radiotherapy is a treatment that uses high-energy rays to destroy cancer cells.",
            "Radiotherapy",
        ),
        ("Palliative care is care that focuses on comfort and quality of life.", "Palliative care"),
        ("Clinical trials are studies that test new treatments in people.", "Clinical trials"),
        (
            "Side effects are problems that happen when treatment affects healthy cells.",
            "Side effects",
        ),
        (
            "Flurbography is a test that uses sound waves to make pictures of the bowel.",
            "Flurbography",
        ),
        (
            "Lipodystrophy is a condition in which fat tissue is lost or moved in the body.",
            "Lipodystrophy",
        ),
        ("A stoma bag is a pouch that collects stool.", "stoma bag"),  # any one of its kind
        ("Proctitis is inflammation of the lining of the rectum.", "Proctitis"),
        (
            "Bronchoscopy (bron-KOS-ko-pee) is a procedure used to look inside the airways.",
            "Bronchoscopy",
        ),
        ("Radiotherapy is the use of high-energy rays to kill cancer cells.", "Radiotherapy"),
        ("Corticosteroids are a group of medicines that reduce swelling.", "Corticosteroids"),
    ],
)
def test_a_copula_sentence_defines_its_subject_with_the_whole_sentence(
    sentence: str, term: str | None
):
    intro = "Read this page with your care team."
    defs = found(f"{intro} {sentence} Ask about it at your next visit.")
    if term is None:
        assert defs == {}
        return
    assert defs == {term: (DefinitionKind.COPULA, sentence, "")}


@pytest.mark.parametrize(
    "sentence",
    [
        "Surgery is an option for some people.",
        "It is important to keep taking your medicine.",
        "The goal is to control the cancer for as long as possible.",
        "This is a treatment that uses heat.",
        "These are drugs that slow the cancer.",
        "Your doctor is a specialist who treats cancer.",
        "Treatment options are surgery, chemotherapy and radiation.",
        "Surgery is the main treatment for early cancer.",
        "Fatigue is a common side effect of chemotherapy.",
        "Chemotherapy is common after surgery.",
        "Screening is a good idea for people over 50.",
        "Recovery is a slow process for most people.",
        "Surgery is a big operation that takes several hours.",
        "Several drugs are available that can help.",
        "Stents are often used to relieve symptoms.",
        "Chemoradiation is usually given before surgery.",
        "Surgery is possible when the cancer has not spread.",
        "Radiotherapy is a treatment.",
        "Enzymes are proteins.",
        "What is radiotherapy?",
        "Radiotherapy is a treatment that is given in the following ways:",
    ],
)
def test_a_sentence_that_does_not_define_gives_nothing(sentence: str):
    assert found(sentence) == {}


def test_a_sentence_longer_than_the_limit_is_more_than_a_definition():
    start = "Radiotherapy is a treatment that uses high-energy rays"
    filler = MAX_SENTENCE_WORDS - word_count(start)
    assert set(found(f"{start}{' again' * filler}.")) == {"Radiotherapy"}
    assert found(f"{start}{' again' * (filler + 1)}.") == {}


def test_offsets_point_into_the_document_text_across_blocks():
    doc = make_doc(
        [
            H("Guide", 1),
            P("Surgery removes the tumour."),
            H("Words you may hear"),
            B("A long, thin tube (called a catheter) drains urine from the bladder."),
            P(
                "Ask questions. Histotripsy is a treatment that uses sound waves to break up tumours."
            ),
        ]
    )
    defs = {d.term: d for d in find_definitions(doc)}
    assert set(defs) == {"catheter", "Histotripsy"}
    assert doc.text[defs["catheter"].start : defs["catheter"].end] == (
        "A long, thin tube (called a catheter) drains urine from the bladder."
    )
    assert doc.text[defs["Histotripsy"].start : defs["Histotripsy"].end] == (
        "Histotripsy is a treatment that uses sound waves to break up tumours."
    )
    assert all(d.doc_id == "guide" for d in defs.values())


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Cancer that comes back in the same place (called a local recurrence) may be removed.",
            {"local recurrence": (DefinitionKind.NAMING, "")},
        ),
        (
            "Radiotherapy (also called radiation therapy) uses high-energy rays to kill cancer cells.",
            {
                "radiation therapy": (DefinitionKind.NAMING, ""),
                "Radiotherapy": (DefinitionKind.SYNONYM, "radiation therapy"),
            },
        ),
        (
            "The nurse may pass a colonoscope, also called a scope, into the bowel.",
            {
                "scope": (DefinitionKind.NAMING, ""),
                "colonoscope": (DefinitionKind.SYNONYM, "scope"),
            },
        ),
        (
            "Some drugs slow the growth of cancer by blocking a protein known as VEGF.",
            {"VEGF": (DefinitionKind.NAMING, "")},
        ),
        (
            "When cancer spreads to another part of the body, it is called metastasis.",
            {"metastasis": (DefinitionKind.NAMING, "")},
        ),
        (
            "One new approach called histotripsy uses focused sound waves to destroy tumours.",
            {"histotripsy": (DefinitionKind.NAMING, "")},
        ),
        (
            "The drugs most often given are fluorouracil (also called 5-fluorouracil or 5-FU) and "
            "mitomycin.",
            {"5-fluorouracil": (DefinitionKind.NAMING, "")},
        ),
        (
            "Fluid that builds up in the belly (known as ascites) can be drained.",
            {"ascites": (DefinitionKind.NAMING, "")},
        ),
    ],
)
def test_a_naming_sentence_defines_the_name_with_the_whole_sentence(
    sentence: str, expected: dict[str, tuple[DefinitionKind, str]]
):
    defs = found(sentence)
    assert {term: (kind, alias) for term, (kind, _, alias) in defs.items()} == expected
    assert all(text == sentence for _, text, _ in defs.values())


@pytest.mark.parametrize(
    "sentence",
    [
        "This is called metastasis.",  # says nothing on its own
        "These tests are sometimes called follow-up tests.",
        "Stage 0 is also called carcinoma in situ.",  # the name runs on past "carcinoma"
        "A sticky substance called plaque builds up in the arteries.",  # "plaque builds" has a verb
        "Some people develop a condition called congenital disorder of glycosylation.",
        "These so-called triggers differ from person to person.",
        "Also called a scope.",  # says nothing about what it names
        "The cancer may grow into nearby tissue (called invasion of the nerves and vessels).",
    ],
)
def test_a_name_that_cannot_be_read_with_confidence_is_left_out(sentence: str):
    assert found(sentence) == {}


def test_an_appositive_which_clause_defines_the_noun_phrase_before_it():
    sentence = "Cancer can spread to the lymph nodes, which are small organs that filter lymph."
    assert found(sentence) == {"lymph nodes": (DefinitionKind.APPOSITIVE, sentence, "")}
    assert found("The drug is given with bevacizumab, which is usually given with others.") == {}
    # The run of words before "which" holds a verb: no term.
    assert (
        found("This disorder damages motor neurons, which are nerve cells that move muscles.") == {}
    )


def test_an_abbreviation_is_defined_by_the_sentence_spelling_it_out_skipping_questions():
    question = "What is radiofrequency ablation (RFA)?"
    sentence = "Radiofrequency ablation (RFA) uses heat to destroy small tumours."
    defs = found(question, f"{sentence} RFA is done under sedation.")
    # The long form as the chosen sentence writes it (the question wrote it in lower case).
    assert defs == {"RFA": (DefinitionKind.ABBREVIATION, sentence, "Radiofrequency ablation")}


def test_collect_keeps_the_strongest_then_shortest_definition_per_term_sorted_by_term():
    first = make_doc(
        [
            P("Most people are offered surgery or a treatment using heat (called ablation)."),
            P("Ablation is a treatment that destroys tumours with heat."),
        ],
        "first",
    )
    second = make_doc(
        [
            P("ablation is a procedure that destroys tumours."),
            P("Cryotherapy is a treatment that uses extreme cold to kill cancer cells."),
        ],
        "second",
    )
    kept = collect([first, second])
    assert [d.term for d in kept] == ["ablation", "Cryotherapy"]
    ablation, cryotherapy = kept
    # A copula definition beats the earlier naming one; of the two copulas, the shorter wins.
    assert (ablation.doc_id, ablation.kind) == ("second", DefinitionKind.COPULA)
    assert (
        second.text[ablation.start : ablation.end]
        == "ablation is a procedure that destroys tumours."
    )
    assert cryotherapy.doc_id == "second"
    assert collect([]) == ()


def test_a_definition_is_frozen():
    d = Definition("stent", "guide", 0, 10, DefinitionKind.NAMING)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.term = "other"  # type: ignore[misc]


def test_every_definition_in_the_bundled_documents_is_a_whole_sentence_of_its_text():
    docs = load_sources(REAL_SOURCES).documents
    total = 0
    for doc in docs:
        sentences = {(s.start, s.end) for s in document_sentences(doc)}
        for d in find_definitions(doc):
            total += 1
            quote = doc.text[d.start : d.end]
            assert (d.start, d.end) in sentences, quote
            assert (quote == quote.strip() and quote[-1] in '.!)”’"') or quote[0].islower()
            assert d.term in quote, (d.term, quote)
            assert 1 <= len(d.term.split()) <= 5
    kept = collect(docs)
    assert total >= 20 and len(kept) >= 20
    assert [d.term.lower() for d in kept] == sorted({d.term.lower() for d in kept})


def test_a_name_for_a_word_pointing_back_defines_nothing_on_its_own():
    doc = make_doc([P("Estrogen and progestin may be given. This is called hormone therapy (HT).")])
    assert find_definitions(doc) == ()
    doc = make_doc([P("It may be used to treat a blockage in the gut (called bowel obstruction).")])
    assert [d.term for d in find_definitions(doc)] == ["bowel obstruction"]
