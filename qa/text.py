"""Text primitives shared by cleaning, chunking and answering: normalisation, sentences, terms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Zero-width, bidi controls and other format characters: invisible, and a way to smuggle text.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Pictographs used as decoration (⚠️, 🎯 …); ®, ©, ×, ≤ and other symbols are kept.
_EMOJI = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff\u2b00-\u2bff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalise(text: str) -> str:
    """NFKC, invisible/control characters and decorative pictographs removed, lines kept."""
    text = _SURROGATE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    # Any other format character (tag characters, Arabic letter mark …) is invisible too.
    text = "".join(ch for ch in text if ch in "\n" or unicodedata.category(ch) != "Cf")
    return _EMOJI.sub("", text)


def squash_spaces(line: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", line).strip()


# Abbreviations that end with a period but do not end a sentence.
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "dr",
    "mr",
    "mrs",
    "ms",
    "vs",
    "etc",
    "approx",
    "fig",
    "no",
    "st",
    "jr",
    "sr",
    "al",
    "inc",
    "ltd",
    "co",
    "mt",
    "u.s",
    "ph.d",
    "m.d",
    "min",
    "max",
    "ca",
}
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield `(start, end)` of each sentence in one paragraph, trimmed of surrounding spaces."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        before = text[start : match.start()]
        last_word = before.rsplit(" ", 1)[-1].lower().lstrip("([{\"'“‘") if before else ""
        after = text[end:].lstrip()
        if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
            continue
        # A lower-case next word means the period was not a sentence end ("approx. ten").
        if after and after[0].islower():
            continue
        yield from _trimmed(text, start, end)
        start = end
    if start < len(text):
        yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-']*")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def paragraph_gap_start(text: str, start: int) -> int:
    """Where the spaces and tabs right before offset `start` begin: a sentence of the same
    paragraph ending exactly there is the one before the sentence at `start`. A line break
    ends a paragraph or a bullet."""
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return start


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """`text` safe to open in a spreadsheet: a formula-like start is quoted with an apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
