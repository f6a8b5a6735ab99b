"""The triage catalogue (data) and the cue lexicon: validated early, complete, corpus-free."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.errors import ConfigError
from qa.safety.catalogue import Contacts, Level, load_catalogue
from qa.safety.context import CONTEXT_FILE, clauses, framing, load_lexicon

REPO = Path(__file__).resolve().parent.parent

# What the issue asks the catalogue to cover, at least.
REQUIRED = {
    "neutropenic-sepsis": Level.URGENT,
    "major-bleeding": Level.EMERGENCY,
    "new-bleeding": Level.URGENT,
    "chest-pain": Level.EMERGENCY,
    "breathing-difficulty": Level.EMERGENCY,
    "pulmonary-embolism": Level.EMERGENCY,
    "leg-clot": Level.URGENT,
    "stroke": Level.EMERGENCY,
    "seizure": Level.EMERGENCY,
    "collapse": Level.EMERGENCY,
    "anaphylaxis": Level.EMERGENCY,
    "infusion-reaction": Level.URGENT,
    "spinal-cord-compression": Level.URGENT,
    "svc-obstruction": Level.URGENT,
    "confusion-hypercalcaemia": Level.URGENT,
    "bowel-obstruction": Level.URGENT,
    "stoma-problem": Level.URGENT,
    "severe-diarrhoea": Level.URGENT,
    "uncontrolled-pain": Level.URGENT,
    "overdose": Level.EMERGENCY,
    "suicidal-thoughts": Level.CRISIS,
    "suicide-plan": Level.CRISIS,
    "self-harm": Level.CRISIS,
    "other-at-risk": Level.CRISIS,
}


def test_the_bundled_catalogue_covers_every_required_entry():
    catalogue = load_catalogue()
    levels = {e.id: e.level for e in catalogue.entries}
    for entry_id, level in REQUIRED.items():
        assert levels.get(entry_id) is level, entry_id
    for entry in catalogue.entries:
        assert entry.note and entry.advice and entry.description
        assert len(entry.examples) >= 20, entry.id
        assert len(entry.informational) >= 10, entry.id


def test_messages_take_the_numbers_from_settings_not_the_file():
    catalogue = load_catalogue()
    contacts = Contacts(emergency_number="112", crisis_line="116 123", care_team_line="0800 1")
    urgent = catalogue.entry("leg-clot")
    emergency = catalogue.entry("chest-pain")
    crisis = catalogue.entry("suicide-plan")
    assert "0800 1" in catalogue.message(urgent, contacts)
    assert "112" in catalogue.message(emergency, contacts)
    assert "116 123" in catalogue.message(crisis, contacts)
    assert "112" in catalogue.message(crisis, contacts)
    assert catalogue.caution_line(emergency, contacts).startswith("If this is happening now:")
    # No number is written into the catalogue itself.
    text = (REPO / "qa" / "safety" / "catalogue.yaml").read_text(encoding="utf-8")
    head = text.split("entries:", 1)[0]
    assert not re.search(r"\b(911|988|999|112)\b", head.split("levels:", 1)[1])


def test_without_a_care_team_number_the_line_is_named():
    catalogue = load_catalogue()
    text = catalogue.message(catalogue.entry("leg-clot"), Contacts())
    assert "your cancer team's 24-hour line" in text and "()" not in text


def test_the_catalogue_names_no_drug_or_cancer_of_the_bundled_documents():
    """A clinic brings its own leaflets: the catalogue holds no word particular to ours."""
    sources = " ".join(p.read_text(encoding="utf-8") for p in (REPO / "sources").glob("*.txt"))
    drug = re.compile(
        r"\b[a-z]+(?:mab|tinib|fenib|platin|tecan|citabine|uracil|taxel|rubicin)\b|\bfolf\w+\b"
        r"|\bcap(?:ox|iri)\b|\bxel\w+\b",
        re.IGNORECASE,
    )
    corpus_drugs = {m.lower() for m in drug.findall(sources)}
    assert corpus_drugs, "the pattern should find the bundled documents' drugs"
    catalogue = (REPO / "qa" / "safety" / "catalogue.yaml").read_text(encoding="utf-8").lower()
    assert not {d for d in corpus_drugs if re.search(rf"\b{re.escape(d)}\b", catalogue)}
    for site in ("rectal cancer", "anal cancer", "colorectal", "rectum", "anus"):
        assert site not in catalogue, site


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_LEVELS = """
version: 1
levels:
  emergency: {message: "call {emergency_number}"}
  urgent: {message: "call {care_team_line}"}
  crisis: {message: "call {crisis_line}"}
