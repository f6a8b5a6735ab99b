"""Writing a build: into a temporary folder, fsynced, checksummed, verified by reading it back,
renamed, and only then made current by atomically replacing `index/CURRENT` (the layout is in
qa/ingest/store.py). A crash at any moment leaves the previous build served."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import IndexProblem
from qa.index_data import IndexData
from qa.ingest.store import (
    BUILDS,
    CURRENT,
    GLOSSARY_FILE,
    MANIFEST,
    PROFILE_FILE,
    SNAPSHOT,
    checksums,
    current_build,
    load_build,
)
from qa.types import Document


def write_build(
    index_dir: Path, data: IndexData, sources: Mapping[str, bytes] | None = None
) -> Path:
    """Write `data` as a new build and make it current; returns the build folder. `sources`
    (file name -> bytes) is the sources folder it was built from, kept in the build so that a
    rollback can restore it (qa/ingest/history.py)."""
    import faiss

    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    tmp = builds / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        _write_json(tmp / "documents.json", [_document_json(d) for d in data.documents.values()])
        _write_json(tmp / PROFILE_FILE, data.profile.to_json())
        _write_json(tmp / GLOSSARY_FILE, [e.to_json() for e in data.glossary])
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
        if sources:
            (tmp / SNAPSHOT).mkdir()
            for name, content in sources.items():
                (tmp / SNAPSHOT / name).write_bytes(content)
        manifest = dict(data.manifest, files=checksums(tmp))
        _write_json(tmp / MANIFEST, manifest)
        _fsync_dir(tmp)
        # Names sort in build order (nanoseconds), which is what pruning relies on.
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        final = builds / name
        tmp.rename(final)
        _fsync_dir(builds)
        # Verify what landed on disk before anyone is pointed at it.
        load_build(final, index_dir)
        # The build served until now is the way back, even when it is not the newest (after
        # a rollback): pruning must keep it.
        try:
            served = current_build(index_dir).name
        except IndexProblem:  # the first build, or a pointer to a build that is gone
            served = ""
        point_current(index_dir, name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(builds, keep={name, served})
    return final


def point_current(index_dir: Path, name: str) -> None:
    """Make build `name` the one served: one atomic rename of the CURRENT pointer."""
    pointer_tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex}"
    pointer_tmp.write_text(name + "\n", encoding="utf-8")
    _fsync(pointer_tmp)
    os.replace(pointer_tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


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


def _prune(builds: Path, keep: set[str]) -> None:
    """Keep the new build and the one served before it (the way back); remove other and
    abandoned ones."""
    finished = sorted((p for p in builds.iterdir() if not p.name.startswith(".")), reverse=True)
    for old in finished:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in builds.glob(".tmp-*"):
        # An abandoned temp folder from a killed build; a build under way is younger than this.
        if time.time() - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)
