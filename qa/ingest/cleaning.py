"""Remove site furniture and the original pages' reference markers from raw blocks.

Everything here is a general rule about web pages (banners, promos, widgets, reference lists);
furniture that only one site uses is listed in `sources/catalog.toml` (`furniture = [...]`).

A general pattern is a guess about pages nobody here has read, so it never takes prose with it:
it removes a whole block only when the block is not prose, and from a prose block only the
sentences it matches (see `_without_furniture`). A catalog pattern is a curator's statement about
one document's blocks and removes the whole block it matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qa.text import sentence_spans, squash_spaces, word_count
from qa.types import BlockKind, RawBlock

_I = re.IGNORECASE

# Page furniture, never medical content: a block (or, inside prose, a sentence) that one of
# these matches goes.
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
# What is left of a block once a general furniture pattern's sentences are out is prose, and
# stays, when it holds at least this many full sentences (terminal punctuation and at least
# `_SENTENCE_MIN_WORDS` words). Two, because real banners and widgets are one line of site talk
# around their furniture ("Which best describes you? Your choice helps us use language …",
# "… masks are OPTIONAL. However, we ask that … wear a mask. Thank you!"), while a paragraph
# of content that carries a "Click here" line still says something after it goes ("How is
# this condition inherited? It is inherited in an X-linked fashion."). One full sentence
# beside a furniture sentence is read as that furniture's own wording.
_PROSE_MIN_SENTENCES = 2
_SENTENCE_MIN_WORDS = 3  # "Thank you!" and "Yes." are not sentences of content
_FULL_STOP = re.compile(r"[.!?][\"'”’)\]]*$")


def clean_blocks(blocks: Sequence[RawBlock], extra_furniture: Iterable[str] = ()) -> list[RawBlock]:
    """Return the blocks that are medical content, with reference markers removed."""
    extra = tuple(re.compile(p, _I) for p in extra_furniture)
    kept = [
        RawBlock(b.kind, text, b.level)
        for b in blocks
        if (text := _without_furniture(squash_spaces(b.text), extra))
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


def removed_share(raw: Sequence[RawBlock], cleaned: Sequence[RawBlock]) -> float:
    """Share of the raw blocks' text that cleaning removed: 1 - kept / raw, counted in
    non-space characters (squashing spaces removes nothing); 0.0 for no text at all."""
    before = sum(_visible_chars(b.text) for b in raw)
    after = sum(_visible_chars(b.text) for b in cleaned)
    return max(0.0, 1.0 - after / before) if before else 0.0


def _visible_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _without_furniture(text: str, extra: tuple[re.Pattern[str], ...]) -> str:
    """The block's text without its furniture; "" when the whole block is furniture.

    The catalog's patterns and the shape of a bibliography entry take the whole block. A
    general pattern that matches the block takes the sentences it matches; the rest stays
    when it is prose (`_is_prose`) and goes with them when it is not. A block the pattern
    matches only across sentences keeps every sentence, so it stays exactly when it is prose.
    """
    if not text or REFERENCE_ENTRY.match(text) or any(p.search(text) for p in extra):
        return ""
    if not any(p.search(text) for p in FURNITURE_BLOCKS):
        return text
    # "….[1] Next" is no sentence end until its marker goes (markers go later anyway).
    text = _strip_inline_markers(text)
    rest = [
        text[s:e]
        for s, e in sentence_spans(text)
        if not any(p.search(text[s:e]) for p in FURNITURE_BLOCKS)
    ]
    return " ".join(rest) if _is_prose(rest) else ""


def _is_prose(sentences: Sequence[str]) -> bool:
    full = [s for s in sentences if _FULL_STOP.search(s) and word_count(s) >= _SENTENCE_MIN_WORDS]
    return len(full) >= _PROSE_MIN_SENTENCES


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
    text = _strip_inline_markers(text)
    if trailing_style:
        text = _TRAILING_MARKER.sub("", text)
    return squash_spaces(text)


def _strip_inline_markers(text: str) -> str:
    """Remove "[1]" and "….1" markers: unlike " 1" markers they need no look at the others."""
    return squash_spaces(_GLUED_MARKER.sub("", _BRACKET_MARKERS.sub("", text)))


def _drop_furniture_sentences(text: str) -> str:
    parts = [
        text[s:e]
        for s, e in sentence_spans(text)
        if not any(p.search(text[s:e]) for p in FURNITURE_SENTENCES)
    ]
    return " ".join(parts)
