"""Compare a report with a baseline report: metric deltas, flipped cases, provenance differences."""

from __future__ import annotations

from typing import Any

from qa.evaluation.metrics import INFORMATIONAL, LOWER_IS_BETTER

# Where files live says nothing about behaviour; the corpus hash covers what is in them.
_PATH_SETTINGS = frozenset({"sources_dir", "index_dir"})


def compare(current: dict[str, Any], baseline: dict[str, Any], tolerance: float) -> dict[str, Any]:
    """Deltas of every metric both reports measured, by suite; cases whose verdict flipped
    (matched by suite name and case id); and warnings when the two were produced differently.

    A metric regresses when it got worse by more than `tolerance` (for lower-is-better metrics
    a rise is worse); informational metrics never regress.
    """
    old_suites = {s["suite"]: s for s in baseline.get("suites", [])}
    deltas: list[dict[str, Any]] = []
    flips: list[dict[str, Any]] = []
    for suite in current.get("suites", []):
        old = old_suites.get(suite["suite"])
        if old is None:
            continue
        for group in ("metrics", "retrieval"):
            for name, new_value in suite.get(group, {}).items():
                old_value = old.get(group, {}).get(name)
                if new_value is None or old_value is None:
                    continue
                delta = round(new_value - old_value, 4)
                worse = delta > 0 if name in LOWER_IS_BETTER else delta < 0
                deltas.append(
                    {
                        "suite": suite["suite"],
                        "metric": name,
                        "old": old_value,
                        "new": new_value,
                        "delta": delta,
                        "regressed": name not in INFORMATIONAL
                        and worse
                        and abs(delta) > tolerance + 1e-9,
                    }
                )
        old_cases = {c["id"]: c for c in old.get("cases", [])}
        for case in suite.get("cases", []):
            before = old_cases.get(case["id"])
            if before is not None and bool(before["passed"]) != bool(case["passed"]):
                flips.append(
                    {
                        "suite": suite["suite"],
                        "id": case["id"],
                        "change": "fail→pass" if case["passed"] else "pass→fail",
                        "reasons": case.get("reasons", []),
                    }
                )
    return {
        "tolerance": tolerance,
        "baseline": _summary(baseline),
        "deltas": deltas,
        "flips": flips,
        "warnings": provenance_warnings(
            current.get("provenance", {}), baseline.get("provenance", {})
        ),
        "regressed": any(d["regressed"] for d in deltas),
    }


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    prov = report.get("provenance", {})
    return {k: prov.get(k) for k in ("date", "git_commit", "qa_version")}


def provenance_warnings(current: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Reasons the two runs are not like for like: another corpus, index model or settings."""
    warnings = []
    new_index, old_index = current.get("index", {}), baseline.get("index", {})
    if new_index.get("corpus_hash") != old_index.get("corpus_hash"):
        warnings.append("the baseline was produced with a different corpus (corpus hash differs)")
    for key in ("model", "chunking"):
        if new_index.get(key) != old_index.get(key):
            warnings.append(f"the baseline index used {key} {old_index.get(key)!r}")
    new_s, old_s = current.get("settings", {}), baseline.get("settings", {})
    changed = sorted(
        k for k in (set(new_s) | set(old_s)) - _PATH_SETTINGS if new_s.get(k) != old_s.get(k)
    )
    if changed:
        listed = ", ".join(f"{k} {old_s.get(k)!r} → {new_s.get(k)!r}" for k in changed)
        warnings.append(f"settings differ from the baseline: {listed}")
    return warnings


def comparison_lines(comparison: dict[str, Any]) -> list[str]:
    """The comparison as terminal lines."""
    base = comparison["baseline"]
    lines = [
        f"compared with baseline from {base.get('date')} (commit {base.get('git_commit')}), "
        f"tolerance {comparison['tolerance']}"
    ]
    lines += [f"  warning: {w}" for w in comparison["warnings"]]
    for d in comparison["deltas"]:
        mark = "  REGRESSED" if d["regressed"] else ""
        lines.append(
            f"  {d['suite']}: {d['metric']:20} {d['old']} → {d['new']} ({d['delta']:+}){mark}"
        )
    flips = comparison["flips"]
    lines.append(f"  flipped cases: {len(flips)}")
    for f in flips:
        why = f" ({'; '.join(f['reasons'])})" if f["reasons"] else ""
        lines.append(f"    {f['change']}  {f['suite']}/{f['id']}{why}")
    return lines
