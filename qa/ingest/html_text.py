"""HTML to blocks with the standard library: scripts, styles and navigation are dropped."""

from __future__ import annotations

from html.parser import HTMLParser

from qa.text import squash_spaces
from qa.types import BlockKind, RawBlock

# Elements whose content is never document text.
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "svg",
    "iframe",
    "object",
    "head",
}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_BREAKS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "table",
    "tr",
    "td",
    "th",
    "dd",
    "dt",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "br",
    "figcaption",
    "caption",
    "li",
    *_HEADINGS,
}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[RawBlock] = []
        self._skip_stack: list[str] = []
        self._buffer: list[str] = []
        self._kind = BlockKind.PARAGRAPH
        self._level = 0

    def _flush(self) -> None:
        text = squash_spaces("".join(self._buffer).replace("\n", " "))
        self._buffer.clear()
        if text:
            self.blocks.append(RawBlock(self._kind, text, self._level))
            # A <li> or <h2> keeps its kind through inner <p>/<div> until its text is out.
            self._kind, self._level = BlockKind.PARAGRAPH, 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = any(k == "hidden" or (k == "aria-hidden" and v == "true") for k, v in attrs)
        role_nav = any(
            k == "role" and v in {"navigation", "banner", "contentinfo"} for k, v in attrs
        )
        if self._skip_stack or tag in _SKIP or hidden or role_nav:
            if tag not in _VOID:
                self._skip_stack.append(tag)
            return
        if tag in _BREAKS:
            self._flush()
        if tag in _HEADINGS:
            self._kind, self._level = BlockKind.HEADING, _HEADINGS[tag]
        elif tag == "li":
            self._kind = BlockKind.BULLET

    def handle_endtag(self, tag: str) -> None:
        if self._skip_stack:
            if tag in self._skip_stack:
                while self._skip_stack and self._skip_stack.pop() != tag:
                    pass
            return
        if tag in _BREAKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_stack:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(text: str) -> list[RawBlock]:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.blocks
