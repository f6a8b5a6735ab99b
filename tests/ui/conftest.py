"""Browser-test fixtures: the app in a subprocess on a free port (tiny corpus, fake embedder),
and Debian's Chromium driven by Playwright. No browser is a failure, never a skip."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from qa.errors import QAError
from qa.evaluation import local_app
from qa.serving.staff_accounts import StaffAccounts

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
STAFF_USER = "reviewer"
STAFF_PASSWORD = "test-only-password"  # set for the test server's environment only
# A second account, from a users file written as `qa staff add` writes it.
FILE_STAFF_USER = "second.reviewer"
FILE_STAFF_PASSWORD = "another-test-password"
_START_TIMEOUT = 180.0


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the suite-wide guard, but the tests must reach the app on this machine."""
    real_connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost") and self.family != socket.AF_UNIX:
            raise AssertionError(f"a test tried to connect to {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@pytest.fixture(scope="session")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    """The running app: base URL, data folder (corpus, index, logbook) and process id."""
    folder = tmp_path_factory.mktemp("app")
    users = folder / "staff-users"
    StaffAccounts.load(users).with_password(FILE_STAFF_USER, FILE_STAFF_PASSWORD).save()
    env = {"QA_STAFF_USERS_FILE": str(users)}
    with app_process("tests.ui.fake_server", folder, env) as (base, pid):
        yield base, folder, pid


@pytest.fixture(scope="session")
def server(server_process: tuple[str, Path, int]) -> tuple[str, Path]:
    """Base URL of the running app, and its data folder (corpus, index, logbook)."""
    base, folder, _ = server_process
    return base, folder


@contextlib.contextmanager
def app_process(
    module: str, folder: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """`python -m MODULE FOLDER PORT` on a free port until the block ends: (base URL, pid);
    `env` is added to the app's environment."""
    port = local_app.free_port()
    env = {"QA_STAFF_USER": STAFF_USER, "QA_STAFF_PASSWORD": STAFF_PASSWORD, **(env or {})}
    command = [sys.executable, "-m", module, str(folder), str(port)]
    try:
        running = local_app.app_process(
            command, port, folder / "server.log", env, _START_TIMEOUT, cwd=REPO
        )
        with running as app:
            yield app.url.rstrip("/"), app.pid
    except QAError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import Error, sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install -y chromium)")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as err:
            pytest.fail(f"Chromium at {CHROMIUM} would not start: {err}")
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, server: tuple[str, Path]) -> Iterator[Callable[..., Page]]:
    """Open a fresh page (own cookies) at `path`; fails the test on any page error."""
    base, _ = server
    contexts = []
    errors: list[str] = []

    def open_page(
        path: str = "/", width: int = 1280, height: int = 900, scheme: str = "light"
    ) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,  # type: ignore[arg-type]
        )
        contexts.append(context)
        page: Page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
        page.goto(base + path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], f"errors in the page: {errors}"
