"""The engine's code names none of the bundled documents' diseases, drugs or places: what it
knows about them is data (sources/profile.toml, sources/catalog.toml). Every line of `qa` and
`ui` is checked, code, comments and docstrings alike (examples use other cancers)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from qa.profile import load_profile

REPO = Path(__file__).resolve().parents[1]
# The bundled collection's own words that its profile does not list as such: its two cancers'
# names and the places its questions named.
SITE_AND_PLACE_WORDS = {"rectal", "rectum", "anal", "anus", "colorectal", "toronto", "ottawa"}


def corpus_words() -> set[str]:
    profile = load_profile(REPO / "sources")
    # The profile's own brands; the general ones (qa/drug_brands.toml) name every cancer's drugs.
    own = tomllib.loads((REPO / "sources" / "profile.toml").read_text(encoding="utf-8"))["brands"]
    words = set(SITE_AND_PLACE_WORDS) | {s.id for s in profile.subjects}
    words |= set(own) | {w for g in own.values() for w in g.split()}
    words |= set(re.findall(r"[a-z][a-z0-9-]{3,}", profile.drug_names))
    return words


CODE = sorted(p for package in ("qa", "ui") for p in (REPO / package).rglob("*.py"))


def test_the_word_list_comes_from_the_bundled_profile():
    words = corpus_words()
    assert {"bevacizumab", "avastin", "folfox", "rectal", "anal"} <= words


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_the_code_names_none_of_the_bundled_documents_words(path):
    pattern = re.compile(
        r"(?<![a-z])(" + "|".join(sorted(map(re.escape, corpus_words()))) + r")(?![a-z])",
        re.IGNORECASE,
    )
    found = [
        f"line {n}: {m.group(0)!r}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in pattern.finditer(line)
    ]
    assert not found, f"{path.name} names the bundled documents' words: {found}"
