"""How each indexed sentence leans on the text around it, so that an answer never quotes it
alone: a list item on the sentence that introduces its list ("Side effects may include:") or,
in a list no sentence introduces, an item that is no whole sentence on the list's first item;
and a sentence opening with a back-reference ("These drugs …", "However, …") on the sentence
before it.
Built once per loaded index from the documents' blocks; general English, for any collection."""

from __future__ import annotations

import functools
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.types import BlockKind, Document

_DISCOURSE = Path(__file__).with_name("discourse.toml")


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = tomllib.loads(_DISCOURSE.read_text(encoding="utf-8"))

    def alternatives(words: list[str]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1])

    back = re.compile(rf"[\"'“‘(]?(?:{alternatives(data['back_reference'])})\b", re.IGNORECASE)
    forward = re.compile(rf"\b(?:{alternatives(data['forward_reference'])})\b", re.IGNORECASE)
    determiner = re.compile(
        rf"\b(?:{alternatives(data['back_reference_determiner'])})\s+[a-z]", re.IGNORECASE
    )
    return back, forward, determiner


def refers_back(sentence: str) -> bool:
    """Whether `sentence` points back to the sentence before it: it opens with a word that
    does ("These …", "However, …"), or has a demonstrative before a noun ("during this time")."""
    back, _, determiner = _patterns()
    return back.match(sentence) is not None or determiner.search(sentence) is not None


def introduces(sentence: str) -> bool:
    """Whether `sentence` introduces what follows it: it ends with ":" or says "the following"."""
    text = sentence.rstrip()
    if text.endswith(":"):
        return True
    return "follow" in text.lower() and _patterns()[1].search(text) is not None


@dataclass(frozen=True)
class Layout:
    """Per sentence row (IndexData.sentences): the row of the sentence it leans on, or -1; and
    each document's rows in reading order, with the break before each (a heading between two
    sentences means they are in different sections)."""

    leans_on: tuple[int, ...]
    is_item: tuple[bool, ...]
    # doc id -> its sentence rows in document order
    order: Mapping[str, tuple[int, ...]]
    # row -> its position in order[doc]
    position: tuple[int, ...]
    # row -> the index of its section within its document (sentences of one section share it)
    section: tuple[int, ...]
    # doc id -> the start offset of each of order[doc]'s sentences
    starts: Mapping[str, tuple[int, ...]]

    def rows_within(self, doc_id: str, start: int, end: int, ends: Sequence[int]) -> list[int]:
        """The rows of `doc_id` whose sentence lies inside [start, end); `ends`: each row's end."""
        rows = self.order.get(doc_id, ())
        at = bisect_left(self.starts[doc_id], start)
        out = []
        while at < len(rows) and ends[rows[at]] <= end:
            out.append(rows[at])
            at += 1
        return out

    def neighbour(self, row: int, doc_id: str, step: int) -> int:
        """The row `step` sentences after `row` (before, if negative) in the same section, or -1."""
        rows = self.order[doc_id]
        at = self.position[row] + step
        if not 0 <= at < len(rows) or self.section[rows[at]] != self.section[row]:
            return -1
        return rows[at]


def layout(
    documents: Mapping[str, Document], sentences: Sequence[tuple[str, int, int]]
) -> Layout:
    """The Layout of `sentences` ((doc id, start, end), by row)."""
    n = len(sentences)
    leans = [-1] * n
    items = [False] * n
    position = [0] * n
    section = [0] * n
    order: dict[str, tuple[int, ...]] = {}
    by_doc: dict[str, list[int]] = {}
    for row, (doc_id, _, _) in enumerate(sentences):
        by_doc.setdefault(doc_id, []).append(row)
    for doc_id, rows in by_doc.items():
        doc = documents[doc_id]
        rows.sort(key=lambda r: sentences[r][1])
        order[doc_id] = tuple(rows)
        block_starts = [b.start for b in doc.blocks]
        block_of = [max(bisect_right(block_starts, sentences[r][1]) - 1, 0) for r in rows]
        heading_count = _headings_before(doc)
        last_in_block: dict[int, int] = {}
        for at, (row, b) in enumerate(zip(rows, block_of, strict=True)):
            position[row] = at
            section[row] = heading_count[b] if heading_count else 0
            last_in_block[b] = row
        for at, (row, b) in enumerate(zip(rows, block_of, strict=True)):
            _, start, end = sentences[row]
            block = doc.blocks[b] if doc.blocks else None
            before = rows[at - 1] if at and section[rows[at - 1]] == section[row] else -1
            if block is not None and block.kind is BlockKind.BULLET:
                items[row] = True
                first_in_block = at == 0 or block_of[at - 1] != b
                if first_in_block:
                    leans[row] = _lead_in(doc, b, last_in_block, sentences)
                    if leans[row] < 0 and not _whole_sentence(doc.text[start:end]):
                        leans[row] = _first_item(doc, b, rows, block_of, row)
                    continue
            if before >= 0 and refers_back(doc.text[start:end]):
                leans[row] = before
    starts = {d: tuple(sentences[r][1] for r in rows) for d, rows in order.items()}
    return Layout(tuple(leans), tuple(items), order, tuple(position), tuple(section), starts)


def _whole_sentence(text: str) -> bool:
    """Whether `text` ends as a sentence does (".", "!" or "?", perhaps before a closing quote
    or bracket); a list item that does not is a phrase continuing its list's subject."""
    return _SENTENCE_END.search(text) is not None


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")


def _first_item(
    doc: Document, b: int, rows: Sequence[int], block_of: Sequence[int], row: int
) -> int:
    """The first sentence of the list that bullet block `b` is in, when that is not `row`
    itself: with no sentence introducing the list (it follows a heading), its first item names
    what the others go on about ("Medications such as … that attack …", then "Generally cause
    different side effects …")."""
    first = b
    while first > 0 and doc.blocks[first - 1].kind is BlockKind.BULLET:
        first -= 1
    at = bisect_left(block_of, first)
    return rows[at] if at < len(rows) and rows[at] != row and block_of[at] < b else -1


def _headings_before(doc: Document) -> list[int]:
    """Per block, how many headings come before it or are it: its section's number."""
    out, count = [], 0
    for block in doc.blocks:
        count += block.kind is BlockKind.HEADING
        out.append(count)
    return out


def _lead_in(
    doc: Document,
    b: int,
    last_in_block: Mapping[int, int],
    sentences: Sequence[tuple[str, int, int]],
) -> int:
    """The sentence introducing the list that bullet block `b` is in: walking back over the
    list's other items, the first block ending with ":" (a nested list's lead-in may itself be
    an item); -1 when the list follows a heading or a paragraph that does not introduce it."""
    for i in range(b - 1, -1, -1):
        block = doc.blocks[i]
        if block.kind is BlockKind.HEADING:
            return -1
        row = last_in_block.get(i, -1)
        if row >= 0 and introduces(doc.text[sentences[row][1] : sentences[row][2]]):
            return row
        if block.kind is not BlockKind.BULLET:
            return -1
    return -1
