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
        ("does keytruda work for MSI-high cancer?", ["keytruda", "msi", "high"]),
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
    ],
)
def test_foreign_names(question, expected):
    assert foreign_names(question, VOCAB, whole) == expected


def test_plural_of_an_everyday_word_is_not_a_name():
    assert foreign_names("spots", VOCAB, whole) == []


def test_pipeline_abstains_and_says_which_name(built, fake_embedder, monkeypatch):
    pipeline = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    assert pipeline.ask("Is FOLFIRI used for stage 4 rectal cancer?").status is Status.ANSWERED
    # The fake tokenizer makes one piece of any word; make "zorblatinib", and every word one
    # typing slip from it, a rare one.
    # Its tail pieces ("blatinib", "nib") too, or it would count as two everyday words.
    monkeypatch.setattr(
        fake_embedder,
        "token_length",
        lambda text: 5 if len(text) >= 10 or text.endswith("nib") else 3,
    )
    answer = pipeline.ask("Is zorblatinib used with FOLFIRI for stage 4 rectal cancer?")
    assert answer.status is Status.ABSTAINED
    assert "'zorblatinib'" in answer.reason
    assert answer.disclaimer
    assert answer.hits  # staff still see what was retrieved