caution: "If this is happening now: {advice}"
"""


@pytest.mark.parametrize(
    ("entries", "fragment"),
    [
        ("entries: []", "'entries' must be a non-empty list"),
        (
            "entries:\n  - {id: a, level: severe, title: t, description: d, note: n, advice: x}",
            "entry 'a': level must be one of",
        ),
        (
            "entries:\n  - {id: a, level: urgent, title: t, description: d, note: n, advice: x,"
            " colour: red}",
            "entry 'a': unknown key(s) colour",
        ),
        (
            "entries:\n  - {id: a, level: urgent, title: t, description: d, note: n,"
            " advice: 'call {doctor}'}",
            "unknown placeholder(s) doctor",
        ),
        (
            "entries:\n  - {id: a, level: urgent, title: t, description: d, note: n, advice: x}\n"
            "  - {id: a, level: urgent, title: t, description: d, note: n, advice: x}",
            "duplicate entry id(s) a",
        ),
        (
            "entries:\n  - {id: a, level: urgent, title: t, description: d, note: '', advice: x}",
            "entry 'a': 'note' must be non-empty text",
        ),
        (
            "entries:\n  - {id: a, level: urgent, title: t, description: d, note: n, advice: x,"
            " examples: [1, '']}",
            "entry 'a': 'examples' must be a list of non-empty messages",
        ),
    ],
)
def test_a_bad_catalogue_is_refused_naming_the_entry_and_key(tmp_path, entries, fragment):
    path = _write(tmp_path, GOOD_LEVELS + entries + "\n")
    with pytest.raises(ConfigError) as info:
        load_catalogue(path)
    assert fragment in str(info.value) and str(path) in str(info.value)


def test_unreadable_or_malformed_catalogues_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        load_catalogue(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_catalogue(_write(tmp_path, "levels: [unclosed"))
    with pytest.raises(ConfigError, match="'levels' must define exactly"):
        load_catalogue(_write(tmp_path, "levels: {emergency: {message: b}}\n"))


def test_a_minimal_valid_catalogue_loads(tmp_path):
    path = _write(
        tmp_path,
        GOOD_LEVELS
        + "entries:\n  - {id: a, level: urgent, title: t, description: d, note: n, advice: x,"
        " examples: [ 'help  me ' ]}\n",
    )
    catalogue = load_catalogue(path)
    assert catalogue.entry("a").examples == ("help me",)
    assert len(catalogue.digest) == 16


# ---------------------------------------------------------------- framing (context.yaml)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("what are the signs of a clot I should watch for?", "asks_about"),
        ("what should I do if he ever has a fit?", "hypothetical"),
        ("I had a clot last year, now on blood thinners", "historical"),
        ("no fever, just tired", "negated"),
        ("Not an emergency, just planning ahead", "reassured"),
        ("it started an hour ago and is getting worse", "present"),
        ("my husband is grey and sweating", "reporting"),
        ("dont have any pain", "negated"),
    ],
)
def test_framing_finds_each_cue_class(text, cue):
    assert framing(text).has(cue)


def test_framing_matches_whole_words_only():
    assert not framing("nowhere to be seen").has("present")
    assert framing("is this normal?").question
    assert not framing("my chest hurts").question


def test_clauses_split_on_sentences_and_turns_and_keep_every_word():
    message = "Quick question about parking. Also my chest is tight and I'm sweating! ok"
    parts = clauses(message)
    assert parts == (
        "Quick question about parking.",
        "Also my chest is tight and I'm sweating! ok",
    )
    long = ". ".join(f"sentence number {i} here" for i in range(20))
    assert len(clauses(long)) == 8
    assert " ".join(clauses(long)).split() == long.split()


def test_the_bundled_lexicon_loads_and_a_bad_one_is_refused(tmp_path):
    lexicon = load_lexicon(CONTEXT_FILE)
    assert "no" in lexicon["negated"]  # quoted in the file: YAML would read it as false
    bad = tmp_path / "context.yaml"
    bad.write_text("negated: [no]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="needs exactly the classes"):
        load_lexicon(bad)
