"""The index's builds as a history: what each held, how two differ, and a way back.

Each build keeps a copy of the sources folder it was made from (`SNAPSHOT`), so rolling back
restores the documents and their catalogue as well as the index: a document added since is
gone from both, and the next rebuild does not bring it back.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from qa.errors import IndexProblem
from qa.ingest.freshness import corpus_hash
from qa.ingest.store import BUILDS, MANIFEST, SNAPSHOT, current_build, read_manifest
from qa.ingest.store_write import point_current

# Larger sources folders (a benchmark corpus) are not copied into every build.
MAX_SNAPSHOT_BYTES = 200_000_000
# One rollback or rebuild at a time in this process (staff actions are serialised anyway).
LOCK = threading.Lock()


def snapshot_sources(sources_dir: Path) -> dict[str, bytes]:
    """Every visible file of a sources folder by name; empty for a corpus that is one file, or
    a folder too large to copy into each build."""
    if not sources_dir.is_dir():
        return {}
    files = sorted(p for p in sources_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if sum(p.stat().st_size for p in files) > MAX_SNAPSHOT_BYTES:
        return {}
    return {p.name: p.read_bytes() for p in files}


@dataclass(frozen=True)
class BuildInfo:
    name: str
    created: str
    documents: int
    chunks: int
    embedded: int | None  # texts embedded; None for builds made before these were recorded
    reused: int | None
    chunks_embedded: int | None
    chunks_reused: int | None
    restorable: bool  # holds a copy of its sources
    current: bool


@dataclass(frozen=True)
class BuildDiff:
    """What changed from one build's documents to another's."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    embedded: int | None
    reused: int | None
    chunks_embedded: int | None = None
    chunks_reused: int | None = None


def builds(index_dir: Path) -> list[BuildInfo]:
    """The finished builds, newest first."""
    folder = index_dir / BUILDS
    if not folder.is_dir():
        return []
    try:
        current = current_build(index_dir).name
    except IndexProblem:
        current = ""
    out = []
    for build in sorted((p for p in folder.iterdir() if not p.name.startswith(".")), reverse=True):
        try:
            manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        vectors = manifest.get("vectors", {})
        out.append(
            BuildInfo(
                name=build.name,
                created=str(manifest.get("created", "")),
                documents=int(manifest.get("documents", 0)),
                chunks=int(manifest.get("chunks", 0)),
                embedded=vectors.get("embedded"),
                reused=vectors.get("reused"),
                chunks_embedded=vectors.get("chunks_embedded"),
                chunks_reused=vectors.get("chunks_reused"),
                restorable=(build / SNAPSHOT).is_dir(),
                current=build.name == current,
            )
        )
    return out


def document_digests(build: Path) -> dict[str, str]:
    """Each document's id and a digest of its cleaned text, as the build holds them."""
    rows = json.loads((build / "documents.json").read_text(encoding="utf-8"))
    return {
        str(row["id"]): hashlib.sha256(str(row["text"]).encode()).hexdigest() for row in rows
    }


def diff_builds(index_dir: Path, old: str | None, new: str) -> BuildDiff:
    """Documents added, changed and removed from build `old` (None: nothing) to build `new`."""
    folder = index_dir / BUILDS
    before = document_digests(folder / old) if old else {}
    after = document_digests(folder / new)
    info = {b.name: b for b in builds(index_dir)}.get(new)
    return BuildDiff(
        added=tuple(sorted(set(after) - set(before))),
        changed=tuple(sorted(d for d in set(after) & set(before) if after[d] != before[d])),
        removed=tuple(sorted(set(before) - set(after))),
        embedded=info.embedded if info else None,
        reused=info.reused if info else None,
        chunks_embedded=info.chunks_embedded if info else None,
        chunks_reused=info.chunks_reused if info else None,
    )


def previous_build(index_dir: Path) -> BuildInfo | None:
    """The newest build older than the current one."""
    listed = builds(index_dir)
    current = next((i for i, b in enumerate(listed) if b.current), None)
    if current is None or current + 1 >= len(listed):
        return None
    return listed[current + 1]


def rollback(index_dir: Path, sources_dir: Path) -> tuple[str, str]:
    """Serve the previous build again and put back the sources it was made from; returns the
    names of the builds (from, to). Refused, with the reason, when there is no build to go back
    to or it holds no copy of its sources."""
    with LOCK:
        target = previous_build(index_dir)
        if target is None:
            raise IndexProblem("there is no earlier build to roll back to")
        if not target.restorable:
            raise IndexProblem(
                f"build {target.name} was made by an older version and holds no copy of its "
                "sources, so it cannot be restored; change the documents and rebuild instead"
            )
        from_name = current_build(index_dir).name
        if read_manifest(index_dir).get("corpus_hash") != corpus_hash(sources_dir):
            # Rolling back now would silently drop documents added or edited since.
            raise IndexProblem(
                "the documents have changed since the served build (uploads, edits or removals "
                "not yet rebuilt); rebuild or undo those changes first, then roll back"
            )
        _restore(index_dir / BUILDS / target.name / SNAPSHOT, sources_dir)
        point_current(index_dir, target.name)
        return from_name, target.name


def _restore(snapshot: Path, sources_dir: Path) -> None:
    """Make the sources folder hold exactly the snapshot's files, each replaced atomically."""
    wanted = {p.name for p in snapshot.iterdir() if p.is_file()}
    for name in sorted(wanted):
        tmp = sources_dir / f".restore-{uuid.uuid4().hex}"
        tmp.write_bytes((snapshot / name).read_bytes())
        os.replace(tmp, sources_dir / name)
    for path in sources_dir.iterdir():
        if path.is_file() and not path.name.startswith(".") and path.name not in wanted:
            path.unlink()
