"""Personal decisions and scope: deterministic rules, no model needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.safety.redflags import Flag, assess

REPO = Path(__file__).resolve().parent.parent


def in_vocab(_question: str) -> bool:
    return True


def flag(question: str) -> Flag | None:
    return assess(question, in_vocab).flag


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("should I stop my chemo?", "decision"),
        ("how much capecitabine should I take?", "dose"),
        ("is it safe for me to skip a cycle?", "decision"),
        ("how many sleeping tablets can I take?", "dose"),
        ("how many mg of morphine is too much", "dose"),
        ("what side effects should we expect, and should we stop the chemo?", "decision"),
        ("should I ask for a second opinion?", "decision"),
    ],
)
def test_personal_decisions(question, kind):
    verdict = assess(question, in_vocab)
    assert verdict.flag is Flag.PERSONAL
    assert verdict.rule.startswith(f"personal {kind}")


@pytest.mark.parametrize(
    "question",
    [
        # Questions about amounts, or about what to expect or know, ask for information.
        "how many weeks does chemoradiation usually last?",
        "how much does the treatment change survival?",
        "what side effects should we be ready for",
        "does it have any long term side effects i should know about",
        "what should my mum expect after the operation?",
    ],
)
def test_general_questions_are_not_personal_decisions(question):
    assert flag(question) is None


@pytest.mark.parametrize("question", ["hi", "hello there"])
def test_small_talk_is_out_of_scope(question):
    assert flag(question) is Flag.OUT_OF_SCOPE


def test_question_with_no_source_words_is_out_of_scope():
    assert assess("best pizza in town?", lambda _q: False).flag is Flag.OUT_OF_SCOPE
    assert assess("can ovarian cancer spread to the rectum?", lambda _q: True).flag is None


def test_another_cancer_is_not_refused_before_retrieval():
    """Once a clinic adds leaflets on it, it is in scope; without them the answer abstains."""
    assert flag("how is breast cancer treated?") is None


