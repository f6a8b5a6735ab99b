"""The staff app in a real browser: login, review details, marking, golden-suite export."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.evaluation.suites import load_suite
from tests.ui.conftest import (
    FILE_STAFF_PASSWORD,
    FILE_STAFF_USER,
    SCREENSHOTS,
    STAFF_USER,
)
from tests.ui.helpers import ask, handler_attributes, login, xss_fired
from ui.chat import SHARE_LABEL

pytestmark = pytest.mark.browser


def choose(page, elem_id: str, option: str) -> None:
    """Pick `option` in a Gradio dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_staff_view_needs_the_login(new_page):
    page = new_page("/staff/")
    login(page, password="wrong")
    page.get_by_text("Incorrect Credentials", exact=False).wait_for()
    assert page.locator("#qa-entries-table").count() == 0
    login(page)
    page.locator("#qa-entries-table").wait_for()


def test_mark_and_export_a_reviewed_answer(new_page, tmp_path):
    patient = new_page()
    patient.get_by_label(SHARE_LABEL).check()
    question = "What does cryotherapy use to kill cancer cells? my MRN is 00123456"
    ask(patient, question)

    page = new_page("/staff/")
    login(page)
    table = page.locator("#qa-entries-table")
    table.get_by_text("[record number]", exact=False).first.wait_for()
    assert "00123456" not in table.inner_text()  # redacted before it was stored
    # The newest entry is selected: its details, scores and highlighted passages.
    detail = page.locator("#qa-entry")
    detail.get_by_text("Retrieved passages", exact=False).wait_for()
    text = detail.inner_text()
    for word in ("fused", "dense", "lexical", "Sentences quoted", "support", "Cryotherapy"):
        assert word in text
    assert detail.locator(".qa-hit mark").count() >= 1

    page.get_by_label("correct").check()
    page.get_by_label("Comment").fill("good answer <b>bold</b>")
    page.locator("#qa-save-mark").click()
    page.locator("#qa-mark-status").get_by_text("marked correct", exact=False).wait_for()
    choose(page, "qa-f-mark", "any")  # the queue shows unmarked replies by default
    table.get_by_text(f"correct ({STAFF_USER})", exact=False).wait_for()  # who marked it
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)

    page.locator("#qa-export").click()
    page.locator("#qa-export-status").wait_for()
    link = page.locator("#qa-export-download")
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "reviewed.yaml"
    info.value.save_as(path)
    suite = load_suite(path)
    (case,) = [c for c in suite.cases if c.question.startswith("What does cryotherapy")]
    assert "[record number]" in case.question and "00123456" not in case.question
    assert case.sources == ("surgery-notes",)
    assert "correct" in case.tags


def test_a_users_file_account_logs_in_and_its_marks_carry_its_name(new_page):
    ask(new_page(), "What is radiation therapy? (for the second reviewer)")
    page = new_page("/staff/")
    login(page, FILE_STAFF_PASSWORD[::-1], FILE_STAFF_USER)
    page.get_by_text("Incorrect Credentials", exact=False).wait_for()
    login(page, FILE_STAFF_PASSWORD, FILE_STAFF_USER)
    page.locator("#qa-entries-table").wait_for()
    # The reply's details load first (they set the mark's radio): mark it after that.
    page.locator("#qa-entry").get_by_text("Reply shown").wait_for()
    page.get_by_label("wrong").check()
    page.locator("#qa-save-mark").click()
    page.locator("#qa-mark-status").get_by_text("marked wrong", exact=False).wait_for()
    choose(page, "qa-f-mark", "wrong")
    page.locator("#qa-entries-table").get_by_text(f"wrong ({FILE_STAFF_USER})").first.wait_for()


