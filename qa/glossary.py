"""The glossary: hard words and what a trusted source says they mean, word for word.

Most entries are definitions the collection's documents give themselves (found at index time by
qa/ingest/definitions.py; the quote is `text[start:end]` of the document). Terms the documents
use but never define can be added in `glossary.toml` beside the documents, each with the source
its definition is quoted from:

    [[term]]
    term = "…"                  # the word or phrase as it appears in answers
    also = ["…"]                # other forms of it (plural, spelling), optional
    definition = "…"            # quoted exactly from the source, never reworded
    source = "…"                # the source's title
    publisher = "…"
    url = "https://…"           # where the quote can be checked
    dates = "…"                 # optional

A term the documents define keeps the documents' definition; the file's entry is not used.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from qa.errors import ConfigError
from qa.types import Document

GLOSSARY_NAME = "glossary.toml"
_KEYS = {"term", "also", "definition", "source", "publisher", "url", "dates"}
_REQUIRED = ("term", "definition", "source", "publisher", "url")
# A term longer than this is a sentence, not a word to explain.
MAX_TERM_CHARS = 60


class Defined(Protocol):
    """A definition a document gives (qa.ingest.definitions.Definition)."""

    @property
    def term(self) -> str: ...
    @property
    def doc_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class GlossaryEntry:
    """A term and its definition, quoted from one source."""

    term: str
    quote: str
    source_title: str
    publisher: str
    dates: str = ""
    # A document of the collection (`quote` is its text[start:end]); "" for a glossary-file entry.
    doc_id: str = ""
    start: int = 0
    end: int = 0
    # Where a glossary-file entry's quote comes from.
    url: str = ""
    also: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.also)

    def to_json(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "quote": self.quote,
            "source_title": self.source_title,
            "publisher": self.publisher,
            "dates": self.dates,
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "url": self.url,
            "also": list(self.also),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> GlossaryEntry:
        return cls(
            term=str(raw["term"]),
            quote=str(raw["quote"]),
            source_title=str(raw["source_title"]),
            publisher=str(raw["publisher"]),
            dates=str(raw.get("dates", "")),
            doc_id=str(raw.get("doc_id", "")),
            start=int(raw.get("start", 0)),
            end=int(raw.get("end", 0)),
            url=str(raw.get("url", "")),
            also=tuple(str(a) for a in raw.get("also", [])),
        )


class Glossary:
    """The glossary's terms, found in a text: whole words, any case, a plural "-s"/"-es" too,
    the longest term first ("radiation therapy" before "therapy")."""

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = tuple(entries)
        self._by_form = {f.lower(): e for e in entries for f in e.forms if f.strip()}
        forms = sorted(self._by_form, key=lambda f: (-len(f), f))
        alternatives = "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms)
        self._pattern = (
            re.compile(rf"(?<![\w-])(?:{alternatives})(?:e?s)?(?![\w-])", re.IGNORECASE)
            if forms
            else None
        )

    def entry(self, found: str) -> GlossaryEntry | None:
        """The entry of a term as found in a text (any case, spacing or plural)."""
        key = " ".join(found.lower().split())
        for form in (key, key[:-1], key[:-2]):
            if form in self._by_form:
                return self._by_form[form]
        return None

    def find(self, text: str) -> list[tuple[int, int, GlossaryEntry]]:
        """(start, end, entry) of the first place each term appears in `text`."""
        if self._pattern is None:
            return []
        out, seen = [], set()
        for m in self._pattern.finditer(text):
            entry = self.entry(m.group(0))
            if entry is not None and entry.term not in seen:
                seen.add(entry.term)
                out.append((m.start(), m.end(), entry))
        return out


def document_entries(
    definitions: Iterable[Defined], documents: Mapping[str, Document]
) -> list[GlossaryEntry]:
    """Entries from the definitions the documents give."""
    out = []
    for d in definitions:
        doc = documents[d.doc_id]
        out.append(
            GlossaryEntry(
                term=d.term,
                quote=doc.text[d.start : d.end],
                source_title=doc.meta.title,
                publisher=doc.meta.publisher,
                dates=doc.meta.dates,
                doc_id=doc.id,
                start=d.start,
                end=d.end,
            )
        )
    return out


def merge(
    from_documents: Sequence[GlossaryEntry], from_file: Sequence[GlossaryEntry]
) -> tuple[tuple[GlossaryEntry, ...], list[str]]:
    """Every term once, sorted: the documents' definition wins over the file's. Also the
    warnings: each file term the documents define themselves."""
    taken = {form.lower() for e in from_documents for form in e.forms}
    kept = list(from_documents)
    warnings = []
    for entry in from_file:
        if any(form.lower() in taken for form in entry.forms):
            warnings.append(
                f"{GLOSSARY_NAME}: {entry.term!r} is defined by the documents; their definition "
                "is used"
            )
            continue
        taken.update(form.lower() for form in entry.forms)
        kept.append(entry)
    return tuple(sorted(kept, key=lambda e: e.term.lower())), warnings


def load_glossary_file(sources_dir: Path) -> list[GlossaryEntry]:
    """The entries of `glossary.toml` in `sources_dir` (none when there is no file); a bad
    entry is refused with a message naming it and the key to fix."""
    path = sources_dir / GLOSSARY_NAME
    if not sources_dir.is_dir() or not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read ({err}); fix it or remove it") from None
    unknown = set(data) - {"term"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {sorted(unknown)}; only [[term]] entries")
    entries = data.get("term", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: write each entry as [[term]]")
    return [_entry(raw, path, n) for n, raw in enumerate(entries, 1)]


def _entry(raw: Any, path: Path, n: int) -> GlossaryEntry:
    where = f"{path}: entry {n}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: not a table of keys")
    unknown = set(raw) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    for key in _REQUIRED:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{where}: `{key}` must be a non-empty text")
    also = raw.get("also", [])
    if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
        raise ConfigError(f"{where}: `also` must be a list of texts")
    term = raw["term"].strip()
    if len(term) > MAX_TERM_CHARS or not re.search(r"\w", term):
        raise ConfigError(f"{where}: `term` must be a word or short phrase")
    if not raw["url"].startswith(("https://", "http://")):
        raise ConfigError(f"{where}: `url` must be the web address the definition is quoted from")
    return GlossaryEntry(
        term=term,
        quote=raw["definition"].strip(),
        source_title=raw["source"].strip(),
        publisher=raw["publisher"].strip(),
        dates=str(raw.get("dates", "")).strip(),
        url=raw["url"].strip(),
        also=tuple(a.strip() for a in also),
    )
