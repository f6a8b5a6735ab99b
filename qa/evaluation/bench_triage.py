"""`qa bench-triage PATH`: how often triage stops ordinary health questions, and what it costs.

MedQuAD's questions ("What are the symptoms of Stroke ?", "What is (are) Heart Attack ?") are
all informational, written by nobody here, about every condition: none should be escalated,
many use the words emergencies use. The command reads the questions (a MedQuAD JSONL(.gz) file,
or a text file of one question a line), triages each one as `qa ask` would, and prints the
share escalated at each level, the share given a caution line, and the triage's own time per
question (encoding included) at p50 and p95.
"""

from __future__ import annotations

import gzip
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.encoder.factory import make_embedder
from qa.errors import ConfigError
from qa.safety.load import make_triager

DEFAULT_SEED = 13


def read_questions(path: Path) -> list[str]:
    """Questions from a MedQuAD-style JSONL(.gz) file (its "question" fields) or a text file."""
    try:
        if path.suffix == ".gz" or path.name.endswith(".jsonl"):
            opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as f:
                rows = [json.loads(line) for line in f if line.strip()]
            return [str(r["question"]) for r in rows if r.get("question")]
        return [q for q in path.read_text(encoding="utf-8").splitlines() if q.strip()]
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as err:
        raise ConfigError(
            f"{path}: cannot read questions ({err}); give a MedQuAD JSONL(.gz) file or a text "
            "file with one question a line"
        ) from None


def run(
    settings: Settings,
    path: Path,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    questions = read_questions(path)
    if not questions:
        raise ConfigError(f"{path}: holds no question")
    if limit is not None and limit < len(questions):
        questions = random.Random(DEFAULT_SEED).sample(questions, limit)
    triager = make_triager(settings, make_embedder(settings))
    triager.assess("warm up")
    outcomes: Counter[str] = Counter()
    seconds = []
    examples: dict[str, list[str]] = {}
    for done, question in enumerate(questions, 1):
        start = time.perf_counter()
        result = triager.assess(question)
        seconds.append(time.perf_counter() - start)
        level = result.level or "none"
        outcomes[level] += 1
        if level != "none" and len(examples.setdefault(level, [])) < 5:
            examples[level].append(question)
        if progress:
            progress(done, len(questions))
    n = len(questions)
    ms = sorted(s * 1000 for s in seconds)
    return {
        "benchmark": "triage",
        "path": str(path),
        "questions": n,
        "semantic_layer": triager.model is not None,
        "share": {k: round(v / n, 4) for k, v in sorted(outcomes.items())},
        "escalated": round(
            sum(v for k, v in outcomes.items() if k not in {"none", "caution"}) / n, 4
        ),
        "triage_ms_p50": round(statistics.median(ms), 2),
        "triage_ms_p95": round(ms[min(n - 1, int(0.95 * n))], 2),
        "examples": examples,
    }


def summary_lines(result: dict[str, Any]) -> list[str]:
    lines = [
        f"triage on {result['questions']} questions from {result['path']}"
        + ("" if result["semantic_layer"] else " (rules only: no learned score for this model)"),
        f"  escalated (any level)  {result['escalated']}",
    ]
    lines += [f"  {level:<22} {share}" for level, share in result["share"].items()]
    lines.append(f"  triage ms p50 / p95    {result['triage_ms_p50']} / {result['triage_ms_p95']}")
    for level, examples in result["examples"].items():
        lines.append(f"  e.g. {level}: " + " | ".join(examples[:3]))
    return lines
