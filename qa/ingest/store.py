"""The index folder: written atomically as a new build, swapped in by one rename, verified on load.

Layout::

    index/CURRENT                 name of the build being served (replaced atomically)
    index/builds/<name>/          manifest.json, documents.json, chunks.jsonl, sentences.jsonl,
                                  chunk_vectors.npy, sentence_vectors.npy, sentence_density.npy,
                                  sentence_context_vectors.npy (a sentence read after the one
                                  before it in its paragraph, for the rows with a context_key),
                                  dense.faiss, lexical/ (BM25 over chunks),
                                  lexical_sentences/ (BM25 over sentences)

dense.faiss is exact (IndexFlatIP) or HNSW by corpus size; the manifest's "dense" entry says
which, with its parameters (see qa/dense.py).

A build is written into a temporary folder, fsynced, checked, then renamed; only then does
CURRENT point at it, so a crash at any moment leaves the previous build served.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.dense import configure
from qa.errors import IndexCorrupt, IndexMismatch, IndexMissing
from qa.glossary import GlossaryEntry
from qa.index_data import IndexData, SentenceRow
from qa.ingest.genericness import neighbour_density
from qa.lexical import LexicalIndex, Terms
from qa.profile import Profile
from qa.types import Audience, Block, BlockKind, Chunk, Document, DocumentMeta, Span

# 2: the manifest's "dense" entry says which FAISS index type was built and with what parameters.
# 3: sentence_density.npy holds how generic each sentence is (qa/ingest/genericness.py).
# 4: lexical_sentences/ holds a BM25 index over the sentences (qa/answering/retrieve.py).
# 5: sentence_context_vectors.npy, and sentences.jsonl's context_key (qa/answering/answer.py).
FORMAT_VERSION = 5
# Builds whose vectors a rebuild may still reuse (their layout of keys and vectors is the same).
REUSABLE_FORMATS = (1, 2, 3, 4, 5)
CURRENT = "CURRENT"
BUILDS = "builds"
MANIFEST = "manifest.json"
# The collection's profile (qa/profile.py), as the build read it from the sources folder.
PROFILE_FILE = "profile.json"
# The glossary (qa/glossary.py): every term with its quoted definition.
GLOSSARY_FILE = "glossary.json"
# A copy of the sources folder the build was made from (a rollback restores it).
SNAPSHOT = "sources"


def fix_command(index_dir: Path, sources_dir: Path | None = None) -> str:
    sources = f" --sources {sources_dir}" if sources_dir else ""
    return f"qa index{sources} --index {index_dir}"


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    if not pointer.exists():
        raise IndexMissing(f"no index in {index_dir}; build it with `{fix_command(index_dir)}`")
    name = pointer.read_text(encoding="utf-8").strip()
    build = index_dir / BUILDS / name
    if not name or "/" in name or not build.is_dir():
        raise IndexCorrupt(
            f"{pointer} names a build that does not exist ({name!r}); "
            f"rebuild with `{fix_command(index_dir)}`"
        )
    return build


def read_manifest(index_dir: Path) -> dict[str, Any]:
    build = current_build(index_dir)
    try:
        manifest: dict[str, Any] = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexCorrupt(
            f"{build / MANIFEST} is unreadable ({err}); rebuild with `{fix_command(index_dir)}`"
        ) from None
    _check_format(manifest, index_dir, (FORMAT_VERSION,))
    return manifest


def _check_format(manifest: dict[str, Any], index_dir: Path, formats: tuple[int, ...]) -> None:
    if manifest.get("format_version") not in formats:
        raise IndexMismatch(
            f"the index in {index_dir} has format version {manifest.get('format_version')}, "
            f"this program reads {FORMAT_VERSION}; rebuild with `{fix_command(index_dir)}`"
        )


def load_index(index_dir: Path, formats: tuple[int, ...] = (FORMAT_VERSION,)) -> IndexData:
    """Load and verify the current build (format, checksums, counts, dimensions).

    `formats`: the format versions accepted; a rebuild reading old vectors may accept more.
    """
    build = current_build(index_dir)
    return load_build(build, index_dir, formats)


def load_build(
    build: Path, index_dir: Path, formats: tuple[int, ...] = (FORMAT_VERSION,)
) -> IndexData:
    import faiss

    fix = f"rebuild with `{fix_command(index_dir)}`"
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
        _check_format(manifest, index_dir, formats)
        expected = manifest["files"]
        actual = checksums(build)
        if expected != actual:
            changed = sorted(set(expected.items()) ^ set(actual.items()))
            names = sorted({n for n, _ in changed})
            raise IndexCorrupt(
                f"index files changed or missing in {build}: {', '.join(names)}; {fix}"
            )
        documents = {d["id"]: _document_from_json(d) for d in _read_json(build / "documents.json")}
        chunk_rows = _read_lines(build / "chunks.jsonl")
        chunks = tuple(
            Chunk(
                id=r["id"],
                doc_id=r["doc_id"],
                section=r["section"],
                start=r["start"],
                end=r["end"],
                text=documents[r["doc_id"]].text[r["start"] : r["end"]],
                sentences=tuple(Span(s, e) for s, e in r["sentences"]),
            )
            for r in chunk_rows
        )
        # Older formats had no context vectors; a rebuild reading them embeds the contexts.
        in_context = manifest["format_version"] >= 5
        sentences = tuple(
            SentenceRow(
                r["doc_id"],
                r["start"],
                r["end"],
                r["key"],
                r.get("context_key", "") if in_context else "",
            )
            for r in _read_lines(build / "sentences.jsonl")
        )
        chunk_vectors = np.load(build / "chunk_vectors.npy", allow_pickle=False)
        sentence_vectors = np.load(build / "sentence_vectors.npy", allow_pickle=False)
        density_file = build / "sentence_density.npy"
        # Older formats, read only for their vectors by a rebuild, did not store it.
        sentence_density = (
            np.load(density_file, allow_pickle=False)
            if manifest["format_version"] >= 3
            else neighbour_density(sentence_vectors)
        )
        sentence_context_vectors = (
            np.load(build / "sentence_context_vectors.npy", allow_pickle=False)
            if in_context
            else np.zeros((0, sentence_vectors.shape[1]), dtype=np.float32)
        )
        dense = faiss.read_index(str(build / "dense.faiss"))
        lexical = LexicalIndex.load(build / "lexical")
        sentence_lexical = (
            LexicalIndex.load(build / "lexical_sentences")
            if manifest["format_version"] >= 4
            else sentence_bm25(documents, sentences, Terms())
        )
    except (IndexCorrupt, IndexMismatch):
        raise
    except Exception as err:
        raise IndexCorrupt(f"the index in {build} cannot be read ({err}); {fix}") from None
    dim = manifest.get("dimension")
    if (
        chunk_vectors.shape != (len(chunks), dim)
        or sentence_vectors.shape != (len(sentences), dim)
        or sentence_density.shape != (len(sentences),)
        or sentence_context_vectors.shape != (sum(bool(s.context_key) for s in sentences), dim)
        or sentence_lexical.size != len(sentences)
        or dense.ntotal != len(chunks)
        or dense.d != dim
        or manifest.get("chunks") != len(chunks)
    ):
        raise IndexCorrupt(f"the index in {build} has inconsistent sizes; {fix}")
    # Format 1 recorded only the type name (always the exact index).
    problem = configure(dense, manifest.get("dense") or {"type": manifest.get("dense_index")})
    if problem:
        raise IndexCorrupt(f"the index in {build} is inconsistent: {problem}; {fix}")
    return IndexData(
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        chunk_keys=tuple(r["key"] for r in chunk_rows),
        chunk_vectors=chunk_vectors,
        sentences=sentences,
        sentence_vectors=sentence_vectors,
        sentence_density=sentence_density,
        sentence_context_vectors=sentence_context_vectors,
        lexical=lexical,
        sentence_lexical=sentence_lexical,
        dense=dense,
        profile=_profile(build),
        glossary=_glossary(build, documents),
    )


def _profile(build: Path) -> Profile:
    """The collection's profile as it was built (a build from before profiles has the default)."""
    if not (build / PROFILE_FILE).exists():
        return Profile()
    return Profile.from_json(_read_json(build / PROFILE_FILE))


