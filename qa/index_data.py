"""The in-memory index: everything one build holds, as the ingest wing hands it to answering.

`qa.ingest.store` reads and writes it from and to the index folder; the answering wing reads only
this object, never the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from qa.acronyms import Abbreviations, definitions
from qa.glossary import Glossary, GlossaryEntry
from qa.layout import Layout, layout
from qa.lexical import LexicalIndex, Terms
from qa.passages import list_items
from qa.profile import Profile
from qa.types import Chunk, Document, Span


@dataclass(frozen=True)
class SentenceRow:
    doc_id: str
    start: int
    end: int
    key: str
    # Key of the text from the start of the sentence before this one in its paragraph to the end
    # of this one, embedded as the sentence's context; "" for a paragraph's first sentence.
    context_key: str = ""

    @property
    def identity(self) -> tuple[str, int, int]:
        return (self.doc_id, self.start, self.end)


@dataclass(frozen=True)
class IndexData:
    """Everything a build holds, in memory."""

    manifest: dict[str, Any]
    documents: dict[str, Document]
    chunks: tuple[Chunk, ...]
    chunk_keys: tuple[str, ...]
    chunk_vectors: np.ndarray
    sentences: tuple[SentenceRow, ...]
    sentence_vectors: np.ndarray
    # How generic each sentence is (qa.ingest.genericness), by sentence row.
    sentence_density: np.ndarray
    # One vector per sentence with a context_key, in sentence-row order.
    sentence_context_vectors: np.ndarray
    lexical: LexicalIndex
    # BM25 over the sentences, by sentence row: finds a terse bullet whose chunk neither
    # retriever ranks high (qa/answering/retrieve.py).
    sentence_lexical: LexicalIndex
    dense: Any  # faiss.Index over chunk_vectors
    # What the engine knows about this collection (its profile.toml when it was built).
    profile: Profile = field(default_factory=Profile)
    # Hard words and their definitions, quoted from the documents or glossary.toml (qa/glossary.py).
    glossary: tuple[GlossaryEntry, ...] = ()

    @cached_property
    def glossary_terms(self) -> Glossary:
        """The glossary's terms, to find in a reply's sentences."""
        return Glossary(self.glossary)

    @cached_property
    def sentence_row(self) -> dict[tuple[str, int, int], int]:
        """(doc id, start, end) -> row of the sentence vectors; built once per loaded index."""
        return {s.identity: i for i, s in enumerate(self.sentences)}

    @cached_property
    def sentence_context_row(self) -> np.ndarray:
        """Sentence row -> its row of sentence_context_vectors, or -1 when it has none."""
        out = np.full(len(self.sentences), -1, dtype=np.int64)
        has = [i for i, s in enumerate(self.sentences) if s.context_key]
        out[has] = np.arange(len(has))
        return out

    @cached_property
    def sentence_chunk(self) -> dict[int, int]:
        """Sentence row -> the row of the first chunk holding it; built once per loaded index."""
        out: dict[int, int] = {}
        rows = self.sentence_row
        for i, chunk in enumerate(self.chunks):
            for span in chunk.sentences:
                row = rows.get((chunk.doc_id, span.start, span.end))
                if row is not None:
                    out.setdefault(row, i)
        return out

    @cached_property
    def acronyms(self) -> dict[str, str]:
        """Abbreviations the documents define -> their long form, and drug brand names -> the
        generic name: what the encoder is told a question's short names mean."""
        return dict(self.profile.brands) | definitions(d.text for d in self.documents.values())

    @cached_property
    def abbreviations(self) -> Abbreviations:
        """`acronyms` as lexical terms; built once per loaded index."""
        return Abbreviations.of(self.acronyms, Terms())

    @cached_property
    def list_items(self) -> dict[tuple[str, int, int], tuple[Span, ...]]:
        """List-introducing sentence -> the bullet items after it; built once per loaded index."""
        return list_items(self.documents, set(self.sentence_row))

    @cached_property
    def layout(self) -> Layout:
        """Which sentence each sentence leans on (qa/layout.py); built once per loaded index."""
        return layout(self.documents, [s.identity for s in self.sentences])

    @cached_property
    def sentence_ends(self) -> tuple[int, ...]:
        """Sentence row -> its end offset."""
        return tuple(s.end for s in self.sentences)

    def sentence_text(self, row: int) -> str:
        """The text of sentence `row`, from its document's cleaned text."""
        s = self.sentences[row]
        return self.documents[s.doc_id].text[s.start : s.end]

