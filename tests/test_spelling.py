"""Typing slips are mended before retrieval; names and everyday words are left alone."""

from __future__ import annotations

import pytest

from qa.answering.foreign import Vocabulary
from qa.answering.spelling import mend_slips
from qa.serving.loading import load_pipeline
from qa.types import Status

VOCAB = Vocabulary.of(
    [
        "Rectal cancer that comes back first is treated with chemotherapy. The cancer may be "
        "diagnosed late. Cancer cells spread. Patients cope with side effects. Treatment varies. "
        "Diarrhea is common."
    ]
)
# Stand-in for the model's tokenizer: these are one piece, every other word several.
EVERYDAY = {"my", "dads", "came", "back", "is", "wine", "safe", "with", "the", "what"}


def whole(word: str) -> bool:
    return word in EVERYDAY


@pytest.mark.parametrize(
    ("question", "expected", "mended"),
    [
        (
            "my dads retal cacer came back",
            "my dads rectal cancer came back",
            {"retal": "rectal", "cacer": "cancer"},
        ),
        # A dropped letter in a four-letter word.
        ("what is treated frst", "what is treated first", {"frst": "first"}),
        # A lay word the lexical step knows, though the documents never use it.
        ("is chmo safe", "is chemo safe", {"chmo": "chemo"}),
        ("Is CHMEO safe", "Is chemo safe", {"chmeo": "chemo"}),
        # Two slips in a longer word.
        ("can chemo cause diahrrea", "can chemo cause diarrhea", {"diahrrea": "diarrhea"}),
        # Sharing the first five letters of a word of the documents is no inflection.
        ("is chemo treatmnet safe", "is chemo treatment safe", {"treatmnet": "treatment"}),
        # An everyday English word the documents never use.
        ("is it gonig", "is it going", {"gonig": "going"}),
    ],
)
def test_slips_are_mended(question, expected, mended):
    assert mend_slips(question, VOCAB, whole) == (expected, mended)


@pytest.mark.parametrize(
    "question",
    [
        "is wine safe with chemo",  # an everyday word the model knows, one slip from "wide"
        "is zancer back",  # the first letter wrong: as likely another word as a slip
        "copd",  # four letters, one off "cope": as often a name
        "msi",  # too short to tell from a name
        "my dads cant",  # a contraction
        "what is diagnose",  # an inflection of the documents' "diagnosed"
        "what is zorblatinib",  # nothing one slip away
        "what is a stoma",  # a rare English word the documents do not use
        # One slip from "pancreatic", but a topical English word the documents never use is no
        # help in finding a passage: a name is not guessed into one.
        "is it pancreatix",
    ],
)
def test_names_and_known_words_are_left_alone(question):
    assert mend_slips(question, VOCAB, whole) == (question, {})


def test_the_documents_most_frequent_word_wins():
    # "lever" and "liver" are both one slip from "lxver"; the documents say liver more.
    vocab = Vocabulary.of(["lever. liver. liver."])
    assert mend_slips("lxver", vocab, whole) == ("liver", {"lxver": "liver"})


def test_a_mistyped_question_gets_the_answer_of_the_typed_one(built, fake_embedder, monkeypatch):
    pipeline = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    typed = "Which chemotherapy is used most often for stage 4 rectal cancer?"
    right = pipeline.ask(typed)
    # The fake tokenizer makes one piece of any word; make the slips several, as BERT's does.
    monkeypatch.setattr(
        fake_embedder, "is_whole_word", lambda word: word not in {"chmeotherapy", "rectl"}
    )
    slipped = pipeline.ask("Which chmeotherapy is used most often for stage 4 rectl cancer?")
    assert slipped.status is Status.ANSWERED, slipped.reason  # not refused as unknown names
    assert slipped.text == right.text
    assert slipped.question == "Which chmeotherapy is used most often for stage 4 rectl cancer?"
    assert slipped.read_as == "chmeotherapy -> chemotherapy, rectl -> rectal"
    assert right.read_as == ""


def test_a_follow_up_reads_the_earlier_question_mended(built, fake_embedder, monkeypatch):
    pipeline = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    monkeypatch.setattr(fake_embedder, "is_whole_word", lambda word: word != "folfrii")
    pipeline.ask("what are its side effects?", history=["what is FOLFIRI?"])
    pipeline.ask("what are its side effects?", history=["hi! what is FOLFRII?"])
    assert "folfiri" in fake_embedder.encoded[-2].lower()
    assert fake_embedder.encoded[-1] == fake_embedder.encoded[-2]


def test_a_brand_name_is_mended_to_only_one_edit_away():
    from qa.lexical import Lexicon

    lexicon = Lexicon((), (("zorvexil", "zorvimab"), ("prostamil", "prostamab")))
    vocab = Vocabulary.of(["Cancer cells spread."], lexicon)
    assert mend_slips("is zorvexill safe", vocab, whole) == (
        "is zorvexil safe",
        {"zorvexill": "zorvexil"},
    )
    # Two edits from another drug's brand is another drug, not a slip.
    assert mend_slips("is proscamix safe", vocab, whole) == ("is proscamix safe", {})
