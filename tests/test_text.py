"""qa.text: normalisation of raw source text and sentence spans over one paragraph."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.text import normalise, sentence_spans, squash_spaces, word_count, words


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


# ---------------------------------------------------------------- normalise


def test_normalise_applies_nfkc() -> None:
    # Ligature, full-width letters and circled digits fold to their plain forms.
    assert normalise("ﬁve Ｆull ①") == "five Full 1"
    # A decomposed "é" (e + combining acute) is composed.
    assert normalise("cafe\u0301") == "caf\u00e9"


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte-order mark / zero-width no-break space
        "\u00ad",  # soft hyphen
        "\u180e",  # Mongolian vowel separator
        "\ufe0f",  # variation selector
    ],
)
def test_normalise_removes_zero_width_characters(char: str) -> None:
    assert normalise(f"chemo{char}therapy") == "chemotherapy"


@pytest.mark.parametrize(
    "char",
    [
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u202a",  # LRE
        "\u202b",  # RLE
        "\u202c",  # PDF
        "\u202d",  # LRO
        "\u202e",  # RLO ("trojan source")
        "\u2066",  # LRI
        "\u2067",  # RLI
        "\u2068",  # FSI
        "\u2069",  # PDI
    ],
)
def test_normalise_removes_bidi_controls(char: str) -> None:
    assert normalise(f"dose{char} 5 mg") == "dose 5 mg"


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]
)
def test_normalise_removes_control_characters(char: str) -> None:
    assert normalise(f"a{char}b") == "ab"


def test_normalise_keeps_newlines_and_unifies_line_endings_and_tabs() -> None:
    assert normalise("one\r\ntwo\rthree\nfour\tfive") == "one\ntwo\nthree\nfour five"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("⚠️ Important", " Important"),
        ("🎯 Key takeaways", " Key takeaways"),
        ("Good news ✅!", "Good news !"),
        ("Call 🚑 now", "Call  now"),
        ("Love ❤️ you", "Love  you"),
        ("Star ⭐ rating", "Star  rating"),
    ],
)
def test_normalise_removes_emoji(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_keeps_registered_sign_times_and_other_symbols() -> None:
    text = "Avastin® (bevacizumab) 5×5 Gy, ≤ 6 weeks, © 2024, 50% ± 5, 37°C, µg, → next"
    out = normalise(text)
    for symbol in ("®", "×", "≤", "©", "±", "°", "→"):
        assert symbol in out
    assert out.startswith("Avastin® (bevacizumab) 5×5 Gy")


def test_normalise_removes_lone_surrogates() -> None:
    assert normalise("a\ud800b\udfffc") == "abc"
    # And the result can be encoded as UTF-8 (a lone surrogate cannot).
    assert normalise("x\udc80y").encode("utf-8") == b"xy"


def test_normalise_is_idempotent_on_clean_text() -> None:
    text = "Recurrent rectal cancer is cancer that has returned.\n\nFOLFIRI – 5-FU."
    assert normalise(text) == text
    assert normalise(normalise("⚠️\u200b Note\u202e")) == normalise("⚠️\u200b Note\u202e")


@pytest.mark.parametrize("hidden", ["\U000e0041\U000e0042\U000e0043", "\u061c"])
def test_normalise_removes_other_invisible_format_characters(hidden: str) -> None:
    assert normalise(f"take{hidden} 5 mg") == "take 5 mg"


# ---------------------------------------------------------------- sentence_spans


def test_sentence_spans_splits_on_terminal_punctuation() -> None:
    assert sentences("Is it curable? Sometimes it is! Ask your doctor.") == [
        "Is it curable?",
        "Sometimes it is!",
        "Ask your doctor.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Some drugs, e.g. FOLFOX, are combined. Others are not.",
            ["Some drugs, e.g. FOLFOX, are combined.", "Others are not."],
        ),
        (
            "Ask Dr. Smith about it. She will explain.",
            ["Ask Dr. Smith about it.", "She will explain."],
        ),
        (
            "Use one drug, i.e. Capecitabine alone. Then rest.",
            ["Use one drug, i.e. Capecitabine alone.", "Then rest."],
        ),
        (
            "It costs approx. 10 dollars. That is all.",
            ["It costs approx. 10 dollars.", "That is all."],
        ),
        (
            "See Fig. 2 for details. Next.",
            ["See Fig. 2 for details.", "Next."],
        ),
        (
            "The U.S. guideline applies. Next.",
            ["The U.S. guideline applies.", "Next."],
        ),
        (
            "Surgery vs. Radiation is discussed. Both work.",
            ["Surgery vs. Radiation is discussed.", "Both work."],
        ),
        (
            "Smith et al. Reported this. Then more.",
            ["Smith et al. Reported this.", "Then more."],
        ),
    ],
)
def test_sentence_spans_does_not_split_after_abbreviations(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_spans_does_not_split_before_a_lower_case_word() -> None:
    assert sentences("Take 2. mg daily. Then stop.") == ["Take 2. mg daily.", "Then stop."]


def test_sentence_spans_keeps_closing_quotes_and_brackets_with_the_sentence() -> None:
    assert sentences('He said "stop." Then he left. (It worked.) Good.') == [
        'He said "stop."',
        "Then he left.",
        "(It worked.)",
        "Good.",
    ]


def test_sentence_spans_keeps_an_unterminated_last_sentence() -> None:
    assert sentences("First one. And a second without a stop") == [
        "First one.",
        "And a second without a stop",
    ]


def test_sentence_spans_trims_and_indexes_the_original_string() -> None:
    text = "   Leading spaces here.    Two spaces before this one!   \n "
    spans = list(sentence_spans(text))
    assert spans == [(3, 23), (27, 54)]
    assert [text[s:e] for s, e in spans] == ["Leading spaces here.", "Two spaces before this one!"]


def test_sentence_spans_of_blank_text_is_empty() -> None:
    assert list(sentence_spans("")) == []
    assert list(sentence_spans("   \n ")) == []


def test_sentence_spans_on_a_real_paragraph() -> None:
    text = (
        "For stage IV rectal cancer, patients should receive short-course radiotherapy "
        "(5×5 Gy) followed by chemotherapy. Begin 11-18 days later. Dr. Lee agrees, "
        "e.g. in trials. Surgery follows."
    )
    assert sentences(text) == [
        "For stage IV rectal cancer, patients should receive short-course radiotherapy "
        "(5×5 Gy) followed by chemotherapy.",
        "Begin 11-18 days later.",
        "Dr. Lee agrees, e.g. in trials.",
        "Surgery follows.",
    ]


def test_sentence_spans_abbreviation_after_an_opening_bracket() -> None:
    assert sentences("Some drugs (e.g. FOLFOX) are combined. Others are not.") == [
        "Some drugs (e.g. FOLFOX) are combined.",
        "Others are not.",
    ]


_sentence_text = st.lists(
    st.sampled_from(
        [
            "Chemo",
            "works",
            "e.g.",
            "Dr.",
            "well.",
            "Why?",
            "Yes!",
            "5×5",
            "Gy.",
            "(see",
            "below).",
            "liver",
        ]
    ),
    min_size=0,
    max_size=30,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(text=_sentence_text, pad=st.sampled_from(["", " ", "  ", "\n"]))
def test_sentence_spans_are_trimmed_ordered_and_cover_every_non_space(text: str, pad: str) -> None:
    text = pad + text + pad
    spans = list(sentence_spans(text))
    prev_end = 0
    for s, e in spans:
        assert prev_end <= s < e <= len(text)
        piece = text[s:e]
        assert piece == piece.strip()
        prev_end = e
    # Nothing but whitespace lies outside the spans.
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


# ---------------------------------------------------------------- small helpers


def test_squash_spaces_words_and_word_count() -> None:
    assert squash_spaces("  a \u00a0  b   c ") == "a b c"
    assert words("5-FU and FOLFIRI's dose: 50%") == ["5-FU", "and", "FOLFIRI's", "dose", "50"]
    assert word_count("  Two   words ") == 2
    assert word_count("— … !") == 0
