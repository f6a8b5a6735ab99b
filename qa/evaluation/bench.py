"""`qa bench`: build time and throughput, memory, index size, warm latency, cold start.

Every figure is measured in one run on one machine, next to its own baseline: build throughput
next to the model's raw encoding of the same texts, answer latency next to "encode the question
+ exact FAISS search". Timings are wall-clock (`time.perf_counter`); nothing here is asserted.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import Settings
from qa.dense import EXACT, exact_index, recall_at_k, single_threaded_search
from qa.encoder.base import Embedder
from qa.encoder.factory import make_embedder
from qa.errors import ConfigError
from qa.evaluation.procmem import read_memory
from qa.index_data import IndexData
from qa.ingest.build import build_documents
from qa.ingest.corpus import Corpus, edit_one, load_corpus
from qa.ingest.freshness import corpus_hash
from qa.passages import paragraph_predecessors
from qa.serving.loading import load_pipeline

PERCENTILES = (50, 95, 99)
_WARMUP = 10
_RECALL_K = 10


@dataclass(frozen=True)
class BenchOptions:
    corpus: Path
    questions: int = 200
    index_dir: Path | None = None
    source: str | None = None  # JSONL: keep records with this "source" (MedQuAD: CancerGov, …)
    max_documents: int | None = None
    encode_sample: int = 2000  # texts of each kind encoded to measure the raw model throughput
    edit_one: bool = True
    cold_start: bool = True
    bars: bool = True


def run_bench(
    options: BenchOptions,
    settings: Settings,
    embedder: Embedder | None = None,
    say: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Build `options.corpus` into a separate index folder and measure it; returns the figures."""

    evals = Path("evals") if _same(options.corpus, settings.ingest.sources_dir) else None
    corpus = load_corpus(options.corpus, evals, options.source, options.max_documents)
    workdir = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    index_dir = options.index_dir or workdir / "index"
    _check_index_dir(index_dir, settings.ingest.index_dir)
    bench_settings = settings.replace(index_dir=index_dir, sources_dir=corpus.path)
    embedder = embedder or make_embedder(settings)
    out: dict[str, Any] = {
        "corpus": str(corpus.path) + (f" (source={options.source})" if options.source else ""),
        "documents": len(corpus.loaded.documents),
        "machine": machine(),
    }
    try:
        started = time.perf_counter()
        dim = embedder.dim  # loads the model, so that the build time is the build's alone
        out["model_load_s"] = _round(time.perf_counter() - started)
        say(f"building {out['documents']} documents into {index_dir} …")
        report = build_documents(
            bench_settings, embedder, corpus.loaded, corpus_hash(corpus.path), say, options.bars
        )
        pipeline = load_pipeline(bench_settings, embedder)
        index = pipeline.index
        out.update(
            chunks=report.chunks,
            sentences=report.sentences,
            dimension=dim,
            dense_index=index.manifest["dense"],
            build_s=_round(report.seconds),
            build_chunks_per_s=_round(report.chunks / report.seconds),
            index_mb=_round(_folder_bytes(report.build_dir) / 2**20),
        )
        say("measuring the raw encoding throughput …")
        out.update(encode_throughput(embedder, index, options.encode_sample, options.bars))
        out["build_vs_encode"] = _round(out["build_chunks_per_s"] / out["encode_chunks_per_s"])
        questions = list(islice(cycle(corpus.questions), options.questions))
        say(f"timing {len(questions)} warm questions …")
        out.update(warm_latency(pipeline, questions, options.bars))
        out["rss_peak_mb"] = _round(_rss_self_mb())
        if options.cold_start and out["retrieval_questions"]:
            say("timing a cold `qa ask` …")
            out.update(cold_start(index_dir, corpus.path, out["retrieval_questions"], workdir))
        del out["retrieval_questions"]
        if options.edit_one:
            say("rebuilding after editing one document …")
            out["rebuild_after_edit"] = rebuild_after_edit(
                corpus, bench_settings, embedder, workdir, report.seconds
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


def encode_throughput(
    embedder: Embedder, index: IndexData, sample: int, bars: bool
) -> dict[str, float]:
    """Raw model throughput on a sample of the texts the build embedded (chunks, sentences and
    sentences in context), expressed per chunk: chunks / the seconds to encode them all at each
    kind's measured rate."""
    rng = random.Random(0)
    chunk_texts = [c.embed_text(index.documents[c.doc_id].meta.title) for c in index.chunks]
    sentence_texts = [index.documents[s.doc_id].text[s.start : s.end] for s in index.sentences]
    before = paragraph_predecessors(index.documents, (s.identity for s in index.sentences))
    context_texts = [
        index.documents[s.doc_id].text[before[s.identity] : s.end]
        for s in index.sentences
        if s.context_key
    ]
    rates = []
    seconds = 0.0
    for texts in (chunk_texts, sentence_texts, context_texts):
        picked = rng.sample(texts, min(sample, len(texts)))
        started = time.perf_counter()
        embedder.encode(picked, progress=bars)
        rate = len(picked) / max(time.perf_counter() - started, 1e-9)
        rates.append(rate)
        # A corpus of one-sentence paragraphs has no sentences in context.
        seconds += len(texts) / rate if texts else 0.0
    return {
        "encode_chunks_per_s": _round(len(chunk_texts) / seconds),
        "encode_chunk_texts_per_s": _round(rates[0]),
        "encode_sentence_texts_per_s": _round(rates[1]),
        "encode_context_texts_per_s": _round(rates[2]),
    }


def warm_latency(pipeline: Any, questions: Sequence[str], bars: bool) -> dict[str, Any]:
    """Per question, interleaved so that they share the machine's noise: the bare baseline
    (encode + exact FAISS search), retrieval (encode + dense + BM25 + fusion), the full answer."""
    from qa.answering.retrieve import retrieve

    index: IndexData = pipeline.index
    settings: Settings = pipeline.settings
    embedder: Embedder = pipeline.embedder
    single_threaded_search()  # as retrieval does
    exact = index.dense if type(index.dense).__name__ == EXACT else exact_index(index.chunk_vectors)
    k = min(settings.retrieval.dense_k, exact.ntotal)
    for q in questions[:_WARMUP]:
        pipeline.ask(q)
    times: dict[str, list[float]] = {"baseline": [], "retrieve": [], "answer": []}
    vectors = []
    statuses: dict[str, int] = {}
    reached: list[str] = []
    for q in _bar(questions, "questions", bars):
        t0 = time.perf_counter()
        v = embedder.encode([q])[0]
        exact.search(v.reshape(1, -1), k)
        t1 = time.perf_counter()
        v = embedder.encode([q])[0]
        retrieve(index, v, pipeline.terms.query(q), settings)
        t2 = time.perf_counter()
        answer = pipeline.ask(q)
        t3 = time.perf_counter()
        times["baseline"].append(t1 - t0)
        times["retrieve"].append(t2 - t1)
        vectors.append(v)
        statuses[answer.status.value] = statuses.get(answer.status.value, 0) + 1
        # A fixed reply (emergency, crisis, out of scope) never reaches retrieval; timing it as
        # an answer would flatter the figure (MedQuAD's non-cancer questions are out of scope).
        if answer.hits:
            times["answer"].append(t3 - t2)
            reached.append(q)
    # None when no question reached retrieval (a corpus outside the product's scope).
    out: dict[str, Any] = {
        f"{name}_ms": percentiles(ts) if ts else None for name, ts in times.items()
    }
    out["questions"] = len(questions)
    out["answer_questions"] = len(reached)  # the ones answer_ms is over
    out["answer_statuses"] = statuses
    out["retrieval_questions"] = reached
    out["answer_vs_baseline_p50"] = (
        _round(out["answer_ms"]["p50"] / out["baseline_ms"]["p50"]) if reached else None
    )
    out["ann_recall_at_10"] = None
    if exact is not index.dense and vectors:
        queries = np.stack(vectors).astype(np.float32)
        _, approx_ids = index.dense.search(queries, _RECALL_K)
        _, exact_ids = exact.search(queries, _RECALL_K)
        out["ann_recall_at_10"] = _round(recall_at_k(approx_ids, exact_ids, _RECALL_K), 4)
    return out


def cold_start(
    index_dir: Path, sources: Path, questions: Sequence[str], workdir: Path
) -> dict[str, Any]:
    """Spawn `qa ask --batch` against the built index: seconds to the first answer, and the
    peak memory of that process while it answers every question. The questions should reach
    retrieval (a fixed reply needs no model, so it would not time a cold start)."""
    batch = workdir / "questions.txt"
    batch.write_text("\n".join(" ".join(q.split()) for q in questions) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "ui.cli", "ask", "--batch", str(batch), "--json"]
    command += ["--index", str(index_dir), "--sources", str(sources)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    first_s = time.perf_counter() - started
    # The child's own high-water mark (VmHWM), read after every answer: getrusage would also
    # count the parent's memory the child inherited between fork and exec.
    peak_mb = _hwm_mb(proc.pid)
    answered = 1 if first else 0
    for _line in proc.stdout:
        answered += 1
        peak_mb = max(peak_mb, _hwm_mb(proc.pid))
    errors = proc.stderr.read()
    if proc.wait() != 0 or not first:
        raise ConfigError(f"`{' '.join(command)}` failed ({proc.returncode}): {errors[-2000:]}")
    return {
        "cold_start_s": _round(first_s),
        "serve_rss_peak_mb": _round(peak_mb),
        "serve_questions": answered,
    }


def rebuild_after_edit(
    corpus: Corpus, settings: Settings, embedder: Embedder, workdir: Path, full_s: float
) -> dict[str, Any]:
    """Add a paragraph to one document and rebuild into the same index folder (incremental)."""
    loaded, folder, edited = edit_one(corpus, workdir)
    report = build_documents(
        settings.replace(sources_dir=folder), embedder, loaded, corpus_hash(folder) + "-edited"
    )
    return {
        "document": edited,
        "seconds": _round(report.seconds),
        "embedded": report.embedded,
        "reused": report.reused,
        "share_of_full_build": _round(report.seconds / full_s),
    }


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds (linear interpolation between order statistics)."""
    ms = np.asarray(seconds) * 1000
    return {f"p{p}": _round(float(np.percentile(ms, p))) for p in PERCENTILES}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gb": _round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": sys.version.split()[0],
    }


def _check_index_dir(index_dir: Path, app_index: Path) -> None:
    if _same(index_dir, app_index):
        raise ConfigError(f"--index {index_dir} is the app's index; give another folder")
    if index_dir.exists() and any(index_dir.iterdir()):
        raise ConfigError(f"--index {index_dir} is not empty; give a new or empty folder")


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _bar(items: Sequence[str], label: str, show: bool) -> Any:
    from tqdm import tqdm

    return tqdm(items, desc=label, unit=" q", leave=False, disable=not show)


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _hwm_mb(pid: int) -> float:
    memory = read_memory(pid)
    return memory.hwm_mb if memory else 0.0


def _rss_self_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _round(x: float, digits: int = 2) -> float:
    return round(float(x), digits)
