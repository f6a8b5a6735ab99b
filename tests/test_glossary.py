"""The glossary: the file of terms the documents never define, merging, finding terms in a
reply, the build's glossary.json, and how a reply and the Glossary tab show them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from qa.errors import ConfigError, IndexCorrupt
from qa.glossary import GLOSSARY_NAME, Glossary, GlossaryEntry, load_glossary_file, merge
from qa.ingest.build import build_index
from qa.ingest.store import GLOSSARY_FILE, MANIFEST, current_build, load_index
from qa.types import Answer, AnswerSentence, Citation, Status
from ui.glossary_render import MAX_TERMS, glossary_html
from ui.render import answer_html
from ui.save_render import conversation_html

GOOD = """
[[term]]
term = "stoma"
also = ["stomas"]
definition = "An opening on the surface of the body."
source = "A dictionary"
publisher = "An institute"
url = "https://example.org/stoma"
"""


def entry(term: str, quote: str = "Its meaning.", **kw: object) -> GlossaryEntry:
    return GlossaryEntry(term, quote, "Guide", "Publisher", **kw)  # type: ignore[arg-type]


def write(folder: Path, text: str) -> Path:
    (folder / GLOSSARY_NAME).write_text(text, encoding="utf-8")
    return folder


def test_the_glossary_file_is_read_with_its_sources(tmp_path):
    [e] = load_glossary_file(write(tmp_path, GOOD))
    assert (e.term, e.also, e.source_title, e.url) == (
        "stoma",
        ("stomas",),
        "A dictionary",
        "https://example.org/stoma",
    )
    assert e.quote == "An opening on the surface of the body." and e.doc_id == ""
    assert load_glossary_file(tmp_path / "none") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('url = "https://example.org/stoma"', 'url = "somewhere"'), "`url`"),
        (('source = "A dictionary"\n', ""), "`source`"),
        (('also = ["stomas"]', 'also = "stomas"'), "`also`"),
        (('term = "stoma"', 'term = "stoma"\ncolour = "red"'), "unknown key"),
        (('term = "stoma"', 'term = "' + "x" * 80 + '"'), "`term`"),
        (("[[term]]", "[[terms]]"), "unknown section"),
        (("[[term]]", "[[term"), "cannot be read"),
    ],
)
def test_a_bad_glossary_entry_is_refused_naming_the_key(tmp_path, change, message):
    with pytest.raises(ConfigError, match=message) as err:
        load_glossary_file(write(tmp_path, GOOD.replace(*change)))
    assert GLOSSARY_NAME in str(err.value)


def test_the_documents_definition_wins_over_the_files_with_a_warning():
    from_docs = [entry("Stoma", "The document's words.", doc_id="guide", start=0, end=21)]
    from_file = [entry("stoma", "The file's words."), entry("biopsy")]
    kept, warnings = merge(from_docs, from_file)
    assert [(e.term, e.quote) for e in kept] == [
        ("biopsy", "Its meaning."),
        ("Stoma", "The document's words."),
    ]
    assert len(warnings) == 1 and "'stoma'" in warnings[0]


def test_terms_are_found_whole_any_case_plural_longest_first_once_each():
    glossary = Glossary([entry("stent"), entry("radiation therapy"), entry("therapy")])
    text = "RADIATION  therapy, chemotherapy, stents, a pre-stent check and therapy."
    found = [(text[a:b], e.term) for a, b, e in glossary.find(text)]
    assert found == [
        ("RADIATION  therapy", "radiation therapy"),
        ("stents", "stent"),
        ("therapy", "therapy"),
    ]
    assert Glossary([]).find("anything") == []


def reply(*texts: str, doc: str = "guide", start: int = 500) -> Answer:
    sentences = tuple(
        AnswerSentence(t, 1, 1.0, 1.0, 1.0, start + 100 * i, start + 100 * i + len(t))
        for i, t in enumerate(texts)
    )
    cite = Citation(1, doc, "Guide", "Publisher", "patients", "", texts[0], 0, 1)
    return Answer("q", Status.ANSWERED, " ".join(texts), "Disclaimer.", sentences, (cite,))


def test_a_term_in_a_reply_opens_its_quoted_cited_definition_once():
    glossary = Glossary([entry("stoma", 'An <opening> "made" by surgery.', dates="2024")])
    out = answer_html(reply("A stoma may be made.", "The stoma is cared for."), None, glossary)
    assert out.count('class="qa-term"') == 1  # the first place only
    assert "<summary" in out and "stoma<span class=\"qa-term-hint\">: what it means" in out
    assert "An &lt;opening&gt; &quot;made&quot; by surgery." in out
    assert "— Guide, Publisher (2024)" in out
    assert answer_html(reply("A stoma may be made."), None, None).count("qa-term") == 0


def test_no_term_opens_the_sentence_that_is_its_own_definition():
    own = entry("stoma", doc_id="guide", start=500, end=520)
    out = answer_html(reply("A stoma is an opening."), None, Glossary([own]))
    assert "qa-term" not in out
    elsewhere = entry("stoma", doc_id="other", start=500, end=520)
    assert "qa-term" in answer_html(reply("A stoma is an opening."), None, Glossary([elsewhere]))


def test_a_reply_marks_at_most_a_few_terms():
    words = [f"word{chr(97 + i)}" for i in range(MAX_TERMS + 3)]
    glossary = Glossary([entry(w) for w in words])
    out = answer_html(reply(" ".join(words) + "."), None, glossary)
    assert out.count('class="qa-term"') == MAX_TERMS


def test_the_glossary_tab_lists_every_term_escaped_and_the_saved_page_opens_them():
    glossary = Glossary([entry("<b>bold</b>", url="https://example.org/x"), entry("stoma")])
    listing = glossary_html(glossary)
    assert "&lt;b&gt;bold&lt;/b&gt;" in listing and "<b>" not in listing
    assert listing.count("<dt>") == 2 and "https://example.org/x" in listing
    assert "no terms" in glossary_html(Glossary([]))
    shown = answer_html(reply("A stoma may be made."), None, glossary)
    saved = conversation_html([{"role": "assistant", "content": shown}], "Title", 0)
    assert '<details class="qa-term" open>' in saved


def test_a_build_keeps_the_documents_definitions_and_the_files_terms(settings, fake_embedder):
    (settings.ingest.sources_dir / "extra.txt").write_text(
        "Stomas\n\nA colostomy is an operation that makes an opening in the belly. "
        "The stoma is looked after by a nurse.\n",
        encoding="utf-8",
    )
    write(settings.ingest.sources_dir, GOOD)
    build_index(settings, fake_embedder)
    index = load_index(settings.ingest.index_dir)
    terms = {e.term: e for e in index.glossary}
    colostomy = terms["colostomy"]
    assert colostomy.doc_id == "extra"
    assert index.documents["extra"].text[colostomy.start : colostomy.end] == colostomy.quote
    assert colostomy.quote.startswith("A colostomy is an operation")
    assert terms["stoma"].url == "https://example.org/stoma"
    assert [e.term for _, _, e in index.glossary_terms.find("the stomas")] == ["stoma"]


def rewrite(build: Path, name: str, data: object) -> None:
    """Change one build file and its checksum, as a bug (not a disk fault) would."""
    if data is None:
        (build / name).unlink()
    else:
        (build / name).write_text(json.dumps(data), encoding="utf-8")
    manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    if data is None:
        manifest["files"].pop(name)
    else:
        manifest["files"][name] = hashlib.sha256((build / name).read_bytes()).hexdigest()
    (build / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_glossary_quote_that_is_not_the_documents_text_is_refused(built):
    build = current_build(built.ingest.index_dir)
    assert build is not None
    entries = json.loads((build / GLOSSARY_FILE).read_text(encoding="utf-8"))
    doc = load_index(built.ingest.index_dir).documents["chemo-guide"]
    entries.append(
        {"term": "x", "quote": "Not there.", "source_title": "t", "publisher": "p",
         "doc_id": doc.id, "start": 0, "end": 10}
    )
    rewrite(build, GLOSSARY_FILE, entries)
    with pytest.raises(IndexCorrupt, match="glossary"):
        load_index(built.ingest.index_dir)


def test_a_build_from_before_glossaries_loads_with_none(built):
    build = current_build(built.ingest.index_dir)
    assert build is not None
    rewrite(build, GLOSSARY_FILE, None)
    assert load_index(built.ingest.index_dir).glossary == ()

