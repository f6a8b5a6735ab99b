"""qa.ingest.cleaning.clean_blocks: site furniture, reference markers and furniture sections go."""

from __future__ import annotations

import pytest

from qa.ingest.cleaning import clean_blocks
from qa.types import BlockKind, RawBlock
from tests.fakes import B, H, P

CONTENT = "Chemotherapy uses drugs to destroy cancer cells throughout the whole body."


def texts(blocks: list[RawBlock]) -> list[str]:
    return [b.text for b in blocks]


# ---------------------------------------------------------------- furniture blocks


@pytest.mark.parametrize(
    "line",
    [
        # visitor / mask policy banner
        "At this time, masks at all NHO facilities are OPTIONAL. However, we ask that any person "
        "continue to wear a mask. Thank you! For more about our mask and visitor policy, please click HERE.",
        "Site banner: masks at all NHO facilities are OPTIONAL.",
        # promos
        "Read more",
        "Read more about chemotherapy",
        "Learn more",
        "Learn more about clinical trials",
        "Find out more",
        # review-status widgets
        "Article Review Status",
        "Submitted",
        "Under Review",
        "Approved",
        "Last medical review:",
        "Last updated: November 20, 2025View editorial policy",
        "Medical Advisory BoardAll articles are reviewed for accuracy by our Medical Advisory Board",
        "Educational purpose only • Exercise caution as content is pending human review",
        # personalisation prompts
        "Personalize",
        "Personalise",
        "Help us tailor your experience",
        "Which best describes you? Your choice helps us use language that's most understandable for you.",
        # chatbot upsells
        "Have a follow-up question?",
        "Have a follow up question",
        "Our Medical A.I. is used by practicing medical doctors. Ask any follow up question and get answers.",
        # copyright lines
        "Copyright © 2023 CancerConnect. All Rights Reserved.",
        "1-888-939-3333 | | © 2024 Canadian Cancer Society",
        "All rights reserved.",
        # breadcrumbs, share widgets
        "You are here:",
        "Go back",
        "Share this page",
        "Print",
        # bare URLs
        "https://www.mskcc.org/cancer-care/types/rectal/treatment/treatment-metastatic-rectal",
        "http://example.org",
        # digit-only lines (counters, widget digits)
        "1 1 1 1",
        "12",
        "3.5",
        # a numbered bibliography entry
        "1 Alsina J, Choti MA. Liver-directed therapies in colorectal cancer. Seminars in Oncology. 2011;38:651-567.",
        "2 Hendlisz A, Van den Eynde M, Peeters M, et al. Phase III Trial. J Clin Oncol. 2010.",
    ],
)
def test_furniture_lines_are_removed(line: str) -> None:
    for kind in (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.BULLET):
        out = clean_blocks(
            [RawBlock(kind, line, 2 if kind is BlockKind.HEADING else 0), P(CONTENT)]
        )
        assert texts(out) == [CONTENT], (kind, line)


@pytest.mark.parametrize(
    "line",
    [
        "Learning more about your cancer can help you make decisions with your team.",
        "Reading about treatment options can help you prepare questions for your doctor.",
        "Radiation therapy may be given for 5 to 6 weeks.",
        "Stage 4",
        "Treatment of Stage IV Rectal Cancer",
        "Approved treatments include FOLFOX and FOLFIRI.",
        "Surgery is the only potential cure for metastatic colorectal cancer.",
        "FOLFIRI – leucovorin (folinic acid), 5-fluorouracil (Adrucil, 5-FU) and irinotecan (Camptosar)",
        "Avastin® (bevacizumab) blocks a protein (VEGF).",
    ],
)
def test_content_lines_are_kept(line: str) -> None:
    assert texts(clean_blocks([P(line)])) == [line]


def test_spaces_are_squashed_and_empty_blocks_dropped() -> None:
    out = clean_blocks([P("  Chemo   helps \u00a0 many people.  "), P("   "), H(""), B("  item  ")])
    assert out == [P("Chemo helps many people."), B("item")]


def test_kinds_and_levels_are_kept() -> None:
    blocks = [H("Chemotherapy", 3), P(CONTENT), B("FOLFOX"), B("FOLFIRI")]
    assert clean_blocks(blocks) == blocks


def test_catalog_extra_furniture_patterns_are_honoured() -> None:
    blocks = [
        P("Giving relief."),
        P(CONTENT),
        P("It’s My Life! Take the quiz."),
        P("Steve Manske wrote this"),
    ]
    extra = ["^Giving relief\\.$", "^It.s My Life!", "^steve manske\\b"]  # case-insensitive
    assert texts(clean_blocks(blocks, extra)) == [CONTENT]
    # Without the catalog patterns they are not general furniture and stay.
    assert texts(clean_blocks(blocks)) == [
        "Giving relief.",
        CONTENT,
        "It’s My Life! Take the quiz.",
        "Steve Manske wrote this",
    ]


