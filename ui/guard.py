"""The web server's guard: one ASGI middleware in front of both Gradio apps.

Everything a request could abuse is decided here, before Gradio parses it or queues it:
- the Host header must be one the server answers to (DNS rebinding);
- the client is the socket's peer; X-Forwarded-For counts only from QA_TRUSTED_PROXIES, and
  forwarded headers from anyone else are dropped before Gradio sees them;
- the staff app without a login serves only a browser on this machine: a loopback peer, a
  loopback Host and no proxy in between, never decided by headers alone;
- request bodies are capped (QA_MAX_REQUEST_BYTES) and read before the app runs;
- routes an app does not need are refused (uploads, the patient app's files, private or unknown
  endpoints called by name: a 404, not a traceback);
- questions over the rate limit are refused before they take a queue slot;
- failed staff logins are throttled per client;
- every response carries the security headers, and cross-origin requests get no CORS grant.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from qa.serving.ratelimit import RATE_LIMITED_MESSAGE, FailureThrottle, RateLimiter
from ui.policy import (
    FORWARDED_HEADERS,
    HEALTH_PATH,
    LOGIN_ROUTE,
    LOOPBACK_NAMES,
    UPLOADS,
    HostPolicy,
    Network,
    RoutePolicy,
    client_address,
    host_name,
    is_loopback,
    is_trusted,
)

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Gradio's page needs inline scripts and styles, and its HTML component compiles its template
# with `new Function` ('unsafe-eval'); everything else comes from this server alone, and no
# page may frame it. Every outside text is escaped before it reaches the page (ui/render.py).
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
_CORS = b"access-control-"
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Room for an upload's multipart headers around the file itself.
_MULTIPART_SLACK = 64 * 1024
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Mount:
    """One Gradio app as the guard sees it."""

    prefix: str  # "" for the app at "/", or e.g. "/staff"
    routes: RoutePolicy
    loopback_only: bool = False  # the staff app without a login
    questions: RateLimiter | None = None
    logins: FailureThrottle | None = None

    def owns(self, path: str) -> bool:
        return not self.prefix or path == self.prefix or path.startswith(self.prefix + "/")


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        mounts: Sequence[Mount],
        hosts: HostPolicy,
        proxies: Sequence[Network],
        max_body_bytes: int,
    ) -> None:
        self.app = app
        # Longest prefix first: "/staff" before "".
        self.mounts = sorted(mounts, key=lambda m: len(m.prefix), reverse=True)
        self.hosts = hosts
        self.proxies = tuple(proxies)
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        method = scope.get("method", "GET")
        path = _route_path(scope)
        health = path == HEALTH_PATH and method in ("GET", "HEAD")
        if not health and not self.hosts.allows(headers.get(b"host", "")):
            await self._refuse(scope, send, 400, "unknown host name; set QA_ALLOWED_HOSTS")
            return
        peer, port = (scope.get("client") or ("", 0))[:2]
        trusted = is_trusted(peer, self.proxies)
        client = client_address(peer, headers.get(b"x-forwarded-for", ""), self.proxies)
        scope = dict(scope, client=(client, port))
        if not trusted:  # nobody else's forwarded headers reach Gradio's URL building
            scope["headers"] = [
                (k, v) for k, v in scope.get("headers", []) if k.lower() not in FORWARDED_HEADERS
            ]
        mount = next(m for m in self.mounts if m.owns(path)) if self.mounts else None
        if mount is None:
            await self.app(scope, receive, send)
            return
        if mount.loopback_only and not _on_this_machine(peer, headers):
            await self._refuse(
                scope, send, 403,
                "staff review without a login is for this machine only; set QA_STAFF_USER "
                "and QA_STAFF_PASSWORD",
            )
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        origin = headers.get(b"origin", "")
        foreign = bool(origin) and not _same_origin(origin, headers.get(b"host", ""), self.hosts)
        if foreign and method not in _SAFE:
            await self._refuse(scope, send, 403, "cross-origin requests are not accepted")
            return
        relative = path[len(mount.prefix):] or "/"
        why = mount.routes.refusal(relative)
        if why:
            await self._refuse(scope, send, 404, why)
            return
        if method in _WITH_BODY:
            upload = mount.routes.upload_bytes and UPLOADS.search(relative)
            limit = mount.routes.upload_bytes + _MULTIPART_SLACK if upload else self.max_body
            body = await _read_body(receive, headers, limit)
            if body is None:
                what = "file too large" if upload else "request too large"
                await self._refuse(scope, send, 413, f"{what} (limit {limit} bytes)")
                return
            receive = _replay(body, receive)
        if (
            mount.questions is not None
            and method == "POST"
            and RoutePolicy.takes_question(relative)
            and not mount.questions.allow(client)
        ):
            await self._refuse(scope, send, 429, RATE_LIMITED_MESSAGE, quiet=True)
            return
        send = _with_headers(send, strip_cors=foreign)
        if mount.logins is not None and method == "POST" and LOGIN_ROUTE.match(relative):
            await self._login(mount.logins, client, scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _login(
        self, logins: FailureThrottle, client: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        wait = logins.wait(client)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            await self._refuse(
                scope, send, 429,
                f"too many failed logins from this address; try again in {minutes} minute(s)",
            )
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status >= 400:
            logins.failed(client)
        elif status:
            logins.succeeded(client)

    async def _refuse(
        self, scope: Scope, send: Send, status: int, detail: str, quiet: bool = False
    ) -> None:
        if not quiet:
            # The path only (never the query string or body), cut short.
            log.warning("refused %s %s: %s", scope.get("method", "WS"), scope["path"][:120], detail)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = json.dumps({"detail": detail}).encode()
        await _with_headers(send, strip_cors=True)(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _on_this_machine(peer: str, headers: dict[bytes, str]) -> bool:
    return (
        is_loopback(peer)
        and is_loopback(host_name(headers.get(b"host", "")))
        and not any(h in headers for h in FORWARDED_HEADERS)
    )


def _same_origin(origin: str, host_header: str, hosts: HostPolicy) -> bool:
    netloc = origin.split("://", 1)[-1].rstrip("/").lower()
    if netloc == host_header.strip().lower():
        return True
    # Behind a proxy that rewrites Host, an origin among the configured names is ours.
    return host_name(netloc) in hosts.names - LOOPBACK_NAMES


async def _read_body(receive: Receive, headers: dict[bytes, str], limit: int) -> bytes | None:
    """The whole body, or None when it is (or says it will be) over `limit` bytes."""
    declared = headers.get(b"content-length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_headers(send: Send, strip_cors: bool) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            kept = [
                (k, v)
                for k, v in message.get("headers", [])
                if not (strip_cors and k.lower().startswith(_CORS))
                and k.lower() not in _SECURITY_NAMES
            ]
            message = dict(message, headers=[*kept, *SECURITY_HEADERS])
        await send(message)

    return wrapped


def _route_path(scope: Scope) -> str:
    """The request's path below the prefix a reverse proxy serves the app under (ASGI's
    root_path, which uvicorn adds to the path: `qa serve` passes QA_ROOT_PATH to it)."""
    path: str = scope.get("path", "/")
    root: str = scope.get("root_path", "")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):] or "/"
    return path
