"""qa.ingest.cleaning: a general furniture pattern never takes a block of prose with it, and
`removed_share` measures what cleaning took."""

from __future__ import annotations

import pytest

from qa.ingest.cleaning import clean_blocks, removed_share
from qa.types import RawBlock
from tests.fakes import B, H, P

CONTENT = "Chemotherapy uses drugs to destroy cancer cells throughout the whole body."


def texts(blocks: list[RawBlock]) -> list[str]:
    return [b.text for b in blocks]


# ---------------------------------------------------------------- prose keeps its content

# The review's case: a paragraph about a syndrome with one "Click here" sentence in it. The
# whole-block pattern "click here" used to drop all of it (and the document with it).
SYNDROME = (
    "Coloboma is a gap in one of the structures of the eye, such as the iris or the retina. "
    "It is present at birth and may affect one or both eyes. "
    "Click here to view a diagram of the eye. "
    "Many people with coloboma have normal vision, while others have reduced vision."
)


def test_prose_paragraph_with_a_click_here_sentence_keeps_its_prose() -> None:
    out = clean_blocks([P(SYNDROME)])
    assert texts(out) == [
        "Coloboma is a gap in one of the structures of the eye, such as the iris or the retina. "
        "It is present at birth and may affect one or both eyes. "
        "Many people with coloboma have normal vision, while others have reduced vision."
    ]


def test_a_document_of_one_such_paragraph_is_not_emptied() -> None:
    out = clean_blocks([H("Coloboma"), P(SYNDROME)])
    assert [b.kind for b in out] == [H("x").kind, P("x").kind]
    assert "Click here" not in " ".join(texts(out))


@pytest.mark.parametrize(
    ("prose", "kept"),
    [
        # a copyright remark inside content: only its sentence goes
        (
            "Genetic testing is available for this condition. This information is not "
            "copyrighted. Talk to a genetics professional about what the results mean.",
            "Genetic testing is available for this condition. "
            "Talk to a genetics professional about what the results mean.",
        ),
        # two furniture sentences in one paragraph, anywhere in it
        (
            "Click here for the laboratories. Testing looks for changes in one gene. "
            "Results take a few weeks. To view the list of clinics, click here.",
            "Testing looks for changes in one gene. Results take a few weeks.",
        ),
        # a paragraph that opens with a promo sentence ("^read more" is anchored at its start)
        (
            "Read more about diet at the clinic's web site. Eating less salt lowers blood "
            "pressure. Most adults should eat less than 6 g of salt a day.",
            "Eating less salt lowers blood pressure. Most adults should eat less than 6 g of "
            "salt a day.",
        ),
        # a question and its short answer are two sentences of content
        (
            "How is this condition inherited? It is inherited in an X-linked fashion. "
            "Click here to visit a web site to learn more about X-linked inheritance.",
            "How is this condition inherited? It is inherited in an X-linked fashion.",
        ),
    ],
)
def test_only_the_furniture_sentences_of_prose_go(prose: str, kept: str) -> None:
    assert texts(clean_blocks([P(prose), P(CONTENT)])) == [kept, CONTENT]


def test_prose_that_a_pattern_matches_only_across_sentences_stays_whole() -> None:
    # The mask-banner pattern ("masks … visitor policy") spans two sentences of advice.
    prose = (
        "Wear masks in crowded places while your blood counts are low. "
        "Ask the ward about its visitor policy before friends come to see you."
    )
    assert texts(clean_blocks([P(prose)])) == [prose]


def test_bullets_and_headings_follow_the_same_rule() -> None:
    out = clean_blocks([H("Click here to see the diagram"), B(SYNDROME)])
    assert len(out) == 1 and out[0].text.startswith("Coloboma is a gap")


def test_kept_prose_still_loses_its_reference_markers() -> None:
    prose = (
        "Treatment depends on the cause.[1] Surgery may help some people.[2] "
        "Click here to view a diagram."
    )
    assert texts(clean_blocks([P(prose)])) == [
        "Treatment depends on the cause. Surgery may help some people."
    ]


# ---------------------------------------------------------------- furniture still goes whole


@pytest.mark.parametrize(
    "banner",
    [
        # one full sentence of site talk beside the furniture is the furniture's own wording
        "Which best describes you? Your choice helps us use language that's most understandable.",
        "Our Medical A.I. is used by doctors. Ask any follow up question and get answers.",
        "At this time, masks at all facilities are OPTIONAL. However, we ask that anyone with a "
        "cold continue to wear a mask. Thank you! For more about our visitor policy, click HERE.",
        # not prose at all: no sentence end
        "Click here to view a diagram of the eye",
        "Copyright 2024 Example Health",
        # "Yes." and "Thank you!" are too short to count as sentences of content
        "Yes. Click here to view the list. Thank you!",
    ],
)
def test_furniture_blocks_without_prose_still_go_whole(banner: str) -> None:
    assert texts(clean_blocks([P(banner), P(CONTENT)])) == [CONTENT]


def test_one_sentence_left_beside_a_furniture_sentence_goes_with_it() -> None:
    # The rule's boundary, kept on purpose: a single sentence cannot be told from a banner's
    # own wording, so it needs a second sentence of content to stay.
    assert texts(clean_blocks([P("The eye has a lens. Click here to view a diagram.")])) == []


def test_catalog_patterns_still_take_a_whole_prose_block() -> None:
    # A curator wrote the pattern for this document's block (a scraped glossary pop-up).
    popup = (
        "Cells or tissue may be removed for examination under a microscope. Doctors may also "
        "use laparoscopy to perform different surgical procedures in the abdomen."
    )
    extra = [r"^Cells or tissue may be removed for examination under a microscope\. Doctors"]
    assert texts(clean_blocks([P(popup), P(CONTENT)], extra)) == [CONTENT]
    assert texts(clean_blocks([P(popup), P(CONTENT)])) == [popup, CONTENT]


def test_a_bibliography_entry_goes_whole_though_it_has_sentences() -> None:
    entry = (
        "3 Zimmerman MB. Iodine deficiency in pregnancy and its effects on the offspring. "
        "American Journal of Clinical Nutrition. 2009;89(2):668S-672S."
    )
    assert texts(clean_blocks([P(entry), P(CONTENT)])) == [CONTENT]


# ---------------------------------------------------------------- removed_share


def test_removed_share_is_zero_when_nothing_goes() -> None:
    raw = [H("Chemotherapy"), P(CONTENT)]
    assert removed_share(raw, clean_blocks(raw)) == 0.0


def test_removed_share_counts_visible_characters_only() -> None:
    raw = [P("  Chemo   helps \u00a0 many people.  ")]
    assert removed_share(raw, clean_blocks(raw)) == 0.0  # squashing spaces removes nothing
    assert removed_share([P("ab cd")], [P("ab")]) == 0.5
    assert removed_share([P("abcd"), P("Read more")], [P("abcd")]) == pytest.approx(8 / 12)


def test_removed_share_of_everything_and_of_nothing() -> None:
    assert removed_share([P("Read more")], []) == 1.0
    assert removed_share([], []) == 0.0
    assert removed_share([P("   ")], []) == 0.0


def test_removed_share_of_the_syndrome_paragraph_is_its_furniture_sentence() -> None:
    raw = [P(SYNDROME)]
    furniture = "Clickheretoviewadiagramoftheeye."
    expected = len(furniture) / len(SYNDROME.replace(" ", ""))
    assert removed_share(raw, clean_blocks(raw)) == pytest.approx(expected)
