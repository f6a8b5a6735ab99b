"""`qa bench-quality medquad PATH`: retrieval and extraction quality on text nobody here wrote.

MedQuAD (Ben Abacha & Demner-Fushman, 2019; CC BY 4.0) pairs consumer questions with answers
from NIH websites. Each distinct answer becomes one in-memory document in a separate index; each
question is asked and scored on whether the passages retrieved come from its own answer
(Recall@1/5/10, MRR@10) for the full hybrid retrieval and, side by side, for dense-only and
BM25-only retrieval, and whether the extracted answer quotes its own answer.
"""

from __future__ import annotations

import contextlib
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.encoder.base import Embedder
from qa.errors import ConfigError, SourceError
from qa.evaluation.metrics import first_rank, hit_at_k, mean_reciprocal_rank
from qa.types import Document

CREDIT = "MedQuAD (Ben Abacha & Demner-Fushman, 2019), CC BY 4.0"
RANK_DEPTH = 10
RECALL_KS = (1, 5, 10)
DEFAULT_SEED = 13


@dataclass(frozen=True)
class Pair:
    qid: str
    question: str
    doc_id: str  # the document holding this pair's answer


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    pairs: tuple[Pair, ...]
    skipped: int  # pairs whose answer had no text left after cleaning


def read_medquad(path: Path, source: str | None = None) -> Corpus:
    """Rows `{"qid", "source", "focus", "question", "answer", ...}` (JSON lines, optionally
    gzipped). qids repeat in MedQuAD, so a document is named after its line number ("row00042");
    identical answers share one document, named after the first line holding it."""
    from qa.ingest.corpus import answer_document, read_jsonl

    try:
        rows = [(r["_line"], r) for r in read_jsonl(path)]
    except SourceError as err:
        raise ConfigError(f"cannot be read as MedQuAD JSON lines: {err}") from None
    if source:
        rows = [(n, r) for n, r in rows if r.get("source") == source]
    if not rows:
        raise ConfigError(
            f"{path}: no question-answer pairs" + (f" from {source}" if source else "")
        )
    documents: dict[str, Document] = {}
    by_answer: dict[str, str | None] = {}
    pairs: list[Pair] = []
    skipped = 0
    for n, row in rows:
        answer = str(row["answer"])
        if answer not in by_answer:
            doc_id = f"row{n:05d}"
            doc = answer_document(
                doc_id,
                str(row.get("focus") or doc_id),
                str(row["source"]),
                answer,
                f"medquad:{doc_id}",
            )
            by_answer[answer] = doc.id if doc else None
            if doc:
                documents[doc.id] = doc
        own = by_answer[answer]
        if own is None:
            skipped += 1
        else:
            pairs.append(Pair(str(row["qid"]), str(row["question"]), own))
    return Corpus(tuple(documents.values()), tuple(pairs), skipped)


def sample_pairs(pairs: Sequence[Pair], n: int | None, seed: int = DEFAULT_SEED) -> list[Pair]:
    """A fixed random sample of `n` pairs (all of them when n is None or not smaller)."""
    if n is None or n >= len(pairs):
        return list(pairs)
    return random.Random(seed).sample(list(pairs), n)


def retrieval_scores(ranks: Sequence[int | None]) -> dict[str, float | None]:
    """Recall@1/5/10 and MRR@10 of the own answer's first passage."""
    out: dict[str, float | None] = {f"recall_at_{k}": hit_at_k(ranks, k) for k in RECALL_KS}
    out["mrr_at_10"] = mean_reciprocal_rank(ranks, RANK_DEPTH)
    return out


def gain(full: dict[str, float | None], other: dict[str, float | None]) -> dict[str, float | None]:
    """full / other for each metric (None when other is 0 or unmeasured)."""
    return {
        k: round(v / o, 3) if v is not None and (o := other.get(k)) else None
        for k, v in full.items()
    }


def default_index_dir(source: str | None) -> Path:
    """Under the temp folder, never the app's index; reused by later runs (vectors are cached)."""
    return Path(tempfile.gettempdir()) / "qa-bench-medquad" / (source or "all")


