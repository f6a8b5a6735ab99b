"""How much cleaning removed: measured on each loaded Document, warned about by name when it is
over `CLEANING_WARN_SHARE`, in the load report and in the build's warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings
from qa.ingest.build import build_index
from qa.ingest.sources import CLEANING_WARN_SHARE, LoadReport, load_document, load_sources
from qa.types import Audience, Document, DocumentMeta
from tests.fakes import FakeEmbedder

CLICK_HERE = "Click here to view a diagram of the eye."
SYNDROME = (
    "Coloboma\n\n"
    "Coloboma is a gap in one of the structures of the eye, such as the iris or the retina. "
    "It is present at birth and may affect one or both eyes. "
    f"{CLICK_HERE} "
    "Many people with coloboma have normal vision, while others have reduced vision.\n"
)
# One short paragraph of content in a page of site chrome: most of the text is furniture.
MOSTLY_FURNITURE = (
    "Read more about our hospital, our people and our history of caring for patients\n\n"
    "Copyright 2024 Example Health Trust. All rights reserved. Registered charity.\n\n"
    "https://www.example.org/patients/visiting/parking-and-travel-information\n\n"
    "Learn more about the hospital's visiting times, parking and public transport links\n\n"
    "Stoma care\n\n"
    "A stoma nurse shows you how to change the pouch.\n"
)


def _doc(doc_id: str, share: float | None) -> Document:
    meta = DocumentMeta(id=doc_id, title=doc_id, publisher="p", audience=Audience.PATIENTS)
    return Document(meta=meta, text="x", path=f"/s/{doc_id}.txt", blocks=(), removed_share=share)


# ---------------------------------------------------------------- each document's share


def test_the_review_case_loads_and_reports_its_small_removed_share(tmp_path: Path) -> None:
    path = tmp_path / "coloboma.txt"
    path.write_text(SYNDROME, encoding="utf-8")
    doc = load_document(path)
    assert "Coloboma is a gap" in doc.text and "Many people with coloboma" in doc.text
    assert "Click here" not in doc.text
    visible = len(SYNDROME.replace(" ", "").replace("\n", ""))
    assert doc.removed_share == pytest.approx(len(CLICK_HERE.replace(" ", "")) / visible)


def test_a_clean_file_reports_nothing_removed(tmp_path: Path) -> None:
    path = tmp_path / "clean.md"
    path.write_text("# Stoma care\n\nA stoma nurse shows you how to change the pouch.\n")
    assert load_document(path).removed_share == 0.0


def test_a_document_made_elsewhere_has_no_measure() -> None:
    meta = DocumentMeta(id="a", title="a", publisher="p", audience=Audience.PATIENTS)
    assert Document(meta=meta, text="x", path="a", blocks=()).removed_share is None


# ---------------------------------------------------------------- the load report's warnings


def test_warning_names_each_document_over_the_threshold_with_its_share() -> None:
    report = LoadReport(
        (
            _doc("heavy", 0.734),
            _doc("at-threshold", CLEANING_WARN_SHARE),
            _doc("light", 0.1),
            _doc("unmeasured", None),
            _doc("emptied-by-half", 0.51),
        ),
        (),
    )
    assert len(report.warnings) == 2
    heavy, half = report.warnings
    assert heavy.startswith("/s/heavy.txt: cleaning removed 73% of its text")
    assert "/s/emptied-by-half.txt" in half and "51%" in half
    assert f"{CLEANING_WARN_SHARE:.0%}" in heavy


def test_load_sources_warns_about_a_mostly_furniture_file_and_still_loads_it(
    tiny_sources: Path,
) -> None:
    (tiny_sources / "stoma.txt").write_text(MOSTLY_FURNITURE, encoding="utf-8")
    report = load_sources(tiny_sources)
    docs = {d.id: d for d in report.documents}
    assert docs["stoma"].text.endswith("A stoma nurse shows you how to change the pouch.")
    share = docs["stoma"].removed_share
    assert share is not None and share > CLEANING_WARN_SHARE
    assert report.problems == ()  # a warning, not a file that failed to load
    assert report.warnings == (
        f"{tiny_sources / 'stoma.txt'}: cleaning removed {share:.0%} of its text as site "
        f"furniture (warned above {CLEANING_WARN_SHARE:.0%}); check that no content went with it",
    )


def test_tiny_corpus_has_no_cleaning_warning(tiny_sources: Path) -> None:
    report = load_sources(tiny_sources)
    assert report.warnings == ()
    assert all(d.removed_share is not None for d in report.documents)


def test_a_file_cleaning_empties_is_a_problem_that_says_furniture(tmp_path: Path) -> None:
    (tmp_path / "promo.txt").write_text("Read more\n\nCopyright 2024 Example Health\n")
    (tmp_path / "blank.txt").write_text("Only a heading\n")
    report = load_sources(tmp_path)
    promo, blank = sorted(report.problems, key=lambda p: "promo.txt" not in p)[:2]
    assert "promo.txt" in promo and "removed 100% of the text as site furniture" in promo
    assert "blank.txt" in blank and "is the file empty?" in blank


# ---------------------------------------------------------------- the build prints them


def test_build_prints_the_warning_beside_its_other_warnings(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    (settings.ingest.sources_dir / "stoma.txt").write_text(MOSTLY_FURNITURE, encoding="utf-8")
    (settings.ingest.sources_dir / "scan.pdf").write_bytes(b"%PDF-1.4")
    said: list[str] = []
    report = build_index(settings, fake_embedder, progress=said.append)
    warnings = [m for m in said if m.startswith("warning: ")]
    assert len(warnings) == 2
    assert any("scan.pdf" in w for w in warnings)  # the unreadable file, as before
    (cleaning,) = [w for w in warnings if "stoma.txt" in w]
    assert "cleaning removed" in cleaning and "%" in cleaning
    assert report.warnings == (cleaning.removeprefix("warning: "),)
    assert report.documents == 4  # the warned document is indexed
