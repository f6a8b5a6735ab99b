"""Follow-up questions take the topic of the conversation, for retrieval only."""

from __future__ import annotations

import pytest

from qa.answering.followup import content_terms, contextualize, is_followup, set_aside
from qa.serving.loading import load_pipeline
from qa.types import Answer, Status


def test_content_terms_drop_function_words_and_keep_order():
    assert content_terms("What are the side effects of FOLFIRI?") == ["side", "effects", "folfiri"]
    assert content_terms("what is it?") == []


@pytest.mark.parametrize(
    "question",
    [
        "What are its side effects?",
        "How is it given?",
        "Is that safe?",
        "why?",
        "And radiation?",
        "what about surgery?",
        "How long do they last?",
        # After an acknowledgement, or naming no topic of its own.
        "ok thanks. and the side effects?",
        "what side effects should we be ready for",
        "what order is the treatment usually done in?",
    ],
)
def test_followups_are_recognised(question):
    assert is_followup(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is FOLFIRI?",
        "Can radiation relieve pain from rectal cancer?",
        "ok, is radiotherapy painful?",
        "my dad's rectal cancer spread to his liver and the surgeon says it cannot be removed",
    ],
)
def test_self_contained_questions_are_not_followups(question):
    assert not is_followup(question)


def test_followup_gets_the_previous_topic():
    out = contextualize("What are its side effects?", ["What is FOLFIRI?"])
    assert out.startswith("What are its side effects?")
    assert "folfiri" in out


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("my friend has lung cancer, not breast", "my friend has lung cancer"),
        ("not the liver but the lungs", "but the lungs"),
        ("they chose radiation rather than surgery", "they chose radiation"),
        ("radiation instead of an operation. why?", "radiation . why?"),
        # A negated predicate still says what the message is about.
        ("the tumour can not be removed", "the tumour can not be removed"),
        ("surgery is not possible", "surgery is not possible"),
    ],
)
def test_what_a_message_sets_aside_is_left_out(message, kept):
    assert " ".join(set_aside(message).split()) == kept


def test_a_topic_set_aside_is_not_carried():
    out = contextualize("which drugs are used for that?", ["she has lymphoma, not leukaemia"])
    assert "lymphoma" in out and "leukaemia" not in out


def test_self_contained_question_is_unchanged():
    assert contextualize("What is cryotherapy?", ["What is FOLFIRI?"]) == "What is cryotherapy?"


def test_no_history_means_no_change():
    assert contextualize("What are its side effects?", []) == "What are its side effects?"


def test_topic_carries_through_a_chain_of_followups():
    history = ["What is FOLFIRI?", "What are its side effects?"]
    out = contextualize("How long do they last?", history)
    assert "folfiri" in out


def test_everyday_words_do_not_carry_a_topic():
    # "side", "come" and "back" are too common in English to say what a message is about.
    out = contextualize("why?", ["it came back on my side"])
    assert out == "why?"


def test_statements_add_to_the_topic_instead_of_replacing_it():
    history = ["my dad's cancer came back in his pelvis", "the surgeon says surgery is possible"]
    out = contextualize("what would they remove?", history)
    assert "pelvis" in out and "surgeon" in out


def test_a_long_message_that_points_back_is_a_followup_unless_it_names_its_topic():
    history = ["the scan shows it came back in the pelvis"]
    vague = "can they still cure it when it comes back like that or is it too late now"
    assert is_followup(vague)
    assert "pelvis" in contextualize(vague, history)
    named = "my dad's rectal cancer spread to his liver and the surgeon says it cannot be removed"
    assert not is_followup(named)


def test_a_question_without_topic_does_not_erase_the_topic():
    out = contextualize("how is it given?", ["What is FOLFIRI?", "thanks"])
    assert "folfiri" in out


def test_the_most_recent_topic_wins():
    out = contextualize("how does it work?", ["What is FOLFIRI?", "What is cryotherapy?"])
    assert "cryotherapy" in out and "folfiri" not in out


def test_only_recent_questions_count_and_terms_are_capped():
    history = ["What is FOLFIRI?"] + ["and it?"] * 10
    assert "folfiri" not in contextualize("why?", history)
    long_topic = " ".join(f"word{i}" for i in range(30))
    assert len(contextualize("why?", [long_topic]).split()) <= 1 + 8


def test_odd_history_never_crashes():
    for earlier in ["", "\x00\x01", "🙂", "x" * 100_000, "\ud800"]:
        assert contextualize("what about it?", [earlier]).startswith("what about it?")


@pytest.fixture
def pipeline(built, fake_embedder):
    return load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)


def test_pipeline_followup_retrieves_about_the_earlier_topic(pipeline):
    def lexical_top(answer: Answer) -> str:
        return next(h.chunk.text for h in answer.hits if h.lexical_rank == 1)

    alone = pipeline.ask("How does it work?")
    followup = pipeline.ask("How does it work?", history=["What is cryotherapy?"])
    assert followup.question == "How does it work?"  # the user's words, not the rewrite
    assert followup.status is Status.ANSWERED
    assert "Cryotherapy" in lexical_top(followup)
    assert not any(h.lexical_rank == 1 and "Cryotherapy" in h.chunk.text for h in alone.hits)


def test_pipeline_safety_reads_only_the_users_words(pipeline):
    calm = pipeline.ask(
        "What are its side effects?", history=["I have chest pain, is FOLFIRI why?"]
    )
    assert calm.status is not Status.ESCALATED
    urgent = pipeline.ask("I have crushing chest pain now", history=["What is FOLFIRI?"])
    assert urgent.status is Status.ESCALATED
