"""What the web server's guard (ui/guard.py) allows: host names, trusted proxies, the client
address behind them, and which Gradio routes each app may serve. Pure functions, no I/O."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from qa.config import Settings
from qa.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# Headers a proxy adds; their presence means the request did not come straight from a
# browser on this machine.
FORWARDED_HEADERS = (b"x-forwarded-for", b"forwarded", b"x-real-ip", b"x-forwarded-host")

# Gradio routes neither app needs: file proxying, media streams, run history, the MCP server
# and the development reloader.
_NEVER = re.compile(
    r"^/gradio_api/(proxy=|stream/|run-history|runs|dev/|mcp|deep_link)"
    r"|^/gradio_api/openapi\.json"
)
# Uploads: only the staff app takes files (the Documents tab), under its own size limit.
UPLOADS = re.compile(r"^/gradio_api/(upload|upload_progress)\b")
# Files from Gradio's cache: only the staff app hands out files (its reports and exports).
_FILES = re.compile(r"^/gradio_api/file[=/]")
# Endpoints called by name: only an app's public API names (and Gradio's own "predict", which
# the page uses for events that skip the queue) may be called this way.
_BY_NAME = re.compile(r"^/gradio_api/(?:run|api|call(?:/v2)?)/([^/]+)/?$")
# Questions enter the queue here (queued events cannot be run directly: api_open=False), and
# the rate limit is applied before they take a slot. Events that skip the queue (clearing the
# chat, opening a source) are cheap and not counted.
_QUESTION_ROUTES = re.compile(r"^/gradio_api/(queue/join|call(?:/v2)?/[^/]+)/?$")
LOGIN_ROUTE = re.compile(r"^/login/?$")
# The load balancer's health check: answered whatever Host it sends (it says nothing private).
HEALTH_PATH = "/healthz"
_ROOT_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)+")


@dataclass(frozen=True)
class HostPolicy:
    """The host names the server answers to; empty means any."""

    names: frozenset[str]

    def allows(self, host_header: str) -> bool:
        return not self.names or host_name(host_header) in self.names


def host_policy(settings: Settings, bind_host: str) -> HostPolicy:
    """Loopback servers answer to this machine's names only (a page elsewhere that points its
    own host name at 127.0.0.1 is refused); other servers answer to `allowed_hosts`, or to any
    name when it is empty."""
    named = {h.strip().lower().strip("[]") for h in settings.serving.allowed_hosts.split(",")}
    named.discard("")
    if any(not re.fullmatch(r"[a-z0-9.:*-]+", h) for h in named):
        raise ConfigError(
            "setting allowed_hosts (QA_ALLOWED_HOSTS) must be host names separated by commas, "
            f"got {settings.serving.allowed_hosts!r}"
        )
    if "*" in named:
        return HostPolicy(frozenset())
    if is_loopback(bind_host):
        return HostPolicy(frozenset(named | LOOPBACK_NAMES))
    return HostPolicy(frozenset(named))


def trusted_proxies(settings: Settings) -> tuple[Network, ...]:
    nets = []
    for item in (p.strip() for p in settings.serving.trusted_proxies.split(",")):
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                "setting trusted_proxies (QA_TRUSTED_PROXIES) must be IP addresses or networks "
                f"separated by commas (e.g. 127.0.0.1,10.0.0.0/8), got {item!r}"
            ) from None
    return tuple(nets)


def client_address(peer: str, forwarded_for: str, proxies: Iterable[Network]) -> str:
    """The client's address: the socket's peer, unless the peer is a trusted proxy; then the
    nearest address in X-Forwarded-For that is not a trusted proxy (what each proxy appended,
    read from the right: only the last untrusted hop is not forgeable)."""
    proxies = tuple(proxies)
    if not forwarded_for or not is_trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, proxies):
            return hop if _is_ip(hop) else peer
    return hops[0] if hops and _is_ip(hops[0]) else peer


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """'Example.org:7860' -> 'example.org'; '[::1]:7860' -> '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@dataclass(frozen=True)
class RoutePolicy:
    """Which Gradio routes one mounted app serves."""

    public_api: frozenset[str]
    serves_files: bool
    # The largest upload body this app takes; 0: it takes none.
    upload_bytes: int = 0

    def refusal(self, path: str) -> str:
        """Why `path` (relative to the app's mount) is refused; empty when it is allowed."""
        if _NEVER.search(path) or (UPLOADS.search(path) and not self.upload_bytes):
            return "not available on this server"
        if _FILES.search(path) and not self.serves_files:
            return "not available on this server"
        by_name = _BY_NAME.match(path)
        if by_name and by_name.group(1) not in self.public_api | {"predict"}:
            return "no such API endpoint"
        return ""

    @staticmethod
    def takes_question(path: str) -> bool:
        return bool(_QUESTION_ROUTES.match(path))


def public_api_names(dependencies: Iterable[Mapping[str, object]]) -> frozenset[str]:
    """The api names of an app's public endpoints, from its Gradio config's dependencies."""
    return frozenset(
        str(d["api_name"])
        for d in dependencies
        if d.get("api_name") and d.get("api_visibility", "public") == "public"
    )


def is_trusted(address: str, proxies: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    return True


def root_path(settings: Settings) -> str:
    """The path prefix a reverse proxy serves the app under ("" at the site's root), which
    Gradio needs to build its own URLs when the proxy strips the prefix."""
    value = settings.serving.root_path.strip().rstrip("/")
    if value and not _ROOT_PATH.fullmatch(value):
        raise ConfigError(
            "setting root_path (QA_ROOT_PATH) must be the path the proxy serves the app under, "
            f"such as /qa (or empty), got {settings.serving.root_path!r}"
        )
    return value