def test_staff_see_a_question_only_while_the_patient_shares_it(new_page):
    patient = new_page()
    share = patient.get_by_label(SHARE_LABEL)
    assert not share.is_checked()  # off by default
    ask(patient, "What is radiation therapy? (kept private)")
    share.check()
    ask(patient, "What is radiation therapy? (shared one, call 555-123-4567)")
    ask(patient, "What is radiation therapy? (shared two)")  # remembered for the conversation
    share.uncheck()
    ask(patient, "What is radiation therapy? (private again)")

    page = new_page("/staff/")
    login(page)
    table = page.locator("#qa-entries-table")
    table.get_by_text("(shared two)", exact=False).wait_for()
    text = table.inner_text()
    assert "(shared one, call [phone])" in text and "555-123" not in text
    assert "kept private" not in text and "private again" not in text
    assert text.count("not shared") >= 2
    # The entry says who shared it and what was removed, never the removed text.
    page.locator("#qa-entry-picker input").click()
    page.get_by_role("option", name="shared one", exact=False).click()
    kept = page.locator("#qa-entry .qa-shared")
    kept.get_by_text("shared by the patient", exact=False).wait_for()
    assert "redacted: phone" in kept.inner_text()

    # Clearing the conversation starts the next one with sharing off.
    patient.locator("#qa-clear").click()
    patient.wait_for_function("() => !document.querySelector('#qa-share input').checked")


def test_keys_mark_a_reply_and_move_to_the_next(new_page):
    patient = new_page()
    patient.get_by_label(SHARE_LABEL).check()
    ask(patient, "What is radiation therapy? (keys first)")
    ask(patient, "What is radiation therapy? (keys second)")
    page = new_page("/staff/")
    login(page)
    detail = page.locator("#qa-entry")
    detail.get_by_text("(keys second)", exact=False).wait_for()
    page.locator("h4").first.click()  # focus outside any text box
    page.keyboard.press("c")
    page.locator("#qa-mark-status").get_by_text("marked correct", exact=False).wait_for()
    detail.get_by_text("(keys first)", exact=False).wait_for()  # moved on to the next
    page.keyboard.press("u")
    page.locator("#qa-mark-status").get_by_text("marked unsafe", exact=False).wait_for()
    choose(page, "qa-f-mark", "unsafe")
    table = page.locator("#qa-entries-table")
    table.get_by_text("(keys first)", exact=False).wait_for()
    assert "(keys second)" not in table.inner_text()
    # Typing in a text box is not a shortcut.
    page.get_by_label("Comment").fill("wcun")
    assert "(keys second)" not in table.inner_text()


def test_unanswered_questions_are_grouped_into_a_theme(new_page):
    patient = new_page()
    patient.get_by_label(SHARE_LABEL).check()
    for n in range(4):
        reply = ask(patient, f"Which pizza restaurant in Naples is open late, number {n}?")
        assert "qa-abstain" in reply.get_attribute("class") or "sources" in reply.inner_text()
    page = new_page("/staff/")
    login(page)
    page.get_by_role("tab", name="Unanswered").click()
    themes = page.locator("#qa-themes")

    themes.get_by_text("pizza restaurant in Naples", exact=False).first.wait_for()
    first_row = themes.locator("tbody tr").first
    assert int(first_row.locator("td").nth(1).inner_text()) >= 4
    assert page.locator("#qa-activity-chart svg rect").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "unanswered.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("#qa-themes-csv").click()
    assert "pizza restaurant" in Path(info.value.path()).read_text(encoding="utf-8")
    # The theme is a filter of the review queue.
    page.get_by_role("tab", name="Review").click()
    page.locator("#qa-refresh").click()
    page.locator("#qa-f-theme input").click()
    page.get_by_role("option", name="pizza restaurant in Naples", exact=False).first.click()
    page.wait_for_function(
        "() => !document.querySelector('#qa-entries-table').innerText.includes('radiation')"
    )
    assert "number 3" in page.locator("#qa-entries-table").inner_text()


def test_run_a_suite_from_the_evaluate_tab(new_page, server, tmp_path):
    page = new_page("/staff/")
    login(page)
    page.get_by_role("tab", name="Evaluate").click()
    page.locator("#qa-eval-run").click()
    summary = page.locator("#qa-eval-summary")
    summary.wait_for(timeout=120_000)
    text = summary.inner_text()
    assert "tiny: 2 cases" in text
    assert "answer_accuracy" in text
    assert xss_fired(page) is None and not handler_attributes(page)
    link = page.locator("#qa-eval-report a").first
    with page.expect_download() as info:
        link.click()
    report = tmp_path / "report.html"
    info.value.save_as(report)
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and "cryo" in html
    assert "<script>window" not in html  # the question is escaped in the report too
    _, folder = server
    assert list((folder / "evals" / "reports").glob("*-tiny/report.json"))
