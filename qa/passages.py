"""Passages longer than a sentence that still answer as one unit: a sentence that introduces a
list ("The drugs used include:") with the bullet items after it; a sentence with the one before
it in its paragraph."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping

from qa.text import paragraph_gap_start
from qa.types import BlockKind, Document, Span

SentenceKey = tuple[str, int, int]


def list_items(
    documents: Mapping[str, Document], sentences: set[SentenceKey]
) -> dict[SentenceKey, tuple[Span, ...]]:
    """Map each list-introducing sentence to the bullet items right after its block.

    The introducing sentence is the last sentence of a paragraph or bullet block ending with ":";
    the items are the indexed sentences inside the bullet blocks that follow it without a
    heading or paragraph in between. On its own such a sentence says nothing ("The team must
    weigh:") and its items are often fragments ("Patient preferences"); together they answer.
    """
    out: dict[SentenceKey, tuple[Span, ...]] = {}
    by_doc: dict[str, list[SentenceKey]] = {}
    for key in sorted(sentences):
        by_doc.setdefault(key[0], []).append(key)
    for doc_id, keys in by_doc.items():
        doc = documents.get(doc_id)
        if doc is None:
            continue
        ending_at = {end: (start, end) for _, start, end in keys}
        starts = [start for _, start, _ in keys]
        blocks = doc.blocks
        for i, block in enumerate(blocks):
            intro = ending_at.get(block.end)
            if (
                intro is None
                or block.kind is BlockKind.HEADING
                or not doc.text[block.start : block.end].endswith(":")
            ):
                continue
            items: list[Span] = []
            for follower in blocks[i + 1 :]:
                if follower.kind is not BlockKind.BULLET:
                    break
                j = bisect_left(starts, follower.start)
                while j < len(keys) and keys[j][2] <= follower.end:
                    items.append(Span(keys[j][1], keys[j][2]))
                    j += 1
            if items:
                out[(doc_id, *intro)] = tuple(items)
    return out


def paragraph_predecessors(
    documents: Mapping[str, Document], sentences: Iterable[SentenceKey]
) -> dict[SentenceKey, int]:
    """Map each sentence with another of `sentences` right before it in its paragraph (only
    spaces between the two) to that one's start."""
    keys = list(sentences)
    start_ending = {(doc_id, end): start for doc_id, start, end in keys}
    out: dict[SentenceKey, int] = {}
    for key in keys:
        doc_id, start, _ = key
        before = start_ending.get((doc_id, paragraph_gap_start(documents[doc_id].text, start)))
        if before is not None:
            out[key] = before
    return out