def run(
    path: Path,
    embedder: Embedder,
    settings: Settings,
    source: str | None = None,
    sample: int | None = None,
    seed: int = DEFAULT_SEED,
    progress: bool = True,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Index the answers into `settings.ingest.index_dir`, ask the (sampled) questions, score
    them."""
    from tqdm import tqdm

    from qa.answering.answer import compose
    from qa.answering.encoder_query import encoder_query
    from qa.answering.evidence import Evidence, abstention
    from qa.answering.retrieve import dense_search, retrieve
    from qa.ingest.build import build_documents
    from qa.ingest.freshness import documents_hash
    from qa.ingest.sources import LoadReport
    from qa.ingest.store import load_index
    from qa.lexical import Lexicon, Terms
    from qa.safety.messages import DISCLAIMER

    say = say or (lambda _m: None)
    corpus = read_medquad(path, source)
    say(f"{len(corpus.documents)} answer documents, {len(corpus.pairs)} questions")
    started = time.perf_counter()
    # build_index prints its bar headings to stdout; keep stdout for the result (--json).
    with contextlib.redirect_stdout(sys.stderr):
        build_documents(
            settings,
            embedder,
            LoadReport(tuple(corpus.documents), ()),
            documents_hash(corpus.documents),
            progress=say,
            show_bars=progress,
        )
    index = load_index(settings.ingest.index_dir)
    index_seconds = time.perf_counter() - started

    started = time.perf_counter()
    pairs = sample_pairs(corpus.pairs, sample, seed)
    terms = Terms(Lexicon.of(index.profile))
    # As the pipeline does: the encoder reads qa.answering.encoder_query's text.
    vectors = embedder.encode(
        [encoder_query(p.question, index.acronyms, embedder, terms.lexicon) for p in pairs],
        progress=progress,
    )
    wide = settings.replace(top_k=max(RANK_DEPTH, settings.retrieval.top_k))
    # Extraction is scored with abstention off; whether it would abstain is counted apart.
    extract = settings.replace(abstain_min_support=-1.0)
    ranks: dict[str, list[int | None]] = {"hybrid": [], "dense": [], "bm25": []}
    quoted = abstained = quoted_answered = 0
    for pair, qv in tqdm(
        list(zip(pairs, vectors, strict=True)),
        desc="questions",
        unit="q",
        file=sys.stderr,
        disable=None if progress else True,
    ):
        q_terms = terms.query(pair.question)
        hits = retrieve(index, qv, q_terms, wide)
        ranked = {
            "hybrid": [h.chunk.doc_id for h in hits][:RANK_DEPTH],
            "dense": [index.chunks[i].doc_id for i, _ in dense_search(index, qv, RANK_DEPTH)],
            "bm25": [index.chunks[i].doc_id for i, _ in index.lexical.search(q_terms, RANK_DEPTH)],
        }
        for name, doc_ids in ranked.items():
            ranks[name].append(first_rank(doc_ids, [pair.doc_id]))
        answer = compose(
            pair.question,
            index,
            hits[: settings.retrieval.top_k],
            qv,
            q_terms,
            terms,
            extract,
            DISCLAIMER,
        )
        quotes = any(c.source_id == pair.doc_id for c in answer.citations)
        would_abstain = bool(abstention(Evidence.from_dict(answer.evidence), settings))
        quoted += quotes
        abstained += would_abstain
        quoted_answered += quotes and not would_abstain
    n = len(pairs)
    scores = {name: retrieval_scores(r) for name, r in ranks.items()}
    answered = n - abstained
    return {
        "benchmark": "medquad",
        "credit": CREDIT,
        "path": str(path),
        "source": source or "all",
        "sample": sample,
        "seed": seed,
        "documents": len(corpus.documents),
        "pairs": len(corpus.pairs),
        "skipped_pairs": corpus.skipped,
        "questions": n,
        "index_dir": str(settings.ingest.index_dir),
        "retrieval": scores,
        "gain_over_dense": gain(scores["hybrid"], scores["dense"]),
        "gain_over_bm25": gain(scores["hybrid"], scores["bm25"]),
        "extraction": {
            "quotes_own_answer": round(quoted / n, 4) if n else None,
            "would_abstain": round(abstained / n, 4) if n else None,
            "quotes_own_answer_when_answered": round(quoted_answered / answered, 4)
            if answered
            else None,
        },
        "seconds": {
            "index": round(index_seconds, 1),
            "questions": round(time.perf_counter() - started, 1),
        },
    }


def summary_lines(result: dict[str, Any]) -> list[str]:
    """The result as terminal lines."""
    lines = [
        f"MedQuAD {result['source']}: {result['questions']} questions over "
        f"{result['documents']} answer documents ({result['skipped_pairs']} pairs skipped: "
        "no text after cleaning)",
        f"{'retrieval':10} {'R@1':>7} {'R@5':>7} {'R@10':>7} {'MRR@10':>7}",
    ]
    for name, s in result["retrieval"].items():
        cells = [s["recall_at_1"], s["recall_at_5"], s["recall_at_10"], s["mrr_at_10"]]
        lines.append(f"{name:10} " + " ".join(f"{_fmt(v):>7}" for v in cells))
    for other in ("dense", "bm25"):
        g = result[f"gain_over_{other}"]
        lines.append(
            f"hybrid / {other}: R@5 x{_fmt(g['recall_at_5'])}, MRR@10 x{_fmt(g['mrr_at_10'])}"
        )
    e = result["extraction"]
    lines.append(
        f"extracted answer quotes its own answer: {_fmt(e['quotes_own_answer'])} "
        f"(abstention off); would abstain at the threshold: {_fmt(e['would_abstain'])}; "
        f"quotes its own answer when not abstaining: {_fmt(e['quotes_own_answer_when_answered'])}"
    )
    lines.append(f"data: {result['credit']}")
    return lines


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
