"""A collection's profile (sources/profile.toml): read, validated with messages naming the key,
and the only place the engine learns this corpus's words."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from qa.answering import english
from qa.answering.answer import abstain_message
from qa.errors import ConfigError
from qa.lexical import Lexicon
from qa.profile import GENERAL_BRANDS, PROFILE_NAME, Profile, load_profile, with_general_brands
from qa.safety.messages import scope_message

REPO = Path(__file__).resolve().parents[1]


def write(folder: Path, text: str) -> Path:
    (folder / PROFILE_NAME).write_text(text, encoding="utf-8")
    return folder


def test_no_profile_means_neutral_defaults_and_the_general_brand_names(tmp_path):
    profile = load_profile(tmp_path)
    general = with_general_brands(())
    assert profile == Profile(brands=general) and not profile.examples
    assert load_profile(tmp_path / "corpus.jsonl") == profile  # a corpus that is one file
    assert "documents in this collection" in scope_message(profile)
    assert dict(general)["keytruda"] == "pembrolizumab"


def test_a_profile_s_own_brand_names_come_first_and_override_the_general_ones(tmp_path):
    folder = write(tmp_path, '[brands]\nkeytruda = "pembrolizumab mk-3475"\nzorvex = "zorvimab"\n')
    brands = load_profile(folder).brands
    assert brands[:2] == (("keytruda", "pembrolizumab mk-3475"), ("zorvex", "zorvimab"))
    assert [b for b, _ in brands].count("keytruda") == 1
    assert dict(brands)["herceptin"] == "trastuzumab"  # from qa/drug_brands.toml


def test_the_general_brand_names_are_lower_case_words_mapped_to_other_words():
    data = tomllib.loads(GENERAL_BRANDS.read_text(encoding="utf-8"))
    assert "Source:" in GENERAL_BRANDS.read_text(encoding="utf-8")
    brands = data["brands"]
    assert len(brands) > 300
    generics = {w for g in brands.values() for w in g.split()}
    assert all(b == b.lower() and b not in generics for b in brands)
    # No brand is an everyday English word, which it would be mistaken for.
    assert not [b for b in brands if b.isalpha() and english.zipf(b) >= 3.5]


def test_the_bundled_profile_holds_what_the_engine_knows_about_its_documents():
    profile = load_profile(REPO / "sources")
    assert profile.examples and dict(profile.brands)["avastin"] == "bevacizumab"
    assert "rectal" in profile.scope and "rectal" in abstain_message(profile)
    lexicon = Lexicon.of(profile)
    assert "colostomy" in lexicon.expand("is the bag forever")
    assert "colostomy" not in Lexicon.of().expand("is the bag forever")  # not a general word
    assert "chemotherapy" in Lexicon.of().expand("chemo")  # the general lexicon


def test_a_clinic_s_own_words_reach_the_search_terms(tmp_path):
    folder = write(
        tmp_path,
        '[brands]\nherceptin = "trastuzumab"\n\n[[lexicon]]\nlay = \'\\bboob\\b\'\n'
        'documents = "breast"\n',
    )
    lexicon = Lexicon.of(load_profile(folder))
    assert "trastuzumab" in lexicon.expand("is Herceptin safe")
    assert lexicon.expand("boob lump") == "breast lump"
    assert {"herceptin", "boob"} <= lexicon.lay_words


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[chats]\ntitle = 'x'\n", "chats"),
        ("[chat]\nheading = 'x'\n", "chat.heading"),
        ("[chat]\nexamples = 'one question'\n", "chat.examples"),
        ("[chat]\ntitle = ''\n", "chat.title"),
        ("[brands]\nherceptin = 3\n", "brands.herceptin"),
        ("[[lexicon]]\nlay = 'boob'\ndocuments = 'breast'\n", "word boundary"),
        ('[[lexicon]]\nlay = "\\\\b(boob"\ndocuments = "breast"\n', "not a regular expression"),
        ("[[lexicon]]\nlay = '\\\\bboob'\n", "lay and documents"),
        ("[chat\n", "cannot be read"),
    ],
)
def test_a_bad_profile_is_refused_naming_what_to_fix(tmp_path, text, named):
    with pytest.raises(ConfigError, match=named.replace("(", r"\(")):
        load_profile(write(tmp_path, text))


def test_a_profile_round_trips_through_a_build(tmp_path):
    profile = load_profile(REPO / "sources")
    assert Profile.from_json(profile.to_json()) == profile


def test_a_catalog_subject_the_profile_does_not_declare_is_named_at_build(built, fake_embedder):
    from qa.ingest.build import build_index

    catalog = built.ingest.sources_dir / "catalog.toml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace(
            'title = "Chemotherapy guide"', 'title = "Chemotherapy guide"\nsubject = "colon"'
        ),
        encoding="utf-8",
    )
    said: list[str] = []
    build_index(built, fake_embedder, progress=said.append)
    assert any("subject = 'colon'" in line and "anal, rectal" in line for line in said)
