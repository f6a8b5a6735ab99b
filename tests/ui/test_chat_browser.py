"""The patient chat in a real browser: answers, citations, abstentions, escalations,
follow-ups, examples, votes, the phone width, keyboard use, and script injection attempts."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlparse

import pytest

from tests.ui.conftest import SCREENSHOTS
from tests.ui.fake_server import EXAMPLES
from tests.ui.helpers import ANSWER_TIMEOUT, ask, handler_attributes, xss_fired

pytestmark = pytest.mark.browser

DISCLAIMER_BIT = "not medical advice"


def test_answer_has_cited_sentences_sources_and_disclaimer(new_page):
    page = new_page()
    assert DISCLAIMER_BIT in page.locator(".qa-banner").inner_text()
    reply = ask(page, "Which chemotherapy is used most often for stage 4 rectal cancer?")
    assert "qa-answered" in reply.get_attribute("class")
    assert "FOLFIRI" in reply.locator(".qa-text").inner_text()
    assert "[1]" in reply.locator(".qa-text").inner_text()
    summary = reply.locator(".qa-cite summary").first.inner_text()
    assert "Chemotherapy guide" in summary and "Test Society" in summary
    assert DISCLAIMER_BIT in reply.locator(".qa-disclaimer").inner_text()
    assert page.locator(".qa-banner").is_visible()


def test_opening_a_citation_shows_the_passage_with_the_sentence_highlighted(new_page):
    page = new_page()
    reply = ask(page, "What does cryotherapy use to kill cancer cells?")
    mark = reply.locator(".qa-cite mark").first
    assert not mark.is_visible()
    reply.locator(".qa-cite summary").first.click()
    assert mark.is_visible()
    quoted = mark.inner_text()
    # The reply's words as read, without the hidden hints and definitions of its hard words.
    words = reply.locator(".qa-text").evaluate(
        "e => { const c = e.cloneNode(true);"
        " c.querySelectorAll('.qa-term-hint, .qa-term-def').forEach(x => x.remove());"
        " return c.textContent; }"
    )
    assert "".join(quoted.split()) in "".join(words.split())
    assert reply.locator(".qa-cite blockquote").first.inner_text().strip() != quoted
    # Written for professionals in the test catalog: labelled as such.
    assert "written for healthcare professionals" in reply.locator(".qa-cite summary").first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "chat-desktop.png"), full_page=True)


def test_keyboard_alone_asks_and_opens_a_source(new_page):
    page = new_page()
    page.locator("#qa-question textarea, #qa-question input").first.focus()
    page.keyboard.type("What is radiation therapy?")
    page.keyboard.press("Enter")
    reply = page.locator(".qa-answered").first
    reply.wait_for(timeout=ANSWER_TIMEOUT)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("no source could be reached with the Tab key")
    page.keyboard.press("Enter")
    assert reply.locator(".qa-cite[open] mark").first.is_visible()


def test_example_question_is_asked_when_clicked(new_page):
    page = new_page()
    page.get_by_role("button", name=EXAMPLES[0]).click()
    reply = page.locator(".qa-reply").first
    reply.wait_for(timeout=ANSWER_TIMEOUT)
    assert EXAMPLES[0] in page.locator(".qa-user").first.inner_text()
    assert "Cryotherapy" in reply.inner_text()


def test_abstention_looks_different_and_says_what_it_can_do(new_page):
    page = new_page()
    reply = ask(page, "What is the capital of France?")
    assert "qa-abstained" in reply.get_attribute("class")
    assert "Not in my sources" in reply.locator(".qa-kicker").inner_text()
    assert "I can only answer questions about" in reply.inner_text()
    assert reply.locator("details").count() == 0
    assert DISCLAIMER_BIT in reply.locator(".qa-disclaimer").inner_text()
    answered = ask(page, "What is radiation therapy?")
    assert reply.evaluate("e => getComputedStyle(e).backgroundColor") != answered.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )


def test_escalation_is_prominent(new_page):
    page = new_page()
    reply = ask(page, "I have crushing chest pain right now")
    assert "qa-escalated" in reply.get_attribute("class")
    assert "911" in reply.inner_text()
    assert "EMERGENCY" in reply.locator(".qa-kicker").inner_text().upper()
    # Screen readers hear it once, from the page's live region (ui/a11y.py).
    page.wait_for_function(
        "() => /emergency/i.test(document.getElementById('qa-announce').textContent)"
    )
    assert page.locator("#qa-announce").get_attribute("aria-live") == "polite"
    border = reply.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)")
    assert border >= 3
    assert reply.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(185, 28, 28)"
    assert DISCLAIMER_BIT in reply.locator(".qa-disclaimer").inner_text()


def test_urgent_is_amber_and_names_the_care_team_line(new_page):
    page = new_page()
    reply = ask(page, "im on chemo and my temp is 39")
    assert "qa-level-urgent" in reply.get_attribute("class")
    assert "24-hour line" in reply.inner_text()
    assert "CANCER TEAM" in reply.locator(".qa-kicker").inner_text().upper()
    assert reply.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(180, 83, 9)"
    assert DISCLAIMER_BIT in reply.locator(".qa-disclaimer").inner_text()


def test_followup_question_uses_the_conversation(new_page):
    page = new_page()
    ask(page, "What is palliative radiation?")
    followup = ask(page, "Is it painful?")
    assert "Palliative radiation" in followup.locator(".qa-text").inner_text()
    # The same words in a fresh conversation retrieve something else.
    page.locator("#qa-clear").click()
    page.locator(".qa-reply").first.wait_for(state="detached")
    alone = ask(page, "Is it painful?")
    assert "Palliative radiation" not in alone.inner_text()


@pytest.mark.parametrize(
    "payload",
    [
        "<img src=x onerror=\"window.__xss='q-img'\"> what is FOLFIRI?",
        "<svg onload=\"window.__xss='q-svg'\"></svg> radiation therapy?",
        "<script>window.__xss='q-script'</script> cryotherapy?",
        "[click me](javascript:window.__xss='q-md') chemotherapy side effects?",
    ],
)
def test_script_in_a_question_never_runs(new_page, payload):
    page = new_page()
    ask(page, payload)
    user = page.locator(".qa-user").first
    # Shown as the text the user typed, not as markup.
    assert payload.split(">")[0] in user.inner_text() or "click me" in user.inner_text()
    links = page.locator(".qa-user a")
    for i in range(links.count()):
        assert not (links.nth(i).get_attribute("href") or "").startswith("javascript")
    page.wait_for_timeout(300)
    assert xss_fired(page) is None
    assert handler_attributes(page) == []


def test_script_in_a_source_document_never_runs(new_page):
    page = new_page()
    reply = ask(page, "Oxaliplatin tingling hands")
    reply.locator(".qa-cite summary").first.click()
    assert "<img src=x" in reply.inner_text()  # the document's markup, shown as text
    assert "Hostile <b>page</b>" in reply.locator(".qa-cite summary").first.inner_text()
    page.get_by_role("tab", name="Sources").click()
    page.get_by_label("Hostile <b>page</b>").check()
    text = page.locator("#qa-source-text")
    text.get_by_text("window.__xss='doc-script'", exact=False).wait_for()
    page.wait_for_timeout(300)
    assert xss_fired(page) is None
    assert handler_attributes(page) == []


def test_phone_width_does_not_overflow(new_page):
    page = new_page(width=390, height=844)
    reply = ask(page, "What does cryotherapy use to kill cancer cells?")
    reply.locator(".qa-cite summary").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "chat-phone.png"), full_page=True)
    page.get_by_role("tab", name="Sources").click()
    page.locator("#qa-sources-table").wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_thumbs_up_is_stored(new_page, server):
    _, folder = server
    page = new_page()
    ask(page, "What is radiation therapy?")
    page.get_by_role("button", name="Like", exact=True).last.click()
    db = folder / "var" / "qa.sqlite3"
    for _ in range(50):
        votes = sqlite3.connect(db).execute("SELECT vote FROM votes").fetchall()
        if (1,) in votes:
            break
        page.wait_for_timeout(200)
    assert (1,) in votes


def test_clear_button_empties_the_conversation(new_page):
    page = new_page()
    ask(page, "What is radiation therapy?")
    page.locator("#qa-clear").click()
    page.locator(".qa-reply").first.wait_for(state="detached")
    assert page.locator(".qa-user").count() == 0


def test_sources_view_lists_documents_and_shows_text(new_page):
    page = new_page()
    page.get_by_role("tab", name="Sources").click()
    table = page.locator("#qa-sources-table")
    table.wait_for()
    assert "Chemotherapy guide" in table.inner_text()
    assert "healthcare professionals" in table.inner_text()
    page.get_by_label("Radiation").check()
    page.locator("#qa-source-text").get_by_text("high-energy rays", exact=False).wait_for()
    page.screenshot(path=str(SCREENSHOTS / "sources.png"), full_page=True)


def test_the_page_makes_no_request_beyond_this_machine(new_page, server):
    base, _ = server
    page = new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or ""))
    page.reload()
    ask(page, "What is radiation therapy?")
    assert hosts <= {urlparse(base).hostname}


def test_save_these_answers_downloads_a_printable_page_and_the_chat_prints_clean(new_page):
    from pathlib import Path

    page = new_page()
    ask(page, "What does cryotherapy use to kill cancer cells?")
    ask(page, "What is radiation therapy?")
    page.locator("#qa-save").click()
    with page.expect_download() as info:
        page.locator("#qa-save-download").click()
    assert info.value.suggested_filename.startswith("my-answers-")
    saved = Path(info.value.path()).read_text(encoding="utf-8")
    for text in (
        "cryotherapy use to kill",
        "radiation therapy",
        "Surgery for liver metastases",
        "Test Surgeons",
        "Questions for my care team",
        DISCLAIMER_BIT,
    ):
        assert text in saved
    assert "<script" not in saved.lower()
    # Opened on its own, the saved page shows every source without a click.
    copy = new_page("/")
    copy.set_content(saved)
    assert copy.locator("details[open]").count() >= 2
    assert copy.locator(".qa-saved-mine").is_visible()
    # Clearing the conversation takes the link away with it.
    page.locator("#qa-clear").click()
    page.locator("#qa-save-download").wait_for(state="detached")
    ask(page, "What is radiation therapy?")
    # Printing the chat drops the controls and keeps the conversation.
    page.emulate_media(media="print")
    assert not page.locator("#qa-question").is_visible()
    assert not page.locator("#qa-save").is_visible()
    assert page.locator(".qa-reply").first.is_visible()
