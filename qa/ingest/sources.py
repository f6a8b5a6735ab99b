"""Read `sources/` and its catalog into cleaned Documents (.txt, .md, .html, .pdf)."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa.errors import SourceError
from qa.glossary import GLOSSARY_NAME
from qa.ingest.cleaning import clean_blocks, removed_share
from qa.ingest.html_text import html_blocks
from qa.ingest.pdf_text import pdf_text
from qa.profile import PROFILE_NAME, load_profile
from qa.text import normalise, squash_spaces, word_count
from qa.types import Audience, Block, BlockKind, Document, DocumentMeta, RawBlock

log = logging.getLogger(__name__)

CATALOG_NAME = "catalog.toml"
PDF = ".pdf"
MAX_SOURCE_BYTES = 20_000_000
_BULLET = re.compile(r"^\s*(?:[•·▪◦‣∙*+\-–]|\d{1,2}[.)])\s+")
_HEADING_MAX_WORDS = 12
_HEADING_MAX_CHARS = 100
# Plain text has no heading levels: every heading is a section, a parent bullet a sub-section.
_TEXT_HEADING_LEVEL = 2
_SUB_HEADING_LEVEL = 3
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
# A document whose cleaning removed more than this share of its text is named in a warning: a
# furniture rule may have taken content. Half, because a health page is mostly content: the
# hand-checked corpus in sources/ loses 8-41 % (the most, a page with a long references and
# disclaimer section), and of MedQuAD's 15,817 answers 5 lose more than half (4 of them a list
# run into a "click here" sentence, worth a look).
CLEANING_WARN_SHARE = 0.5


@dataclass(frozen=True)
class LoadReport:
    """Documents that loaded, and one message per file that did not."""

    documents: tuple[Document, ...]
    problems: tuple[str, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per document whose cleaning removed over `CLEANING_WARN_SHARE` of its text."""
        return tuple(
            cleaning_warning(d.path, d.removed_share)
            for d in self.documents
            if d.removed_share is not None and d.removed_share > CLEANING_WARN_SHARE
        )


def cleaning_warning(path: str, share: float) -> str:
    return (
        f"{path}: cleaning removed {share:.0%} of its text as site furniture (warned above "
        f"{CLEANING_WARN_SHARE:.0%}); check that no content went with it"
    )


def load_sources(sources_dir: Path) -> LoadReport:
    """Load every supported file in `sources_dir`; a bad file is reported, the rest still load."""
    if not sources_dir.is_dir():
        raise SourceError(
            f"sources folder {sources_dir} does not exist: create it and put .txt, .md, .html or "
            ".pdf files in it, or pass --sources DIR"
        )
    catalog = read_catalog(sources_dir / CATALOG_NAME)
    # The collection's own settings, not documents: the catalog, the profile, the glossary and
    # the files the profile names (its learned passage ranker).
    ranker = load_profile(sources_dir).passage_ranker
    settings = {CATALOG_NAME, PROFILE_NAME, GLOSSARY_NAME, ranker} - {""}
    docs: list[Document] = []
    problems: list[str] = []
    for path in sorted(sources_dir.iterdir()):
        if path.name in settings or path.name.startswith(".") or path.is_dir():
            continue
        try:
            docs.append(load_document(path, catalog.get(path.stem)))
        except SourceError as err:
            problems.append(str(err))
            log.warning("%s", err)
    if not docs:
        problems.append(f"no readable .txt, .md, .html or .pdf files in {sources_dir}")
    unknown = set(catalog) - {d.id for d in docs}
    problems.extend(
        f"{CATALOG_NAME}: entry '{i}' has no matching file in {sources_dir}"
        for i in sorted(unknown)
    )
    report = LoadReport(tuple(docs), tuple(problems))
    for warning in report.warnings:
        log.warning("%s", warning)
    return report


