"""The one place indexing is composed: load -> clean -> chunk -> embed -> store."""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from qa import __version__
from qa.config import Settings
from qa.dense import build_dense
from qa.encoder.base import Embedder
from qa.errors import IndexProblem, SourceError
from qa.glossary import document_entries, load_glossary_file, merge
from qa.index_data import IndexData, SentenceRow
from qa.ingest.chunking import chunk_document, window_check
from qa.ingest.definitions import collect
from qa.ingest.freshness import PIPELINE_VERSION, corpus_hash
from qa.ingest.genericness import neighbour_density
from qa.ingest.history import snapshot_sources
from qa.ingest.sources import LoadReport, load_sources
from qa.ingest.store import FORMAT_VERSION, REUSABLE_FORMATS, load_index, sentence_bm25
from qa.ingest.store_write import write_build
from qa.ingest.tokens import ENCODING, count_tokens
from qa.lexical import LexicalIndex, Terms
from qa.passages import paragraph_predecessors
from qa.profile import Profile, load_profile
from qa.types import Chunk, Document

log = logging.getLogger(__name__)

# Progress bars only for loops long enough to be worth one.
_BAR_MIN = 200
T = TypeVar("T")
_LIBRARIES = ("faiss-cpu", "bm25s", "sentence-transformers", "torch", "tiktoken", "numpy")


@dataclass(frozen=True)
class BuildReport:
    build_dir: Path
    documents: int
    chunks: int
    sentences: int
    embedded: int
    reused: int
    seconds: float
    problems: tuple[str, ...]
    # Documents whose cleaning removed a large share of their text (LoadReport.warnings).
    warnings: tuple[str, ...] = ()


def unknown_subjects(documents: Sequence[Document], profile: Profile) -> list[str]:
    """A line for each document whose catalog subject the profile does not declare (it is then
    read as about no one subject)."""
    known = {s.id for s in profile.subjects}
    return [
        f"{d.path}: catalog.toml says subject = {d.meta.subject!r}, which profile.toml does not "
        f"declare ([[subject]] ids: {', '.join(sorted(known)) or 'none'})"
        for d in documents
        if d.meta.subject and d.meta.subject not in known
    ]


def build_index(
    settings: Settings,
    embedder: Embedder,
    progress: Callable[[str], None] | None = None,
    show_bars: bool = False,
) -> BuildReport:
    """Build the index for `settings.ingest.sources_dir` into `settings.ingest.index_dir` and make
    it current.

    Vectors of chunks and sentences whose embedded text is unchanged are taken from the
    current build instead of being computed again.
    """
    started = time.perf_counter()
    loaded = load_sources(settings.ingest.sources_dir)
    return build_documents(
        settings,
        embedder,
        loaded,
        corpus_hash(settings.ingest.sources_dir),
        progress=progress,
        show_bars=show_bars,
        started=started,
    )


