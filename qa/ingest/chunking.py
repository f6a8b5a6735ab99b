"""Document -> Chunks: whole sentences of one section, within a token budget and the window."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from qa.encoder.base import Embedder
from qa.errors import SourceError
from qa.text import sentence_spans
from qa.types import BlockKind, Chunk, Document, Span

SECTION_SEPARATOR = " > "


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    section: str


def chunk_document(
    doc: Document,
    max_tokens: int,
    overlap: int,
    count_tokens: Callable[[str], int],
    fits_window: Callable[[str], bool],
) -> list[Chunk]:
    """Split `doc` into chunks.

    Args:
        max_tokens: budget of each chunk's text in cl100k_base tokens (a longer sentence is
            a chunk of its own).
        overlap: sentences repeated from the previous chunk of the same section.
        count_tokens: the cl100k_base counter.
        fits_window: whether a text, as embedded, fits the embedding model's window; a chunk that
            does not is split again, so nothing is ever truncated silently.
    """
    chunks: list[Chunk] = []
    for section_sentences in _by_section(doc):
        for group in _pack(doc.text, section_sentences, max_tokens, overlap, count_tokens):
            chunks.extend(_fit(doc, group, fits_window))
    return chunks


def document_sentences(doc: Document) -> Iterator[_Sentence]:
    """Every sentence of the document (bullet items are sentences), with its section path."""
    stack: list[tuple[int, str]] = []
    for i, block in enumerate(doc.blocks):
        text = doc.text[block.start : block.end]
        if block.kind is BlockKind.HEADING:
            # The document's own title is shown with every citation; it is not a section.
            if i == 0 and text == doc.meta.title:
                continue
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, text))
            continue
        section = SECTION_SEPARATOR.join(t for _, t in stack)
        for s, e in sentence_spans(text):
            yield _Sentence(block.start + s, block.start + e, section)


def _by_section(doc: Document) -> Iterator[list[_Sentence]]:
    current: list[_Sentence] = []
    for sentence in document_sentences(doc):
        if current and sentence.section != current[-1].section:
            yield current
            current = []
        current.append(sentence)
    if current:
        yield current


def _pack(
    text: str,
    sentences: list[_Sentence],
    max_tokens: int,
    overlap: int,
    count_tokens: Callable[[str], int],
) -> Iterator[list[_Sentence]]:
    """Greedy packing of consecutive sentences by the sum of their token counts.

    Each new chunk repeats the last `overlap` sentences of the previous one.
    """
    costs = [count_tokens(text[s.start : s.end]) for s in sentences]
    start = 0
    while start < len(sentences):
        end, used = start + 1, costs[start]
        while end < len(sentences) and used + costs[end] <= max_tokens:
            used += costs[end]
            end += 1
        yield sentences[start:end]
        if end >= len(sentences):
            return
        # Overlap only when the next chunk still gains a new sentence within the budget.
        back = max(end - overlap, start + 1)
        fits_more = sum(costs[back:end]) + costs[end] <= max_tokens
        start = back if fits_more else end


def _fit(doc: Document, group: list[_Sentence], fits_window: Callable[[str], bool]) -> list[Chunk]:
    chunk = _make_chunk(doc, group)
    if fits_window(chunk.embed_text(doc.meta.title)):
        return [chunk]
    if len(group) == 1:
        return [
            _make_chunk(doc, [part]) for part in _split_long_sentence(doc, group[0], fits_window)
        ]
    mid = len(group) // 2
    return _fit(doc, group[:mid], fits_window) + _fit(doc, group[mid:], fits_window)


def _split_long_sentence(
    doc: Document, sentence: _Sentence, fits_window: Callable[[str], bool]
) -> list[_Sentence]:
    """A sentence longer than the model window is cut at spaces into pieces that fit."""
    pieces: list[_Sentence] = []
    start = sentence.start
    while start < sentence.end:
        end = sentence.end
        while end > start:
            piece = _Sentence(start, end, sentence.section)
            if fits_window(_make_chunk(doc, [piece]).embed_text(doc.meta.title)):
                break
            if end == start + 1:
                raise SourceError(
                    f"{doc.path}: even one character of a sentence does not fit the embedding "
                    "model's window with its title and section; shorten the title or headings"
                )
            cut = doc.text.rfind(" ", start, end - 1)
            end = cut if cut > start else start + max(1, (end - start) // 2)
        pieces.append(_Sentence(start, end, sentence.section))
        start = end
        while start < sentence.end and doc.text[start] == " ":
            start += 1
    return pieces


def _make_chunk(doc: Document, group: list[_Sentence]) -> Chunk:
    start, end = group[0].start, group[-1].end
    text = doc.text[start:end]
    digest = hashlib.sha256(f"{doc.id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return Chunk(
        id=digest[:16],
        doc_id=doc.id,
        section=group[0].section,
        start=start,
        end=end,
        text=text,
        sentences=tuple(Span(s.start, s.end) for s in group),
    )


def window_check(embedder: Embedder) -> Callable[[str], bool]:
    """Whether a text fits the encoder's window (chunks are cut so that they do)."""
    limit = embedder.max_tokens

    def fits(text: str) -> bool:
        return embedder.token_length(text) <= limit

    return fits
