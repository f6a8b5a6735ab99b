"""One engine, any corpus: a clinic's own leaflets on other cancers, with their own profile,
are indexed and answered by `qa` as it is, without editing code (issue 25). The leaflets are
MedQuAD's CancerGov answers about breast, lung and prostate cancer and melanoma, read from
../shared (never copied into the repository). CI has that folder; a user's fresh clone does not
(docs: ../shared/docs/offline.md), and there the test is skipped, saying why."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MEDQUAD = REPO.parent / "shared" / "benchmarks" / "medquad" / "medquad.jsonl.gz"
CANCERS = ("Breast Cancer", "Lung Cancer", "Prostate Cancer", "Melanoma")
PROFILE = """[chat]
title = "Cancer information"
scope = "breast, lung and prostate cancer and melanoma"
examples = ["What are the symptoms of breast cancer?"]

[brands]
zytiga = "abiraterone"
"""

pytestmark = pytest.mark.slow


def write_corpus(folder: Path) -> dict[str, list[dict[str, str]]]:
    """One document per cancer (its first answers, as a leaflet would hold them) and the
    catalog and profile beside them; returns the MedQuAD pairs used, by document id."""
    if not MEDQUAD.exists():
        pytest.skip(f"{MEDQUAD} is missing: this test needs ../shared beside the repository")
    pairs: dict[str, list[dict[str, str]]] = {}
    with gzip.open(MEDQUAD, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["source"] == "CancerGov" and row["focus"] in CANCERS:
                doc_id = row["focus"].lower().replace(" ", "-")
                if len(pairs.setdefault(doc_id, [])) < 3:
                    pairs[doc_id].append(row)
    folder.mkdir()
    catalog = []
    for doc_id, rows in pairs.items():
        text = "\n\n".join(f"{r['question']}\n\n{r['answer']}" for r in rows)
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        catalog.append(
            f'[[document]]\nid = "{doc_id}"\ntitle = "{rows[0]["focus"]}"\n'
            'publisher = "National Cancer Institute"\naudience = "patients"\n'
        )
    (folder / "catalog.toml").write_text("\n".join(catalog), encoding="utf-8")
    (folder / "profile.toml").write_text(PROFILE, encoding="utf-8")
    return pairs


def qa(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )


def test_other_cancers_with_their_own_profile_are_indexed_and_answered(tmp_path):
    sources = tmp_path / "sources"
    pairs = write_corpus(sources)
    assert len(pairs) == len(CANCERS)
    env = {
        **os.environ,
        "QA_SOURCES_DIR": str(sources),
        "QA_INDEX_DIR": str(tmp_path / "index"),
        "HF_HUB_OFFLINE": "1",
    }
    built = qa(["index", "--quiet"], env)
    assert built.returncode == 0, built.stderr
    answered = 0
    for doc_id, rows in pairs.items():
        done = qa(["ask", "--json", rows[0]["question"]], env)
        assert done.returncode == 0, done.stderr
        reply = json.loads(done.stdout)
        assert reply["escalation"] is None  # other cancers are in scope, never refused
        if reply["status"] == "answered":
            answered += 1
            assert {c["source_id"] for c in reply["citations"]} == {doc_id}
    assert answered >= len(CANCERS) - 1
    # A question outside the collection says what this collection covers (its profile).
    done = qa(["ask", "--json", "hello there"], env)
    assert "breast, lung and prostate cancer and melanoma" in json.loads(done.stdout)["answer"]
