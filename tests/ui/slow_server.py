"""The test app with a queue of one and answers that take a second, to fill the queue.

`python -m tests.ui.slow_server DIR PORT`: as tests.ui.fake_server, but one question answered
at a time (`serve_concurrency=1`), one more allowed to wait (`serve_queue_size=1`), and each
answer delayed by SLOW_SECONDS. Further questions must get "busy", never hang.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.answering.pipeline import Pipeline
from qa.config import Settings
from qa.encoder.base import Embedder
from qa.ingest.build import build_index
from qa.serving.live import LivePipeline
from qa.serving.loading import load_pipeline
from qa.serving.logbook import Logbook
from qa.types import Answer
from tests.fakes import FakeEmbedder
from tests.ui.fake_server import EXAMPLES, prepare
from ui.server import serve

SLOW_SECONDS = 1.0


@dataclass(frozen=True)
class SlowPipeline(Pipeline):
    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        time.sleep(SLOW_SECONDS)
        return super().ask(question, history)


def main(folder: str, port: str) -> None:
    settings = prepare(Path(folder)).replace(serve_concurrency=1, serve_queue_size=1)
    embedder = FakeEmbedder()
    build_index(settings, embedder)

    def load_slow(settings: Settings, embedder: Embedder | None) -> Pipeline:
        p = load_pipeline(settings, embedder)
        return SlowPipeline(p.settings, p.embedder, p.index, p.terms, p.vocabulary, p.triager)

    live = LivePipeline(settings, embedder, loader=load_slow)
    serve(live, Logbook.open(settings), "127.0.0.1", int(port), examples=EXAMPLES)


if __name__ == "__main__":
    main(*sys.argv[1:3])
