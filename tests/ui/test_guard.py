"""The web server's guard (ui/guard.py, ui/policy.py) in front of a recording ASGI app: each
finding of the second outside review, reproduced and refused. No server, no Gradio."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from qa.config import Settings
from qa.errors import ConfigError
from qa.serving.ratelimit import RATE_LIMITED_MESSAGE, FailureThrottle, RateLimiter
from ui.guard import CSP, Guard, Mount
from ui.policy import (
    HostPolicy,
    RoutePolicy,
    client_address,
    host_policy,
    public_api_names,
    trusted_proxies,
)

LOCAL = HostPolicy(frozenset({"localhost", "127.0.0.1", "::1"}))


class Recorder:
    """An app that answers 200 and remembers what reached it; /login fails unless the body
    is the right password."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.seen.append({"path": scope["path"], "client": scope["client"][0], "body": body,
                          "headers": dict(scope["headers"])})
        status = 400 if scope["path"].endswith("/login") and body != b"right" else 200
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"access-control-allow-origin", b"*"), (b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})


def make(peer: str = "127.0.0.1", proxies: str = "", hosts: HostPolicy = LOCAL, **mount: Any):
    app = Recorder()
    patient = Mount("", RoutePolicy(frozenset({"ask"}), serves_files=False),
                    questions=mount.pop("questions", None))
    staff = Mount("/staff", RoutePolicy(frozenset(), serves_files=True), **mount)
    guard = Guard(app, [patient, staff], hosts,
                  trusted_proxies(Settings.of(trusted_proxies=proxies)), max_body_bytes=1000)
    return app, TestClient(guard, base_url="http://127.0.0.1:7860", client=(peer, 5000))


def test_a_foreign_host_name_is_refused_on_a_loopback_server():
    app, client = make()
    assert client.get("/config", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/config", headers={"host": "localhost:7860"}).status_code == 200
    assert [s["path"] for s in app.seen] == ["/config"]


def test_host_names_follow_the_bind_address_and_the_setting():
    assert host_policy(Settings(), "127.0.0.1").allows("localhost:7860")
    assert not host_policy(Settings(), "127.0.0.1").allows("rebind.example")
    assert host_policy(Settings(), "0.0.0.0").allows("anything.example")
    named = host_policy(Settings.of(allowed_hosts="chat.clinic.org"), "0.0.0.0")
    assert named.allows("chat.clinic.org") and not named.allows("other.example")
    with pytest.raises(ConfigError, match="QA_ALLOWED_HOSTS"):
        host_policy(Settings.of(allowed_hosts="bad host/"), "0.0.0.0")
    with pytest.raises(ConfigError, match="QA_TRUSTED_PROXIES"):
        trusted_proxies(Settings.of(trusted_proxies="10.0.0.0/8, proxy.local"))


def test_staff_without_a_login_is_decided_by_the_socket_never_by_headers():
    _, client = make(loopback_only=True)
    assert client.get("/staff/config").status_code == 200
    for headers in ({"x-forwarded-for": "8.8.8.8"}, {"forwarded": "for=8.8.8.8"},
                    {"x-real-ip": "8.8.8.8"}):
        assert client.get("/staff/config", headers=headers).status_code == 403
    _, remote = make(peer="192.0.2.7", loopback_only=True)
    assert remote.get("/staff/config").status_code == 403
    assert remote.get("/config").status_code == 200  # the patient app is open


def test_forwarded_for_counts_only_from_trusted_proxies():
    assert client_address("203.0.113.9", "1.2.3.4", []) == "203.0.113.9"
    proxies = trusted_proxies(Settings.of(trusted_proxies="127.0.0.1,10.0.0.0/8"))
    assert client_address("127.0.0.1", "1.2.3.4, 5.6.7.8", proxies) == "5.6.7.8"
    assert client_address("127.0.0.1", "1.2.3.4, 10.1.1.1", proxies) == "1.2.3.4"
    assert client_address("127.0.0.1", "not-an-ip", proxies) == "127.0.0.1"
    assert client_address("192.0.2.1", "1.2.3.4", proxies) == "192.0.2.1"


def test_rotating_forwarded_for_does_not_escape_the_rate_limit():
    app, client = make(questions=RateLimiter(per_minute=1, burst=3))
    codes = [
        client.post("/gradio_api/queue/join", content=b"{}",
                    headers={"x-forwarded-for": f"10.0.0.{i}"}).status_code
        for i in range(10)
    ]
    assert codes == [200] * 3 + [429] * 7
    assert len(app.seen) == 3  # refused requests never reach Gradio's queue
    assert all(b"x-forwarded-for" not in s["headers"] for s in app.seen)
    refused = client.post("/gradio_api/call/ask", content=b"{}")
    assert refused.status_code == 429 and refused.json()["detail"] == RATE_LIMITED_MESSAGE


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit():
    app, client = make(proxies="127.0.0.1", questions=RateLimiter(per_minute=1, burst=1))
    for i in range(5):
        r = client.post("/gradio_api/queue/join", content=b"{}",
                        headers={"x-forwarded-for": f"198.51.100.{i}"})
        assert r.status_code == 200
    assert [s["client"] for s in app.seen] == [f"198.51.100.{i}" for i in range(5)]
    assert client.post("/gradio_api/queue/join", content=b"{}",
                       headers={"x-forwarded-for": "198.51.100.0"}).status_code == 429


def test_bodies_over_the_limit_are_refused_before_the_app_declared_or_streamed():
    app, client = make()
    assert client.post("/gradio_api/queue/join", content=b"x" * 1001).status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"x" * 100

    assert client.post("/gradio_api/queue/join", content=chunks()).status_code == 413
    ok = client.post("/gradio_api/queue/join", content=b"x" * 1000)
    assert ok.status_code == 200 and app.seen[-1]["body"] == b"x" * 1000
    assert len(app.seen) == 1


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/gradio_api/upload", 404),
        ("/staff/gradio_api/upload", 404),
        ("/gradio_api/file=/tmp/gradio/abc/reviewed-golden.yaml", 404),
        ("/staff/gradio_api/file=/tmp/gradio/abc/report.html", 200),
        ("/gradio_api/call/nosuch", 404),
        ("/gradio_api/run/clear", 404),
        ("/gradio_api/call/v2/respond", 404),
        ("/staff/gradio_api/call/export", 404),
        ("/gradio_api/call/ask", 200),
        ("/gradio_api/run/predict", 200),
        ("/gradio_api/queue/join", 200),
    ],
)
def test_routes_an_app_does_not_need_are_refused_with_a_message(path, status):
    _, client = make()
    response = client.post(path, content=b"{}")
    assert response.status_code == status
    if status == 404:
        assert json.loads(response.text)["detail"]  # a message, not a traceback