def load_document(path: Path, meta: DocumentMeta | None = None) -> Document:
    raw_blocks = read_raw_blocks(path)
    meta = meta or derive_meta(path.stem, raw_blocks)
    blocks = clean_blocks(raw_blocks, meta.extra_furniture)
    removed = removed_share(raw_blocks, blocks)
    if not any(b.kind is not BlockKind.HEADING for b in blocks):
        if removed > 0:
            raise SourceError(
                f"{path}: no text left after cleaning: it removed {removed:.0%} of the text as "
                "site furniture; check the furniture patterns (qa/ingest/cleaning.py and the "
                "catalog's `furniture`)"
            )
        raise SourceError(f"{path}: no text left after cleaning; is the file empty?")
    text, spans = assemble(blocks)
    return Document(meta=meta, text=text, path=str(path), blocks=spans, removed_share=removed)


def read_raw_blocks(path: Path) -> list[RawBlock]:
    """The file's blocks as written, before cleaning."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError(
            f"{path}: unsupported file type '{path.suffix or '(none)'}'; "
            f"supported: {', '.join(sorted(READERS))}"
        )
    if not _ID.match(path.stem):
        raise SourceError(
            f"{path}: the file name is the document id and may only use letters, digits, '.', "
            "'_' and '-'; rename the file"
        )
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise SourceError(f"{path}: {size} bytes is over the {MAX_SOURCE_BYTES}-byte limit")
        raw = pdf_text(path) if path.suffix.lower() == PDF else path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not UTF-8 text; save it as UTF-8 and run `qa index`") from None
    except OSError as err:
        raise SourceError(f"{path}: cannot be read ({err.strerror})") from None
    return reader(normalise(raw))


def assemble(blocks: list[RawBlock]) -> tuple[str, tuple[Block, ...]]:
    """Join blocks into one text: a list's bullets on adjacent lines, others a blank line apart."""
    parts: list[str] = []
    spans: list[Block] = []
    pos = 0
    prev: RawBlock | None = None
    for b in blocks:
        if prev is not None:
            sep = "\n" if (b.kind is BlockKind.BULLET and prev.kind is BlockKind.BULLET) else "\n\n"
            parts.append(sep)
            pos += len(sep)
        spans.append(Block(b.kind, pos, pos + len(b.text), b.level))
        parts.append(b.text)
        pos += len(b.text)
        prev = b
    return "".join(parts), tuple(spans)


def derive_meta(doc_id: str, blocks: list[RawBlock]) -> DocumentMeta:
    """Metadata for a file the catalog does not describe: its first heading is its title."""
    title = next((b.text for b in blocks if b.kind is BlockKind.HEADING), "")
    if not title:
        title = re.sub(r"[-_]+", " ", doc_id).strip().capitalize()
    return DocumentMeta(
        id=doc_id,
        title=squash_spaces(title)[:_HEADING_MAX_CHARS],
        publisher="not stated",
        audience=Audience.PATIENTS,
    )


def read_catalog(path: Path, text: str | None = None) -> dict[str, DocumentMeta]:
    """The catalogue's entries by id; `text` stands in for the file's content (to check an
    edit before it is written)."""
    if text is None and not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8") if text is None else text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SourceError(f"{path}: not valid TOML ({err}); fix the file or remove it") from None
    entries = data.get("document", [])
    if not isinstance(entries, list):
        raise SourceError(f"{path}: expected [[document]] tables")
    out: dict[str, DocumentMeta] = {}
    for i, entry in enumerate(entries, 1):
        where = f"{path}: [[document]] #{i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise SourceError(f"{where}: needs an 'id' (the file name without extension)")
        audience = entry.get("audience", Audience.PATIENTS.value)
        try:
            aud = Audience(audience)
        except ValueError:
            allowed = ", ".join(repr(a.value) for a in Audience)
            raise SourceError(f"{where}: audience must be one of {allowed}") from None
        furniture = entry.get("furniture", [])
        if not isinstance(furniture, list) or not all(isinstance(f, str) for f in furniture):
            raise SourceError(f"{where}: furniture must be a list of regular expressions")
        for pattern in furniture:
            try:
                re.compile(pattern)
            except re.error as err:
                raise SourceError(f"{where}: bad furniture pattern {pattern!r}: {err}") from None
        subject = entry.get("subject", "")
        if not isinstance(subject, str):
            raise SourceError(f"{where}: subject must be the id of a subject in profile.toml")
        out[entry["id"]] = DocumentMeta(
            id=entry["id"],
            title=str(entry.get("title", entry["id"])),
            publisher=str(entry.get("publisher", "not stated")),
            audience=aud,
            dates=str(entry.get("dates", "")),
            extra_furniture=tuple(furniture),
            subject=subject,
        )
    return out


