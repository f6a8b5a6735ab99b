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
    assert status in (401, 403)


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
