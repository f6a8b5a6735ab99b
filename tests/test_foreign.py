"""Names the sources never mention make the bot abstain, before any similarity score."""

from __future__ import annotations

import pytest

from qa.answering.foreign import Vocabulary, foreign_names
from qa.serving.loading import load_pipeline
from qa.types import Status

VOCAB = Vocabulary.of(
    ["Bevacizumab (Avastin) is a targeted therapy. Chemotherapy uses drugs. Patient preferences."]
)
# Stand-in for the model's tokenizer: everyday words are one piece, rarer ones several.
EVERYDAY = {
    "does",
    "work",
    "cancer",
    "for",
    "my",
    "mom",
    "spot",
    "what",
    "about",
    "the",
    "wine",
    "with",
    "realistic",
    "he",
    "fine",
    "wedding",
    "fraction",
    "wish",
    "hope",
}


def whole(word: str) -> bool:
    return word in EVERYDAY


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("does keytruda work for MSI-high cancer?", ["keytruda", "msi"]),
        ("what about avastin?", []),  # in the documents
        ("what about avastn?", []),  # a typo sharing five letters with a document word
        ("does chemo work?", []),  # a lay term mapped to "chemotherapy"
        ("my mom spot", []),  # everyday words: one word piece each
        ("cant the wine", []),  # a contraction without its apostrophe; an everyday word
        ("theyll", []),
        ("abuot", []),  # five letters are enough for one slip from an everyday word
        ("weddingspots", []),  # two everyday words run together
        ("fractionitis", []),  # a clinical common noun by its ending
        ("BRAF BRAF", ["braf"]),  # reported once
        # everyday words with an ending the tokenizer splits off; "hes" typed for "he's"
        ("realistically hes fine", []),
        ("fractionation", []),  # "fraction" with a common ending
        ("wishful hopeless", []),  # … and with derivational endings
        ("unrealistic unrealistically", []),  # "realistic" with a common beginning (and ending)
        ("regorafenib", ["regorafenib"]),  # a drug's "re" leaves no everyday word
        ("rewine", ["rewine"]),  # nor does a short name's ("Reye"): "wine" is too short
        ("bevacizumb", []),  # one slip from a document word
        ("weddding", []),  # one slip from a word the tokenizer keeps whole
        ("meds", []),  # chat shorthand the lexical step maps to "medications drugs"
        # Chat shorthand as common in English text as "fyi" is no name, however the tokenizer
        # splits it; a drug name patients type is rarer.
        ("worried tbh idk", []),
        ("does aspirin help", ["aspirin"]),
    ],
)
def test_foreign_names(question, expected):
    assert foreign_names(question, VOCAB, whole) == expected


def test_plural_of_an_everyday_word_is_not_a_name():
    assert foreign_names("spots", VOCAB, whole) == []


def test_an_unknown_name_is_noted_and_abstains_only_when_the_passage_misses_the_question(
    built, fake_embedder, monkeypatch
):
    # The rest of the question is well covered (the unknown name, at the highest weight, is not).
    lenient = built.replace(abstain_min_support=-1.0, unknown_name_min_coverage=0.3)
    pipeline = load_pipeline(lenient, fake_embedder)
    assert pipeline.ask("Is FOLFIRI used for stage 4 rectal cancer?").status is Status.ANSWERED
    # The fake tokenizer makes one piece of any word; make "zorblatinib", and every word one
    # typing slip from it, a rare one.
    # Its tail pieces ("blatinib", "nib") too, or it would count as two everyday words.
    monkeypatch.setattr(
        fake_embedder,
        "token_length",
        lambda text: 5 if len(text) >= 10 or text.endswith("nib") else 3,
    )
    question = "Is zorblatinib used with FOLFIRI for stage 4 rectal cancer?"
    # The rest of the question is covered: answered, saying the name is not in the sources.
    answer = pipeline.ask(question)
    assert answer.status is Status.ANSWERED
    assert answer.text.startswith("My sources do not mention 'zorblatinib'.")
    assert "'zorblatinib'" in answer.reason
    assert answer.citations
    # Asking the quoted passages to cover the whole question, name included: abstains.
    strict = load_pipeline(
        built.replace(abstain_min_support=-1.0, unknown_name_min_coverage=1.0), fake_embedder
    )
    answer = strict.ask(question)
    assert answer.status is Status.ABSTAINED
    assert "'zorblatinib'" in answer.reason and "unknown_name_min_coverage" in answer.reason
    assert answer.disclaimer
    assert answer.hits  # staff still see what was retrieved
