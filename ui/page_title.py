"""A `<title>` in every HTML page the app serves (WCAG 2.4.2, "Page Titled").

Gradio's page sets its title from the app's configuration by script, but its login page gets
no configuration before the login, so the staff login had no title at all. This middleware
puts a title in any HTML page that has none, before the page's own script can set a better one.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class PageTitles:
    """ASGI middleware: `titles` maps a path prefix to the title of the pages under it, the
    longest prefix first; a page's own `<title>` is kept."""

    def __init__(self, app: ASGIApp, titles: Sequence[tuple[str, str]]) -> None:
        self.app = app
        self.titles = sorted(titles, key=lambda t: len(t[0]), reverse=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        path, root = scope.get("path", ""), scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]  # served under a proxy path (QA_ROOT_PATH)
        title = next((t for prefix, t in self.titles if path.startswith(prefix)), None)
        if title is None:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _Titling(send, title).send)


class _Titling:
    """Holds back an HTML response until its body is whole, then adds the title."""

    def __init__(self, send: Send, title: str) -> None:
        self._send = send
        self._tag = f"<title>{html.escape(title)}</title>".encode()
        self._start: Message | None = None
        self._body: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if _is_html(message):
                self._start = message
                return
        elif message["type"] == "http.response.body" and self._start is not None:
            self._body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._flush()
            return
        await self._send(message)

    async def _flush(self) -> None:
        assert self._start is not None
        body = b"".join(self._body)
        if b"<title" not in body.lower():
            body = body.replace(b"<head>", b"<head>" + self._tag, 1)
        headers = [
            (k, v) for k, v in self._start.get("headers", []) if k.lower() != b"content-length"
        ]
        headers.append((b"content-length", str(len(body)).encode()))
        await self._send({**self._start, "headers": headers})
        await self._send({"type": "http.response.body", "body": body})


def _is_html(start: Message) -> bool:
    for key, value in start.get("headers", []):
        if key.lower() == b"content-type":
            return bool(value.lower().startswith(b"text/html"))
    return False
