"""Outside text made safe to show as HTML: every renderer escapes through here."""

from __future__ import annotations

import html


def esc(text: str) -> str:
    """HTML-escaped text with line breaks as <br> (and no blank lines)."""
    return html.escape(text, quote=True).replace("\r", "").replace("\n", "<br>")
