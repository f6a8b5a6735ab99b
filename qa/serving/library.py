"""Staff changes to the sources folder: add, replace or remove a document, edit its catalogue
entry. Every file is checked before it lands, written atomically, and only ever inside the
sources folder, under a name made safe here (the document id).
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qa.errors import SourceError
from qa.ingest.sources import CATALOG_NAME, PDF, READERS, load_document, read_catalog
from qa.profile import PROFILE_NAME
from qa.serving.catalog_edit import remove_entry, set_fields
from qa.types import Document

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_MAX_ID = 80
# Programs renamed to look like text: a Windows executable, a Linux one, a Mach-O one.
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")


class UploadRefused(SourceError):
    """A file staff tried to add that cannot be a document; the message says why and what to do."""


@dataclass(frozen=True)
class Added:
    doc_id: str
    path: Path
    document: Document
    replaced: bool


def document_id(filename: str) -> str:
    """The id a file would have: its name without folders or extension, lower-cased, accents
    dropped, other characters than letters, digits, '.', '_' and '-' made '-'."""
    stem = Path(filename.replace("\\", "/")).stem
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    cleaned = _UNSAFE.sub("-", plain).strip(".-_")
    return cleaned[:_MAX_ID].rstrip(".-_")


def check_upload(filename: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """The (document id, extension) of an acceptable upload; UploadRefused otherwise."""
    suffix = Path(filename).suffix.lower()
    if suffix not in READERS:
        raise UploadRefused(
            f"{filename}: '{suffix or '(no extension)'}' files cannot be added; "
            f"use {', '.join(sorted(READERS))}"
        )
    if len(data) > max_bytes:
        raise UploadRefused(
            f"{filename}: {len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit "
            "(QA_MAX_UPLOAD_BYTES); split the document or remove its images"
        )
    if not data.strip():
        raise UploadRefused(f"{filename}: the file is empty")
    if data.startswith(_PROGRAMS):
        raise UploadRefused(f"{filename}: this is a program, not a document; it was not added")
    if suffix == PDF:
        if not data.startswith(b"%PDF-"):
            raise UploadRefused(f"{filename}: not a PDF (it does not start like one)")
    else:
        if b"\x00" in data:
            raise UploadRefused(f"{filename}: binary data, not text; save it as UTF-8 text")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRefused(
                f"{filename}: not UTF-8 text; save it as UTF-8 and try again"
            ) from None
    doc_id = document_id(filename)
    if not doc_id:
        raise UploadRefused(f"{filename}: the name has no letters or digits to make an id from")
    if doc_id + suffix in (CATALOG_NAME, PROFILE_NAME):
        raise UploadRefused(f"{filename}: that name is reserved for the collection's settings")
    return doc_id, suffix


def existing_file(sources_dir: Path, doc_id: str) -> Path | None:
    """The file holding document `doc_id`, whatever its extension."""
    found = [p for p in sources_dir.iterdir() if p.is_file() and p.stem == doc_id]
    return next((p for p in found if p.suffix.lower() in READERS), None)


def add_document(
    sources_dir: Path,
    filename: str,
    data: bytes,
    max_bytes: int,
    fields: Mapping[str, str],
    replace: bool = False,
) -> Added:
    """Check, read and clean the upload, then put it in the sources folder with its catalogue
    entry. A document with the same id is refused unless `replace`."""
    doc_id, suffix = check_upload(filename, data, max_bytes)
    old = existing_file(sources_dir, doc_id)
    if old is not None and not replace:
        raise UploadRefused(
            f"{filename}: a document with id '{doc_id}' exists ({old.name}); choose Replace to "
            "put this one in its place"
        )
    # Read and cleaned in a hidden folder inside sources/ first: a file that does not load
    # never reaches the folder the index is built from.
    staging = sources_dir / f".upload-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        staged = staging / f"{doc_id}{suffix}"
        staged.write_bytes(data)
        document = load_document(staged)
        catalog = sources_dir / CATALOG_NAME
        text = catalog.read_text(encoding="utf-8") if catalog.exists() else ""
        wanted = {k: v for k, v in fields.items() if v.strip()}
        new_catalog = set_fields(text, doc_id, wanted or {"title": document.meta.title})
        _check_catalog(new_catalog)
        os.replace(staged, sources_dir / staged.name)
        if old is not None and old.name != staged.name:
            old.unlink()
        write_atomic(catalog, new_catalog)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Added(doc_id, sources_dir / staged.name, document, old is not None)


def remove_document(sources_dir: Path, doc_id: str) -> Path:
    """Delete document `doc_id`'s file and catalogue entry; returns the file removed."""
    path = existing_file(sources_dir, doc_id)
    if path is None:
        raise SourceError(f"no document '{doc_id}' in {sources_dir}")
    catalog = sources_dir / CATALOG_NAME
    if catalog.exists():
        write_atomic(catalog, remove_entry(catalog.read_text(encoding="utf-8"), doc_id))
    path.unlink()
    return path


def edit_entry(sources_dir: Path, doc_id: str, fields: Mapping[str, str]) -> None:
    """Set the catalogue fields of an existing document."""
    if existing_file(sources_dir, doc_id) is None:
        raise SourceError(f"no document '{doc_id}' in {sources_dir}")
    catalog = sources_dir / CATALOG_NAME
    text = catalog.read_text(encoding="utf-8") if catalog.exists() else ""
    new_catalog = set_fields(text, doc_id, fields)
    _check_catalog(new_catalog)
    write_atomic(catalog, new_catalog)


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one rename: readers see the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _check_catalog(text: str) -> None:
    """The edited catalogue must still read as one (a value that broke it is refused)."""
    read_catalog(Path(CATALOG_NAME), text)
