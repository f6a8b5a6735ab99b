"""A pipeline for a long-running server: it keeps answering from the build it loaded and swaps in
a newer build once `qa index` has finished and verified one, without a restart."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from qa.answering.pipeline import Pipeline
from qa.config import Settings
from qa.encoder.base import Embedder
from qa.errors import QAError
from qa.ingest.store import current_build
from qa.serving.loading import load_pipeline
from qa.types import Answer

log = logging.getLogger(__name__)


class LivePipeline:
    """Answers with the current `Pipeline`; checks the index's CURRENT pointer at most every
    `check_seconds` and loads a newer build in a background thread.

    Readers never see a half-loaded index: the new Pipeline is loaded and verified completely,
    then one reference assignment makes it current (atomic under the GIL); questions asked
    meanwhile are answered by the old one. A new build that fails to load is logged and skipped,
    so the last good index keeps serving (fail closed for the new build, not for users).
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        check_seconds: float = 2.0,
        loader: Callable[[Settings, Embedder | None], Pipeline] = load_pipeline,
    ) -> None:
        self._settings = settings
        self._loader = loader
        self._check_seconds = check_seconds
        self._served = self._seen = current_build(settings.ingest.index_dir).name
        self._pipeline = loader(settings, embedder)
        self._checked_at = time.monotonic()
        self._reloading = threading.Lock()

    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    @property
    def build(self) -> str:
        """The name of the build being served."""
        return self._served

    @property
    def seen(self) -> str:
        """The newest build looked at; differs from `build` when that one could not be loaded."""
        return self._seen

    def current(self) -> Pipeline:
        """The pipeline to answer the next question with (after checking for a newer build)."""
        self._maybe_reload()
        return self._pipeline

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        return self.current().ask(question, history)

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self._check_seconds:
            return
        self._checked_at = now
        try:
            name = current_build(self._settings.ingest.index_dir).name
        except QAError:
            return  # a pointer being replaced or removed; keep serving what is loaded
        if name != self._seen and self._reloading.acquire(blocking=False):
            threading.Thread(target=self._reload, args=(name,), daemon=True).start()

    def _reload(self, name: str) -> None:
        try:
            fresh = self._loader(self._settings, self._pipeline.embedder)
        except QAError as err:
            log.warning("index build %s was not swapped in: %s", name, err)
        else:
            self._pipeline = fresh
            self._served = name
            log.info("now serving index build %s", name)
        finally:
            self._seen = name  # a bad build is not retried on every question
            self._reloading.release()
