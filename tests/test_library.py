"""Staff changes to the sources folder: checks, safe names, atomic writes, catalogue edits that
keep the rest of the file, build history with a way back, and the audit log."""

from __future__ import annotations

import pytest

from qa.errors import IndexProblem, SourceError
from qa.ingest import history
from qa.ingest.build import build_index
from qa.ingest.sources import CATALOG_NAME, read_catalog
from qa.serving.audit import AuditLog
from qa.serving.catalog_edit import remove_entry, set_fields
from qa.serving.library import (
    UploadRefused,
    add_document,
    check_upload,
    document_id,
    edit_entry,
    remove_document,
)
from tests.fakes import pdf_bytes

LEAFLET = b"# Pouch care\n\nEmpty the pouch when it is one third full.\n"
LIMIT = 1_000_000


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Pouch Care (2026).txt", "pouch-care-2026"),
        ("../../etc/passwd.txt", "passwd"),
        ("C:\\Users\\x\\Évaluation finale.md", "evaluation-finale"),
        (".hidden.txt", "hidden"),
    ],
)
def test_file_names_become_safe_ids(name, expected):
    assert document_id(name) == expected


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("setup.txt", b"MZ\x90\x00" + b"\x00" * 50, "a program"),
        ("tool.md", b"\x7fELF\x02\x01", "a program"),
        ("notes.docx", b"PK\x03\x04", "cannot be added"),
        ("binary.txt", b"text\x00more", "binary data"),
        ("latin.txt", "café".encode("latin-1"), "not UTF-8"),
        ("fake.pdf", b"hello", "not a PDF"),
        ("empty.txt", b"  \n", "empty"),
        ("big.txt", b"a" * (LIMIT + 1), "over the 1 MB limit"),
        ("catalog.toml.txt", b"x", ""),  # fine: a .txt whose id is "catalog.toml"
        ("catalog.md", LEAFLET, ""),
        ("???.txt", LEAFLET, "no letters or digits"),
    ],
)
def test_uploads_that_are_not_documents_are_refused_with_the_reason(name, data, why):
    if not why:
        assert check_upload(name, data, LIMIT)[0]
        return
    with pytest.raises(UploadRefused, match=why):
        check_upload(name, data, LIMIT)


def test_add_replace_edit_and_remove_keep_the_rest_of_the_catalogue(tiny_sources):
    catalog = tiny_sources / CATALOG_NAME
    before = catalog.read_text()
    added = add_document(tiny_sources, "Pouch Care.md", LEAFLET, LIMIT, {"title": "Pouch care"})
    assert added.path == tiny_sources / "pouch-care.md" and not added.replaced
    assert read_catalog(catalog)["pouch-care"].title == "Pouch care"
    assert catalog.read_text().startswith(before.rstrip("\n"))  # the rest kept as written
    with pytest.raises(UploadRefused, match="choose Replace"):
        add_document(tiny_sources, "pouch-care.md", LEAFLET, LIMIT, {})
    pdf = pdf_bytes([["Pouch care", "Empty the pouch when it is half full, the new advice says."]])
    replaced = add_document(tiny_sources, "pouch-care.pdf", pdf, LIMIT, {}, replace=True)
    assert replaced.replaced and not (tiny_sources / "pouch-care.md").exists()
    edit_entry(tiny_sources, "pouch-care", {"publisher": 'Nurses "R" Us', "dates": "2026"})
    meta = read_catalog(catalog)["pouch-care"]
    assert (meta.publisher, meta.dates, meta.title) == ('Nurses "R" Us', "2026", "Pouch care")
    remove_document(tiny_sources, "pouch-care")
    assert "pouch-care" not in read_catalog(catalog)
    assert not list(tiny_sources.glob("pouch-care.*"))
    assert not [p for p in tiny_sources.iterdir() if p.name.startswith(".")]  # nothing left over
    with pytest.raises(SourceError, match="no document"):
        remove_document(tiny_sources, "pouch-care")


def test_a_file_that_does_not_load_never_reaches_the_folder(tiny_sources):
    names = sorted(p.name for p in tiny_sources.iterdir())
    with pytest.raises(SourceError, match="no text layer"):
        add_document(tiny_sources, "scan.pdf", pdf_bytes([[], []]), LIMIT, {})
    assert sorted(p.name for p in tiny_sources.iterdir()) == names


def test_catalogue_edits_are_surgical():
    text = (
        '# header\n\n[[document]]\nid = "a"\ntitle = "A"\n# why\nfurniture = ["^x$"]\n\n'
        '[[document]]\nid = "b"\ntitle = "B"\n'
    )
    edited = set_fields(text, "a", {"title": "A2", "dates": "2024"})
    assert 'title = "A2"' in edited and 'dates = "2024"' in edited and "# why" in edited
    assert 'furniture = ["^x$"]' in edited and 'title = "B"' in edited
    assert 'id = "b"' in remove_entry(edited, "a") and 'id = "a"' not in remove_entry(edited, "a")
    with pytest.raises(ValueError, match="furniture"):
        set_fields(text, "a", {"furniture": "x"})


def test_a_rebuild_keeps_its_sources_and_a_rollback_restores_them(built, fake_embedder):
    sources, index = built.ingest.sources_dir, built.ingest.index_dir
    first = history.builds(index)[0].name
    add_document(sources, "pouch.md", LEAFLET, LIMIT, {"title": "Pouch care"})
    second = build_index(built, fake_embedder).build_dir.name
    diff = history.diff_builds(index, first, second)
    assert diff.added == ("pouch",) and diff.removed == () and diff.changed == ()
    assert diff.embedded and diff.reused
    assert diff.chunks_embedded == 1 and diff.chunks_reused  # the new leaflet's one chunk
    assert [b.current for b in history.builds(index)] == [True, False]
    (sources / "pending.md").write_bytes(LEAFLET)  # added since the build, not yet rebuilt
    with pytest.raises(IndexProblem, match="changed since the served build"):
        history.rollback(index, sources)
    (sources / "pending.md").unlink()
    assert history.rollback(index, sources) == (second, first)
    assert not (sources / "pouch.md").exists()
    assert "pouch" not in read_catalog(sources / CATALOG_NAME)
    assert history.builds(index)[1].current
    with pytest.raises(IndexProblem, match="no earlier build"):
        history.rollback(index, sources)
    # A build after a rollback keeps the build it replaced (not merely the newest) as the way
    # back, and the differences are against it.
    add_document(sources, "pouch.md", LEAFLET, LIMIT, {"title": "Pouch care"})
    third = build_index(built, fake_embedder).build_dir.name
    assert [b.name for b in history.builds(index)] == [third, first]
    assert history.diff_builds(index, first, third).added == ("pouch",)
    assert history.rollback(index, sources) == (third, first)


def test_the_audit_log_records_and_exports_each_action(tmp_path):
    log = AuditLog.open(tmp_path / "q.db")
    log.record("alice", "upload", "=cmd|' /C calc'!A0", "b1", "")
    log.record("", "rebuild", "3 documents", "b1", "b2")
    assert [e.action for e in log.recent()] == ["rebuild", "upload"]
    csv = log.csv()
    assert "alice,upload,'=cmd" in csv and ",rebuild,3 documents,b1,b2" in csv
