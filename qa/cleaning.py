"""Remove site furniture and the original pages' reference markers from raw blocks.

Everything here is a general rule about web pages (banners, promos, widgets, reference lists);
furniture that only one site uses is listed in `sources/catalog.toml` (`furniture = [...]`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qa.text import sentence_spans, squash_spaces, word_count
from qa.types import BlockKind, RawBlock

_I = re.IGNORECASE

# Whole blocks that are page furniture, never medical content.
FURNITURE_BLOCKS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _I)
    for p in (
        r"\bmasks?\b.*\b(are optional|visitor policy|mask policy)\b",  # visitor/mask policy banners
        r"^(read|learn|find out) more\b",  # promo links
        r"^go back$",
        r"^you are here:?$",  # breadcrumbs
        r"^last medical review:?$",
        r"^last updated:",  # review widgets (the date lives in the catalog)
        r"editorial policy",
        r"^personali[sz]e$",
        r"tailor your experience",
        r"which best describes you",
        r"^article review status$",
        r"^(submitted|under review|approved|pending review)$",
        r"reviewed for accuracy by our",
        r"pending human review|educational purpose only",
        r"^have a (follow-up|follow up) question\??$",
        r"ask any follow.?up question",  # chatbot upsells
        r"copyright|©|all rights reserved",
        r"\bicon$",
        r"^\S*https?://\S+$",  # bare URLs
        r"^[\d\s.,]+$",  # counters and widget digits
        r"^(share|print|email|tweet)( this( page)?)?$",
        r"click here",
    )
)

# A numbered bibliography entry: "1 Alsina J, Choti MA. …".
REFERENCE_ENTRY = re.compile(r"^\d{1,3}\.?\s+[A-Z][A-Za-z'\-]+\s+[A-Z]{1,3}[,.]")

# Headings whose whole section is furniture (reference lists, publisher disclaimers, widgets).
DROP_SECTION = re.compile(
    r"^(references|sources|bibliography|citations|expert review( and references)?"
    r"|(professional )?medical disclaimer|disclaimer|ongoing clinical trials\b.*"
    r"|related (articles|links|resources))$",
    _I,
)

# Sentences inside a paragraph that only point elsewhere on the site.
FURNITURE_SENTENCES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^(find out|learn|read) more\b", _I),
    re.compile(r"^for more (information|about)\b.*\b(go to|click|visit)\b", _I),
)

_BRACKET_MARKERS = re.compile(r"\s*\[\d+(?:\s*[-–,]\s*\d+)*\](?:\[\d+(?:\s*[-–,]\s*\d+)*\])*")
_GLUED_MARKER = re.compile(r"(?<=[a-z)][.!?])\d{1,2}(?=\s|$)")
# A trailing " 1" is a marker unless the word before it is one a number belongs to ("stage 4").
_TRAILING_MARKER = re.compile(
    r"(?<!\bstage)(?<!\bgrade)(?<!\bphase)(?<!\btype)(?<!\blevel)(?<!\bstep)(?<!\bday)"
    r"(?<!\bweek)(?<!\bcycle)(?<!\bline)(?<!\bpart)(?<!\bclass)(?<!\bgroup)(?<!\barm)"
    r"\s\d{1,2}$",
    re.IGNORECASE,
)
_SENTENCE_THEN_MARKER = re.compile(r"[.!?]\s\d{1,2}$")
# A document uses " 1"-style trailing markers when at least this many blocks end that way.
_TRAILING_STYLE_MIN_BLOCKS = 3
# A paragraph that ends a dropped section: real prose, not a title or a citation line.
_CONTENT_MIN_WORDS = 10


def clean_blocks(blocks: Sequence[RawBlock], extra_furniture: Iterable[str] = ()) -> list[RawBlock]:
    """Return the blocks that are medical content, with reference markers removed."""
    extra = tuple(re.compile(p, _I) for p in extra_furniture)
    kept = [
        b
        for b in (RawBlock(b.kind, squash_spaces(b.text), b.level) for b in blocks)
        if b.text and not _is_furniture(b.text, extra)
    ]
    kept = _drop_furniture_sections(kept)
    trailing_style = (
        sum(1 for b in kept if _SENTENCE_THEN_MARKER.search(b.text)) >= _TRAILING_STYLE_MIN_BLOCKS
    )
    cleaned = []
    for b in kept:
        text = _strip_markers(b.text, trailing_style and b.kind is not BlockKind.HEADING)
        if b.kind is not BlockKind.HEADING:
            text = _drop_furniture_sentences(text)
        if text:
            cleaned.append(RawBlock(b.kind, text, b.level))
    return cleaned


def _is_furniture(text: str, extra: tuple[re.Pattern[str], ...]) -> bool:
    return (
        any(p.search(text) for p in FURNITURE_BLOCKS + extra)
        or REFERENCE_ENTRY.match(text) is not None
    )


def _is_content(block: RawBlock) -> bool:
    return (
        block.kind is BlockKind.PARAGRAPH
        and word_count(block.text) >= _CONTENT_MIN_WORDS
        and block.text.rstrip()[-1:] in ".!?"
    )


def _drop_furniture_sections(blocks: list[RawBlock]) -> list[RawBlock]:
    """Drop a furniture section up to the next run of headings that introduces real prose."""
    out: list[RawBlock] = []
    dropping = False
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind is BlockKind.HEADING and DROP_SECTION.match(b.text):
            dropping = True
        elif dropping and b.kind is BlockKind.HEADING:
            j = i
            while j < len(blocks) and blocks[j].kind is BlockKind.HEADING:
                j += 1
            run = blocks[i:j]
            if (
                j < len(blocks)
                and _is_content(blocks[j])
                and not any(DROP_SECTION.match(h.text) for h in run)
            ):
                dropping = False
                out.append(b)
        elif not dropping:
            out.append(b)
        i += 1
    return out


def _strip_markers(text: str, trailing_style: bool) -> str:
    text = _BRACKET_MARKERS.sub("", text)
    text = _GLUED_MARKER.sub("", text)
    if trailing_style:
        text = _TRAILING_MARKER.sub("", text)
    return squash_spaces(text)


def _drop_furniture_sentences(text: str) -> str:
    parts = [
        text[s:e]
        for s, e in sentence_spans(text)
        if not any(p.search(text[s:e]) for p in FURNITURE_SENTENCES)
    ]
    return " ".join(parts)
