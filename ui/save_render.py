"""A conversation as a standalone, printable HTML page to take to an appointment: the questions,
the replies with their sources (opened), the disclaimer, and an empty section for the patient's
own questions. Built from the chat's own escaped HTML; the page has no script and loads
nothing, and nothing of it is kept on the server."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Sequence

from qa.safety.messages import DISCLAIMER
from ui.render_text import esc
from ui.style import CSS

# The saved page opens every source and every hard word's definition (a printed <details>
# would show only its summary).
_CLOSED = re.compile(r'<details class="(qa-cite|qa-term)">')
_OPEN = r'<details class="\1" open>'
_PRINT = """
body { font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
  color: #1c1917; line-height: 1.45; }
.qa-saved-turn { border-top: 1px solid #d6d3d1; padding-top: 0.6em; margin-top: 1em;
  break-inside: avoid-page; }
.qa-saved-q { font-weight: 700; }
.qa-saved-mine { border: 1px solid #78716c; min-height: 12em; padding: 0.5em;
  background: repeating-linear-gradient(transparent, transparent 1.9em, #d6d3d1 2em); }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""
MINE = "Questions for my care team"


def saved_file_name(now: float) -> str:
    return time.strftime("my-answers-%Y-%m-%d.html", time.localtime(now))


def conversation_html(
    messages: Sequence[dict[str, str]], title: str, now: float | None = None
) -> str:
    """The saved page. `messages` are the chat's own (user and assistant HTML, alternating)."""
    now = time.time() if now is None else now
    turns = "".join(
        f'<section class="qa-saved-turn">{_opened(m["content"])}</section>'
        if m["role"] == "assistant"
        else f'<p class="qa-saved-q">You asked:</p>{m["content"]}'
        for m in messages
    )
    when = time.strftime("%d %B %Y, %H:%M", time.localtime(now))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}: my answers</title>"
        f"<style>{CSS}{_PRINT}</style></head><body>"
        f"<h1>{esc(title)}</h1><p>Saved {esc(when)}. Every answer is quoted word for word "
        "from the sources named under it.</p>"
        f'<p class="qa-banner"><strong>Please note:</strong> {esc(DISCLAIMER)}</p>'
        f"{turns or '<p>No questions asked yet.</p>'}"
        f'<h2>{MINE}</h2><p>Write here, or print this page and write on it.</p>'
        '<div class="qa-saved-mine" contenteditable="true" role="textbox" aria-multiline="true" '
        f'aria-label="{MINE}"></div></body></html>'
    )


def _opened(reply: str) -> str:
    return _CLOSED.sub(_OPEN, reply)


def download_link_html(page: str, name: str) -> str:
    data = base64.b64encode(page.encode("utf-8")).decode("ascii")
    return (
        f'<p id="qa-save-status"><a id="qa-save-download" download="{esc(name)}" '
        f'href="data:text/html;charset=utf-8;base64,{data}">Download {esc(name)}</a> '
        "(open it in your browser to read or print it; nothing is kept on our server).</p>"
    )
