"""The real app as `qa serve` builds it (fake embedder, no server process): the guard sits in
front of both Gradio apps, and idle queues do not spin."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from qa.serving.live import LivePipeline
from qa.serving.logbook import Logbook
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
