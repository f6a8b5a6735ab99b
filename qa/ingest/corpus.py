"""Benchmark corpora: a sources folder, or a MedQuAD-style JSONL file (one document per answer).

MedQuAD (Ben Abacha & Demner-Fushman, BMC Bioinformatics 2019; CC BY 4.0) is read from the
path the user passes (plain or gzipped JSONL with "question", "answer", "focus", "source");
it is never copied into the project.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from qa.errors import SourceError
from qa.ingest.cleaning import clean_blocks, removed_share
from qa.ingest.sources import LoadReport, assemble, load_sources, text_blocks
from qa.text import normalise
from qa.types import Audience, BlockKind, Document, DocumentMeta

EDIT = "This paragraph was added by qa bench to measure an incremental rebuild."
_SAMPLE_SEED = 0
# MedQuAD answers put several list items on one line, each after a run of spaces and "- ".
_INLINE_ITEM = re.compile(r"[ \t]{2,}-\s+")


@dataclass(frozen=True)
class Corpus:
    """Documents to index and questions to ask them."""

    path: Path
    kind: str  # "folder" or "jsonl"
    loaded: LoadReport
    questions: tuple[str, ...]
    records: tuple[dict[str, Any], ...] = ()  # JSONL only: the records the documents came from


def load_corpus(
    path: Path,
    evals_dir: Path | None = None,
    source: str | None = None,
    max_documents: int | None = None,
) -> Corpus:
    """A folder of source files or a JSONL file; `source`/`max_documents` slice a JSONL file.

    Questions: a JSONL file's own questions; for a folder, the questions of the suites in
    `evals_dir` that are not escalations (those never reach retrieval), else its section headings.
    """
    if path.is_dir():
        if source or max_documents:
            raise SourceError("--source and --max-documents apply to a JSONL corpus only")
        loaded = load_sources(path)
        questions = _suite_questions(evals_dir) if evals_dir else []
        return Corpus(path, "folder", loaded, tuple(questions or _headings(loaded.documents)))
    if not path.is_file():
        raise SourceError(f"corpus {path} is neither a folder nor a JSONL file")
    records = read_jsonl(path)
    if source:
        records = [r for r in records if r.get("source") == source]
    records = records[:max_documents] if max_documents else records
    if not records:
        raise SourceError(f"no records in {path}" + (f" with source {source!r}" if source else ""))
    docs, problems = [], []
    for record in records:
        try:
            docs.append(record_document(record))
        except SourceError as err:
            problems.append(str(err))
    questions = [str(r["question"]) for r in records if r.get("question")]
    random.Random(_SAMPLE_SEED).shuffle(questions)
    loaded = LoadReport(tuple(docs), tuple(problems))
    return Corpus(path, "jsonl", loaded, tuple(questions), tuple(records))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a .jsonl or .jsonl.gz file, each numbered by its line ("_line")."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            return [dict(json.loads(line), _line=i) for i, line in enumerate(f, 1) if line.strip()]
    except (OSError, ValueError) as err:
        raise SourceError(f"{path}: not a readable JSONL file ({err})") from None


def record_document(record: dict[str, Any]) -> Document:
    """One answer as a cleaned Document; its id is its line number (MedQuAD's qids repeat)."""
    doc_id = f"line-{record['_line']:05d}"
    doc = answer_document(
        doc_id,
        str(record.get("focus") or record.get("question") or doc_id)[:100],
        str(record.get("source") or "not stated"),
        str(record.get("answer") or ""),
        str(record.get("url") or ""),
    )
    if doc is None:
        raise SourceError(f"record {doc_id}: no answer text")
    return doc


def answer_document(
    doc_id: str, title: str, publisher: str, answer: str, path: str
) -> Document | None:
    """One answer as a cleaned Document, read like a plain-text source file; None when
    cleaning leaves no text."""
    raw = text_blocks(normalise(_INLINE_ITEM.sub("\n- ", answer)))
    blocks = clean_blocks(raw)
    if not any(b.kind is not BlockKind.HEADING for b in blocks):
        return None
    text, spans = assemble(blocks)
    meta = DocumentMeta(id=doc_id, title=title, publisher=publisher, audience=Audience.PATIENTS)
    return Document(
        meta=meta, text=text, path=path, blocks=spans, removed_share=removed_share(raw, blocks)
    )


def edit_one(corpus: Corpus, workdir: Path) -> tuple[LoadReport, Path, str]:
    """The corpus with one paragraph put at the start of its first document (at the end it
    could land in a section cleaning drops, such as "References").

    Returns the documents, the folder holding them (a copy, for a folder corpus) and the id of
    the edited document.
    """
    if corpus.kind == "folder":
        copy = workdir / "edited-sources"
        shutil.copytree(corpus.path, copy)
        first = copy / Path(corpus.loaded.documents[0].path).name
        first.write_text(f"{EDIT}\n\n{first.read_text(encoding='utf-8')}", encoding="utf-8")
        return load_sources(copy), copy, corpus.loaded.documents[0].id
    record = corpus.records[0]
    edited = record_document(dict(record, answer=f"{EDIT}\n{record.get('answer', '')}"))
    docs = tuple(edited if d.id == edited.id else d for d in corpus.loaded.documents)
    return replace(corpus.loaded, documents=docs), corpus.path, edited.id


def _suite_questions(evals_dir: Path) -> list[str]:
    questions = []
    for suite in sorted(evals_dir.glob("*.yaml")):
        data = yaml.safe_load(suite.read_text(encoding="utf-8")) or {}
        for case in data.get("questions") or []:
            if isinstance(case, dict) and "escalate" not in (case.get("expect") or {}):
                questions.append(str(case.get("question", "")))
    return [q for q in questions if q.strip()]


def _headings(documents: tuple[Document, ...]) -> list[str]:
    return [
        d.text[b.start : b.end] for d in documents for b in d.blocks if b.kind is BlockKind.HEADING
    ] or [d.meta.title for d in documents]