def test_failed_logins_are_throttled_per_client_and_a_success_resets():
    _, client = make(logins=FailureThrottle(attempts=3, window=900))
    codes = [client.post("/staff/login", content=b"wrong").status_code for _ in range(5)]
    assert codes == [400, 400, 400, 429, 429]
    assert "try again" in client.post("/staff/login", content=b"right").json()["detail"]
    _, other = make(peer="192.0.2.8", logins=FailureThrottle(attempts=3, window=900))
    assert other.post("/staff/login", content=b"right").status_code == 200


def test_login_throttle_forgets_failures_outside_its_window_and_after_a_success():
    now = [0.0]
    throttle = FailureThrottle(attempts=2, window=60, clock=lambda: now[0])
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.wait("a") == 60
    now[0] = 61
    assert throttle.wait("a") == 0
    throttle.failed("a")
    throttle.succeeded("a")
    throttle.failed("a")
    assert throttle.wait("a") == 0


def test_every_response_has_the_security_headers_and_no_cors_grant_to_other_origins():
    _, client = make()
    response = client.get("/config", headers={"origin": "http://evil.example"})
    assert response.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in response.headers
    same = client.get("/config", headers={"origin": "http://127.0.0.1:7860"})
    assert same.headers["access-control-allow-origin"] == "*"
    refused = client.post("/gradio_api/queue/join", content=b"{}",
                          headers={"origin": "http://localhost:9999"})
    assert refused.status_code == 403 and "content-security-policy" in refused.headers


def test_public_api_names_are_the_public_endpoints_only():
    deps: list[dict[str, object]] = [{"api_name": "ask", "api_visibility": "public"},
            {"api_name": "clear", "api_visibility": "private"}, {"api_name": None}]
    assert public_api_names(deps) == {"ask"}
