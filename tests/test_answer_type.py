"""Expected answer types: what a question asks for, and which sentences hold it."""

from __future__ import annotations

import pytest

from qa.answering.answer_type import (
    AnswerType,
    asked_types,
    defines,
    holds,
    meaning_asked,
    missing_kinds,
    missing_place,
    missing_span,
    unanswered_part,
    what_is,
)
from qa.answering.drugs import drug_names, missing_drug, missing_drug_effect
from qa.lexical import Terms
from tests.conftest import BUNDLED_PROFILE

DRUGS = drug_names(BUNDLED_PROFILE.brands, BUNDLED_PROFILE.drug_names)

DRUG = frozenset({AnswerType.DRUG})
AMOUNT = frozenset({AnswerType.AMOUNT})
COST = frozenset({AnswerType.COST})


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("what chemo drug do they send into the liver artery?", DRUG),
        ("Which medications are used with radiation?", DRUG),
        ("what chemo is used for anal cancer?", DRUG),
        ("how long does each cycle take?", AMOUNT),
        ("How many weeks of radiation will I need?", AMOUNT),
        ("will insurance pay for the pump?", COST),
        ("how much does FOLFIRI cost?", AMOUNT | COST),
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
    assert holds(DRUG, text, DRUGS)


@pytest.mark.parametrize(
    "text", ["Except for the concept of care, accept the plan.", "Chemotherapy is offered."]
)
def test_ordinary_words_are_not_drugs(text):
    assert not holds(DRUG, text, DRUGS)


@pytest.mark.parametrize(
    "text",
    [
        "Wait 6-8 weeks after radiation.",
        "It lasts two to three months.",
        "About 12%.",
        "For patients with five or fewer metastases (called oligometastatic disease).",
    ],
)
def test_amounts_need_a_number_and_a_unit(text):
    assert holds(AMOUNT, text, DRUGS)


@pytest.mark.parametrize("text", ["Stage 4 rectal cancer.", "Chemotherapy is usually given."])
def test_a_number_alone_is_no_amount(text):
    assert not holds(AMOUNT, text, DRUGS)


def test_costs_need_a_price_or_the_word():
    assert holds(COST, "The pump costs $20,000.", DRUGS)
    assert holds(COST, "Insurance may cover part of it.", DRUGS)
    assert not holds(COST, "The pump delivers chemotherapy to the liver.", DRUGS)


def test_a_reply_without_the_asked_for_amount_or_cost_does_not_answer():
    about_pump = ["Hepatic arterial infusion delivers chemotherapy through a pump."]
    assert missing_kinds("How long is the hospital stay after exenteration?", about_pump) == AMOUNT
    assert missing_kinds("will insurance pay for the liver pump?", about_pump) == COST
    assert not missing_kinds("How long is chemo given?", ["It is given for 6 months."])
    # A drug question can be answered without a drug's name.
    assert not missing_kinds("what drug is used?", ["Chemotherapy is usually offered."])


@pytest.mark.parametrize(
    "question",
    [
        'doc said "oligometastatic" ... what does that mean? how many spots counts',
        "what is the 5-year survival? what treatments are there?",
        "which hospital in Toronto does HAI? what does HAI involve?",
        "what side effects does mitomycin cause? how is it given?",
    ],
)
def test_a_question_asking_two_things_can_be_answered_in_part(question):
    # One part asks for no amount, span, place or drug's effects and can be answered.
    assert unanswered_part(question, ["It means cancer spread to a few places."]) == ""


def test_a_question_asking_two_things_is_unanswered_when_both_parts_are():
    reason = unanswered_part(
        "is FOLFOXIRI better than FOLFIRI? which one gives longer survival?",
        ["FOLFIRI is used most often for stage 4 rectal cancer."],
    )
    assert "comparison" in reason and "survival" in reason


def test_is_there_questions_want_a_there_is_statement():
    assert asked_types("Is there a standard treatment for that?") == {AnswerType.EXISTENCE}
    kinds = frozenset({AnswerType.EXISTENCE})
    assert holds(kinds, "There is no standard treatment for distant metastasis.", DRUGS)
    # Only as the sentence's own statement, not in a condition.
    assert not holds(kinds, "Surgery may be done if there is a local recurrence.", DRUGS)