def test_medical_advice_about_masks_is_not_furniture() -> None:
    advice = (
        "During chemotherapy, wear a mask in healthcare facilities because your immunity is low."
    )
    assert texts(clean_blocks([P(advice)])) == [advice]


# ---------------------------------------------------------------- reference markers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Your team can help with care[1][3].", "Your team can help with care."),
        ("FOLFIRI is used most often.[2][3]", "FOLFIRI is used most often."),
        ("Surgery is preferred [4]. It can cure.", "Surgery is preferred. It can cure."),
        ("Ablation works[1-3] for some.", "Ablation works for some."),
        ("Ablation works[1, 2] for some.", "Ablation works for some."),
        ("Ablation works[1–3][7] for some.", "Ablation works for some."),
        ("It spread to the liver.1", "It spread to the liver."),
        (
            "It spread to the liver.12 Then it was treated.",
            "It spread to the liver. Then it was treated.",
        ),
        (
            "They may benefit selected patients (see trials).2",
            "They may benefit selected patients (see trials).",
        ),
    ],
)
def test_reference_markers_are_removed(raw: str, expected: str) -> None:
    assert texts(clean_blocks([P(raw)])) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The dose is 2.5 mg per day.",
        "NCCN Guidelines Version 1.2022 apply.",
        "Patients with stage IV.2 disease",  # upper-case before the dot: not a glued marker
        "A 5×5 Gy course is given over 5 days",
        "Array index [a] is not a number.",
    ],
)
def test_numbers_that_are_not_markers_are_kept(text: str) -> None:
    assert texts(clean_blocks([P(text)])) == [text]


def test_trailing_space_markers_stripped_when_document_uses_that_style() -> None:
    blocks = [
        H("Treatment of stage 4"),
        P("Start chemotherapy early. 1"),
        P("Evaluate response after 6-8 weeks. 1"),
        B("Complete 6 months of chemotherapy. 2"),
        B("Age and comorbidities 1"),
        B("Patient preferences 12"),
        H("Phase 2"),
    ]
    assert texts(clean_blocks(blocks)) == [
        "Treatment of stage 4",  # a heading's trailing number is content
        "Start chemotherapy early.",
        "Evaluate response after 6-8 weeks.",
        "Complete 6 months of chemotherapy.",
        "Age and comorbidities",
        "Patient preferences",
        "Phase 2",
    ]


def test_trailing_space_markers_kept_when_fewer_than_three_blocks_use_that_style() -> None:
    blocks = [
        H("Treatment of stage 4"),
        P("Start chemotherapy early. 1"),
        P("Evaluate response after 6-8 weeks. 1"),
        B("Age and comorbidities 1"),  # no sentence end before the number: does not count
        B("Cycles given: 12"),
    ]
    assert texts(clean_blocks(blocks)) == [
        "Treatment of stage 4",
        "Start chemotherapy early. 1",
        "Evaluate response after 6-8 weeks. 1",
        "Age and comorbidities 1",
        "Cycles given: 12",
    ]


def test_trailing_style_counts_blocks_after_furniture_is_removed() -> None:
    # The three ". N" blocks are all in a References section: the style is not in use.
    blocks = [
        P("Radiation can relieve pain caused by the tumour in the pelvis 5"),
        H("References"),
        P("Smith. 1"),
        P("Jones. 2"),
        P("Brown. 3"),
    ]
    assert texts(clean_blocks(blocks)) == [
        "Radiation can relieve pain caused by the tumour in the pelvis 5"
    ]


def test_trailing_style_does_not_strip_stage_number_from_a_bullet() -> None:
    blocks = [
        P("Start chemotherapy early. 1"),
        P("Evaluate response after 6-8 weeks. 1"),
        P("Complete 6 months of chemotherapy. 1"),
        B("Most patients are diagnosed at Stage 4"),
        B("Phase 2"),
        B("Age and comorbidities 1"),
    ]
    assert texts(clean_blocks(blocks))[-3:] == [
        "Most patients are diagnosed at Stage 4",
        "Phase 2",
        "Age and comorbidities",
    ]


# ---------------------------------------------------------------- furniture sentences


