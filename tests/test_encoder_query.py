"""The encoder reads the question without the asker's relatives, short names spelled out."""

from __future__ import annotations

import pytest

from qa.answering.encoder_query import drop_relatives, encoder_query, with_lay_meanings
from tests.conftest import BUNDLED_LEXICON


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("my dad's rectal cancer spread to his liver", "my rectal cancer spread to his liver"),
        ("my husbands stomach keeps swelling", "my stomach keeps swelling"),
        ("My Mother’s anal cancer came back", "My anal cancer came back"),
        ("can her son ask?", "can her ask?"),
        ("my daughter-in-law asked", "my daughter-in-law asked"),  # not the relative alone
        ("my friendly nurse", "my friendly nurse"),  # a longer word, not "friend"
        ("what is a colostomy?", "what is a colostomy?"),
        ("if dad ends up with a bag", "if ends up with a bag"),
        ("Mum's scan", "scan"),
        ("dads liver tumors are too big", "liver tumors are too big"),  # no apostrophe typed
    ],
)
def test_drop_relatives(question, expected):
    assert drop_relatives(question) == expected


def test_encoder_query_drops_relatives_and_spells_out(fake_embedder, monkeypatch):
    defined = {"hipec": "hyperthermic intraperitoneal chemoperfusion"}
    # The fake tokenizer keeps every word whole; make "hipec" one the model never learnt.
    monkeypatch.setattr(fake_embedder, "token_length", lambda text: 5 if "hipec" in text else 3)
    assert (
        encoder_query("can my dad have hipec?", defined, fake_embedder, BUNDLED_LEXICON)
        == "can my have hipec (hyperthermic intraperitoneal chemoperfusion)?"
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("is the bag forever?", "is the bag (colostomy stoma) forever?"),
        ("mets in the belly", "mets (metastases) in the belly (abdomen abdominal)"),
        ("is radiation safe?", "is radiation safe?"),  # already the documents' word
        ("does avastin work?", "does avastin work?"),  # spelled out by qa.acronyms instead
        ("chemo or chemotherapy?", "chemo or chemotherapy?"),  # the question says it already
    ],
)
def test_lay_meanings_in_brackets(question, expected):
    assert with_lay_meanings(question, BUNDLED_LEXICON) == expected
