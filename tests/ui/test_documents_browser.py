"""The Documents tab in a real browser: upload, preview, rebuild, ask about the new document in
the patient chat, roll back and the answer is gone; refusals; the audit log."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import ask, login

pytestmark = pytest.mark.browser

NEW_DOC = """# Pouch care after surgery

Empty the pouch when it is one third full, so that it does not pull on the skin.

Share this page

Change the skin barrier every three to four days, or sooner if it leaks.
"""
QUESTION = "When should I empty the pouch?"


def _documents(page: Any) -> None:
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-docs").wait_for()


def _upload(page: Any, tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    page.locator("#qa-upload input[type=file]").set_input_files(str(path))
    page.locator("#qa-upload").get_by_text(name, exact=False).first.wait_for()
    page.locator("#qa-upload-add").click()
    message = page.locator("#qa-docs-message")
    message.wait_for()
    return str(message.inner_text())


def test_upload_preview_rebuild_answer_and_roll_back(new_page, tmp_path):
    page = new_page("/staff/")
    login(page)
    _documents(page)
    page.get_by_label("Title").fill("Pouch care after surgery")
    page.get_by_label("Publisher").fill("Test Stoma Nurses")
    said = _upload(page, tmp_path, "Pouch Care (2026).txt", NEW_DOC.encode())
    assert "Added pouch-care-2026.txt" in said
    preview = page.locator("#qa-preview")
    assert "one third full" in preview.inner_text()
    assert preview.locator("del").count() >= 1  # "Share this page", struck through
    page.locator("#qa-docs-pending").get_by_text("changed since", exact=False).wait_for()

    page.locator("#qa-rebuild").click()
    diff = page.locator("#qa-build-diff")
    diff.wait_for(timeout=120_000)
    assert "Added: pouch-care-2026" in diff.inner_text()
    assert "Chunks embedded: 1; reused unchanged:" in diff.inner_text()

    patient = new_page()
    reply = _ask_until(patient, lambda text: "one third full" in text)
    assert "Pouch care after surgery" in reply

    page.locator("#qa-rollback").click()
    page.locator("#qa-docs-message").get_by_text("Rolled back", exact=False).wait_for()
    assert "Removed: pouch-care-2026" in page.locator("#qa-build-diff").inner_text()
    reply = _ask_until(new_page(), lambda text: "one third full" not in text)
    assert "one third full" not in reply

    page.locator("#qa-docs-refresh").click()
    audit = page.locator("#qa-audit")
    audit.get_by_text("rollback", exact=True).wait_for()
    text = audit.inner_text()
    for action in ("upload", "rebuild", "rollback"):
        assert action in text
    assert "pouch-care-2026.txt" in text and "reviewer" in text


def _ask_until(patient: Any, done: Callable[[str], bool], seconds: float = 20.0) -> str:
    """The chat swaps builds within a few seconds of a rebuild or rollback."""
    deadline = time.monotonic() + seconds
    while True:
        text = str(ask(patient, QUESTION).inner_text())
        if done(text) or time.monotonic() > deadline:
            return text
        time.sleep(1.0)


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("setup.txt", b"MZ\x90\x00\x03" + b"\x00" * 200, "a program, not a document"),
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "not a readable PDF"),
    ],
)
def test_files_that_are_not_documents_are_refused_and_logged(new_page, tmp_path, name, data, why):
    page = new_page("/staff/")
    login(page)
    _documents(page)
    said = _upload(page, tmp_path, name, data)
    assert "Not added" in said and why in said
    page.locator("#qa-docs-refresh").click()
    page.locator("#qa-audit").get_by_text("refused", exact=True).first.wait_for()
    assert name not in page.locator("#qa-docs").inner_text()


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("huge-leaflet.txt", b"Plain words. " * (20_000_000 // 13), "exceed the maximum"),
        ("notes.docx", b"PK\x03\x04 not allowed", "Invalid file type"),
    ],
)
def test_too_large_or_wrong_type_is_refused_before_it_is_sent(new_page, tmp_path, name, data, why):
    # The browser refuses these itself (the server refuses them too: tests/test_library.py,
    # tests/ui/test_guard.py).
    page = new_page("/staff/")
    login(page)
    _documents(page)
    path = tmp_path / name
    path.write_bytes(data)
    page.locator("#qa-upload input[type=file]").set_input_files(str(path))
    page.get_by_text(why, exact=False).first.wait_for(timeout=60_000)
    assert name not in page.locator("#qa-docs").inner_text()
