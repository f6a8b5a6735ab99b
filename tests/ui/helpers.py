"""Small Playwright steps shared by the browser tests."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import STAFF_PASSWORD, STAFF_USER

ANSWER_TIMEOUT = 60_000  # ms; the machine may be busy with other work


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, and return the locator of the new reply."""
    before = page.locator(".qa-reply").count()
    box = page.locator("#qa-question textarea, #qa-question input").first
    box.fill(question)
    box.press("Enter")
    reply = page.locator(".qa-reply").nth(before)
    reply.wait_for(timeout=ANSWER_TIMEOUT)
    return reply


def xss_fired(page: Any) -> Any:
    return page.evaluate("() => window.__xss")


def handler_attributes(page: Any) -> list[str]:
    """Elements carrying inline event handlers or javascript: links anywhere in the page."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('*')].flatMap(el =>
                [...el.attributes]
                  .filter(a => /^on/i.test(a.name) ||
                               /^\\s*javascript:/i.test(a.value))
                  .map(a => el.tagName + ' ' + a.name + '=' + a.value))"""
        )
    )


def open_tab(page: Any, name: str) -> None:
    """Select the tab `name`; on a narrow screen Gradio moves the tabs that do not fit into a
    "More tabs" menu."""
    page.get_by_role("tablist").first.wait_for()
    tab = page.get_by_role("tab", name=name)
    if tab.count() and tab.first.is_visible():
        tab.first.click()
        return
    page.get_by_role("button", name="More tabs").click()
    page.get_by_role("button", name=name, exact=True).last.click()


def login(page: Any, password: str = STAFF_PASSWORD, user: str = STAFF_USER) -> None:
    """Fill in the staff login page and submit it."""
    page.get_by_label("username").fill(user)
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()
