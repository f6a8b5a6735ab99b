"""evals/second_corpus/build.py turns MedQuAD rows into leaflets the engine reads: one Markdown
file per cancer, the question as a heading, inline " - " lists as bullets, and a catalog."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

from qa.ingest.sources import load_sources

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build", REPO / "evals/second_corpus/build.py")
assert spec is not None and spec.loader is not None
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)

ROWS = [
    {
        "source": "CancerGov",
        "focus": "Melanoma",
        "question": "What is (are) Melanoma ?",
        "answer": "Key Points\n    - Melanoma is a disease of the skin.    - It can occur anywhere.\n"
        "   Melanoma is a disease in which cells form in melanocytes.   Risk factors include "
        "the following:    - Having fair skin.    - Being exposed to sunlight.",
    },
    {"source": "GARD", "focus": "Melanoma", "question": "x?", "answer": "Not CancerGov."},
    {"source": "CancerGov", "focus": "Colon Cancer", "question": "y?", "answer": "Other focus."},
]


def test_leaflets_catalog_and_profile_are_written_and_read_by_the_engine(tmp_path: Path) -> None:
    medquad = tmp_path / "medquad.jsonl.gz"
    with gzip.open(medquad, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r) + "\n" for r in ROWS)
    folder = tmp_path / "sources"
    assert build.build(medquad, folder) == {"melanoma": 1}
    text = (folder / "melanoma.md").read_text(encoding="utf-8")
    assert "## What is (are) Melanoma?" in text
    assert "### Key Points" in text
    assert "- Having fair skin." in text and "Other focus" not in text
    assert (folder / "profile.toml").exists()
    report = load_sources(folder)
    assert not report.problems
    (doc,) = report.documents
    assert doc.meta.publisher == "National Cancer Institute"
    assert "Risk factors include the following:" in doc.text


def test_a_missing_medquad_file_says_how_to_fix_it(tmp_path: Path, capsys) -> None:
    assert build.main(["--medquad", str(tmp_path / "nope.gz"), "--out", str(tmp_path / "o")]) == 2
    assert "pass --medquad" in capsys.readouterr().err
