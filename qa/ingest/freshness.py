"""Whether a build still matches the sources and settings: what a server checks before it serves
an index, without importing the builder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from qa.config import Settings
from qa.types import Document

# Bump when cleaning, chunking or the stored layout changes what an index holds.
# 2: lexical terms use American spellings; a short sentence ending in a reference marker is no
# longer read as a heading. 3: a trailing number after "stage", "phase" … is no reference marker.
# 4: British "-ise"/"-isation" spellings are made American too. 5: a general furniture pattern
# takes sentences from prose, never the whole block; documents record what cleaning removed.
PIPELINE_VERSION = 5


def corpus_hash(sources_dir: Path) -> str:
    """sha256 over every file name and content in the sources folder (catalog included).

    A corpus that is one file (a benchmark's JSONL) is hashed the same way, as a folder of one.
    """
    digest = hashlib.sha256()
    paths = [sources_dir] if sources_dir.is_file() else sorted(sources_dir.iterdir())
    for path in (p for p in paths if p.is_file()):
        if path.name.startswith("."):
            continue
        digest.update(path.name.encode() + b"\x00")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def documents_hash(documents: Sequence[Document]) -> str:
    """sha256 over the ids and cleaned texts of documents given in memory."""
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.id):
        digest.update(doc.id.encode() + b"\x00" + hashlib.sha256(doc.text.encode()).digest())
    return digest.hexdigest()


def staleness(
    settings: Settings, manifest: dict[str, object], model: str, check_sources: bool = True
) -> list[str]:
    """Reasons the index no longer matches the sources and settings (empty when current)."""
    reasons = []
    if manifest.get("pipeline_version") != PIPELINE_VERSION:
        reasons.append("it was built by another version of the indexing code")
    if manifest.get("model") != model:
        reasons.append(f"it was built with model {manifest.get('model')!r}, not {model!r}")
    if manifest.get("chunking") != settings.chunking_fingerprint():
        reasons.append(
            f"it was built with chunk settings {manifest.get('chunking')}, "
            f"now {settings.chunking_fingerprint()}"
        )
    if (
        check_sources
        and settings.ingest.sources_dir.exists()
        and manifest.get("corpus_hash") != corpus_hash(settings.ingest.sources_dir)
    ):
        reasons.append(
            f"files in {settings.ingest.sources_dir} were added, removed or edited since"
        )
    return reasons
