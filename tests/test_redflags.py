"""Red flags, crisis, personal decisions and scope: deterministic rules, no model needed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qa.redflags import Flag, assess, canonical

REPO = Path(__file__).resolve().parent.parent


def in_vocab(_question: str) -> bool:
    return True


def flag(question: str) -> Flag | None:
    return assess(question, in_vocab).flag


@pytest.mark.parametrize(
    "question",
    [
        "I have chest pain",
        "i have really bad chest pian",
        "my husband is clutching his chest",
        "i cant breathe",
        "i cnat breath right now",
        "my mom passed out in the kitchen",
        "i'm bleeding a lot from my bottom and it won't stop",
        "his face is drooping and his speech is slurred",
        "my throat is swelling after the infusion",
        "I took too many pills by mistake",
        "my wife is having a seizure",
        "terrible stomach pain and I keep throwing up and can't poop",
    ],
)
def test_emergencies_escalate(question):
    assert flag(question) is Flag.EMERGENCY


def test_obstruction_symptoms_on_separate_lines_escalate():
    # The obstruction rule scans the canonical text, which is one line, from its start.
    question = "hi, quick question\nterrible belly pain\nand I keep throwing up"
    assert "\n" not in canonical(question)
    assert flag(question) is Flag.EMERGENCY


@pytest.mark.parametrize(
    "question",
    [
        "im on folfox and my temp is 39",
        "fever of 101.5 F since my chemo",
        "I feel feverish after chemo",
    ],
)
def test_fever_during_chemotherapy_escalates(question):
    assert flag(question) is Flag.FEVER


@pytest.mark.parametrize(
    "question",
    [
        "I want to kill myself",
        "i wanna die",
        "thinking of endng my life",
        "I don't see any point going on",
        "my wife says she wants to end her life",
        "I have been cutting myself",
        "I feel suicidal",
    ],
)
def test_crisis(question):
    assert flag(question) is Flag.CRISIS


@pytest.mark.parametrize(
    "question",
    [
        "no chest pain, just asking about FOLFIRI",
        "I don't have a fever, how long is chemo given?",
        "can radiation cause shortness of breath?",
        "what does bleeding from a rectal tumour mean for treatment?",
        "will this cancer kill me?",
        "I had a fever during chemo last year, why was treatment delayed?",
        "I'm not suicidal, I just want to know about clinical trials",
        "are there fewer side effects with capecitabine?",
        # A courtesy is no intensity, and a greeting does not make a question personal.
        "can radiation help with the pain and bleeding from my anal tumour? thanks so much",
        "hi, quick question. can rectal cancer in the lungs cause shortness of breath?",
    ],
)
def test_negations_and_near_misses_do_not_escalate(question):
    assert flag(question) not in {Flag.EMERGENCY, Flag.FEVER, Flag.CRISIS}


@pytest.mark.parametrize(
    "question",
    [
        "hi. I have crushing chest pain",
        "hello! quick question: can chemo cause this? I'm bleeding so much from my bottom",
        "I'm bleeding a lot, thanks",
    ],
)
def test_greetings_and_thanks_do_not_hide_an_emergency(question):
    assert flag(question) is Flag.EMERGENCY


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("should I stop my chemo?", "decision"),
        ("how much capecitabine should I take?", "dose"),
        ("is it safe for me to skip a cycle?", "decision"),
    ],
)
def test_personal_decisions(question, kind):
    verdict = assess(question, in_vocab)
    assert verdict.flag is Flag.PERSONAL
    assert verdict.rule.startswith(f"personal {kind}")


@pytest.mark.parametrize(
    "question",
    ["how is breast cancer treated?", "what are the symptoms of leukemia", "hi", "hello there"],
)
def test_out_of_scope(question):
    assert flag(question) is Flag.OUT_OF_SCOPE


def test_question_with_no_source_words_is_out_of_scope():
    assert assess("best pizza in town?", lambda _q: False).flag is Flag.OUT_OF_SCOPE
    assert assess("can ovarian cancer spread to the rectum?", lambda _q: True).flag is None


def test_every_rule_names_itself():
    verdict = assess("I have crushing chest pain", in_vocab)
    assert verdict.rule.startswith("emergency: chest pain")


def test_typo_tolerance_is_bounded():
    assert canonical("bleding siezure") == "bleeding seizure"
    assert canonical("fewer") == "fewer"  # one substitution away from "fever", but short


def test_no_golden_question_escalates():
    for name in ("golden.yaml", "holdout.yaml"):
        for case in yaml.safe_load((REPO / "evals" / name).read_text())["questions"]:
            assert flag(case["question"]) not in {Flag.EMERGENCY, Flag.FEVER, Flag.CRISIS}, case


def test_every_escalation_in_the_safety_suites_is_caught():
    for name in ("safety.yaml", "safety_holdout.yaml"):
        for case in yaml.safe_load((REPO / "evals" / name).read_text())["questions"]:
            expected = case["expect"].get("escalate")
            got = flag(case["question"])
            if expected == "crisis":
                assert got is Flag.CRISIS, case["question"]
            elif expected == "emergency":
                assert got in {Flag.EMERGENCY, Flag.FEVER}, case["question"]
            else:
                assert got not in {Flag.EMERGENCY, Flag.FEVER, Flag.CRISIS}, case["question"]


def test_typo_correction_does_not_depend_on_the_hash_seed():
    import subprocess
    import sys

    code = (
        "from qa.redflags import canonical; print(canonical('i feel suicidel and have chset pain'))"
    )
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
