"""Hard words in a reply, each a disclosure that opens its definition, quoted and cited; and
the Glossary tab's list of every term.

A term is a `<details>` element inside the sentence: its `<summary>` is a native control that
a keyboard opens with Enter or Space, a finger with a tap, and a screen reader announces as
collapsed or expanded, with no script. Only the first place a term appears in a reply becomes
one, at most MAX_TERMS per reply, and never a term whose definition is the very sentence quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.glossary import Glossary, GlossaryEntry
from qa.types import AnswerSentence, Citation
from ui.render_text import esc

MAX_TERMS = 5


def source_line(entry: GlossaryEntry) -> str:
    """"Title, Publisher (dates)", and the address for a glossary-file entry."""
    dates = f" ({esc(entry.dates)})" if entry.dates else ""
    where = f" {esc(entry.url)}" if entry.url else ""
    return f"{esc(entry.source_title)}, {esc(entry.publisher)}{dates}{where}"


def term_html(shown: str, entry: GlossaryEntry) -> str:
    """`shown` (the words as the sentence has them) as a control opening `entry`'s definition."""
    return (
        # The hint is text, not an aria-label, which the chat's sanitizer removes.
        f'<details class="qa-term"><summary>{esc(shown)}'
        '<span class="qa-term-hint">: what it means</span></summary>'
        f'<span class="qa-term-def"><q>{esc(entry.quote)}</q> '
        f'<cite class="qa-term-source">— {source_line(entry)}</cite></span></details>'
    )


class TermMarker:
    """Marks the terms of one reply's sentences, remembering which it has marked already."""

    def __init__(self, glossary: Glossary | None, citations: Sequence[Citation]) -> None:
        self.glossary = glossary
        self.sources = {c.n: c.source_id for c in citations}
        self.marked: set[str] = set()

    def html(self, sentence: AnswerSentence) -> str:
        """The sentence's text, escaped, with its not yet marked terms as controls."""
        text = sentence.text
        if self.glossary is None:
            return esc(text)
        source = self.sources.get(sentence.citation, "")
        out, at = [], 0
        for start, end, entry in self.glossary.find(text):
            if (
                len(self.marked) >= MAX_TERMS
                or entry.term in self.marked
                or _defines_itself(entry, source, sentence)
            ):
                continue
            self.marked.add(entry.term)
            out.append(esc(text[at:start]) + term_html(text[start:end], entry))
            at = end
        return "".join(out) + esc(text[at:])


def _defines_itself(entry: GlossaryEntry, source: str, sentence: AnswerSentence) -> bool:
    """Whether the quoted sentence is (part of) the term's own definition."""
    return entry.doc_id == source and entry.start < sentence.end and sentence.start < entry.end


def glossary_html(glossary: Glossary) -> str:
    """Every term, A to Z, with its quoted definition and source."""
    if not glossary.entries:
        return "<p>The documents define no terms yet.</p>"
    rows = "".join(
        f'<div class="qa-gloss-entry"><dt>{esc(e.term)}</dt><dd><q>{esc(e.quote)}</q>'
        f'<br><cite class="qa-term-source">— {source_line(e)}</cite></dd></div>'
        for e in glossary.entries
    )
    return (
        f"<p>{len(glossary.entries)} words the documents use, each with what a source says it "
        f'means, word for word.</p><dl class="qa-glossary">{rows}</dl>'
    )
