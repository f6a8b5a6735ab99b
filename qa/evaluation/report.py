"""Evaluation reports on disk: provenance, `report.json` + `report.html`, and `cases.jsonl`.

`cases.jsonl` gets one line per finished case, flushed and fsynced as the case finishes, so an
interrupted run (Ctrl-C, a crash) keeps every finished case and `qa eval --resume` skips them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from qa import __version__
from qa.config import Settings
from qa.evaluation.evaluate import CaseResult, Report, run_suite
from qa.evaluation.metrics import CaseRecord
from qa.evaluation.suites import Suite
from qa.files import write_atomic
from qa.index_data import IndexData
from qa.types import Answer

log = logging.getLogger(__name__)

REPORT_FORMAT = 1
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
CASES_JSONL = "cases.jsonl"
# The manifest fields that say which corpus and index settings produced an answer.
_MANIFEST_KEYS = (
    "corpus_hash",
    "model",
    "dimension",
    "chunking",
    "documents",
    "chunks",
    "sentences",
    "created",
    "pipeline_version",
    "format_version",
    "libraries",
)


def settings_json(settings: Settings) -> dict[str, Any]:
    """Every setting by its flat name (QA_<NAME>), paths as text."""
    return {k: str(v) if isinstance(v, Path) else v for k, v in settings.flat().items()}


def git_commit(cwd: Path | None = None) -> str | None:
    """`git rev-parse HEAD` of the code's checkout; None when git or the checkout is absent."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cwd or Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def provenance(
    settings: Settings, manifest: dict[str, Any], suite_paths: Sequence[Path]
) -> dict[str, Any]:
    """What produced a report, so that two reports can be compared honestly."""
    return {
        "qa_version": __version__,
        "git_commit": git_commit(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": settings_json(settings),
        "index": {k: manifest[k] for k in _MANIFEST_KEYS if k in manifest},
        "suites": [{"path": str(p), "sha256": file_sha256(p)} for p in suite_paths],
    }


def report_json(
    reports: Sequence[Report],
    prov: dict[str, Any],
    comparison: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "provenance": prov,
        "suites": [r.to_json() for r in reports],
    }
    if comparison is not None:
        data["comparison"] = comparison
    return data


def write_report(folder: Path, data: dict[str, Any]) -> tuple[Path, Path]:
    """Write `report.json` and the self-contained `report.html` (each atomically)."""
    from qa.evaluation.report_html import render

    folder.mkdir(parents=True, exist_ok=True)
    json_path, html_path = folder / REPORT_JSON, folder / REPORT_HTML
    _atomic_write(json_path, json.dumps(data, ensure_ascii=False, indent=1))
    _atomic_write(html_path, render(data))
    return json_path, html_path


def _atomic_write(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def load_baseline(path: Path) -> dict[str, Any]:
    from qa.errors import ConfigError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"--baseline {path}: cannot be read as a report ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("suites"), list):
        raise ConfigError(f"--baseline {path}: not a report.json written by `qa eval --report`")
    return data


class CasesLog:
    """Appends one JSON line per finished case and makes it durable before the next case."""

    def __init__(self, path: Path, resume: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: IO[str] = path.open("a" if resume else "w", encoding="utf-8")
        if resume and path.stat().st_size and not path.read_bytes().endswith(b"\n"):
            self._file.write("\n")  # end a line cut short by a crash; read_cases skips it

    def append(self, record: CaseRecord) -> None:
        self._file.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()


def read_cases(path: Path) -> dict[tuple[str, str], CaseRecord]:
    """Finished cases by (suite, case id); a line cut short by a crash is skipped."""
    done: dict[tuple[str, str], CaseRecord] = {}
    if not path.exists():
        return done
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = CaseRecord.from_json(json.loads(line))
        except (ValueError, TypeError) as err:
            log.warning("%s line %d is incomplete and will be run again (%s)", path, n, err)
            continue
        done[(record.suite, record.id)] = record
    return done


def run_suites(
    suites: Sequence[Suite],
    ask: Callable[..., Answer],
    index: IndexData,
    folder: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> list[Report]:
    """Run every suite with a progress bar on stderr; with `folder`, log each finished case to
    `folder/cases.jsonl` and, with `resume`, skip the cases already logged there."""
    from tqdm import tqdm

    done = read_cases(folder / CASES_JSONL) if folder is not None and resume else {}
    cases_log = CasesLog(folder / CASES_JSONL, resume) if folder is not None else None
    bar = tqdm(
        total=sum(len(s.cases) for s in suites),
        desc="cases",
        unit="case",
        file=sys.stderr,
        disable=None if progress else True,  # None: shown on a terminal only
    )
    reports = []
    try:
        for suite in suites:
            finished = {cid: r for (name, cid), r in done.items() if name == suite.name}

            def on_case(result: CaseResult, name: str = suite.name) -> None:
                if cases_log is not None:
                    cases_log.append(result.record(name))
                bar.update()

            report = run_suite(suite, ask, index, on_case, finished)
            bar.update(len(report.records) - len(report.results))
            reports.append(report)
    finally:
        bar.close()
        if cases_log is not None:
            cases_log.close()
    return reports
