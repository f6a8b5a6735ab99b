"""A source's age from its catalogue dates, and where an old one is flagged."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from qa.document_age import age_note, latest_year
from qa.types import Audience, Document, DocumentMeta
from ui.render import sources_table_html

TODAY = datetime.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("dates", "year"),
    [
        ("© 2023", 2023),
        ("reviewed March 2021, next review 2024", 2024),
        ("published 2019; next review 2031", 2019),  # a year still to come is not a date yet
        ("not stated", None),
        ("ref 12019 and 20234", None),
    ],
)
def test_the_latest_year_that_has_begun(dates, year):
    assert latest_year(dates, TODAY.year) == year


def test_only_sources_older_than_the_setting_are_flagged():
    assert age_note("© 2023", 3, TODAY) == ""
    assert "over 3 years old" in age_note("© 2022", 3, TODAY)
    assert age_note("© 2022", 5, TODAY) == ""
    assert age_note("not stated", 3, TODAY) == ""


def test_the_sources_table_flags_an_old_document():
    meta = DocumentMeta("old", "Old leaflet", "Someone", Audience.PATIENTS, dates="© 2001")
    old = Document(meta=meta, text="Some text.", path="old.txt", blocks=())
    new = dataclasses.replace(old, meta=dataclasses.replace(meta, id="new", dates="© 2099"))
    table = sources_table_html([old, new], {}, stale_after_years=3)
    assert table.count('class="qa-stale"') == 1 and "dated 2001" in table


def test_staff_review_names_an_old_source_an_answer_cites():
    from qa.serving.logbook_rows import Entry
    from qa.types import Answer, Citation, Status
    from ui.review_render import entry_html

    meta = DocumentMeta("old", "Old leaflet", "Someone", Audience.PATIENTS, dates="© 2001")
    doc = Document(meta=meta, text="Some text.", path="old.txt", blocks=())
    cite = Citation(1, "old", "Old leaflet", "Someone", "patients", "", "Some text.", 0, 10)
    answer = Answer("q", Status.ANSWERED, "Some text. [1]", "D", citations=(cite,))
    html = entry_html(Entry(1, 0.0, answer, True), {"old": doc}, None, 3)
    assert "Old sources cited" in html and "Old leaflet: dated 2001" in html
    assert "Old sources cited" not in entry_html(
        Entry(1, 0.0, answer, True), {"old": doc}, None, 50
    )
