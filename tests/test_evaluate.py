"""qa.evaluation.evaluate: suite validation, scoring hand-built answers, metrics and bounds."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import SuiteError
from qa.evaluation.evaluate import (
    CaseResult,
    Report,
    citations_verbatim,
    fragments,
    metrics,
    run_suite,
    score_case,
    unmet_bounds,
)
from qa.evaluation.metrics import CaseRecord
from qa.evaluation.suites import Case, load_suite
from qa.index_data import IndexData
from qa.ingest.store import load_index
from qa.types import Answer, AnswerSentence, Citation, Status

DISCLAIMER = "This is general information, not medical advice."
FOLFIRI = "FOLFIRI is used most often for stage 4 rectal cancer."
SIDE_EFFECTS = "Side effects can include fatigue, nausea and hair loss."
SURGERY = "Surgery is the preferred treatment when all liver metastases can be removed."
RADIATION = "Palliative radiation can relieve pain and bleeding."


# ---------------------------------------------------------------- load_suite


def write_suite(tmp_path: Path, body: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


VALID = """
suite: tiny
questions:
  - id: folfiri
    question: "Which chemotherapy is used most often?"
    tags: [chemo]
    expect:
      sources: [chemo-guide]
      all_of: [["FOLFIRI"], "stage 4"]
  - id: off-topic
    question: "What is the capital of France?"
    expect:
      abstain: true
  - id: bleeding
    question: "I am bleeding heavily"
    expect:
      escalate: emergency