def test_furniture_sentences_are_dropped_inside_paragraphs() -> None:
    blocks = [
        P("Chemo helps. Find out more about chemotherapy. It is given by vein."),
        P("Side effects are managed. For more information, go to Managing Side Effects."),
        P("Trials look at new treatments. Learn more about clinical trials."),
        P("Ask your team. Read more about our team. They will help."),
        P("For more information about rare cancers, visit the rare cancer page. Ask questions."),
    ]
    assert texts(clean_blocks(blocks)) == [
        "Chemo helps. It is given by vein.",
        "Side effects are managed.",
        "Trials look at new treatments.",
        "Ask your team. They will help.",
        "Ask questions.",
    ]


def test_a_paragraph_of_only_furniture_sentences_disappears() -> None:
    out = clean_blocks([P(CONTENT), P("Thank you. Find out more about surgery for anal cancer.")])
    assert texts(out) == [CONTENT, "Thank you."]
    out = clean_blocks([P(CONTENT), B("Lots of info here; find out more about surgery.")])
    assert texts(out) == [CONTENT, "Lots of info here; find out more about surgery."]


def test_block_and_sentence_furniture_both_leave_the_prose_of_a_paragraph() -> None:
    # "click here" is a block pattern, "For more information, go to" a sentence pattern: in a
    # paragraph of prose each takes only its own sentence.
    text = (
        "Genetic testing is available for this condition. Results take a few weeks. "
        "To view the laboratories, click here. For more information, go to the genetics page."
    )
    assert texts(clean_blocks([P(text)])) == [
        "Genetic testing is available for this condition. Results take a few weeks."
    ]


def test_sentences_that_only_look_similar_are_kept() -> None:
    text = (
        "For more people than ever, surgery is possible. "
        "Patients who learn more about their options feel better prepared."
    )
    assert texts(clean_blocks([P(text)])) == [text]


# ---------------------------------------------------------------- furniture sections

PROSE = "For a small number of patients, cure is possible if the cancer has spread to one organ."


@pytest.mark.parametrize(
    "heading",
    [
        "References",
        "Sources",
        "Bibliography",
        "Medical disclaimer",
        "Professional Medical Disclaimer",
        "Disclaimer",
        "Expert review",
        "Expert review and references",
        "Ongoing Clinical Trials on Metastases to rectum",
        "Ongoing clinical trials",
        "Related articles",
        "Related links",
    ],
)
def test_furniture_sections_are_dropped_until_real_prose_follows_headings(heading: str) -> None:
    blocks = [
        H("Side effects"),
        P(CONTENT),
        H(heading),
        B("Shahid Ahmed , MD, FRCPC, PhD, FACP"),
        P("Ahmed S, Eng C. Squamous cell carcinoma of the anal canal. Textbook. Springer; 2019."),
        P(
            "The information that the Canadian Cancer Society provides does not replace your doctor."
        ),
        P("Not yet recruiting"),
        H("FAQ"),
        H("Can it be cured?", 3),
        P(PROSE),
        H("Next section"),
        P("Short one."),
    ]
    assert texts(clean_blocks(blocks)) == [
        "Side effects",
        CONTENT,
        "FAQ",
        "Can it be cured?",
        PROSE,
        "Next section",
        "Short one.",
    ]


def test_furniture_section_runs_to_the_end_without_prose() -> None:
    blocks = [
        H("Treatment"),
        P(CONTENT),
        H("Medical disclaimer"),
        P(
            "The information that the Canadian Cancer Society provides does not replace your relationship with your doctor."
        ),
        H("Have a look"),
        P("Short and sweet."),  # under 10 words: not real prose
        H("Guideline"),
        B("A bullet is not prose even if it has many words in it, really."),
        H("Research"),
        P("Current options for the management of rectal cancer"),  # no sentence end
    ]
    assert texts(clean_blocks(blocks)) == ["Treatment", CONTENT]


def test_a_heading_run_containing_another_furniture_heading_keeps_dropping() -> None:
    blocks = [
        H("References"),
        P("https://example.org/a"),
        H("Notes"),
        H("Medical disclaimer"),
        P("The information here does not replace your relationship with your doctor at all."),
        H("Living with cancer"),
        P("Many people live for years with metastatic rectal cancer and good quality of life."),
    ]
    assert texts(clean_blocks(blocks)) == [
        "Living with cancer",
        "Many people live for years with metastatic rectal cancer and good quality of life.",
    ]


def test_a_section_heading_only_matches_whole_heading() -> None:
    blocks = [
        H("References to stage in this guide"),
        P(CONTENT),
        H("Disclaimer for patients with questions"),
        P("Ask your doctor."),
    ]
    assert texts(clean_blocks(blocks)) == [b.text for b in blocks]
