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
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.dense import configure
from qa.errors import IndexCorrupt, IndexMismatch, IndexMissing
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
_KEEP_BUILDS = 2


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


def write_build(index_dir: Path, data: IndexData) -> Path:
    """Write `data` as a new build and make it current; returns the build folder."""
    import faiss

    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    tmp = builds / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        _write_json(tmp / "documents.json", [_document_json(d) for d in data.documents.values()])
        _write_json(tmp / PROFILE_FILE, data.profile.to_json())
        _write_lines(
            tmp / "chunks.jsonl",
            [
                {
                    "id": c.id,
                    "doc_id": c.doc_id,
                    "section": c.section,
                    "start": c.start,
                    "end": c.end,
                    "sentences": [[s.start, s.end] for s in c.sentences],
                    "key": k,
                }
                for c, k in zip(data.chunks, data.chunk_keys, strict=True)
            ],
        )
        _write_lines(
            tmp / "sentences.jsonl",
            [
                {"doc_id": s.doc_id, "start": s.start, "end": s.end, "key": s.key}
                | ({"context_key": s.context_key} if s.context_key else {})
                for s in data.sentences
            ],
        )
        _save_npy(tmp / "chunk_vectors.npy", data.chunk_vectors)
        _save_npy(tmp / "sentence_vectors.npy", data.sentence_vectors)
        _save_npy(tmp / "sentence_density.npy", data.sentence_density)
        _save_npy(tmp / "sentence_context_vectors.npy", data.sentence_context_vectors)
        faiss.write_index(data.dense, str(tmp / "dense.faiss"))
        _fsync(tmp / "dense.faiss")
        for folder, lexical in (
            ("lexical", data.lexical),
            ("lexical_sentences", data.sentence_lexical),
        ):
            (tmp / folder).mkdir()
            lexical.save(tmp / folder)
            for f in (tmp / folder).iterdir():
                _fsync(f)
        manifest = dict(data.manifest, files=_checksums(tmp))
        _write_json(tmp / MANIFEST, manifest)
        _fsync_dir(tmp)
        # Names sort in build order (nanoseconds), which is what pruning relies on.
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        final = builds / name
        tmp.rename(final)
        _fsync_dir(builds)
        # Verify what landed on disk before anyone is pointed at it.
        _load_build(final, index_dir)
        pointer_tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex}"
        pointer_tmp.write_text(name + "\n", encoding="utf-8")
        _fsync(pointer_tmp)
        os.replace(pointer_tmp, index_dir / CURRENT)
        _fsync_dir(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(builds, keep=name)
    return final


def load_index(index_dir: Path, formats: tuple[int, ...] = (FORMAT_VERSION,)) -> IndexData:
    """Load and verify the current build (format, checksums, counts, dimensions).

    `formats`: the format versions accepted; a rebuild reading old vectors may accept more.
    """
    build = current_build(index_dir)
    return _load_build(build, index_dir, formats)


def _load_build(
    build: Path, index_dir: Path, formats: tuple[int, ...] = (FORMAT_VERSION,)
) -> IndexData:
    import faiss

    fix = f"rebuild with `{fix_command(index_dir)}`"
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
        _check_format(manifest, index_dir, formats)
        expected = manifest["files"]
        actual = _checksums(build)
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
    )


def _profile(build: Path) -> Profile:
    """The collection's profile as it was built (a build from before profiles has the default)."""
    if not (build / PROFILE_FILE).exists():
        return Profile()
    return Profile.from_json(_read_json(build / PROFILE_FILE))


def sentence_bm25(
    documents: dict[str, Document], sentences: Sequence[SentenceRow], terms: Terms
) -> LexicalIndex:
    """The BM25 index over `sentences`, row for row."""
    return LexicalIndex.build(
        terms.many([documents[s.doc_id].text[s.start : s.end] for s in sentences])
    )


def _document_json(d: Document) -> dict[str, Any]:
    m = d.meta
    return {
        "id": m.id,
        "title": m.title,
        "publisher": m.publisher,
        "audience": m.audience.value,
        "dates": m.dates,
        "subject": m.subject,
        "path": d.path,
        "text": d.text,
        "blocks": [[b.kind.value, b.start, b.end, b.level] for b in d.blocks],
        "removed_share": d.removed_share,
    }


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


def _checksums(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def _write_json(path: Path, obj: Any) -> None:
    with path.open("w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())


def _write_lines(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _save_npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as f:
        np.save(f, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    _fsync(path)


def _prune(builds: Path, keep: str) -> None:
    """Keep the new build and the one before it (a way back); remove older and abandoned ones."""
    finished = sorted((p for p in builds.iterdir() if not p.name.startswith(".")), reverse=True)
    for old in finished[_KEEP_BUILDS:]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in builds.glob(".tmp-*"):
        # An abandoned temp folder from a killed build; a build under way is younger than this.
        if time.time() - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)
