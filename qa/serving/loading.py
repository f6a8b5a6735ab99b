"""Load and verify the index, then assemble the answering pipeline over it: the one place that
joins the index folder (the ingest wing's store) to the answering wing."""

from __future__ import annotations

from qa.answering.pipeline import Pipeline
from qa.config import Settings
from qa.encoder.base import Embedder
from qa.encoder.factory import make_embedder
from qa.errors import IndexMismatch
from qa.ingest.freshness import staleness
from qa.ingest.store import fix_command, load_index


def load_pipeline(
    settings: Settings, embedder: Embedder | None = None, check_sources: bool = True
) -> Pipeline:
    """The pipeline over the current build; refuse a build that no longer matches the sources
    or the settings, with the command that rebuilds it."""
    embedder = embedder or make_embedder(settings)
    index = load_index(settings.ingest.index_dir)
    reasons = staleness(settings, index.manifest, embedder.name, check_sources)
    if reasons:
        fix = fix_command(settings.ingest.index_dir, settings.ingest.sources_dir)
        raise IndexMismatch(
            f"the index in {settings.ingest.index_dir} is out of date: {'; '.join(reasons)}. "
            f"Rebuild it with `{fix}`"
        )
    return Pipeline.assemble(settings, embedder, index)
