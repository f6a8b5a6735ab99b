"""`Pipeline.load(settings).ask(question) -> Answer`: the model and index are loaded once."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from qa.answer import compose
from qa.build import staleness
from qa.config import Settings
from qa.embedding import Embedder, SentenceTransformerEmbedder
from qa.errors import IndexMismatch
from qa.lexical import Terms
from qa.retrieve import retrieve
from qa.safety import DISCLAIMER, check_question
from qa.store import IndexData, fix_command, load_index
from qa.types import Answer, Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pipeline:
    settings: Settings
    embedder: Embedder
    index: IndexData
    terms: Terms

    @classmethod
    def load(
        cls, settings: Settings, embedder: Embedder | None = None, check_sources: bool = True
    ) -> Pipeline:
        """Load and verify the index; refuse one that no longer matches sources or settings."""
        embedder = embedder or SentenceTransformerEmbedder(
            settings.model, settings.embed_batch_size
        )
        index = load_index(settings.index_dir)
        reasons = staleness(settings, index.manifest, embedder.name, check_sources)
        if reasons:
            raise IndexMismatch(
                f"the index in {settings.index_dir} is out of date: {'; '.join(reasons)}. "
                f"Rebuild it with `{fix_command(settings.index_dir, settings.sources_dir)}`"
            )
        return cls(settings=settings, embedder=embedder, index=index, terms=Terms())

    def ask(self, question: str) -> Answer:
        checked = check_question(question, self.settings.max_question_chars)
        if checked.rejection:
            return Answer(
                question=checked.question,
                status=Status.REJECTED,
                text=checked.rejection,
                disclaimer=DISCLAIMER,
                reason="input check",
            )
        q = checked.question
        query_vector = self.embedder.encode([q])[0]
        query_terms = self.terms.query(q)
        hits = retrieve(self.index, query_vector, query_terms, self.settings)
        return compose(
            q, self.index, hits, query_vector, query_terms, self.terms, self.settings, DISCLAIMER
        )