def build_documents(
    settings: Settings,
    embedder: Embedder,
    loaded: LoadReport,
    corpus_id: str,
    progress: Callable[[str], None] | None = None,
    show_bars: bool = False,
    started: float | None = None,
) -> BuildReport:
    """Index already-loaded documents into `settings.ingest.index_dir` (see `build_index`).

    `corpus_id` is recorded as the manifest's corpus hash; staleness checks compare it with
    `corpus_hash(settings.ingest.sources_dir)`.
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter() if started is None else started
    for problem in loaded.problems:
        say(f"warning: {problem}")
    profile = load_profile(settings.ingest.sources_dir)
    for warning in (*loaded.warnings, *unknown_subjects(loaded.documents, profile)):
        say(f"warning: {warning}")
    if not loaded.documents:
        raise SourceError(
            f"nothing to index in {settings.ingest.sources_dir}: {'; '.join(loaded.problems)}"
        )
    fits = window_check(embedder)
    chunks: list[Chunk] = []
    for doc in _bar(loaded.documents, "chunking", "docs", show_bars):
        chunks.extend(
            chunk_document(
                doc,
                settings.ingest.chunk_max_tokens,
                settings.ingest.chunk_overlap_sentences,
                count_tokens,
                fits,
            )
        )
    documents = {d.id: d for d in loaded.documents}
    say(f"{len(documents)} documents, {len(chunks)} chunks")
    glossary, glossary_warnings = merge(
        document_entries(collect(loaded.documents), documents),
        load_glossary_file(settings.ingest.sources_dir),
    )
    for warning in glossary_warnings:
        say(f"warning: {warning}")
    say(f"{len(glossary)} glossary terms")

    model_tag = f"{embedder.name}\x00{embedder.dim}"
    chunk_texts = [c.embed_text(documents[c.doc_id].meta.title) for c in chunks]
    chunk_keys = [_key(model_tag, t) for t in chunk_texts]
    sentence_rows, context_texts = _sentence_rows(chunks, documents, model_tag, fits)
    sentence_texts = [documents[s.doc_id].text[s.start : s.end] for s in sentence_rows]
    context_keys = [s.context_key for s in sentence_rows if s.context_key]

    cache = _previous_vectors(settings, embedder)
    chunk_vectors, new_c = _embed(embedder, chunk_texts, chunk_keys, cache, "chunks", show_bars)
    sentence_vectors, new_s = _embed(
        embedder, sentence_texts, [s.key for s in sentence_rows], cache, "sentences", show_bars
    )
    context_vectors, new_x = _embed(
        embedder, context_texts, context_keys, cache, "sentences in context", show_bars
    )
    del cache
    embedded = new_c + new_s + new_x
    reused = len(chunk_keys) + len(sentence_rows) + len(context_keys) - embedded
    say(f"embedded {embedded} texts, reused {reused} unchanged")

    if len(sentence_rows) > 20_000:  # seconds of work on a large corpus
        say(f"scoring how generic each of {len(sentence_rows)} sentences is …")
    sentence_density = neighbour_density(sentence_vectors)
    dense, dense_entry = _dense(chunk_vectors, settings, show_bars)
    terms = Terms()
    lexical = LexicalIndex.build(terms.many(chunk_texts))
    sentence_lexical = sentence_bm25(documents, sentence_rows, terms)
    manifest = {
        "format_version": FORMAT_VERSION,
        "pipeline_version": PIPELINE_VERSION,
        "qa_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": embedder.name,
        "dimension": embedder.dim,
        "model_max_tokens": embedder.max_tokens,
        "normalized": True,
        "metric": "inner_product",
        "dense_index": dense_entry["type"],
        "dense": dense_entry,
        "lexical": "bm25s BM25 (lucene), PyStemmer english, english stopwords",
        "tokenizer": ENCODING,
        "chunking": settings.chunking_fingerprint(),
        "sources_dir": str(settings.ingest.sources_dir),
        "corpus_hash": corpus_id,
        "documents": len(documents),
        "chunks": len(chunks),
        "sentences": len(sentence_rows),
        "problems": list(loaded.problems),
        # What this build embedded anew and took unchanged from the previous one: every text
        # (chunks, sentences, sentences in context), and the chunks alone.
        "vectors": {
            "embedded": embedded,
            "reused": reused,
            "chunks_embedded": new_c,
            "chunks_reused": len(chunk_keys) - new_c,
        },
        "libraries": {name: _version(name) for name in _LIBRARIES},
    }
    data = IndexData(
        manifest=manifest,
        documents=documents,
        chunks=tuple(chunks),
        chunk_keys=tuple(chunk_keys),
        chunk_vectors=chunk_vectors,
        sentences=tuple(sentence_rows),
        sentence_vectors=sentence_vectors,
        sentence_density=sentence_density,
        sentence_context_vectors=context_vectors,
        lexical=lexical,
        sentence_lexical=sentence_lexical,
        dense=dense,
        profile=profile,
        glossary=glossary,
    )
    build_dir = write_build(
        settings.ingest.index_dir, data, snapshot_sources(settings.ingest.sources_dir)
    )
    return BuildReport(
        build_dir=build_dir,
        documents=len(documents),
        chunks=len(chunks),
        sentences=len(sentence_rows),
        embedded=embedded,
        reused=reused,
        seconds=time.perf_counter() - started,
        problems=loaded.problems,
        warnings=loaded.warnings,
    )


def _dense(vectors: np.ndarray, settings: Settings, show_bar: bool) -> tuple[Any, dict[str, Any]]:
    approximate = len(vectors) >= settings.ingest.ann_threshold
    with _bar_total(len(vectors), "HNSW index", "vectors", show_bar and approximate) as bar:
        return build_dense(vectors, settings, progress=bar.update)


def _bar(items: Sequence[T], label: str, unit: str, show: bool) -> Iterable[T]:
    if not show or len(items) < _BAR_MIN:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit=f" {unit}", leave=False)


def _bar_total(total: int, label: str, unit: str, show: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=f" {unit}", leave=False, disable=not show)


def _key(model_tag: str, text: str) -> str:
    return hashlib.sha256(f"{model_tag}\x00{text}".encode()).hexdigest()[:24]


def _sentence_rows(
    chunks: Sequence[Chunk],
    documents: dict[str, Document],
    model_tag: str,
    fits: Callable[[str], bool],
) -> tuple[list[SentenceRow], list[str]]:
    """Each distinct sentence once, and the context texts of those with a context_key, in row
    order: the text from the start of the sentence before it in its paragraph to its end, when
    it fits the model's window."""
    spans: dict[tuple[str, int, int], None] = {}
    for c in chunks:
        for s in c.sentences:
            spans.setdefault((c.doc_id, s.start, s.end))
    predecessors = paragraph_predecessors(documents, spans)
    rows = []
    contexts = []
    for doc_id, start, end in spans:
        text = documents[doc_id].text
        before = predecessors.get((doc_id, start, end))
        context_key = ""
        if before is not None and fits(context := text[before:end]):
            context_key = _key(model_tag, context)
            contexts.append(context)
        rows.append(SentenceRow(doc_id, start, end, _key(model_tag, text[start:end]), context_key))
    return rows, contexts


def _previous_vectors(settings: Settings, embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the current build by key, when it was made with the same model."""
    try:
        old = load_index(settings.ingest.index_dir, formats=REUSABLE_FORMATS)
    except IndexProblem:
        return {}
    if old.manifest.get("model") != embedder.name or old.manifest.get("dimension") != embedder.dim:
        return {}
    cache = dict(zip(old.chunk_keys, old.chunk_vectors, strict=True))
    cache.update(zip((s.key for s in old.sentences), old.sentence_vectors, strict=True))
    context_keys = [s.context_key for s in old.sentences if s.context_key]
    cache.update(zip(context_keys, old.sentence_context_vectors, strict=True))
    return cache


def _embed(
    embedder: Embedder,
    texts: Sequence[str],
    keys: Sequence[str],
    cache: dict[str, np.ndarray],
    label: str,
    show_bar: bool,
) -> tuple[np.ndarray, int]:
    missing = [i for i, k in enumerate(keys) if k not in cache]
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    if missing:
        if show_bar:
            print(f"embedding {len(missing)} {label}", file=sys.stderr)
        fresh = embedder.encode([texts[i] for i in missing], progress=show_bar)
        for row, i in enumerate(missing):
            out[i] = fresh[row]
    for i, k in enumerate(keys):
        if k in cache:
            out[i] = cache[k]
    return out, len(missing)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
