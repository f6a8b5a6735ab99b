"""The auditable rules (qa/safety/rules.py): each names itself and its catalogue entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from qa.safety.catalogue import load_catalogue
from qa.safety.rules import canonical, match

REPO = Path(__file__).resolve().parent.parent


def entry(message: str) -> str | None:
    hit = match(message)
    return None if hit is None else hit.entry


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I have chest pain", "chest-pain"),
        ("i have really bad chest pian", "chest-pain"),
        ("my husband is clutching his chest", "chest-pain"),
        ("i cant breathe", "breathing-difficulty"),
        ("i cnat breath right now", "breathing-difficulty"),
        ("my mom passed out in the kitchen", "collapse"),
        ("i'm bleeding a lot from my bottom and it won't stop", "major-bleeding"),
        ("his face is drooping and his speech is slurred", "stroke"),
        ("my throat is swelling after the infusion", "anaphylaxis"),
        ("I took too many pills by mistake", "overdose"),
        ("my wife is having a seizure", "seizure"),
        ("terrible stomach pain and I keep throwing up and can't poop", "bowel-obstruction"),
    ],
)
def test_emergencies_name_their_entry(message, expected):
    assert entry(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "im on my chemo and my temp is 39",
        "fever of 101.5 F since my chemo",
        "I feel feverish after my immunotherapy",
        # Whatever the treatment is called, or if it is not named at all.
        "on zorbatinib tablets and shivering with a temperature of 38.4",
        "I have a fever",
    ],
)
def test_fever_counts_on_any_treatment(message):
    assert entry(message) == "neutropenic-sepsis"


def test_a_normal_temperature_is_no_fever():
    assert entry("my temperature is normal, is that ok?") is None
    assert entry("are there fewer side effects with tablets?") is None


@pytest.mark.parametrize(
    "message",
    [
        "I want to kill myself",
        "i wanna die",
        "thinking of endng my life",
        "I don't see any point going on",
        "my wife says she wants to end her life",
        "I feel suicidal",
    ],
)
def test_crisis(message):
    assert entry(message) == "suicidal-thoughts"


def test_self_harm_has_its_own_entry():
    assert entry("I have been self-harming again") == "self-harm"


@pytest.mark.parametrize(
    "message",
    [
        "no chest pain, just asking about chemo",
        "I don't have a fever, how long is chemo given?",
        "can radiation cause shortness of breath?",
        "will this cancer kill me?",
        "I had a fever during chemo last year, why was treatment delayed?",
        "I'm not suicidal, I just want to know about clinical trials",
        "can radiation help with the pain and bleeding from my tumour? thanks so much",
        "hi, quick question. can cancer in the lungs cause shortness of breath?",
    ],
)
def test_negations_and_near_misses_do_not_fire(message):
    assert match(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "hi. I have crushing chest pain",
        "hello! quick question: can chemo cause this? I'm bleeding so much from my bottom",
        "I'm bleeding a lot, thanks",
    ],
)
def test_greetings_and_thanks_do_not_hide_an_emergency(message):
    assert match(message) is not None


def test_every_rule_names_itself_and_a_catalogue_entry():
    hit = match("I have crushing chest pain")
    assert hit is not None and hit.describe.startswith("chest pain or pressure")
    ids = {e.id for e in load_catalogue().entries}
    from qa.safety.rules import _RULES, CRISIS_ENTRY, FEVER_ENTRY, SELF_HARM_ENTRY

    assert {e for e, _, _ in _RULES} | {CRISIS_ENTRY, FEVER_ENTRY, SELF_HARM_ENTRY} <= ids


def test_typo_tolerance_is_bounded():
    assert canonical("bleding siezure") == "bleeding seizure"
    assert canonical("fewer") == "fewer"  # one substitution away from "fever", but short


def test_no_golden_question_fires_a_rule():
    for name in ("golden.yaml", "holdout.yaml"):
        for case in yaml.safe_load((REPO / "evals" / name).read_text())["questions"]:
            assert match(case["question"]) is None, case


def test_the_rules_name_no_drug_or_cancer_of_the_bundled_documents():
    """A clinic's own leaflets must not need the rules edited: no corpus word in them."""
    source = (REPO / "qa" / "safety" / "rules.py").read_text(encoding="utf-8").lower()
    for word in ("folfox", "folfiri", "capecitabine", "xeloda", "oxaliplatin", "irinotecan",
                 "lonsurf", "rectal", "anal ", "colorectal"):
        assert word not in source, word


def test_typo_correction_does_not_depend_on_the_hash_seed():
    code = "from qa.safety.rules import canonical; print(canonical('i feel suicidel and have chset pain'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4", "5")
    }
    assert len(outputs) == 1


def test_mend_triggers_keeps_the_text_and_mends_only_trigger_typos():
    from qa.safety.rules import mend_triggers

    assert mend_triggers("Wife just had a seizur, first time ever.") == (
        "Wife just had a seizure, first time ever."
    )
    assert mend_triggers("What is radiation therapy?") == "What is radiation therapy?"
    assert mend_triggers("İstanbul bleding") == canonical("İstanbul bleding")  # no offsets
