"""The running app over plain HTTP: the patient app exposes no staff endpoint, the staff app
needs its login, and no file outside Gradio's own cache can be fetched."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest


def _get(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"} if data else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def test_patient_app_has_only_the_chat_api(server):
    base, _ = server
    status, body = _get(base + "/config")
    assert status == 200
    config = json.loads(body)
    names = {d.get("api_name") for d in config["dependencies"]}
    public = {
        d.get("api_name") for d in config["dependencies"] if d.get("api_visibility") == "public"
    }
    assert public == {"ask"}
    assert not names & {"refresh", "show", "save", "export"}
    assert "Export marked cases" not in body and "Save mark" not in body


@pytest.mark.parametrize(
    "path", ["/staff/config", "/staff/gradio_api/info", "/staff/gradio_api/call/export"]
)
def test_staff_endpoints_need_the_login(server, path):
    base, _ = server
    data = b'{"data": []}' if path.endswith("export") else None
    status, _ = _get(base + path, data)
    assert status in (401, 403, 404)  # 404: no endpoint is callable by a private name


@pytest.mark.parametrize(
    "target",
    [
        "../../../../etc/passwd",
        "/etc/passwd",
        "{folder}/var/qa.sqlite3",
        "{folder}/index/CURRENT",
        "{folder}/sources/hostile.md",
        "{folder}/VAR/QA.SQLITE3",
        "..%2F..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_files_outside_the_cache_cannot_be_fetched(server, target):
    base, folder = server
    status, body = _get(f"{base}/gradio_api/file={target.format(folder=folder)}")
    assert status in (403, 404)
    assert "root:" not in body and "SQLite" not in body


def _request(url: str, method: str = "GET", data: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8", "replace")


def test_the_running_app_refuses_what_the_review_found(server):
    base, folder = server
    json_post = {"Content-Type": "application/json"}
    # Uploads are off, in both apps.
    status, _, body = _request(base + "/gradio_api/upload", "POST", b"x", json_post)
    assert status == 404 and "not available" in body
    # Unknown and private endpoint names: a 404 with a message, no traceback in the log.
    for name in ("nosuch", "clear", "respond"):
        status, _, body = _request(base + f"/gradio_api/call/{name}", "POST", b'{"data":[]}',
                                   json_post)
        assert status == 404 and json.loads(body)["detail"] == "no such API endpoint"
    assert "Traceback" not in (folder / "server.log").read_text(encoding="utf-8")
    # A body over the limit never reaches Gradio.
    status, _, _ = _request(base + "/gradio_api/queue/join", "POST", b"x" * 100_000, json_post)
    assert status == 413
    # A foreign Host (DNS rebinding) gets nothing, not even the patient page.
    status, _, _ = _request(base + "/", headers={"Host": "rebind.example"})
    assert status == 400


def test_every_page_carries_the_security_headers(server):
    base, _ = server
    for path in ("/", "/config", "/staff/"):
        _, headers, _ = _request(base + path)
        lower = {k.lower(): v for k, v in headers.items()}
        assert "frame-ancestors 'none'" in lower["content-security-policy"]
        assert lower["x-frame-options"] == "DENY"
        assert lower["x-content-type-options"] == "nosniff"
        assert lower["referrer-policy"] == "no-referrer"
