"""qa.ingest.sources: reading .txt/.md/.html and the catalog into cleaned Documents."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from qa.errors import SourceError
from qa.ingest.html_text import html_blocks
from qa.ingest.sources import (
    CLEANING_WARN_SHARE,
    assemble,
    load_document,
    load_sources,
    markdown_blocks,
    read_catalog,
    text_blocks,
)
from qa.types import Audience, BlockKind, Document, RawBlock
from tests.fakes import pdf_bytes

REPO = Path(__file__).resolve().parent.parent
REAL_SOURCES = REPO / "sources"
REAL_IDS = {
    "cancerconnect-recurrent-rectal-cancer",
    "metastases-to-rectum-treatment",
    "ccs-stage4-recurrent-rectal-cancer",
    "ccs-recurrent-anal-cancer",
    "droracle-stage4-rectal-cancer-treatment",
}


def block_texts(doc: Document) -> list[tuple[BlockKind, str, int]]:
    return [(b.kind, doc.text[b.start : b.end], b.level) for b in doc.blocks]


def assert_offsets_exact(doc: Document) -> None:
    prev_end = 0
    for b in doc.blocks:
        piece = doc.text[b.start : b.end]
        assert piece, b
        assert piece == piece.strip(), b
        assert "\n" not in piece, b
        assert b.start >= prev_end, b
        prev_end = b.end
    assert doc.blocks[0].start == 0
    assert doc.blocks[-1].end == len(doc.text)
    # Between blocks there are only separators.
    for a, b in pairwise(doc.blocks):
        assert doc.text[a.end : b.start] in ("\n", "\n\n")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the tiny corpus


def test_tiny_corpus_loads_every_format(tiny_sources: Path) -> None:
    report = load_sources(tiny_sources)
    assert report.problems == ()
    assert [d.id for d in report.documents] == ["chemo-guide", "radiation", "surgery-notes"]
    for doc in report.documents:
        assert_offsets_exact(doc)
        assert doc.path == str(tiny_sources / Path(doc.path).name)


def test_tiny_txt_is_cleaned_and_uses_catalog_metadata(tiny_sources: Path) -> None:
    doc = {d.id: d for d in load_sources(tiny_sources).documents}["chemo-guide"]
    assert doc.meta.title == "Chemotherapy guide"
    assert doc.meta.publisher == "Test Society"
    assert doc.meta.audience is Audience.PATIENTS
    assert doc.meta.dates == "2024"
    assert doc.text == (
        "Chemotherapy for recurrent rectal cancer\n\n"
        "Chemotherapy uses drugs to destroy cancer cells. FOLFIRI is used most often for stage 4 "
        "rectal cancer. It is also the standard first-line chemotherapy.\n\n"
        "Side effects\n\n"
        "Side effects can include fatigue, nausea and hair loss. Your care team can help you "
        "manage side effects."
    )


def test_tiny_html_drops_script_style_nav_footer(tiny_sources: Path) -> None:
    doc = {d.id: d for d in load_sources(tiny_sources).documents}["radiation"]
    assert block_texts(doc) == [
        (BlockKind.HEADING, "Radiation therapy", 1),
        (
            BlockKind.PARAGRAPH,
            "Radiation therapy uses high-energy rays to destroy cancer cells.",
            0,
        ),
        (BlockKind.PARAGRAPH, "Palliative radiation can relieve pain and bleeding.", 0),
    ]
    for junk in ("alert", "body{}", "Home", "About", "Copyright", "<"):
        assert junk not in doc.text


def test_tiny_markdown_keeps_heading_levels_and_bullets(tiny_sources: Path) -> None:
    doc = {d.id: d for d in load_sources(tiny_sources).documents}["surgery-notes"]
    assert block_texts(doc) == [
        (BlockKind.HEADING, "Surgery for liver metastases", 1),
        (
            BlockKind.PARAGRAPH,
            "Surgery is the preferred treatment when all liver metastases can be removed.",
            0,
        ),
        (BlockKind.HEADING, "Ablation", 2),
        (BlockKind.BULLET, "Radiofrequency ablation uses heat to kill cancer cells.", 0),
        (BlockKind.BULLET, "Cryotherapy uses cold to kill cancer cells.", 0),
    ]
    # Adjacent bullets are one line apart, other blocks a blank line apart.
    assert "cancer cells.\nCryotherapy" in doc.text
    assert "removed.\n\nAblation" in doc.text


def test_files_missing_from_catalog_get_derived_metadata(tiny_sources: Path) -> None:
    docs = {d.id: d for d in load_sources(tiny_sources).documents}
    for doc_id, title in (
        ("surgery-notes", "Surgery for liver metastases"),
        ("radiation", "Radiation therapy"),
    ):
        meta = docs[doc_id].meta
        assert meta.id == doc_id
        assert meta.title == title
        assert meta.publisher == "not stated"
        assert meta.audience is Audience.PATIENTS
        assert meta.dates == ""
        assert meta.extra_furniture == ()


def test_derived_title_falls_back_to_file_name_without_a_heading(tmp_path: Path) -> None:
    write(
        tmp_path,
        "side_effects-guide.txt",
        "Nausea is common after chemotherapy, and it can be treated.\n",
    )
    (doc,) = load_sources(tmp_path).documents
    assert doc.meta.title == "Side effects guide"


# ---------------------------------------------------------------- readers


def test_html_skips_hidden_and_navigation_elements() -> None:
    html = """
    <header><p>Site header</p></header>
    <div role="navigation"><a>Menu</a></div>
    <aside>Related: other pages</aside>
    <form><button>Search</button><select><option>x</option></select></form>
    <div hidden><p>hidden text</p></div>
    <p aria-hidden="true">aria hidden</p>
    <noscript>Enable JS</noscript>
    <svg><path d="M0"/><text>svg text</text></svg>
    <main><h2>Chemo &amp; you</h2><p>Chemo is given <b>in cycles</b> <img src="x.png">daily.</p>
    <ol><li>First item</li><li>Second item</li></ol>
    <table><tr><td>Cell one</td><td>Cell two</td></tr></table></main>
    <footer>Copyright</footer>
    """
    assert html_blocks(html) == [
        RawBlock(BlockKind.HEADING, "Chemo & you", 2),
        RawBlock(BlockKind.PARAGRAPH, "Chemo is given in cycles daily."),
        RawBlock(BlockKind.BULLET, "First item"),
        RawBlock(BlockKind.BULLET, "Second item"),
        RawBlock(BlockKind.PARAGRAPH, "Cell one"),
        RawBlock(BlockKind.PARAGRAPH, "Cell two"),
    ]


def test_html_list_item_wrapping_a_paragraph_is_still_a_bullet() -> None:
    assert html_blocks("<ul><li><p>Surgery</p></li></ul><h2><div>Side effects</div></h2>") == [
        RawBlock(BlockKind.BULLET, "Surgery"),
        RawBlock(BlockKind.HEADING, "Side effects", 2),
    ]


def test_html_inline_tags_do_not_add_spaces() -> None:
    assert html_blocks("<p>Chemo<i>therapy</i> is given in <b>cycles</b>.</p>") == [
        RawBlock(BlockKind.PARAGRAPH, "Chemotherapy is given in cycles.")
    ]


def test_markdown_reader_headings_bullets_links_and_emphasis() -> None:
    md = (
        "Intro line one\ncontinued here.\n\n"
        "# Top\n\n"
        "## Sub *with* [a link](https://example.org) ##\n\n"
        "- dash item\n* star item\n+ plus item\n1. numbered item\n2) other numbered\n\n"
        "> Quoted **bold** text.\n\n"
        "---\n\n"
        "###### Deep\n"
        "Text under deep.\n"
    )
    assert markdown_blocks(md) == [
        RawBlock(BlockKind.PARAGRAPH, "Intro line one continued here."),
        RawBlock(BlockKind.HEADING, "Top", 1),
        RawBlock(BlockKind.HEADING, "Sub with a link", 2),
        RawBlock(BlockKind.BULLET, "dash item"),
        RawBlock(BlockKind.BULLET, "star item"),
        RawBlock(BlockKind.BULLET, "plus item"),
        RawBlock(BlockKind.BULLET, "numbered item"),
        RawBlock(BlockKind.BULLET, "other numbered"),
        RawBlock(BlockKind.PARAGRAPH, "Quoted bold text."),
        RawBlock(BlockKind.HEADING, "Deep", 6),
        RawBlock(BlockKind.PARAGRAPH, "Text under deep."),
    ]


def test_text_reader_headings_bullets_and_parent_bullets() -> None:
    text = (
        "Treatment options\n"
        "\n"
        "  • Chemotherapy:\n"
        "    • FOLFOX\n"
        "    • FOLFIRI\n"
        "  • Surgery\n"
        "Chemotherapy uses drugs, and it is often combined with targeted therapy.\n"
        "What is stage 4?\n"
        "lower-case start is not a heading\n"
    )
    assert text_blocks(text) == [
        RawBlock(BlockKind.HEADING, "Treatment options", 2),
        RawBlock(BlockKind.HEADING, "Chemotherapy", 3),
        RawBlock(BlockKind.BULLET, "FOLFOX"),
        RawBlock(BlockKind.BULLET, "FOLFIRI"),
        RawBlock(BlockKind.BULLET, "Surgery"),
        RawBlock(
            BlockKind.PARAGRAPH,
            "Chemotherapy uses drugs, and it is often combined with targeted therapy.",
        ),
        RawBlock(BlockKind.HEADING, "What is stage 4?", 2),
        RawBlock(BlockKind.PARAGRAPH, "lower-case start is not a heading"),
    ]


def test_assemble_offsets_index_into_text() -> None:
    blocks = [
        RawBlock(BlockKind.HEADING, "Title", 1),
        RawBlock(BlockKind.PARAGRAPH, "Para one."),
        RawBlock(BlockKind.BULLET, "a"),
        RawBlock(BlockKind.BULLET, "b"),
        RawBlock(BlockKind.PARAGRAPH, "After."),
    ]
    text, spans = assemble(blocks)
    assert text == "Title\n\nPara one.\n\na\nb\n\nAfter."
    assert [text[s.start : s.end] for s in spans] == [b.text for b in blocks]
    assert [(s.kind, s.level) for s in spans] == [(b.kind, b.level) for b in blocks]


# ---------------------------------------------------------------- problems


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("broken.pdf", b"%PDF-1.4 ...", "not a readable PDF"),
        ("scan.pdf", pdf_bytes([[], []]), "no text layer"),
        ("notes.docx", b"PK\x03\x04...", "unsupported file type"),
    ],
)
def test_unsupported_file_is_a_problem_naming_it_and_the_rest_load(
    tiny_sources: Path, name: str, data: bytes, why: str
) -> None:
    (tiny_sources / name).write_bytes(data)
    report = load_sources(tiny_sources)
    assert [d.id for d in report.documents] == ["chemo-guide", "radiation", "surgery-notes"]
    assert len(report.problems) == 1
    assert name in report.problems[0]
    assert why in report.problems[0]


def test_a_pdf_with_a_text_layer_loads_page_by_page(tiny_sources: Path) -> None:
    lines = ["Stoma care", "Empty the bag when it is a third full.", "Call the nurse if sore."]
    (tiny_sources / "stoma.pdf").write_bytes(pdf_bytes([lines[:2], lines[2:]]))
    (doc,) = [d for d in load_sources(tiny_sources).documents if d.id == "stoma"]
    assert "Empty the bag when it is a third full." in doc.text
    assert doc.text.index("third full") < doc.text.index("Call the nurse")


def test_non_utf8_file_is_a_problem_naming_it_and_the_rest_load(tiny_sources: Path) -> None:
    (tiny_sources / "latin.txt").write_bytes(
        "Caf\xe9 cr\xe8me: a paragraph of text.\n".encode("latin-1")
    )
    report = load_sources(tiny_sources)
    assert [d.id for d in report.documents] == ["chemo-guide", "radiation", "surgery-notes"]
    assert len(report.problems) == 1
    assert "latin.txt" in report.problems[0]
    assert "UTF-8" in report.problems[0]


def test_file_with_nothing_left_after_cleaning_is_a_problem(tiny_sources: Path) -> None:
    write(tiny_sources, "empty.txt", "Read more\n\nhttps://example.org\n\nCopyright 2024\n")
    report = load_sources(tiny_sources)
    assert len(report.documents) == 3
    assert len(report.problems) == 1 and "empty.txt" in report.problems[0]
    assert "site furniture" in report.problems[0]  # it had text: cleaning took all of it


def test_bad_file_name_is_a_problem(tiny_sources: Path) -> None:
    write(tiny_sources, "my notes.txt", "Chemotherapy can shrink tumours before surgery.\n")
    report = load_sources(tiny_sources)
    assert len(report.documents) == 3
    assert len(report.problems) == 1 and "my notes.txt" in report.problems[0]


def test_hidden_files_folders_and_catalog_are_not_documents(tiny_sources: Path) -> None:
    write(tiny_sources, ".draft.txt", "A hidden draft about chemotherapy and side effects.\n")
    (tiny_sources / "sub").mkdir()
    write(tiny_sources / "sub", "inner.txt", "Nested files are not read.\n")
    report = load_sources(tiny_sources)
    assert report.problems == ()
    assert {d.id for d in report.documents} == {"chemo-guide", "radiation", "surgery-notes"}


def test_catalog_entry_without_a_file_is_reported(tiny_sources: Path) -> None:
    catalog = tiny_sources / "catalog.toml"
    catalog.write_text(catalog.read_text() + '\n[[document]]\nid = "ghost"\n', encoding="utf-8")
    report = load_sources(tiny_sources)
    assert len(report.documents) == 3
    assert any("ghost" in p for p in report.problems)


def test_empty_folder_is_a_problem_and_missing_folder_an_error(tmp_path: Path) -> None:
    report = load_sources(tmp_path)
    assert report.documents == ()
    assert report.problems and str(tmp_path) in report.problems[0]
    with pytest.raises(SourceError, match="does not exist"):
        load_sources(tmp_path / "nope")


@pytest.mark.parametrize(
    ("catalog", "message"),
    [
        ("[[document]\nid = 'x'\n", "not valid TOML"),
        ('[[document]]\nid = "chemo-guide"\naudience = "doctors"\n', "audience must be one of"),
        ('[[document]]\ntitle = "no id"\n', "needs an 'id'"),
        ('document = "x"\n', "expected [[document]] tables"),
        ('[[document]]\nid = "chemo-guide"\nfurniture = "^x$"\n', "furniture must be a list"),
        ('[[document]]\nid = "chemo-guide"\nfurniture = ["(unclosed"]\n', "bad furniture pattern"),
    ],
)
def test_bad_catalog_raises_source_error_naming_the_file(
    tiny_sources: Path, catalog: str, message: str
) -> None:
    path = tiny_sources / "catalog.toml"
    path.write_text(catalog, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_sources(tiny_sources)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_catalog_professional_audience_and_furniture(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "catalog.toml",
        '[[document]]\nid = "pro"\ntitle = "Pro guide"\naudience = "healthcare professionals"\n'
        'furniture = ["^Sponsored\\\\b"]\n',
    )
    meta = read_catalog(path)["pro"]
    assert meta.audience is Audience.PROFESSIONALS
    assert meta.extra_furniture == ("^Sponsored\\b",)
    write(
        tmp_path,
        "pro.txt",
        "Pro guide\n\nSponsored by a drug company.\n\nFOLFOX is a combination of drugs.\n",
    )
    (doc,) = load_sources(tmp_path).documents
    assert "Sponsored" not in doc.text
    assert "FOLFOX is a combination of drugs." in doc.text


def test_load_document_normalises_before_cleaning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "odd.txt",
        "\ufeff⚠️ Important\r\n\r\nChemo\u200b is given in cycles[1].\r\nDr. Lee\u202e agrees.\r\n",
    )
    doc = load_document(path)
    assert block_texts(doc) == [
        (BlockKind.HEADING, "Important", 2),
        (BlockKind.PARAGRAPH, "Chemo is given in cycles.", 0),
        (BlockKind.PARAGRAPH, "Dr. Lee agrees.", 0),
    ]
    assert_offsets_exact(doc)


@pytest.mark.parametrize(
    "line",
    [
        "Chemo is given in cycles.[1]",
        "Chemo is given in cycles.[1][3]",
        "Start chemotherapy early. 1",
        "It spread to the liver.1",
    ],
)
def test_short_sentence_ending_in_a_marker_is_not_a_heading(line: str) -> None:
    assert [b.kind for b in text_blocks(line)] == [BlockKind.PARAGRAPH]


@pytest.mark.parametrize("line", ["Stage 4 rectal cancer", "What is HIPEC?", "Phase 2 trials"])
def test_headings_that_end_in_a_number_or_question_mark_stay_headings(line: str) -> None:
    assert [b.kind for b in text_blocks(line)] == [BlockKind.HEADING]


# ---------------------------------------------------------------- the real corpus


@pytest.fixture(scope="module")
def real_docs() -> dict[str, Document]:
    report = load_sources(REAL_SOURCES)
    assert report.problems == ()
    return {d.id: d for d in report.documents}


def test_real_corpus_loads_all_five_documents(real_docs: dict[str, Document]) -> None:
    assert set(real_docs) == REAL_IDS
    assert (
        real_docs["droracle-stage4-rectal-cancer-treatment"].meta.audience is Audience.PROFESSIONALS
    )
    for doc in real_docs.values():
        assert_offsets_exact(doc)
        assert len(doc.text) > 2000


@pytest.mark.parametrize(
    "furniture",
    [
        "masks at all",
        "mask policy",
        "Read more",
        "Learn more",
        "Find out more",
        "Have a follow-up question",
        "Article Review Status",
        "Personalize",
        "tailor your experience",
        "Last updated",
        "editorial policy",
        "Medical Advisory Board",
        "[1]",
        "[11]",
        "Copyright",
        "©",
        "All Rights Reserved",
        "It's My Life",
        "It’s My Life",
        "Giving relief",
        "Steve Manske",
        "You are here",
        "http",
        "www.",
        "Medical disclaimer",
        "Expert review",
        "Our Medical A.I.",
        "Ask any follow up question",
        "Not yet recruiting",
        "Alsina J",
        "1-888-939-3333",
        "⚠",
        "🎯",
    ],
)
def test_real_corpus_has_no_furniture(real_docs: dict[str, Document], furniture: str) -> None:
    for doc in real_docs.values():
        assert furniture.lower() not in doc.text.lower(), (doc.id, furniture)


def test_real_corpus_cleaning_shares_are_measured_and_under_the_warning() -> None:
    report = load_sources(REAL_SOURCES)
    assert report.warnings == ()
    for doc in report.documents:
        assert doc.removed_share is not None
        # Every page loses some furniture; none loses over half (the most, ccs anal, ~41 %).
        assert 0.0 < doc.removed_share < CLEANING_WARN_SHARE, (doc.id, doc.removed_share)


def test_real_corpus_has_no_reference_markers(real_docs: dict[str, Document]) -> None:
    import re

    for doc in real_docs.values():
        for b in doc.blocks:
            piece = doc.text[b.start : b.end]
            assert not re.search(r"\[\d+\]", piece), (doc.id, piece)
            assert not re.search(r"[a-z)][.!?]\d{1,2}(\s|$)", piece), (doc.id, piece)
            if b.kind is not BlockKind.HEADING:
                assert not re.search(r"[.!?] \d{1,2}$", piece), (doc.id, piece)


def test_droracle_trailing_markers_are_stripped(real_docs: dict[str, Document]) -> None:
    doc = real_docs["droracle-stage4-rectal-cancer-treatment"]
    blocks = block_texts(doc)
    assert (BlockKind.BULLET, "Age and comorbidities", 0) in blocks
    assert "Age and comorbidities 1" not in doc.text
    assert (BlockKind.BULLET, "Patient preferences", 0) in blocks
    assert (
        "(FOLFOX or FOLFIRI with or without biologics) as the cornerstone of treatment." in doc.text
    )
    assert "cornerstone of treatment. 1" not in doc.text
    assert "improve survival in metastatic disease. 2" not in doc.text
    # Headings keep their numbers; the document's title is its first heading.
    assert blocks[0] == (BlockKind.HEADING, doc.meta.title, 2)
    assert (BlockKind.HEADING, "Treatment of Stage IV Rectal Cancer", 2) in blocks


def test_cancerconnect_glued_marker_is_stripped(real_docs: dict[str, Document]) -> None:
    doc = real_docs["cancerconnect-recurrent-rectal-cancer"]
    assert "may benefit selected patients." in doc.text
    assert "may benefit selected patients.1" not in doc.text
    assert "healthy portions of the liver. Researchers" in doc.text
    assert "Avastin® (bevacizumab)" in doc.text
    # The mask banner, the reference list and the copyright line are gone; the prose stays.
    assert doc.text.startswith("Recurrent Rectal Cancer\n\nRecurrent rectal cancer is cancer")
    assert doc.text.endswith("whether the drug has any anti-cancer activity in patients.")
    assert "For more information, go to" not in doc.text


def test_ccs_anal_drops_sections_and_find_out_more(real_docs: dict[str, Document]) -> None:
    doc = real_docs["ccs-recurrent-anal-cancer"]
    assert doc.text.endswith("They can help you choose care and treatment for advanced cancer.")
    assert "Last medical review" not in doc.text
    assert "Clinical trials look at new ways to prevent, find and treat cancer." in doc.text


def test_metastases_faq_after_references_is_kept(real_docs: dict[str, Document]) -> None:
    doc = real_docs["metastases-to-rectum-treatment"]
    blocks = block_texts(doc)
    assert (BlockKind.HEADING, "Can metastatic rectal cancer ever be cured?", 2) in blocks
    assert (BlockKind.HEADING, "Key takeaways", 2) in blocks
    assert "Study on the Effectiveness of Floxuridine" not in doc.text
    assert "The Netherlands" not in doc.text


def test_ccs_stage4_catalog_furniture_is_dropped(real_docs: dict[str, Document]) -> None:
    doc = real_docs["ccs-stage4-recurrent-rectal-cancer"]
    assert doc.text.startswith("Treatments for stage 4 or recurrent rectal cancer\n\n")
    for gone in (
        "Colorectal cancer\n",
        "palliative therapies relieve symptoms but do not cure",
        "16 factors",
    ):
        assert gone not in doc.text
    assert "FOLFIRI is used most often for stage 4 or recurrent rectal cancer." in doc.text


def test_the_file_a_profile_names_is_no_document(tmp_path: Path) -> None:
    (tmp_path / "leaflet.txt").write_text("Chemotherapy is given in cycles.", encoding="utf-8")
    (tmp_path / "ranker.json").write_text("{}", encoding="utf-8")
    (tmp_path / "other.json").write_text("{}", encoding="utf-8")
    (tmp_path / "profile.toml").write_text(
        '[ranking]\npassage_ranker = "ranker.json"\n', encoding="utf-8"
    )
    report = load_sources(tmp_path)
    assert [d.id for d in report.documents] == ["leaflet"]
    # Any other file that is no document is still reported.
    assert len(report.problems) == 1 and "other.json" in report.problems[0]
