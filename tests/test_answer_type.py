"""Expected answer types: what a question asks for, and which sentences hold it."""

from __future__ import annotations

import pytest

from qa.answer_type import AnswerType, asked_types, holds

DRUG = frozenset({AnswerType.DRUG})
AMOUNT = frozenset({AnswerType.AMOUNT})


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("what chemo drug do they send into the liver artery?", DRUG),
        ("Which medications are used with radiation?", DRUG),
        ("what chemo is used for anal cancer?", DRUG),
        ("how long does each cycle take?", AMOUNT),
        ("How many weeks of radiation will I need?", AMOUNT),
        ("is chemotherapy painful?", frozenset()),
        ("what is hipec?", frozenset()),
    ],
)
def test_asked_types(question, kinds):
    assert asked_types(question) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Floxuridine (FUDR) is the most common drug for hepatic arterial infusion.",
        "FOLFOX or FOLFIRI is usually given first.",
        "Bevacizumab blocks VEGF.",
        "It is given with fluorouracil and mitomycin.",
    ],
)
def test_drug_names_by_their_stems(text):
    assert holds(DRUG, text)


@pytest.mark.parametrize(
    "text", ["Except for the concept of care, accept the plan.", "Chemotherapy is offered."]
)
def test_ordinary_words_are_not_drugs(text):
    assert not holds(DRUG, text)


@pytest.mark.parametrize(
    "text", ["Wait 6-8 weeks after radiation.", "It lasts two to three months.", "About 12%."]
)
def test_amounts_need_a_number_and_a_unit(text):
    assert holds(AMOUNT, text)


@pytest.mark.parametrize("text", ["Stage 4 rectal cancer.", "Chemotherapy is usually given."])
def test_a_number_alone_is_no_amount(text):
    assert not holds(AMOUNT, text)
