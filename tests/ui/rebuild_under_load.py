"""A staff member adds a leaflet, rebuilds and rolls back from the Documents tab while
`qa loadtest` keeps the chat busy: the check that a rebuild costs patients no errors.

    python -m tests.ui.rebuild_under_load URL USER PASSWORD

Run it beside `qa loadtest URL --users 20 …` against a `qa serve` with a staff account
(docs/performance.md has the whole recipe and the figures).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS

LEAFLET = "# Pouch care\n\nEmpty the pouch when it is one third full.\n"


def main(url: str, user: str, password: str) -> None:
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        doc = Path(folder) / "pouch-care-under-load.md"
        doc.write_text(LEAFLET, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url.rstrip("/") + "/staff/")
        page.get_by_label("username").fill(user)
        page.get_by_label("password").fill(password)
        page.get_by_role("button", name="Login").click()
        page.get_by_role("tab", name="Documents").click()
        page.locator("#qa-docs").wait_for(timeout=60_000)
        started = time.monotonic()
        page.locator("#qa-upload input[type=file]").set_input_files(str(doc))
        page.locator("#qa-upload").get_by_text(doc.stem).first.wait_for(timeout=60_000)
        page.locator("#qa-upload-add").click()
        page.locator("#qa-docs-message").wait_for(timeout=60_000)
        page.locator("#qa-rebuild").click()
        page.locator("#qa-build-diff").wait_for(timeout=300_000)
        print(f"uploaded and rebuilt in {time.monotonic() - started:.1f} s", flush=True)
        time.sleep(5)  # questions answered from the new build
        page.locator("#qa-rollback").click()
        page.locator("#qa-docs-message").get_by_text("Rolled back").wait_for(timeout=120_000)
        print("rolled back", flush=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