"""


def test_valid_suite_parses(tmp_path: Path) -> None:
    path = write_suite(tmp_path, VALID)
    suite = load_suite(path, known_sources=["chemo-guide", "radiation"])
    assert suite.name == "tiny"
    assert suite.path == path
    assert [c.id for c in suite.cases] == ["folfiri", "off-topic", "bleeding"]
    folfiri, off_topic, bleeding = suite.cases
    assert folfiri == Case(
        id="folfiri",
        question="Which chemotherapy is used most often?",
        tags=("chemo",),
        sources=("chemo-guide",),
        all_of=(("FOLFIRI",), ("stage 4",)),
    )
    assert folfiri.answerable
    assert off_topic.abstain and not off_topic.answerable and off_topic.sources == ()
    assert bleeding.escalate == "emergency" and not bleeding.answerable


def test_suite_name_defaults_to_file_stem(tmp_path: Path) -> None:
    path = write_suite(
        tmp_path,
        """
        questions:
          - id: a
            question: "q?"
            expect: {abstain: true}
        """,
        name="holdout.yaml",
    )
    assert load_suite(path).name == "holdout"


def test_real_golden_suites_parse_against_the_real_corpus() -> None:
    repo = Path(__file__).resolve().parent.parent
    known = [p.stem for p in (repo / "sources").glob("*.txt")]
    for name in ("golden.yaml", "holdout.yaml"):
        suite = load_suite(repo / "evals" / name, known_sources=known)
        assert len(suite.cases) >= 5
        assert len({c.id for c in suite.cases}) == len(suite.cases)


CASE_ERRORS = [
    (
        "unknown case key",
        """
        questions:
          - id: c1
            question: "q?"
            answer: "x"
            expect: {abstain: true}
        """,
        ["c1", "unknown key(s) answer"],
    ),
    (
        "unknown expect key",
        """
        questions:
          - id: c2
            question: "q?"
            expect: {abstain: true, must_cite: [x]}
        """,
        ["c2", "unknown key(s) must_cite"],
    ),
    (
        "duplicate id",
        """
        questions:
          - id: dup
            question: "q?"
            expect: {abstain: true}
          - id: dup
            question: "other?"
            expect: {abstain: true}
        """,
        ["dup", "duplicate id"],
    ),
    (
        "empty all_of group",
        """
        questions:
          - id: c3
            question: "q?"
            expect:
              all_of: [["FOLFIRI"], []]
        """,
        ["c3", "all_of group must be a non-empty list"],
    ),
    (
        "blank phrase in all_of group",
        """
        questions:
          - id: c3b
            question: "q?"
            expect:
              all_of: [["FOLFIRI", "  "]]
        """,
        ["c3b", "all_of group must be a non-empty list"],
    ),
    (
        "unknown source id",
        """
        questions:
          - id: c4
            question: "q?"
            expect:
              sources: [chemo-guide, no-such-doc]
        """,
        ["c4", "unknown source id(s) no-such-doc", "known: chemo-guide, radiation"],
    ),
    (
        "no expectation",
        """
        questions:
          - id: c5
            question: "q?"
            expect: {abstain: false}
        """,
        ["c5", "has no expectation"],
    ),
    (
        "only empty lists as expectation",
        """
        questions:
          - id: c5c
            question: "q?"
            expect: {sources: [], all_of: []}
        """,
        ["c5c", "has no expectation"],
    ),
    (
        "question not a string",
        """
        questions:
          - id: c5d
            question: [a, b]
            expect: {abstain: true}
        """,
        ["c5d", "non-empty 'question'"],
    ),
    (
        "empty expect",
        """
        questions:
          - id: c5b
            question: "q?"
            expect: {}
        """,
        ["c5b", "needs an 'expect' mapping"],
    ),
    (
        "abstain with sources",
        """
        questions:
          - id: c6
            question: "q?"
            expect:
              abstain: true
              sources: [chemo-guide]
        """,
        ["c6", "abstain: true cannot be combined"],
    ),
    (
        "abstain with all_of",
        """
        questions:
          - id: c7
            question: "q?"
            expect:
              abstain: true
              all_of: [["x"]]
        """,
        ["c7", "abstain: true cannot be combined"],
    ),
    (
        "bad escalation",
        """
        questions:
          - id: c8
            question: "q?"
            expect: {escalate: soon}
        """,
        ["c8", "escalate must be 'emergency', 'urgent', 'crisis' or 'none'"],
    ),
    (
        "abstain not a bool",
        """
        questions:
          - id: c9
            question: "q?"
            expect: {abstain: "yes"}
        """,
        ["c9", "abstain must be true or false"],
    ),
    (
        "sources not a list",
        """
        questions:
          - id: c10
            question: "q?"
            expect: {sources: chemo-guide}
        """,
        ["c10", "sources must be a list"],
    ),
    (
        "empty question",
        """
        questions:
          - id: c11
            question: "  "
            expect: {abstain: true}
        """,
        ["c11", "non-empty 'question'"],
    ),
    (
        "tags not a list",
        """
        questions:
          - id: c12
            question: "q?"
            tags: chemo
            expect: {abstain: true}
        """,
        ["c12", "tags must be a list"],
    ),
]


@pytest.mark.parametrize(
    ("body", "fragments"), [(b, f) for _, b, f in CASE_ERRORS], ids=[n for n, _, _ in CASE_ERRORS]
)
def test_suite_errors_name_the_file_and_the_case(
    tmp_path: Path, body: str, fragments: list[str]
) -> None:
    path = write_suite(tmp_path, body)
    with pytest.raises(SuiteError) as info:
        load_suite(path, known_sources=["chemo-guide", "radiation"])
    message = str(info.value)
    assert str(path) in message
    assert f"case '{fragments[0]}'" in message
    for fragment in fragments[1:]:
        assert fragment in message


def test_unknown_source_ids_are_only_checked_when_known_sources_given(tmp_path: Path) -> None:
    path = write_suite(
        tmp_path,
        """
        questions:
          - id: c
            question: "q?"
            expect: {sources: [anything]}
        """,
    )
    assert load_suite(path).cases[0].sources == ("anything",)
    with pytest.raises(SuiteError, match="unknown source id"):
        load_suite(path, known_sources=[])


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("suite: x\nquestions: []\nextra: 1\n", "the top level: unknown key(s) extra"),
        ("suite: x\nquestions: []\n", "'questions' must be a non-empty list"),
        ("- just a list\n", "expected a mapping"),
        ("suite: [unclosed\n", "not valid YAML"),
        ("questions:\n  - just a string\n", "question #1: expected a mapping"),
        (
            "questions:\n  - question: q?\n    expect: {abstain: true}\n",
            "question #1: needs a non-empty string 'id'",
        ),
    ],
)
def test_suite_file_level_errors_name_the_file(tmp_path: Path, body: str, fragment: str) -> None:
    path = write_suite(tmp_path, body)
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_missing_suite_file_is_a_suite_error(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="cannot be read"):
        load_suite(tmp_path / "missing.yaml")


def test_escalate_given_as_a_list_is_a_suite_error(tmp_path: Path) -> None:
    path = write_suite(
        tmp_path,
        """
        questions:
          - id: esc
            question: "q?"
            expect: {escalate: [emergency]}
        """,
    )
    with pytest.raises(SuiteError, match="esc"):
        load_suite(path)


# ---------------------------------------------------------------- scoring


@pytest.fixture
def index(built: Settings) -> IndexData:
    return load_index(built.ingest.index_dir)


def citation(index: IndexData, n: int, doc_id: str, sentence: str, shift: int = 0) -> Citation:
    doc = index.documents[doc_id]
    start = doc.text.index(sentence) + shift
    return Citation(
        n=n,
        source_id=doc_id,
        title=doc.meta.title,
        publisher=doc.meta.publisher,
        audience=doc.meta.audience.value,
        section="",
        quote=sentence,
        start=start,
        end=start + len(sentence),
    )


def answered(
    index: IndexData,
    *quotes: tuple[str, str],
    disclaimer: str = DISCLAIMER,
    shift: int = 0,
) -> Answer:
    citations = tuple(citation(index, i, d, s, shift) for i, (d, s) in enumerate(quotes, 1))
    sentences = tuple(
        AnswerSentence(s, c.n, 1.0, 0.8, 0.5, start=c.start, end=c.end, passage=c.n - 1)
        for c, (_, s) in zip(citations, quotes, strict=True)
    )
    return Answer(
        question="q?",
        status=Status.ANSWERED,
        text=" ".join(f"{s} [{i}]" for i, (_, s) in enumerate(quotes, 1)),
        disclaimer=disclaimer,
        sentences=sentences,
        citations=citations,
    )


def not_answered(
    status: Status, escalation: str | None = None, disclaimer: str = DISCLAIMER
) -> Answer:
    return Answer(
        question="q?",
        status=status,
        text="I could not find this in the sources.",
        disclaimer=disclaimer,
        escalation=escalation,
        reason="support below threshold",
    )


CHEMO = Case(
    id="chemo",
    question="q?",
    sources=("chemo-guide",),
    all_of=(("FOLFIRI",), ("stage 4", "stage IV")),
)
ABSTAIN = Case(id="off", question="q?", abstain=True)
ESCALATE = Case(id="bleed", question="q?", escalate="emergency")


def test_the_tiny_index_holds_the_quoted_sentences(index: IndexData) -> None:
    assert FOLFIRI in index.documents["chemo-guide"].text
    assert SURGERY in index.documents["surgery-notes"].text
    assert RADIATION in index.documents["radiation"].text


def test_correct_answer_passes(index: IndexData) -> None:
    answer = answered(index, ("chemo-guide", FOLFIRI), ("chemo-guide", SIDE_EFFECTS))
    result = score_case(CHEMO, answer, index)
    assert result.reasons == ()
    assert result.passed and result.citations_ok
    assert citations_verbatim(answer, index)
    assert result.to_json() == {
        "id": "chemo",
        "status": "answered",
        "passed": True,
        "answer": answer.text,
        "reasons": [],
    }


def test_phrases_match_case_insensitively(index: IndexData) -> None:
    case = Case(id="c", question="q?", all_of=(("folfiri",), ("STAGE 4",)))
    assert score_case(case, answered(index, ("chemo-guide", FOLFIRI)), index).passed


def test_missing_phrase_group_fails_naming_the_phrases(index: IndexData) -> None:
    case = Case(
        id="c", question="q?", sources=("chemo-guide",), all_of=(("FOLFIRI",), ("FOLFOX", "CAPOX"))
    )
    result = score_case(case, answered(index, ("chemo-guide", FOLFIRI)), index)
    assert not result.passed
    assert result.reasons == ("missing one of: FOLFOX | CAPOX",)
    assert result.citations_ok  # the quote itself is faithful


def test_wrong_source_fails(index: IndexData) -> None:
    case = Case(id="c", question="q?", sources=("radiation", "surgery-notes"))
    result = score_case(case, answered(index, ("chemo-guide", FOLFIRI)), index)
    assert not result.passed
    assert result.reasons == ("cited chemo-guide, expected one of radiation, surgery-notes",)


def test_one_matching_source_among_several_cited_is_enough(index: IndexData) -> None:
    case = Case(id="c", question="q?", sources=("radiation",))
    answer = answered(index, ("chemo-guide", FOLFIRI), ("radiation", RADIATION))
    assert score_case(case, answer, index).passed


def test_shifted_citation_offsets_fail_citation_integrity(index: IndexData) -> None:
    answer = answered(index, ("chemo-guide", FOLFIRI), shift=1)
    result = score_case(CHEMO, answer, index)
    assert not result.passed and not result.citations_ok
    assert result.reasons == ("a quoted sentence does not match its source at the cited offsets",)
    assert not citations_verbatim(answer, index)


def test_quote_differing_from_sentence_fails_citation_integrity(index: IndexData) -> None:
    good = answered(index, ("chemo-guide", FOLFIRI))
    altered = Answer(
        question=good.question,
        status=good.status,
        text=good.text,
        disclaimer=good.disclaimer,
        sentences=(
            AnswerSentence(
                "FOLFOX is used most often for stage 4 rectal cancer.", 1, 1.0, 0.8, 0.5
            ),
        ),
        citations=good.citations,
    )
    assert not citations_verbatim(altered, index)
    assert not score_case(CHEMO, altered, index).citations_ok


def test_citation_to_the_wrong_document_or_number_fails_integrity(index: IndexData) -> None:
    good = answered(index, ("chemo-guide", FOLFIRI))
    (c,) = good.citations
    wrong_doc = Citation(
        c.n, "radiation", c.title, c.publisher, c.audience, c.section, c.quote, c.start, c.end
    )
    unknown_doc = Citation(
        c.n, "ghost", c.title, c.publisher, c.audience, c.section, c.quote, c.start, c.end
    )
    for cits in ((wrong_doc,), (unknown_doc,)):
        answer = Answer(
            good.question, good.status, good.text, good.disclaimer, good.sentences, cits
        )
        assert not citations_verbatim(answer, index)
    dangling = Answer(
        good.question,
        good.status,
        good.text,
        good.disclaimer,
        (AnswerSentence(FOLFIRI, 2, 1.0, 0.8, 0.5),),  # there is no citation [2]
        good.citations,
    )
    assert not citations_verbatim(dangling, index)


def test_answered_with_no_sentences_fails_integrity(index: IndexData) -> None:
    answer = Answer(question="q?", status=Status.ANSWERED, text="Something.", disclaimer=DISCLAIMER)
    result = score_case(Case(id="c", question="q?", all_of=(("something",),)), answer, index)
    assert not result.citations_ok and not result.passed


def test_missing_disclaimer_fails(index: IndexData) -> None:
    result = score_case(CHEMO, answered(index, ("chemo-guide", FOLFIRI), disclaimer=""), index)
    assert result.reasons == ("no disclaimer",)
    assert not result.passed


def test_abstention_cases(index: IndexData) -> None:
    ok = score_case(ABSTAIN, not_answered(Status.ABSTAINED), index)
    assert ok.passed and ok.citations_ok and ok.reasons == ()

    wrong = score_case(ABSTAIN, answered(index, ("chemo-guide", FOLFIRI)), index)
    assert not wrong.passed
    assert wrong.reasons == ("expected an abstention, got answered",)
    assert wrong.citations_ok

    false_abstain = score_case(CHEMO, not_answered(Status.ABSTAINED), index)
    assert not false_abstain.passed
    assert false_abstain.reasons == ("expected an answer, got abstained (support below threshold)",)


def test_escalation_cases(index: IndexData) -> None:
    assert score_case(ESCALATE, not_answered(Status.ESCALATED, "emergency"), index).passed
    wrong_kind = score_case(ESCALATE, not_answered(Status.ESCALATED, "crisis"), index)
    assert wrong_kind.reasons == ("expected escalation 'emergency', got crisis",)
    too_mild = score_case(ESCALATE, not_answered(Status.ESCALATED, "urgent"), index)
    assert too_mild.reasons == ("expected escalation 'emergency', got urgent",)
    not_escalated = score_case(ESCALATE, not_answered(Status.ABSTAINED), index)
    assert not_escalated.reasons == ("expected escalation 'emergency', got abstained",)


def test_an_urgent_message_sent_to_the_emergency_number_is_caught(index: IndexData) -> None:
    urgent = Case(id="u", question="q?", escalate="urgent")
    assert score_case(urgent, not_answered(Status.ESCALATED, "emergency"), index).passed
    assert score_case(urgent, not_answered(Status.ESCALATED, "urgent"), index).passed
    assert not score_case(urgent, not_answered(Status.ESCALATED, "crisis"), index).passed


def test_a_near_miss_passes_unless_escalated(index: IndexData) -> None:
    near = Case(id="n", question="q?", escalate="none")
    assert score_case(near, not_answered(Status.ABSTAINED), index).passed
    stopped = score_case(near, not_answered(Status.ESCALATED, "urgent"), index)
    assert stopped.reasons == ("expected no escalation, got 'urgent'",)


# ---------------------------------------------------------------- metrics


def test_metrics_values(index: IndexData) -> None:
    results = [
        # answerable, answered correctly: 10 words
        score_case(CHEMO, answered(index, ("chemo-guide", FOLFIRI)), index),
        # answerable, answered but missing a phrase: 9 words
        score_case(
            Case(id="s", question="q?", all_of=(("vomiting",),)),
            answered(index, ("chemo-guide", SIDE_EFFECTS)),
            index,
        ),
        # answerable, abstained (and no disclaimer)
        score_case(CHEMO, not_answered(Status.ABSTAINED, disclaimer=""), index),
        # abstain case, abstained
        score_case(ABSTAIN, not_answered(Status.ABSTAINED), index),
        # abstain case, answered with shifted offsets: 12 words, citation integrity broken
        score_case(ABSTAIN, answered(index, ("surgery-notes", SURGERY), shift=2), index),
    ]
    assert [r.passed for r in results] == [True, False, False, True, False]
    m = metrics(results)
    assert m == {
        "answer_accuracy": 0.3333,
        "abstain_accuracy": 0.5,
        "false_abstain_rate": 0.3333,
        "escalation_recall": None,
        "emergency_recall": None,
        "urgent_recall": None,
        "crisis_recall": None,
        "near_miss_stopped_rate": None,
        "near_miss_caution_rate": None,
        "answerable_escalated_rate": 0.0,
        "citation_integrity": 0.6667,
        "disclaimer_rate": 0.8,
        "answer_words_p50": 10.0,
        "fragment_rate": 0.0,
        "one_passage_rate": 1.0,
        # Graded: the 10- and 12-word answers; the 9-word one is too short (MIN_WORDS).
        "reading_grade_mean": 4.75,
        "reading_grade_p50": 4.75,
    }


def test_metrics_with_escalations_and_nothing_answered(index: IndexData) -> None:
    results = [
        score_case(ESCALATE, not_answered(Status.ESCALATED, "emergency"), index),
        score_case(ESCALATE, not_answered(Status.ESCALATED, "crisis"), index),
    ]
    m = metrics(results)
    assert m["escalation_recall"] == 0.5
    assert m["answer_accuracy"] is None
    assert m["abstain_accuracy"] is None
    assert m["false_abstain_rate"] is None
    assert m["citation_integrity"] is None
    assert m["answer_words_p50"] is None
    assert m["disclaimer_rate"] == 1.0


def test_triage_metrics_per_level_and_on_near_misses(index: IndexData) -> None:
    urgent = Case(id="u", question="q?", escalate="urgent")
    crisis = Case(id="c", question="q?", escalate="crisis")
    near = Case(id="n", question="q?", escalate="none")
    cautioned = dataclasses.replace(not_answered(Status.ABSTAINED), caution="leg-clot")
    results = [
        score_case(ESCALATE, not_answered(Status.ESCALATED, "emergency"), index),
        score_case(urgent, not_answered(Status.ESCALATED, "emergency"), index),
        score_case(urgent, cautioned, index),
        score_case(crisis, not_answered(Status.ESCALATED, "crisis"), index),
        score_case(near, not_answered(Status.ESCALATED, "emergency"), index),
        score_case(near, cautioned, index),
        score_case(near, not_answered(Status.ABSTAINED), index),
        score_case(near, not_answered(Status.ABSTAINED), index),
    ]
    m = metrics(results)
    assert m["emergency_recall"] == 1.0
    assert m["urgent_recall"] == 0.5
    assert m["crisis_recall"] == 1.0
    assert m["escalation_recall"] == 0.75
    assert m["near_miss_stopped_rate"] == 0.25
    assert m["near_miss_caution_rate"] == 0.25


def test_metrics_of_no_results_are_all_unmeasured() -> None:
    assert all(v is None for v in metrics([]).values())


def test_run_suite_scores_every_case(index: IndexData, tmp_path: Path) -> None:
    suite = load_suite(write_suite(tmp_path, VALID))
    replies = {
        "Which chemotherapy is used most often?": answered(index, ("chemo-guide", FOLFIRI)),
        "What is the capital of France?": not_answered(Status.ABSTAINED),
        "I am bleeding heavily": not_answered(Status.ESCALATED, "emergency"),
    }
    seen: list[CaseResult] = []
    report = run_suite(suite, replies.__getitem__, index, on_case=seen.append)
    assert [r.case.id for r in seen] == ["folfiri", "off-topic", "bleeding"]
    assert all(r.passed for r in report.results)
    assert report.suite == "tiny"
    assert report.metrics["answer_accuracy"] == 1.0
    assert report.metrics["escalation_recall"] == 1.0
    assert report.to_json()["cases"][0]["id"] == "folfiri"


# ---------------------------------------------------------------- bounds


def test_unmet_bounds() -> None:
    report = Report(
        suite="s",
        metrics={
            "answer_accuracy": 0.75,
            "false_abstain_rate": 0.2,
            "escalation_recall": None,
            "citation_integrity": 1.0,
        },
    )
    assert (
        unmet_bounds(
            report,
            {"answer_accuracy": 0.75, "citation_integrity": 1.0},
            {"false_abstain_rate": 0.2},
        )
        == []
    )
    assert unmet_bounds(report, {}, {}) == []
    failures = unmet_bounds(
        report,
        {"answer_accuracy": 0.8, "escalation_recall": 0.9},
        {"false_abstain_rate": 0.1},
    )
    assert failures == [
        "answer_accuracy = 0.75 is below the required minimum 0.8",
        "escalation_recall was not measured (the suite has no cases of that kind)",
        "false_abstain_rate = 0.2 is above the allowed maximum 0.1",
    ]


def test_a_conversation_case_is_asked_with_its_earlier_turns(
    index: IndexData, tmp_path: Path
) -> None:
    path = tmp_path / "conv.yaml"
    path.write_text(
        "suite: conv\nquestions:\n"
        "  - id: c1\n"
        '    turns: ["What is FOLFIRI?", "is it hard going?"]\n'
        '    question: "and which one is used most?"\n'
        "    expect: {sources: [chemo-guide]}\n",
        encoding="utf-8",
    )
    suite = load_suite(path)
    assert suite.cases[0].turns == ("What is FOLFIRI?", "is it hard going?")
    asked: list[tuple[str, tuple[str, ...]]] = []

    def ask(question: str, history: tuple[str, ...] = ()) -> Answer:
        asked.append((question, tuple(history)))
        return answered(index, ("chemo-guide", FOLFIRI))

    report = run_suite(suite, ask, index)
    assert asked == [("and which one is used most?", ("What is FOLFIRI?", "is it hard going?"))]
    assert report.results[0].passed
    record = report.cases[0]
    assert CaseRecord.from_json(record.to_json()) == record


def test_turns_must_be_a_list_of_messages(tmp_path: Path) -> None:
    path = tmp_path / "conv.yaml"
    path.write_text(
        "suite: conv\nquestions:\n  - id: c1\n    turns: what is it\n"
        '    question: "and then?"\n    expect: {abstain: true}\n',
        encoding="utf-8",
    )
    with pytest.raises(SuiteError, match=r"c1.*turns must be a list"):
        load_suite(path)


def test_a_quoted_sentence_without_the_one_it_leans_on_is_a_fragment(index: IndexData) -> None:
    layout = index.layout
    row = next(r for r, lean in enumerate(layout.leans_on) if lean >= 0)
    lean = layout.leans_on[row]

    def text(r: int) -> tuple[str, str]:
        s = index.sentences[r]
        return s.doc_id, index.documents[s.doc_id].text[s.start : s.end]

    assert fragments(answered(index, text(row)), index) == 1
    assert fragments(answered(index, text(lean), text(row)), index) == 0
