"""Build the second corpus: MedQuAD's CancerGov answers about breast, lung and prostate cancer and
melanoma, one Markdown leaflet per cancer, with its catalog and this folder's profile beside it.

MedQuAD (Ben Abacha & Demner-Fushman, BMC Bioinformatics 20:511, 2019; CC BY 4.0) is read from
../shared/benchmarks/medquad/ and never copied into the repository: this script writes the
leaflets into a folder of your choice (default build/second_corpus/sources), which is ignored by
git. The engine then indexes and answers them as it does the bundled documents:

    python evals/second_corpus/build.py
    QA_SOURCES_DIR=build/second_corpus/sources QA_INDEX_DIR=build/second_corpus/index qa index
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_MEDQUAD = REPO.parent / "shared" / "benchmarks" / "medquad" / "medquad.jsonl.gz"
# MedQuAD `focus` -> leaflet id; cancers unrelated to the bundled documents.
FOCUSES = {
    "Breast Cancer": "breast-cancer",
    "Male Breast Cancer": "male-breast-cancer",
    "Prostate Cancer": "prostate-cancer",
    "Melanoma": "melanoma",
    "Non-Small Cell Lung Cancer": "non-small-cell-lung-cancer",
    "Small Cell Lung Cancer": "small-cell-lung-cancer",
}
BULLET = re.compile(r"\s+-\s+(?=\S)")
# MedQuAD keeps the page's layout as runs of spaces: a new line, or three spaces or more not
# before a bullet's dash, ends a paragraph.
PARAGRAPH = re.compile(r"\s*\n\s*|\s{3,}(?!-\s)")


def markdown(question: str, answer: str) -> str:
    """One MedQuAD pair as a Markdown section: the question as its heading; the answer's inline
    " - " lists as bullet lines; a short line without a full stop ("Key Points") as a
    sub-heading."""
    heading = re.sub(r"\s+\?$", "?", question.strip())
    out = [f"## {heading}", ""]
    for part in PARAGRAPH.split(answer):
        part = part.strip()
        if not part:
            continue
        head, *items = BULLET.split(" " + part if part.startswith("-") else part)
        head = head.strip()
        if head and not items and len(head.split()) <= 8 and not head.endswith((".", ":")):
            out += [f"### {head}", ""]
        elif head:
            out += [head, ""]
        if items:
            out += [f"- {item.strip()}" for item in items] + [""]
    return "\n".join(out)


def build(medquad: Path, out: Path) -> dict[str, int]:
    """Write the leaflets, catalog.toml and profile.toml into `out`; returns answers per leaflet."""
    rows: dict[str, list[dict[str, str]]] = {}
    with gzip.open(medquad, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["source"] == "CancerGov" and row["focus"] in FOCUSES:
                rows.setdefault(row["focus"], []).append(row)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    catalog = ["# Built by evals/second_corpus/build.py from MedQuAD (CC BY 4.0).", ""]
    for focus, doc_id in FOCUSES.items():
        pairs = rows.get(focus, [])
        if not pairs:
            continue
        body = "\n".join(markdown(r["question"], r["answer"]) for r in pairs)
        (tmp / f"{doc_id}.md").write_text(f"# {focus}\n\n{body}", encoding="utf-8")
        catalog += [
            "[[document]]",
            f'id = "{doc_id}"',
            f'title = "{focus} (PDQ®) – Patient Version"',
            'publisher = "National Cancer Institute"',
            'audience = "patients"',
            "",
        ]
    (tmp / "catalog.toml").write_text("\n".join(catalog), encoding="utf-8")
    shutil.copy(HERE / "profile.toml", tmp / "profile.toml")
    shutil.copy(HERE / "passage_ranker.json", tmp / "passage_ranker.json")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return {FOCUSES[f]: len(p) for f, p in rows.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--medquad", type=Path, default=DEFAULT_MEDQUAD, help="medquad.jsonl.gz")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "second_corpus" / "sources")
    args = parser.parse_args(argv)
    if not args.medquad.exists():
        print(f"error: {args.medquad} not found; pass --medquad PATH to MedQuAD's medquad.jsonl.gz",
              file=sys.stderr)
        return 2
    counts = build(args.medquad, args.out)
    print(f"wrote {sum(counts.values())} answers as {len(counts)} leaflets to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
