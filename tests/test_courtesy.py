"""Greetings and thanks around a question are not part of what it asks."""

from __future__ import annotations

import pytest

from qa.courtesy import drop_acknowledgement, drop_courtesies
from qa.serving.loading import load_pipeline


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("hi, quick question. is chemo given first? thanks so much!", "is chemo given first?"),
        ("Hello there! What is FOLFIRI?", "What is FOLFIRI?"),
        ("Hey - quick question: does it hurt?", "does it hurt?"),
        ("is it hereditary? thank you", "is it hereditary?"),
        ("history of surgery, thanks", "history of surgery"),  # "hi" only as a word
        ("is it pretty bad", "is it pretty bad"),
        ("thanks", "thanks"),  # nothing but courtesies: left as typed
    ],
)
def test_courtesies_are_dropped(message, question):
    assert drop_courtesies(message) == question


def test_a_polite_question_gets_the_plain_question_s_answer(built, fake_embedder):
    pipeline = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    plain = pipeline.ask("Which chemotherapy is used most often for stage 4 rectal cancer?")
    polite = pipeline.ask(
        "Hi, quick question. Which chemotherapy is used most often for stage 4 rectal cancer? "
        "Thanks so much!"
    )
    assert fake_embedder.encoded[-1] == fake_embedder.encoded[-2]  # the model reads the same
    assert polite.text == plain.text and polite.citations == plain.citations
    assert polite.question.startswith("Hi, quick question.")  # the user's words are kept


@pytest.mark.parametrize(
    ("message", "rest"),
    [
        ("ok and what side effects", "and what side effects"),
        ("okay thanks. and then?", "and then?"),
        ("right, and the dose?", "and the dose?"),
        # "Right", "great" and "sure" without a mark after them are words of the question.
        ("right side pain after surgery?", "right side pain after surgery?"),
        ("sure thing?", "sure thing?"),
    ],
)
def test_acknowledgements_opening_a_message_are_read_past(message, rest):
    assert drop_acknowledgement(message) == rest