def text_blocks(text: str) -> list[RawBlock]:
    """Plain text: one block per line; bullets by their marker, headings by their shape.

    A bullet with more-indented bullets under it ("• Chemotherapy" over its details) is a
    sub-heading: its children make no sense without it.
    """
    lines = [(len(raw) - len(raw.lstrip()), squash_spaces(raw)) for raw in text.split("\n")]
    lines = [(indent, line) for indent, line in lines if line]
    blocks = []
    for i, (indent, line) in enumerate(lines):
        bullet = _BULLET.match(line)
        if bullet:
            following = lines[i + 1] if i + 1 < len(lines) else None
            parent = following is not None and following[0] > indent and _BULLET.match(following[1])
            kind = BlockKind.HEADING if parent else BlockKind.BULLET
            level = _SUB_HEADING_LEVEL if parent else 0
            item = line[bullet.end() :]
            blocks.append(RawBlock(kind, item.rstrip(":") if parent else item, level))
        elif looks_like_heading(line):
            blocks.append(RawBlock(BlockKind.HEADING, line, _TEXT_HEADING_LEVEL))
        else:
            blocks.append(RawBlock(BlockKind.PARAGRAPH, line))
    return blocks


# A sentence's end followed by the original page's reference marker: "….[1]", "…. 1", "….1"
# (markers are stripped later, by qa.ingest.cleaning, once the blocks are known).
_PUNCTUATED_BEFORE_MARKER = re.compile(r"[.:;,]\s?(?:(?:\[[\d\s,–-]+\])+|\d{1,2})$")


def looks_like_heading(line: str) -> bool:
    """Short, unpunctuated (or a question), capitalised: how a heading looks in scraped text."""
    return (
        word_count(line) <= _HEADING_MAX_WORDS
        and len(line) <= _HEADING_MAX_CHARS
        and line[-1] not in ".:;,"
        and not _PUNCTUATED_BEFORE_MARKER.search(line)
        and (line[0].isupper() or line[0].isdigit())
    )


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_blocks(text: str) -> list[RawBlock]:
    """Markdown: `#` headings keep their level; links keep their text; emphasis marks go."""
    blocks: list[RawBlock] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(RawBlock(BlockKind.PARAGRAPH, " ".join(paragraph)))
            paragraph.clear()

    for line in text.split("\n"):
        line = _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", line)).strip()
        heading = _MD_HEADING.match(line)
        bullet = _BULLET.match(line)
        if not line or re.fullmatch(r"[-*_=]{3,}|```.*", line):
            flush()
        elif heading:
            flush()
            blocks.append(RawBlock(BlockKind.HEADING, heading.group(2), len(heading.group(1))))
        elif bullet:
            flush()
            blocks.append(RawBlock(BlockKind.BULLET, line[bullet.end() :]))
        else:
            paragraph.append(line.lstrip("> "))
    flush()
    return blocks


READERS: dict[str, Callable[[str], list[RawBlock]]] = {
    ".txt": text_blocks,
    ".md": markdown_blocks,
    ".markdown": markdown_blocks,
    ".html": html_blocks,
    ".htm": html_blocks,
    # Its text layer (qa/ingest/pdf_text.py), read as plain text.
    PDF: text_blocks,
}
