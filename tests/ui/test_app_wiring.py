"""The real app as `qa serve` builds it (fake embedder, no server process): the guard sits in
front of both Gradio apps, and idle queues do not spin."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from qa.errors import ConfigError
from qa.serving.live import LivePipeline
from qa.serving.logbook import Logbook
from ui.policy import root_path
from ui.server import _IDLE_POLL_SECONDS, create_app, staff_access


@pytest.fixture
def app(built, fake_embedder):
    settings = built.replace(db_path=built.ingest.index_dir.parent / "var" / "q.db")
    live = LivePipeline(settings, fake_embedder)
    return create_app(live, Logbook.open(settings), staff_access({}, "127.0.0.1"))


def test_the_guard_wraps_both_apps(app):
    local = TestClient(app, base_url="http://127.0.0.1:7860", client=("127.0.0.1", 5000))
    assert local.get("/config").status_code == 200
    assert local.get("/staff/config").status_code == 200
    assert local.get("/staff/config", headers={"x-forwarded-for": "1.2.3.4"}).status_code == 403
    assert local.get("/config", headers={"host": "rebind.example"}).status_code == 400
    assert local.post("/gradio_api/call/clear", json={"data": []}).status_code == 404
    remote = TestClient(app, base_url="http://127.0.0.1:7860", client=("192.0.2.5", 5000))
    assert remote.get("/staff/config").status_code == 403
    assert "frame-ancestors" in remote.get("/config").headers["content-security-policy"]


def test_idle_queues_poll_slowly(app):
    from gradio.routes import App

    blocks = [r.app.get_blocks() for r in app.routes if isinstance(getattr(r, "app", None), App)]
    assert len(blocks) == 2
    assert all(b._queue.sleep_when_free == _IDLE_POLL_SECONDS for b in blocks)


def test_a_queued_event_cannot_skip_the_queue_by_a_direct_post(app):
    client = TestClient(app, base_url="http://127.0.0.1:7860", client=("127.0.0.1", 5000))
    body = {"data": ["what is FOLFIRI?", None], "fn_index": 0, "session_hash": "abc"}
    for path in ("/gradio_api/run/predict", "/gradio_api/run/ask"):
        response = client.post(path, json=body)
        assert response.status_code == 404, path


def test_the_health_check_answers_any_host_and_says_nothing_private(app):
    balancer = TestClient(app, base_url="http://10.0.0.7:7860", client=("10.0.0.2", 5000))
    reply = balancer.get("/healthz", headers={"host": "10.0.0.7:7860"})
    assert reply.status_code == 200 and reply.headers["cache-control"] == "no-store"
    body = reply.json()
    assert body["status"] == "ok" and body["newest_build_loaded"] is True
    assert set(body) == {"status", "build", "newest_build_loaded"}
    assert "frame-ancestors" in reply.headers["content-security-policy"]
    # Only the health check skips the host check; the apps behind it do not.
    assert balancer.get("/config", headers={"host": "10.0.0.7:7860"}).status_code == 400
    assert balancer.get("/staff/config", headers={"host": "10.0.0.7:7860"}).status_code == 400


def test_behind_a_proxy_prefix_gradio_builds_its_urls_under_the_root_path(app):
    # The proxy strips /qa; uvicorn (given QA_ROOT_PATH) puts it back in front of the path and
    # sets root_path, as ASGI says. The test client does only the second.
    local = TestClient(
        app, base_url="http://127.0.0.1:7860", client=("127.0.0.1", 5000), root_path="/qa"
    )
    assert local.get("/qa/config").json()["root"].endswith("/qa")
    assert local.get("/qa/staff/config").json()["root"].endswith("/qa/staff")
    assert local.post("/qa/gradio_api/call/clear", json={"data": []}).status_code == 404
    remote = TestClient(
        app, base_url="http://127.0.0.1:7860", client=("192.0.2.5", 5000), root_path="/qa"
    )
    assert remote.get("/qa/staff/config").status_code == 403


@pytest.mark.parametrize("bad", ["qa", "/q a", "/qa?x=1", "https://example.org/qa"])
def test_a_malformed_root_path_is_refused_naming_the_setting(built, bad):
    with pytest.raises(ConfigError, match="QA_ROOT_PATH"):
        root_path(built.replace(root_path=bad))
    assert root_path(built.replace(root_path="/qa/")) == "/qa"


def test_only_the_staff_app_takes_uploads_and_only_up_to_its_limit(built, fake_embedder):
    settings = built.replace(
        db_path=built.ingest.index_dir.parent / "var" / "q.db", max_upload_bytes=4096
    )
    app = create_app(
        LivePipeline(settings, fake_embedder), Logbook.open(settings), staff_access({}, "127.0.0.1")
    )
    local = TestClient(app, base_url="http://127.0.0.1:7860", client=("127.0.0.1", 5000))
    files = {"files": ("leaflet.txt", b"x" * 1000, "text/plain")}
    assert local.post("/gradio_api/upload", files=files).status_code == 404  # patients: never
    assert local.post("/staff/gradio_api/upload", files=files).status_code == 200
    big = {"files": ("leaflet.txt", b"x" * 200_000, "text/plain")}
    refused = local.post("/staff/gradio_api/upload", files=big)
    assert refused.status_code == 413 and "file too large" in refused.json()["detail"]