def _glossary(build: Path, documents: dict[str, Document]) -> tuple[GlossaryEntry, ...]:
    """The build's glossary (none in a build from before glossaries); a document's definition
    that is not its text at those offsets is a corrupt build, never shown."""
    if not (build / GLOSSARY_FILE).exists():
        return ()
    entries = tuple(GlossaryEntry.from_json(e) for e in _read_json(build / GLOSSARY_FILE))
    for e in entries:
        doc = documents.get(e.doc_id) if e.doc_id else None
        if e.doc_id and (doc is None or doc.text[e.start : e.end] != e.quote):
            raise IndexCorrupt(
                f"the glossary in {build} quotes {e.doc_id!r} where its text differs; rebuild "
                "the index (qa index)"
            )
    return entries


def sentence_bm25(
    documents: dict[str, Document], sentences: Sequence[SentenceRow], terms: Terms
) -> LexicalIndex:
    """The BM25 index over `sentences`, row for row."""
    return LexicalIndex.build(
        terms.many([documents[s.doc_id].text[s.start : s.end] for s in sentences])
    )


def _document_from_json(d: dict[str, Any]) -> Document:
    meta = DocumentMeta(
        id=d["id"],
        title=d["title"],
        publisher=d["publisher"],
        audience=Audience(d["audience"]),
        dates=d["dates"],
        subject=d.get("subject", ""),
    )
    blocks = tuple(Block(BlockKind(k), s, e, lvl) for k, s, e, lvl in d["blocks"])
    return Document(
        meta=meta,
        text=d["text"],
        path=d["path"],
        blocks=blocks,
        removed_share=d.get("removed_share"),
    )


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


