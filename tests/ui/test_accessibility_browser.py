"""WCAG 2.2 AA in a real browser: axe-core on every page and state (no serious or critical
violation; each report kept in build/accessibility/), the live region, visible focus, reflow
at 320 px and at 200 % zoom, the page language and the care-team line's place."""

from __future__ import annotations

import pytest

from tests.ui.axe import audit
from tests.ui.helpers import ask, login, open_tab

pytestmark = pytest.mark.browser

# Width, height and colour scheme: Gradio follows the system's dark mode.
VIEWPORTS = {
    "desktop": (1280, 900, "light"),
    "phone": (390, 844, "light"),
    "desktop-dark": (1280, 900, "dark"),
}
ANSWERED = "What does cryotherapy use to kill cancer cells?"
NOT_IN_SOURCES = "What is the capital of France?"
CRISIS = "I want to kill myself"


def assert_clean(page, name: str) -> None:
    found = audit(page, name)
    assert found == [], f"{name}: serious or critical WCAG violations: {found}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_chat_and_sources_pass_axe_after_an_answer_an_abstention_and_an_escalation(
    new_page, viewport
):
    width, height, scheme = VIEWPORTS[viewport]
    page = new_page("/", width, height, scheme)
    page.locator("#qa-question").wait_for()
    assert_clean(page, f"chat-empty-{viewport}")
    for state, question, kind in (
        ("abstention", NOT_IN_SOURCES, "qa-abstained"),
        ("answer", ANSWERED, "qa-answered"),
        ("escalation", CRISIS, "qa-escalated"),
    ):
        reply = ask(page, question)
        assert kind in (reply.get_attribute("class") or ""), state
        if state == "answer":  # a hard word's definition and a source opened in the reply
            reply.locator(".qa-term summary").first.click()
            reply.locator(".qa-cite summary").first.click()
        page.wait_for_timeout(400)  # Gradio's fade-in of a new message
        assert_clean(page, f"chat-{state}-{viewport}")
    open_tab(page, "Sources")
    page.get_by_label("Radiation").check()
    page.locator("#qa-source-text").get_by_text("high-energy rays", exact=False).wait_for()
    assert_clean(page, f"sources-{viewport}")
    open_tab(page, "Glossary")
    page.locator("#qa-glossary dt").first.wait_for()
    assert_clean(page, f"glossary-{viewport}")


