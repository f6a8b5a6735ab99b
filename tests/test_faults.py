"""Faults at bad moments: a build killed mid-write, damaged index files, and a rebuild while
many threads ask questions. The last good index is never lost and never served damaged."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from qa.errors import IndexCorrupt, IndexProblem
from qa.ingest.build import build_index
from qa.ingest.store import BUILDS, current_build, load_index
from qa.serving.live import LivePipeline
from qa.serving.loading import load_pipeline
from qa.types import Status
from tests.fakes import FakeEmbedder

REPO = Path(__file__).resolve().parent.parent

# A build in a child process that stops for good once it has started writing vectors.
KILLED_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import qa.ingest.store_write
    from qa.ingest.build import build_index
    from qa.config import Settings
    from tests.fakes import FakeEmbedder

    real_save = qa.ingest.store_write._save_npy
    def save_then_hang(path, array):
        real_save(path, array)
        Path(sys.argv[3]).write_text("writing")
        time.sleep(600)
    qa.ingest.store_write._save_npy = save_then_hang
    build_index(Settings.of(sources_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2])), FakeEmbedder())
    """
)


def test_build_killed_mid_write_leaves_the_previous_index_served(built, tmp_path):
    before = current_build(built.ingest.index_dir)
    path = built.ingest.sources_dir / "surgery-notes.md"
    path.write_text(path.read_text() + "\nA new sentence about stomas.\n")
    marker = tmp_path / "writing"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(built.ingest.sources_dir), str(built.ingest.index_dir), marker],
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the build ended before it was killed"
            assert time.monotonic() < deadline, "the build never started writing"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert list((built.ingest.index_dir / BUILDS).glob(".tmp-*")), "the kill should leave a partial build"
    assert current_build(built.ingest.index_dir) == before
    load_index(built.ingest.index_dir)  # the previous build verifies and loads
    # The sources changed, so serving refuses the old build with the fix...
    with pytest.raises(IndexProblem, match="qa index"):
        load_pipeline(built, FakeEmbedder())
    # ...and the next build succeeds and is served.
    build_index(built, FakeEmbedder())
    assert current_build(built.ingest.index_dir) != before
    load_pipeline(built, FakeEmbedder())


def _build_files(settings) -> list[str]:
    build = current_build(settings.ingest.index_dir)
    return sorted(str(p.relative_to(build)) for p in build.rglob("*") if p.is_file())


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_every_damaged_index_file_is_refused_with_the_fix(built, damage):
    files = _build_files(built)
    assert len(files) >= 6
    for name in files:
        build = current_build(built.ingest.index_dir)
        target = build / name
        original = target.read_bytes()
        if damage == "truncate":
            target.write_bytes(original[: len(original) // 2])
        elif damage == "flip":
            target.write_bytes(original[:-1] + bytes([original[-1] ^ 0xFF]) if original else b"x")
        else:
            target.unlink()
        with pytest.raises(IndexProblem, match="qa index") as err:
            load_index(built.ingest.index_dir)
        assert isinstance(err.value, IndexCorrupt) or name == "manifest.json"
        target.write_bytes(original)
        load_index(built.ingest.index_dir)  # restored: served again


def test_rebuild_while_fifty_threads_ask(built):
    embedder = FakeEmbedder()
    live = LivePipeline(built.replace(abstain_min_support=-1.0), embedder, check_seconds=0.01)
    old_build = live.build
    errors: list[BaseException] = []
    answers = []
    stop = threading.Event()

    def ask_until_stopped() -> None:
        while not stop.is_set():
            try:
                answers.append(live.ask("What is used most often for stage 4 rectal cancer?"))
            except BaseException as err:  # any error at all fails the test
                errors.append(err)
            # A short pause, as between real users' questions: 50 threads spinning flat out
            # would starve the background thread loading the new build of the GIL.
            time.sleep(0.01)

    threads = [threading.Thread(target=ask_until_stopped) for _ in range(50)]
    for t in threads:
        t.start()
    try:
        path = built.ingest.sources_dir / "chemo-guide.txt"
        path.write_text(path.read_text() + "\nFOLFOXIRI is a newer combination.\n")
        build_index(built, FakeEmbedder())
        deadline = time.monotonic() + 120
        while live.build == old_build and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert live.build == current_build(built.ingest.index_dir).name != old_build
    assert len(answers) > 50
    assert all(a.status is Status.ANSWERED and a.disclaimer for a in answers)
    # Every answer quotes the index that answered it, verbatim.
    for a in answers[:: max(1, len(answers) // 50)]:
        for c in a.citations:
            assert live.pipeline.index.documents[c.source_id].text[c.start : c.end] == c.quote


def test_a_damaged_new_build_is_not_swapped_in(built):
    live = LivePipeline(built, FakeEmbedder(), check_seconds=0.0)
    served = current_build(built.ingest.index_dir)
    bad = served.with_name(f"{served.name}-damaged")
    shutil.copytree(served, bad)
    (bad / "chunks.jsonl").write_text("{}\n", encoding="utf-8")
    (built.ingest.index_dir / "CURRENT").write_text(bad.name + "\n", encoding="utf-8")
    live.ask("What is FOLFIRI?")  # notices the new build and tries it in the background
    deadline = time.monotonic() + 10
    while live.seen != bad.name and time.monotonic() < deadline:
        time.sleep(0.02)
    assert live.seen == bad.name
    assert live.build == served.name
    assert live.ask("What is FOLFIRI?").disclaimer
