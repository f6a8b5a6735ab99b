"""`qa bench`'s result as the text table it prints."""

from __future__ import annotations

from typing import Any


def render_table(r: dict[str, Any]) -> str:
    """The figures as an aligned two-column table."""
    rows: list[tuple[str, str]] = [
        ("corpus", r["corpus"]),
        ("documents / chunks / sentences", f"{r['documents']} / {r['chunks']} / {r['sentences']}"),
        ("dense index", ", ".join(f"{k}={v}" for k, v in r["dense_index"].items())),
        ("model load", f"{r['model_load_s']} s"),
        ("build", f"{r['build_s']} s, {r['build_chunks_per_s']} chunks/s"),
        (
            "raw encoding, same texts",
            f"{r['encode_chunks_per_s']} chunks/s (build at {r['build_vs_encode']:.0%} of it)",
        ),
        ("index on disk", f"{r['index_mb']} MB"),
        ("peak RSS, this process", f"{r['rss_peak_mb']} MB"),
    ]
    for name in ("baseline", "retrieve", "answer"):
        p = r[f"{name}_ms"] or {"p50": "-", "p95": "-", "p99": "-"}
        rows.append((f"{name} ms p50/p95/p99", f"{p['p50']} / {p['p95']} / {p['p99']}"))
    rows.append(("answer p50 / baseline p50", f"{r['answer_vs_baseline_p50']}×"))
    rows.append(("questions / reached retrieval", f"{r['questions']} / {r['answer_questions']}"))
    if r.get("ann_recall_at_10") is not None:
        rows.append(("recall@10, approximate vs exact", str(r["ann_recall_at_10"])))
    if "cold_start_s" in r:
        rows.append(("cold start to first answer", f"{r['cold_start_s']} s"))
        rows.append(("peak RSS while serving", f"{r['serve_rss_peak_mb']} MB"))
    if "rebuild_after_edit" in r:
        e = r["rebuild_after_edit"]
        rows.append(
            (
                "rebuild after editing one document",
                f"{e['seconds']} s, {e['embedded']} texts embedded, "
                f"{e['share_of_full_build']:.0%} of the full build",
            )
        )
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