def test_as_long_as_answers_how_long():
    assert holds(AMOUNT, "Treatment is usually continued as long as the cancer doesn't grow.", DRUGS)
    assert not missing_kinds("how long is chemo given?", ["It goes on as long as it works."])


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("why isn't the liver pump offered at every hospital?", AnswerType.REASON),
        ("how come they won't operate on his liver?", AnswerType.REASON),
        ("what is the reason they skip radiation?", AnswerType.REASON),
        ("would proton therapy be better than normal radiation?", AnswerType.COMPARISON),
        ("FOLFOX vs FOLFIRI for rectal cancer", AnswerType.COMPARISON),
        ("which one is safer for my liver?", AnswerType.COMPARISON),
        ("how does SBRT compare to surgery?", AnswerType.COMPARISON),
        ("which one makes you live longer, FOLFOX or FOLFIRI?", AnswerType.COMPARISON),
        ("they aren't doing chemoradiation for me. why not?", AnswerType.RESTRICTION),
        ("why would they avoid the long course when it has spread?", AnswerType.RESTRICTION),
        ("does it help? are there any figures?", AnswerType.AMOUNT),
        ("what are the odds surgery cures it?", AnswerType.AMOUNT),
        ("whats the response rate for FOLFIRI?", AnswerType.AMOUNT),
        ("it came back. whats the usual treatment?", AnswerType.TREATMENT),
        ("what would they normally do this time?", AnswerType.TREATMENT),
        ("what comes next if the first chemo stops working?", AnswerType.TREATMENT),
    ],
)
def test_why_and_comparison_questions_ask_for_their_kind(question, kind):
    assert kind in asked_types(question)


@pytest.mark.parametrize(
    ("kind", "holding", "not_holding"),
    [
        # "since" is as often about time as about a cause.
        (
            AnswerType.REASON,
            ["It is rare because it needs a large team.", "It may be delayed due to side effects."],
            "She has had no treatment since the surgery.",
        ),
        # What is not done or not possible.
        (
            AnswerType.RESTRICTION,
            ["Do not use long-course chemoradiotherapy upfront.", "You may not be able to."],
            "Long-course chemoradiotherapy takes 5 to 6 weeks.",
        ),
        # A comparative with its "than", not any "than".
        (
            AnswerType.COMPARISON,
            [
                "Surgery offers a better chance than chemotherapy.",
                "Surgery is preferred.",
                # An effect against doing without: "with chemo compared to without".
                "Modern chemotherapy combinations can extend survival.",
            ],
            "A local recurrence may be treated differently than metastatic cancer.",
        ),
        # A treatment that is given, not what the choice of one depends on.
        (
            AnswerType.TREATMENT,
            [
                "Chemoradiation is usually given if surgery was the only treatment.",
                "It can be done.",
            ],
            "The treatment options depend on what was used to treat the original tumour.",
        ),
    ],
)
def test_a_reason_a_restriction_or_a_comparison_needs_its_own_words(kind, holding, not_holding):
    assert all(holds(frozenset({kind}), text, DRUGS) for text in holding)
    assert not holds(frozenset({kind}), not_holding, DRUGS)


def test_what_a_why_or_comparison_question_is_not():
    assert AnswerType.REASON not in asked_types("what does the liver pump do?")
    assert AnswerType.COMPARISON not in asked_types("is it better to wait?")
    # Without a comparison in the reply, a one-part comparison question is not answered.
    assert missing_kinds(
        "is proton therapy better than normal radiation?",
        ["External beam radiation therapy is the most common type of radiation used."],
    ) == {AnswerType.COMPARISON}


AT_TWO_YEARS = ["Chemotherapy can extend survival to 40 percent or more at two years."]


@pytest.mark.parametrize(
    "question",
    [
        "what is the 5 year survival rate when anal cancer comes back?",
        "What is the 5-year survival rate after liver resection?",
        "five-year overall survival after surgery?",
        "what is the survival rate at 5 years",
        "will he live 5 more years?",
        "whats the chance to survive 5 yrs",
    ],
)
def test_a_named_survival_span_must_be_given(question):
    assert missing_span(question, AT_TWO_YEARS) == 5


@pytest.mark.parametrize(
    "question",
    [
        "what is the 2-year survival rate?",
        "what is the two year survival?",
        "how long will I survive?",  # no span named
        "it came back 5 yrs after the op. can it be cured?",  # a span, but not of survival
    ],
)
def test_no_span_is_missing(question):
    assert missing_span(question, AT_TWO_YEARS) is None


SUPPORTIVE = "Techniques to prevent or control side effects are called supportive care."


