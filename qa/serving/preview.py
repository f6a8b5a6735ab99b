"""What indexing a document would make of it, before staff rebuild: each block of the file kept,
changed or removed as site furniture, and the chunks the cleaned text is cut into."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from qa.config import Settings
from qa.encoder.base import Embedder
from qa.ingest.chunking import chunk_document, window_check
from qa.ingest.cleaning import clean_blocks
from qa.ingest.sources import load_document, read_raw_blocks
from qa.ingest.tokens import count_tokens
from qa.types import Chunk, Document, DocumentMeta


@dataclass(frozen=True)
class PreviewLine:
    text: str
    removed: bool  # dropped or rewritten by cleaning (shown struck through)


@dataclass(frozen=True)
class Preview:
    document: Document
    lines: tuple[PreviewLine, ...]
    chunks: tuple[Chunk, ...]


def preview(
    path: Path, meta: DocumentMeta | None, settings: Settings, embedder: Embedder
) -> Preview:
    """The document at `path` read, cleaned and chunked as `qa index` would."""
    document = load_document(path, meta)
    blocks = read_raw_blocks(path)
    raw = [b.text for b in blocks]
    kept = [b.text for b in clean_blocks(blocks, document.meta.extra_furniture)]
    lines: list[PreviewLine] = []
    matcher = difflib.SequenceMatcher(a=raw, b=kept, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            lines += [PreviewLine(t, False) for t in raw[a0:a1]]
            continue
        lines += [PreviewLine(t, True) for t in raw[a0:a1]]  # as written, struck through
        lines += [PreviewLine(t, False) for t in kept[b0:b1]]  # what cleaning kept of it
    chunks = chunk_document(
        document,
        settings.ingest.chunk_max_tokens,
        settings.ingest.chunk_overlap_sentences,
        count_tokens,
        window_check(embedder),
    )
    return Preview(document, tuple(lines), tuple(chunks))
