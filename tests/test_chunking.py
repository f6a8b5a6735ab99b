"""qa.ingest.chunking.chunk_document: whole sentences, one section, within a budget and the window."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from qa.ingest.chunking import SECTION_SEPARATOR, chunk_document, document_sentences
from qa.ingest.sources import assemble, load_sources
from qa.ingest.tokens import count_tokens
from qa.types import Audience, BlockKind, Chunk, Document, DocumentMeta, RawBlock
from tests.fakes import B, H, P

REAL_SOURCES = Path(__file__).resolve().parent.parent / "sources"

NUMBERS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def make_doc(blocks: list[RawBlock], title: str = "Guide", doc_id: str = "guide") -> Document:
    text, spans = assemble(blocks)
    meta = DocumentMeta(id=doc_id, title=title, publisher="Test", audience=Audience.PATIENTS)
    return Document(meta=meta, text=text, path=f"{doc_id}.txt", blocks=spans)


def always_fits(_text: str) -> bool:
    return True


def words_at_most(limit: int) -> Callable[[str], bool]:
    def fits(text: str) -> bool:
        return len(text.split()) <= limit

    return fits


def numbered_paragraph(n: int) -> str:
    return " ".join(f"Sentence number {NUMBERS[i]} is here." for i in range(n))


def sentence_texts(doc: Document, chunk: Chunk) -> list[str]:
    return [doc.text[s.start : s.end] for s in chunk.sentences]


@pytest.fixture(scope="module")
def real_docs() -> list[Document]:
    report = load_sources(REAL_SOURCES)
    assert report.problems == ()
    return list(report.documents)


def heading_offsets(doc: Document) -> list[int]:
    return [b.start for b in doc.blocks if b.kind is BlockKind.HEADING]


# ---------------------------------------------------------------- invariants on the real corpus


@pytest.mark.parametrize(("max_tokens", "overlap"), [(16, 0), (48, 1), (128, 1), (256, 2)])
def test_real_corpus_chunk_invariants(
    real_docs: list[Document], max_tokens: int, overlap: int
) -> None:
    for doc in real_docs:
        chunks = chunk_document(doc, max_tokens, overlap, count_tokens, always_fits)
        assert chunks, doc.id
        all_sentences = {(s.start, s.end) for s in document_sentences(doc)}
        seen: set[tuple[int, int]] = set()
        for c in chunks:
            assert c.doc_id == doc.id
            assert c.text == doc.text[c.start : c.end]
            assert c.sentences[0].start == c.start and c.sentences[-1].end == c.end
            prev_end = c.start
            for s in c.sentences:
                assert c.start <= s.start < s.end <= c.end
                assert s.start >= prev_end
                prev_end = s.end
                piece = doc.text[s.start : s.end]
                assert piece == piece.strip() and piece
                seen.add((s.start, s.end))
            costs = [count_tokens(t) for t in sentence_texts(doc, c)]
            assert len(costs) == 1 or sum(costs) <= max_tokens, (doc.id, c.id, costs)
            # never across a section boundary: no heading starts inside a chunk
            assert not any(c.start < h < c.end for h in heading_offsets(doc)), (doc.id, c.section)
        # every sentence of the document is in some chunk
        assert seen == all_sentences, doc.id
        assert len({c.id for c in chunks}) == len(chunks)


def test_real_corpus_chunks_are_deterministic(real_docs: list[Document]) -> None:
    first = [chunk_document(d, 128, 1, count_tokens, always_fits) for d in real_docs]
    again = [chunk_document(d, 128, 1, count_tokens, always_fits) for d in real_docs]
    assert first == again


def test_real_corpus_sections_exclude_the_title(real_docs: list[Document]) -> None:
    for doc in real_docs:
        sections = {c.section for c in chunk_document(doc, 128, 1, count_tokens, always_fits)}
        assert all(doc.meta.title not in s for s in sections), doc.id
    droracle = next(d for d in real_docs if d.id == "droracle-stage4-rectal-cancer-treatment")
    sections = {c.section for c in chunk_document(droracle, 128, 1, count_tokens, always_fits)}
    assert "Critical Decision-Making Factors" in sections
    assert "Systemic Chemotherapy Regimens > Biologic agents" in sections


# ---------------------------------------------------------------- budgets and overlap


def test_chunks_respect_the_token_budget() -> None:
    doc = make_doc([P(numbered_paragraph(12))])
    per_sentence = count_tokens("Sentence number one is here.")
    chunks = chunk_document(doc, per_sentence * 3, 0, count_tokens, always_fits)
    assert [len(c.sentences) for c in chunks] == [3, 3, 3, 3]
    for c in chunks:
        assert sum(count_tokens(t) for t in sentence_texts(doc, c)) <= per_sentence * 3


def test_a_sentence_over_the_budget_is_a_chunk_of_its_own() -> None:
    long = "This sentence is deliberately much longer than the tiny budget allows it to be here."
    doc = make_doc([P(f"Short one. {long} Short two.")])
    chunks = chunk_document(doc, 12, 0, count_tokens, always_fits)
    assert [c.text for c in chunks] == ["Short one.", long, "Short two."]
    assert count_tokens(long) > 12


def test_overlap_repeats_the_previous_chunks_last_sentences() -> None:
    doc = make_doc([P(numbered_paragraph(10))])
    per = count_tokens("Sentence number one is here.")
    for overlap in (1, 2):
        chunks = chunk_document(doc, per * 4, overlap, count_tokens, always_fits)
        assert len(chunks) > 2
        for prev, nxt in pairwise(chunks):
            assert nxt.sentences[:overlap] == prev.sentences[-overlap:]
            assert len(nxt.sentences) > overlap  # each chunk brings something new
        assert chunks[-1].end == len(doc.text)


def test_no_overlap_means_chunks_are_disjoint() -> None:
    doc = make_doc([P(numbered_paragraph(10))])
    chunks = chunk_document(doc, 20, 0, count_tokens, always_fits)
    for prev, nxt in pairwise(chunks):
        assert prev.end < nxt.start


def test_overlap_does_not_cross_sections() -> None:
    doc = make_doc(
        [
            H("First"),
            P(numbered_paragraph(3)),
            H("Second"),
            P("Another section starts. It goes on."),
        ]
    )
    chunks = chunk_document(doc, 512, 1, count_tokens, always_fits)
    assert [(c.section, len(c.sentences)) for c in chunks] == [("First", 3), ("Second", 2)]
    assert chunks[1].text == "Another section starts. It goes on."


def test_no_chunk_is_wholly_inside_the_previous_one() -> None:
    long = "This one is a long sentence that alone takes up almost all of the budget we allow."
    doc = make_doc([P(f"Short one. Short two. {long}")])
    chunks = chunk_document(doc, count_tokens(long) + 2, 1, count_tokens, always_fits)
    for prev, nxt in pairwise(chunks):
        assert not (prev.start <= nxt.start and nxt.end <= prev.end), [c.text for c in chunks]


# ---------------------------------------------------------------- ids


def test_chunk_ids_are_deterministic_and_change_with_text() -> None:
    blocks = [
        H("Chemo"),
        P(numbered_paragraph(6)),
        H("Surgery"),
        P("Surgery can cure some people."),
    ]
    a = chunk_document(make_doc(blocks), 20, 1, count_tokens, always_fits)
    b = chunk_document(make_doc(blocks), 20, 1, count_tokens, always_fits)
    assert [c.id for c in a] == [c.id for c in b]
    assert all(len(c.id) == 16 and int(c.id, 16) >= 0 for c in a)

    changed = list(blocks)
    changed[3] = P("Surgery can cure many people.")  # same length, different text
    c = chunk_document(make_doc(changed), 20, 1, count_tokens, always_fits)
    assert [x.id for x in c[:-1]] == [x.id for x in a[:-1]]
    assert (c[-1].start, c[-1].end) == (a[-1].start, a[-1].end)
    assert c[-1].id != a[-1].id

    other_doc = chunk_document(make_doc(blocks, doc_id="other"), 20, 1, count_tokens, always_fits)
    assert {x.id for x in other_doc}.isdisjoint({x.id for x in a})


# ---------------------------------------------------------------- sections


def test_section_paths_come_from_headings_and_exclude_the_title() -> None:
    doc = make_doc(
        [
            H("Guide", 1),  # the document's title
            P("Before any section."),
            H("Treatment", 2),
            P("Treatment overview."),
            H("Chemotherapy", 3),
            B("FOLFOX is common."),
            H("Doses", 4),
            P("Doses vary."),
            H("Surgery", 3),
            P("Surgery helps."),
            H("Living with cancer", 2),
            P("Support helps."),
        ],
        title="Guide",
    )
    chunks = chunk_document(doc, 512, 0, count_tokens, always_fits)
    sep = SECTION_SEPARATOR
    assert [(c.section, c.text) for c in chunks] == [
        ("", "Before any section."),
        ("Treatment", "Treatment overview."),
        (f"Treatment{sep}Chemotherapy", "FOLFOX is common."),
        (f"Treatment{sep}Chemotherapy{sep}Doses", "Doses vary."),
        (f"Treatment{sep}Surgery", "Surgery helps."),
        ("Living with cancer", "Support helps."),
    ]


def test_a_first_heading_other_than_the_title_is_a_section() -> None:
    doc = make_doc([H("Overview", 1), P("Some text.")], title="Guide")
    (chunk,) = chunk_document(doc, 512, 0, count_tokens, always_fits)
    assert chunk.section == "Overview"


def test_a_later_heading_equal_to_the_title_is_a_section() -> None:
    doc = make_doc([P("Intro."), H("Guide", 2), P("Some text.")], title="Guide")
    chunks = chunk_document(doc, 512, 0, count_tokens, always_fits)
    assert [c.section for c in chunks] == ["", "Guide"]


def test_bullets_are_sentences_and_blocks_of_one_section_share_chunks() -> None:
    doc = make_doc(
        [H("Drugs"), P("Drugs used include:"), B("FOLFOX"), B("FOLFIRI"), P("Ask your team.")]
    )
    (chunk,) = chunk_document(doc, 512, 0, count_tokens, always_fits)
    assert sentence_texts(doc, chunk) == [
        "Drugs used include:",
        "FOLFOX",
        "FOLFIRI",
        "Ask your team.",
    ]
    assert chunk.text == "Drugs used include:\n\nFOLFOX\nFOLFIRI\n\nAsk your team."


def test_embed_text_has_title_and_section() -> None:
    doc = make_doc([H("Side effects"), P("Nausea is common.")], title="Guide")
    (chunk,) = chunk_document(doc, 512, 0, count_tokens, always_fits)
    assert chunk.embed_text(doc.meta.title) == "Guide — Side effects\nNausea is common."


# ---------------------------------------------------------------- the embedding window


def test_a_group_over_the_window_is_split_into_chunks_that_fit() -> None:
    doc = make_doc([H("S"), P(numbered_paragraph(8))], title="T")
    fits = words_at_most(3 + 11)  # "T — S" is 3 words; two sentences of 5 words fit
    chunks = chunk_document(doc, 512, 0, count_tokens, fits)
    assert len(chunks) >= 4
    for c in chunks:
        assert fits(c.embed_text("T"))
        assert c.text == doc.text[c.start : c.end]
    covered = [s for c in chunks for s in sentence_texts(doc, c)]
    assert covered == [f"Sentence number {n} is here." for n in NUMBERS[:8]]


def test_a_sentence_longer_than_the_window_is_split_without_loss() -> None:
    long = " ".join(f"Word{i}" for i in range(40)) + "."
    doc = make_doc([H("S"), P(f"Short start. {long} Short end.")], title="T")
    fits = words_at_most(3 + 6)
    chunks = chunk_document(doc, 512, 0, count_tokens, fits)
    for c in chunks:
        assert fits(c.embed_text("T")), c.text
        assert c.text == doc.text[c.start : c.end]
        assert c.section == "S"
    long_start = doc.text.index("Word0")
    pieces = [c for c in chunks if long_start <= c.start < long_start + len(long)]
    assert len(pieces) >= 40 // 6
    # the pieces are contiguous and together are exactly the sentence
    assert pieces[0].start == long_start and pieces[-1].end == long_start + len(long)
    for a, b in pairwise(pieces):
        assert doc.text[a.end : b.start] == " "
    assert " ".join(p.text for p in pieces) == long
    assert chunks[0].text == "Short start." and chunks[-1].text == "Short end."


def test_a_single_word_longer_than_the_window_is_cut_by_characters() -> None:
    word = "x" * 40
    doc = make_doc([P(word)], title="T")

    def fits(text: str) -> bool:
        return len(text) <= len("T\n") + 10

    chunks = chunk_document(doc, 512, 0, count_tokens, fits)
    assert "".join(c.text for c in chunks) == word
    assert all(fits(c.embed_text("T")) for c in chunks)


class _LoopGuard(Exception):
    pass


def test_window_too_small_for_title_fails_loudly_instead_of_looping() -> None:
    doc = make_doc([P("Chemo helps.")], title="A very long title that never fits")
    calls = 0

    def never_fits(_text: str) -> bool:
        nonlocal calls
        calls += 1
        if calls > 10_000:
            raise _LoopGuard
        return False

    with pytest.raises(Exception) as info:  # any clear error will do
        chunk_document(doc, 512, 0, count_tokens, never_fits)
    assert not isinstance(info.value, _LoopGuard)
