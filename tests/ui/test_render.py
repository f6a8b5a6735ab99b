"""Pure HTML rendering (no browser): escaping, markers, labels, highlights, every status."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from qa.config import Settings
from qa.errors import ConfigError
from qa.safety.messages import DISCLAIMER
from qa.serving.loading import load_pipeline
from qa.serving.logbook import Logbook
from qa.serving.logbook_rows import Entry, Mark, Verdict
from qa.types import Answer, Status
from ui.render import answer_html, document_html, error_html, highlight, user_html
from ui.review_render import entries_table_html, entry_html, entry_label
from ui.server import staff_access

EVIL = "<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))"


@pytest.fixture
def pipeline(built, fake_embedder):
    return load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)


def test_user_text_is_escaped_and_has_no_blank_line():
    out = user_html(EVIL)
    assert "<img" not in out and "&lt;img" in out
    assert "\n" not in out


def test_answer_has_markers_sources_highlight_and_disclaimer(pipeline):
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    out = answer_html(answer, pipeline.index.documents)
    assert "qa-answered" in out
    for c in answer.citations:
        assert f"[{c.n}]" in out
        assert f"<mark>{c.quote}</mark>" in out
    assert "Surgery for liver metastases" in out
    assert DISCLAIMER in out
    assert "\n" not in out


def test_what_slips_were_read_as_is_shown_escaped(pipeline):
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    assert "qa-readas" not in answer_html(answer)
    misread = replace(answer, read_as="chmeotherapy -> chemotherapy, <b>x -> y")
    out = answer_html(misread)
    assert "I read “chmeotherapy” as “chemotherapy”, “&lt;b&gt;x” as “y”." in out
    assert "<b>" not in out
    abstained = replace(misread, status=Status.ABSTAINED, sentences=(), citations=())
    assert "as “chemotherapy”" in answer_html(abstained)


def _with_citations(answer: Answer, **changes: Any) -> Answer:
    return replace(answer, citations=tuple(replace(c, **changes) for c in answer.citations))


def test_professional_sources_are_labelled(pipeline):
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    label = "written for healthcare professionals"
    assert label in answer_html(_with_citations(answer, audience="healthcare professionals"))
    assert label not in answer_html(_with_citations(answer, audience="patients"))


def test_text_from_sources_is_escaped(pipeline):
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    out = answer_html(_with_citations(answer, title=EVIL, publisher="<script>x</script>"))
    assert "<img" not in out and "<script>" not in out and "&lt;script&gt;" in out


@pytest.mark.parametrize(
    ("status", "css", "kicker"),
    [
        (Status.ABSTAINED, "qa-abstained", "Not in my sources"),
        (Status.ESCALATED, "qa-escalated", "Emergency"),
        (Status.REJECTED, "qa-rejected", "Please rephrase"),
    ],
)
def test_non_answers_are_styled_and_keep_the_disclaimer(status, css, kicker):
    out = answer_html(Answer("q", status, EVIL, DISCLAIMER))
    assert css in out and kicker in out and DISCLAIMER in out
    assert "<img" not in out


@pytest.mark.parametrize(
    ("level", "css", "kicker"),
    [
        ("emergency", "qa-level-emergency", "Emergency"),
        ("crisis", "qa-level-crisis", "reach out"),
        ("urgent", "qa-level-urgent", "cancer team"),
    ],
)
def test_each_escalation_level_has_its_style_and_kicker(level, css, kicker):
    out = answer_html(Answer("q", Status.ESCALATED, EVIL, DISCLAIMER, escalation=level))
    assert css in out and kicker in out and DISCLAIMER in out
    assert "<img" not in out


def test_urgent_is_amber_and_emergency_red_in_the_stylesheet():
    from ui.style import CSS

    assert ".qa-escalated.qa-level-urgent { border-color: #b45309" in CSS
    assert ".qa-escalated { border: 3px solid #b91c1c" in CSS


def test_a_caution_line_sits_above_the_answer_and_is_escaped():
    plain = Answer("q", Status.ABSTAINED, "Not in my sources.", DISCLAIMER)
    cautioned = Answer(
        "q", Status.ABSTAINED, "Not in my sources.", DISCLAIMER, caution="x", notice=EVIL
    )
    assert "qa-caution" not in answer_html(plain)
    out = answer_html(cautioned)
    assert out.index("qa-caution") < out.index("Not in my sources.")
    assert "<img" not in out


def test_error_reply_is_generic_with_disclaimer():
    out = error_html(DISCLAIMER)
    assert "went wrong" in out and DISCLAIMER in out


def test_highlight_merges_overlaps_and_escapes():
    assert highlight("a<b>cd", [(1, 3), (2, 4)]) == "a<mark>&lt;b&gt;</mark>cd"
    assert highlight("abc", [(5, 9)]) == "abc"


def test_document_view_escapes(pipeline):
    doc = pipeline.index.documents["radiation"]
    out = document_html(replace(doc, text=EVIL))
    assert "<img" not in out and "&lt;img" in out


def test_review_rendering_shows_scores_and_hides_unlogged_questions(pipeline):
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    logged = Entry(1, 0.0, replace(answer, question=EVIL), True)
    out = entry_html(logged, pipeline.index.documents)
    for word in ("fused", "dense", "lexical", "Sentences quoted", "support"):
        assert word in out
    assert "<img" not in out and "<mark>" in out
    unlogged = Entry(2, 0.0, replace(answer, question=""), False)
    assert "not shared" in entry_html(unlogged) and "not shared" in entry_label(unlogged)
    assert "<img" not in entries_table_html([logged, unlogged])


def test_review_says_which_passage_came_in_for_its_sentence(pipeline):
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    hits = (answer.hits[0], replace(answer.hits[-1], sentence_rank=2))
    out = entry_html(Entry(1, 0.0, replace(answer, hits=hits), True), pipeline.index.documents)
    assert out.count("added for its sentence, BM25 rank 2 among sentences") == 1


def test_review_shows_how_slips_were_read(pipeline):
    answer = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    assert "Read as" not in entry_html(Entry(1, 0.0, answer, True))
    mended = replace(answer, read_as="<b>cacer</b> -> cancer")
    out = entry_html(Entry(1, 0.0, mended, True))
    assert "Read as:</strong> &lt;b&gt;cacer&lt;/b&gt; -&gt; cancer" in out


def test_staff_access_rules():
    assert staff_access({}, "127.0.0.1").enabled
    assert staff_access({}, "127.0.0.1").auth is None
    assert not staff_access({}, "0.0.0.0").enabled  # no login, not local: no staff app
    login = staff_access({"QA_STAFF_USER": "u", "QA_STAFF_PASSWORD": "p"}, "0.0.0.0")
    assert login.enabled and login.auth is not None
    assert login.auth("u", "p") and not login.auth("u", "q") and not login.auth("v", "p")
    with pytest.raises(ConfigError, match="QA_STAFF_PASSWORD"):
        staff_access({"QA_STAFF_USER": "u"}, "127.0.0.1")


def test_serve_settings_are_validated():
    with pytest.raises(ConfigError, match="QA_SERVE_CONCURRENCY"):
        Settings.from_env(env={"QA_SERVE_CONCURRENCY": "0"})


def test_staff_review_shows_the_triage_entry_and_its_clinical_note():
    from qa.safety.catalogue import load_catalogue
    from ui.review_render import triage_counts_html

    catalogue = load_catalogue()
    escalated = Answer(
        "q", Status.ESCALATED, "Call now.", DISCLAIMER, escalation="urgent",
        reason="urgent: leg-clot (Possible blood clot in the leg); nearest example 'x' "
        "(similarity 0.80); score 0.95",
        triage_entry="leg-clot",
    )
    out = entry_html(Entry(1, 0.0, escalated, False), None, catalogue)
    assert "Triage:" in out and "leg-clot" in out and "Clinical note" in out
    assert "NICE NG158" in out  # the note's own words
    assert "similarity 0.80" in out
    assert "Triage:" not in entry_html(Entry(2, 0.0, replace(escalated, triage_entry=None), False))
    gone = entry_html(Entry(3, 0.0, replace(escalated, triage_entry="retired"), False), None, catalogue)
    assert "no longer in the catalogue" in gone
    counts = triage_counts_html({"urgent": 2, "caution": 1})
    assert "urgent: <strong>2</strong>" in counts and "emergency: <strong>0</strong>" in counts


def test_staff_see_what_cleaning_removed_and_a_flag_above_the_warning_share(pipeline):
    from ui.render import sources_table_html

    docs = list(pipeline.index.documents.values())[:3]
    docs = [replace(docs[0], removed_share=0.12), replace(docs[1], removed_share=0.8),
            replace(docs[2], removed_share=None)]
    staff = sources_table_html(docs, {}, staff=True)
    assert "Removed by cleaning" in staff and "12%" in staff and "not measured" in staff
    assert 'class="qa-cleaning-warning"' in staff and "80%: check it" in staff
    assert "Removed by cleaning" not in sources_table_html(docs, {})


def test_the_staff_export_is_a_download_in_the_page_and_no_file_on_the_server(
    built, fake_embedder, tmp_path, monkeypatch
):
    import base64
    import re
    import tempfile

    from ui.review_tab import StaffHandlers

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    pipeline = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    book = Logbook.open(built.replace(db_path=tmp_path / "q.db", log_questions=True))
    entry = book.record(pipeline.ask("What does radiofrequency ablation use?"))
    book.mark(entry, Mark(Verdict.CORRECT, "", "surgery-notes", ""))
    html = StaffHandlers(pipeline.index, book).export()
    data = re.search(r'href="data:application/x-yaml;base64,([^"]+)"', html)
    assert data and "radiofrequency ablation" in base64.b64decode(data.group(1)).decode()
    assert not list((tmp_path / "tmp").iterdir())  # nothing written to serve
