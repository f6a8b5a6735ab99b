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
    ],
)
def test_personal_decisions(question, kind):
    verdict = assess(question, in_vocab)
    assert verdict.flag is Flag.PERSONAL
    assert verdict.rule.startswith(f"personal {kind}")


@pytest.mark.parametrize("question", ["hi", "hello there"])
def test_small_talk_is_out_of_scope(question):
    assert flag(question) is Flag.OUT_OF_SCOPE


def test_question_with_no_source_words_is_out_of_scope():
    assert assess("best pizza in town?", lambda _q: False).flag is Flag.OUT_OF_SCOPE
    assert assess("can ovarian cancer spread to the rectum?", lambda _q: True).flag is None


def test_another_cancer_is_not_refused_before_retrieval():
    """Once a clinic adds leaflets on it, it is in scope; without them the answer abstains."""
    assert flag("how is breast cancer treated?") is None


