"""Hard words in a real browser: a term in a reply opens its quoted, cited definition by
touch and by keyboard alone; the Glossary tab lists every term; a definition's markup is text."""

from __future__ import annotations

import pytest

from tests.ui.helpers import ANSWER_TIMEOUT, ask, handler_attributes, open_tab, xss_fired

pytestmark = pytest.mark.browser

CRYO = "What does cryotherapy use to kill cancer cells?"


def test_a_term_opens_its_definition_with_its_source(new_page):
    page = new_page(width=390, height=844)
    reply = ask(page, CRYO)
    term = reply.locator("details.qa-term").first
    assert term.locator("summary").inner_text().strip().lower().startswith("cryotherapy")
    assert not term.locator(".qa-term-def").is_visible()
    term.locator("summary").click()
    definition = term.locator(".qa-term-def")
    definition.wait_for()
    assert "freeze and destroy abnormal tissue" in definition.inner_text()
    assert "Test dictionary, Test Institute" in definition.inner_text()
    # The sentence still reads as one sentence, the term inside it.
    assert "uses cold to kill cancer cells" in reply.locator(".qa-text").inner_text()


def test_the_glossary_tab_lists_every_term_and_shows_markup_as_text(new_page):
    page = new_page()
    open_tab(page, "Glossary")
    listing = page.locator("#qa-glossary")
    listing.get_by_text("cryotherapy", exact=True).wait_for()
    text = listing.inner_text()
    assert "leucovorin" in text and "Test dictionary" in text
    assert "<img src=x" in text and "Hostile <b>dictionary</b>" in text
    open_tab(page, "Chat")
    reply = ask(page, "What does leucovorin help?")
    reply.locator("details.qa-term summary").first.click()
    page.wait_for_timeout(300)
    assert xss_fired(page) is None
    assert handler_attributes(page) == []


def test_keyboard_alone_asks_opens_a_term_and_a_source_and_saves(new_page):
    page = new_page()
    page.locator("#qa-question textarea").first.focus()
    page.keyboard.type(CRYO)
    page.keyboard.press("Enter")
    reply = page.locator(".qa-answered").first
    reply.wait_for(timeout=ANSWER_TIMEOUT)

    def tab_to(test: str, what: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(test):
                return
        pytest.fail(f"{what} could not be reached with the Tab key")

    tab_to("() => !!document.activeElement.closest('details.qa-term')", "a glossary term")
    page.keyboard.press("Enter")
    assert reply.locator("details.qa-term[open] .qa-term-def").first.is_visible()
    tab_to("() => !!document.activeElement.closest('details.qa-cite')", "a source")
    page.keyboard.press("Enter")
    assert reply.locator("details.qa-cite[open] mark").first.is_visible()
    tab_to("() => document.activeElement.closest('#qa-save') !== null", "Save these answers")
    page.keyboard.press("Enter")
    page.locator("#qa-save-download").wait_for()
    tab_to("() => document.activeElement.id === 'qa-save-download'", "the download link")
    with page.expect_download() as got:
        page.keyboard.press("Enter")
    saved = got.value.path().read_text(encoding="utf-8")
    assert CRYO in saved and "freeze and destroy abnormal tissue" in saved