@pytest.mark.parametrize(
    "question",
    [
        'The nurse keeps saying "supportive care". What does that actually mean?',
        "what's supportive care?",
        "What is supportive care",
        "the nurse keeps saying supportive care. does that mean they've given up?",
    ],
)
def test_a_sentence_naming_the_asked_term_after_called_defines_it(question):
    terms = Terms()
    assert defines(SUPPORTIVE, meaning_asked(question, terms), terms)


@pytest.mark.parametrize(
    ("question", "text"),
    [
        # "what is" asks about "the best treatment", not about the term defined.
        (
            "what is the best treatment for a local recurrence?",
            "Cancer that comes back near the anus is called a local recurrence.",
        ),
        # Asks a meaning, but of another term.
        ("what does palliative mean?", SUPPORTIVE),
        # Names the term, but asks no meaning.
        ("how long does supportive care last?", SUPPORTIVE),
        # Defines nothing.
        ("what does supportive care mean?", "Supportive care helps with side effects."),
    ],
)
def test_no_definition_of_the_asked_term(question, text):
    terms = Terms()
    assert not defines(text, meaning_asked(question, terms), terms)


ILLINOIS = ["Illinois became home to the only hospital in the state offering HAI therapy."]


def test_a_place_named_in_a_which_hospital_question_must_be_in_the_answer():
    assert missing_place("which hospital in Toronto does the HAI pump?", ILLINOIS) == "Toronto"
    assert missing_place("Best cancer centre near ottawa for HAI?", ILLINOIS) == "ottawa"
    assert missing_place("which hospital in illinois offers HAI?", ILLINOIS) is None


@pytest.mark.parametrize(
    "question",
    [
        "which hospitals offer the HAI pump?",  # no place named: "specialized centers" may do
        "which hospital in my city offers HAI?",  # no place either
        "I was treated at a hospital in Toronto. what is HAI?",  # does not ask which hospital
    ],
)
def test_no_place_is_missing(question):
    assert missing_place(question, ILLINOIS) is None


GENERAL = [
    "regorafenib (Stivarga), which is given if the cancer progresses after other treatments",
    "Chemotherapy side effects can include fatigue, nausea and hair loss.",
]


@pytest.mark.parametrize(
    ("question", "drug"),
    [
        ("what side effects does mitomycin cause?", "mitomycin"),
        ("does avastin cause bleeding problems?", "avastin"),
        ("They want to start Stivarga. What side effects does it have?", "stivarga"),
    ],
)
def test_the_effects_of_a_named_drug_need_a_sentence_on_that_drug(question, drug):
    # Neither sentence says what this drug causes: one names it, the other speaks of side effects.
    assert missing_drug_effect(question, GENERAL, DRUGS) == drug
    assert drug in unanswered_part(question, GENERAL, DRUGS)


def test_a_sentence_on_the_drug_s_effects_answers_under_any_of_its_names():
    said = ["Bevacizumab can cause bleeding."]
    assert missing_drug_effect("does avastin cause bleeding problems?", said, DRUGS) is None
    said = ["You may be given other drugs if FOLFIRI causes a lot of severe side effects."]
    assert missing_drug_effect("should I quit FOLFIRI because of the side effects?", said, DRUGS) is None


@pytest.mark.parametrize(
    "question",
    [
        "what are the side effects of chemo?",  # no drug named
        "what is regorafenib used for?",  # no effects asked
    ],
)
def test_no_drug_effect_is_missing(question):
    assert missing_drug_effect(question, GENERAL, DRUGS) is None


def test_a_question_asking_about_a_named_drug_needs_a_sentence_naming_it():
    assert missing_drug("Which one makes you live longer, FOLFOX or FOLFIRI?", GENERAL, DRUGS) in {
        "folfox",
        "folfiri",
    }
    assert "names it" in unanswered_part("what's the usual dose of capecitabine?", GENERAL, DRUGS)
    # Under any of its names; and a drug named only in the story does not count.
    assert missing_drug("when is Stivarga used?", GENERAL, DRUGS) is None
    assert unanswered_part("I'm on FOLFOX. What are the signs of liver spread?", GENERAL, DRUGS) == ""


def test_what_is_names_the_term_after_it():
    terms = Terms()
    assert what_is("whats radioembolization for liver mets?", terms) == {"radioembol"}
    assert what_is("What is the 5-year survival?", terms) == {"year"}  # numbers are no terms
    assert what_is("how is it given?", terms) == frozenset()