# Contrast of text on our own coloured boxes, computed directly: axe leaves text it cannot be
# sure of as "incomplete", and in dark mode it let the escalation's message, light on light, by.
CONTRAST_JS = """([text, box]) => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const t = document.querySelector(text), b = document.querySelector(box);
  const [l1, l2] = [lum(getComputedStyle(t).color), lum(getComputedStyle(b).backgroundColor)];
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}"""
BOXED_TEXT = (
    (".qa-escalated strong", ".qa-escalated"),
    (".qa-escalated .qa-kicker", ".qa-escalated"),
    (".qa-escalated .qa-disclaimer", ".qa-escalated"),
    ("#qa-banner strong", "#qa-banner .qa-banner"),
    (".qa-abstained .qa-kicker", ".qa-abstained"),
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_in_the_coloured_boxes_keeps_its_contrast(new_page, scheme):
    page = new_page("/", 1280, 900, scheme)
    ask(page, NOT_IN_SOURCES)
    ask(page, CRISIS)
    for text, box in BOXED_TEXT:
        ratio = page.evaluate(CONTRAST_JS, [text, box])
        assert ratio >= 4.5, f"{text} on {box}: {ratio:.2f}:1 in the {scheme} scheme"


def test_staff_read_an_escalation_in_dark_mode(new_page):
    ask(new_page(), CRISIS)
    page = new_page("/staff/", 1280, 900, "dark")
    login(page)
    page.locator("#qa-entry .qa-escalated").wait_for()
    for text, box in BOXED_TEXT[:3]:
        ratio = page.evaluate(CONTRAST_JS, [f"#qa-entry {text}", f"#qa-entry {box}"])
        assert ratio >= 4.5, f"staff review, {text} on {box}: {ratio:.2f}:1"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_staff_page_passes_axe(new_page, viewport):
    width, height, scheme = VIEWPORTS[viewport]
    ask(new_page(), ANSWERED)  # something to review
    page = new_page("/staff/", width, height, scheme)
    page.get_by_label("username").wait_for()
    assert_clean(page, f"staff-login-{viewport}")
    login(page)
    page.locator("#qa-entry").get_by_text("Retrieved passages", exact=False).wait_for()
    assert_clean(page, f"staff-review-{viewport}")
    for tab, ready in (
        ("Unanswered", "#qa-report-refresh"),
        ("Documents", "#qa-docs-table"),
        ("Evaluate", "#qa-eval-suite"),
        ("Sources", "#qa-sources-table"),
    ):
        open_tab(page, tab)
        page.locator(ready).first.wait_for()
        page.wait_for_timeout(300)
        assert_clean(page, f"staff-{tab.lower()}-{viewport}")


def test_each_reply_is_announced_once_and_the_history_is_not_reread(new_page):
    page = new_page()
    ask(page, NOT_IN_SOURCES)
    ask(page, ANSWERED)
    spoken = page.locator("#qa-announce")
    said_now = "text => document.getElementById('qa-announce').textContent.includes(text)"
    page.wait_for_function(said_now, arg="Reply 2")
    assert spoken.get_attribute("aria-live") == "polite"
    assert spoken.get_attribute("role") == "status"
    said = spoken.text_content() or ""
    assert "cold" in said and "Sources:" in said
    assert "Not in my sources" not in said  # the first reply is not read again
    live = page.evaluate(
        "() => [...document.querySelectorAll('[aria-live]')]"
        ".filter(e => e.getAttribute('aria-live') !== 'off').map(e => e.id || e.className)"
    )
    # Gradio's own "Loading" status aside, the announcer is the one live region.
    assert [x for x in live if "sr-only" not in x] == ["qa-announce"], live
    # Opening a source says which one, in the same region.
    open_tab(page, "Sources")
    page.get_by_label("Radiation").check()
    page.wait_for_function(said_now, arg="Showing")
    # Clearing the conversation leaves nothing of it to read for the next person.
    open_tab(page, "Chat")
    page.locator("#qa-clear").click()
    page.wait_for_function("() => document.getElementById('qa-announce').textContent.trim() === ''")


def test_focus_is_visible_on_every_stop_of_the_tab_order(new_page):
    page = new_page()
    ask(page, ANSWERED)
    page.locator("body").click(position={"x": 1, "y": 1})
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return [e.tagName + (e.id ? '#' + e.id : ''), s.outlineStyle,"
                " parseFloat(s.outlineWidth)]; }"
            )
        )
    invisible = [s for s in seen if s[0] != "BODY" and (s[1] == "none" or s[2] < 2)]
    assert invisible == [], invisible
    assert len({s[0] for s in seen}) > 5  # the tab order did move through the page


@pytest.mark.parametrize(("width", "scale"), [(320, 1), (640, 2)], ids=["320px", "zoom200"])
def test_the_chat_reflows_without_sideways_scrolling(browser, server, width, scale):
    """320 CSS pixels, and a 1280-px window at 200 % zoom (640 CSS pixels at scale 2)."""
    base, _ = server
    context = browser.new_context(
        viewport={"width": width, "height": 700}, device_scale_factor=scale
    )
    try:
        page = context.new_page()
        page.goto(base + "/")
        reply = ask(page, ANSWERED)
        reply.locator(".qa-cite summary").first.click()
        page.wait_for_timeout(300)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{overflow}px of sideways scrolling at {width}px"
        for selector in ("#qa-banner", "#qa-question textarea", "#qa-send", ".qa-reply"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, selector
    finally:
        context.close()


def test_language_is_set_and_the_care_team_line_stays_in_one_place(new_page):
    page = new_page()
    assert page.evaluate("() => document.documentElement.lang") == "en"
    banner = page.locator("#qa-banner")
    assert "care team" in banner.inner_text()
    where = banner.bounding_box()
    page.get_by_role("tab", name="Sources").click()
    page.locator("#qa-sources-table").wait_for()
    assert banner.bounding_box() == where
