"""axe-core in the browser tests: run it in a page and keep its report as an artefact.

axe-core comes from the npm registry (`make axe`, pinned in the Makefile) and is read from the
venv: nothing is fetched at run time. The rules run are WCAG 2.0-2.2 A and AA.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# The test artefact: one JSON report per page and state checked (build/ is not committed).
REPORTS = REPO / "build" / "accessibility"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")


def audit(page: Any, name: str) -> list[dict[str, Any]]:
    """Run axe in `page`, write its report as REPORTS/NAME.json, and return the serious and
    critical violations (each with its rule, impact, help and the elements involved)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (npm install of axe-core)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
        "['violations']})",
        WCAG_AA,
    )
    REPORTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    report = {k: result[k] for k in ("url", "timestamp", "testEngine", "violations")}
    (REPORTS / f"{safe}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
