"""The answering pipeline end to end on the tiny corpus (fake embedder)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from qa.answering.pipeline import Pipeline
from qa.answering.retrieve import reciprocal_rank_fusion
from qa.profile import PROFILE_NAME
from qa.safety.messages import DISCLAIMER
from qa.serving.loading import load_pipeline
from qa.types import Status
from tests.conftest import REPO
from tests.fakes import FakeEmbedder


@pytest.fixture
def pipeline(built, fake_embedder):
    return load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)


def test_answer_sentences_are_verbatim_and_cited(pipeline):
    a = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    assert a.status is Status.ANSWERED
    assert a.disclaimer == DISCLAIMER
    for s in a.sentences:
        c = a.citations[s.citation - 1]
        doc = pipeline.index.documents[c.source_id]
        assert doc.text[c.start : c.end] == s.text == c.quote
        assert f"{s.text} [{s.citation}]" in a.text


def test_citation_carries_metadata(pipeline):
    a = pipeline.ask("Which chemotherapy is used most often for stage 4 rectal cancer?")
    c = next(c for c in a.citations if c.source_id == "chemo-guide")
    assert (c.title, c.publisher, c.audience) == ("Chemotherapy guide", "Test Society", "patients")
    assert c.section == "Chemotherapy for recurrent rectal cancer" or c.section == ""


def test_word_budget_and_no_furniture(pipeline):
    a = pipeline.ask("chemotherapy side effects fatigue nausea")
    words = sum(len(s.text.split()) for s in a.sentences)
    assert words <= pipeline.settings.sentences.answer_max_words
    assert "Find out more" not in a.text and "[1][" not in a.text


def test_weak_evidence_abstains_with_disclaimer(built, fake_embedder):
    strict = load_pipeline(built.replace(abstain_min_support=1.5), fake_embedder)
    a = strict.ask("How is chemotherapy for rectal cancer given?")
    assert a.status is Status.ABSTAINED
    assert "don't have information" in a.text
    assert a.disclaimer and not a.citations
    assert "abstain_min_support" in a.reason


def test_a_definition_of_the_asked_term_is_quoted_despite_weak_support(tmp_path, fake_embedder):
    pipeline = _never_abstaining_pipeline_on(
        "Care\n\nTechniques that prevent or control side effects are called supportive care. "
        "Chemotherapy is usually given for 6 months.\n",
        tmp_path,
        fake_embedder,
    )
    strict = dataclasses.replace(
        pipeline, settings=pipeline.settings.replace(abstain_min_support=1.5)
    )
    a = strict.ask("What does supportive care actually mean?")
    assert a.status is Status.ANSWERED
    assert a.sentences[0].text.endswith("are called supportive care.")
    assert a.evidence["defines_asked_term"] == 1.0
    # Without a definition the same support abstains.
    assert strict.ask("How long is chemotherapy given?").status is Status.ABSTAINED


def test_a_question_for_a_cost_the_sources_never_give_abstains(pipeline):
    # Retrieval finds passages on chemotherapy, but none of them has a price in it.
    a = pipeline.ask("How much does FOLFIRI chemotherapy cost?")
    assert a.status is Status.ABSTAINED and not a.citations
    assert "asks for amount and cost" in a.reason
    assert pipeline.ask("What is FOLFIRI chemotherapy?").status is Status.ANSWERED


@pytest.mark.parametrize("bad", ["", "   ", "?!?", "\x00\x01", "🙂🙂🙂", "x" * 5000])
def test_bad_input_is_rejected_politely(pipeline, bad):
    a = pipeline.ask(bad)
    assert a.status is Status.REJECTED
    assert a.disclaimer == DISCLAIMER
    assert a.text


def test_json_contract(pipeline):
    out = pipeline.ask("What is radiation therapy?").to_json()
    assert set(out) >= {
        "question",
        "status",
        "answer",
        "sentences",
        "citations",
        "retrieved",
        "escalation",
        "disclaimer",
    }
    assert set(out["citations"][0]) == {
        "n",
        "source_id",
        "title",
        "publisher",
        "audience",
        "section",
        "quote",
        "start",
        "end",
    }
    assert set(out["retrieved"][0]) == {
        "source_id",
        "chunk_id",
        "section",
        "score",
        "dense_rank",
        "lexical_rank",
    }
    scores = [r["score"] for r in out["retrieved"]]
    assert scores == sorted(scores, reverse=True)
    json.dumps(out)


def test_rrf_formula():
    fused = reciprocal_rank_fusion({"a": [1, 2], "b": [2, 3]}, {"a": 1.0, "b": 1.0}, k=60)
    scores = dict(fused)
    assert fused[0][0] == 2
    assert scores[2] == pytest.approx(1 / 62 + 1 / 61)
    assert scores[3] == pytest.approx(1 / 62)


def test_html_source_drops_scripts(pipeline):
    doc = pipeline.index.documents["radiation"]
    assert "alert" not in doc.text and "Home | About" not in doc.text
    assert "Copyright" not in doc.text


def test_a_defined_abbreviation_is_spelled_out_for_the_encoder_only(
    settings, fake_embedder, monkeypatch
):
    from qa.ingest.build import build_index

    (settings.ingest.sources_dir / "ablation.txt").write_text(
        "Ablation for liver metastases\n\nRadiofrequency ablation (RFA) uses heat to destroy "
        "liver tumours. It is done with a needle through the skin.\n"
    )
    build_index(settings, fake_embedder)
    pipeline = load_pipeline(settings, fake_embedder)
    # As the real tokenizer does with "rfa": several word pieces, a word the model never learnt.
    monkeypatch.setattr(fake_embedder, "token_length", lambda text: len(text.split()) + 4)
    fake_embedder.encoded.clear()
    answer = pipeline.ask("how does rfa work on the liver?")
    assert fake_embedder.encoded == ["how does rfa (Radiofrequency ablation) work on the liver?"]
    assert answer.question == "how does rfa work on the liver?"  # the user's words are kept


# Each of two one-page documents is about one subject of the bundled profile.
SUBJECT_CATALOG = (
    '[[document]]\nid = "rectal"\nsubject = "rectal"\n\n[[document]]\nid = "anal"\nsubject = "anal"\n'
)


def _never_abstaining_pipeline_on(
    text: str | dict[str, str],
    tmp_path: Path,
    fake_embedder: FakeEmbedder,
    quote_all: bool = False,
    catalog: str = "",
) -> Pipeline:
    """A pipeline over one document holding `text` (or one per file name and text), with the
    bundled documents' profile and the given catalog, the support threshold off and, with
    `quote_all`, every sentence quoted however far its score from the best."""
    from qa.config import Settings
    from qa.ingest.build import build_index

    sources = tmp_path / "sources"
    sources.mkdir()
    for name, content in (text if isinstance(text, dict) else {"notes.txt": text}).items():
        (sources / name).write_text(content, encoding="utf-8")
    (sources / "catalog.toml").write_text(catalog, encoding="utf-8")
    (sources / PROFILE_NAME).write_bytes((REPO / "sources" / PROFILE_NAME).read_bytes())
    settings = Settings.of(sources_dir=sources, index_dir=tmp_path / "index", abstain_min_support=-1.0)
    build_index(settings, fake_embedder)
    return load_pipeline(
        settings.replace(sentence_max_gap=10.0) if quote_all else settings, fake_embedder
    )


def _with_settings(pipeline: Pipeline, **changes: object) -> Pipeline:
    return dataclasses.replace(pipeline, settings=pipeline.settings.replace(**changes))


def _scores_by_second_word(pipeline: Pipeline, question: str) -> dict[str, float]:
    """Each quoted sentence's score, keyed by its second word (unique in these tests' texts)."""
    return {s.text.split()[1]: s.score for s in pipeline.ask(question).sentences}


@pytest.mark.parametrize(
    ("text", "answered", "quoted", "unanswered", "reason"),
    [
        # Whatever is quoted, "6 months" is about chemotherapy, not about the operation.
        (
            "Treatment\n\nChemotherapy is usually given for 6 months. "
            "Pelvic exenteration removes most organs in the pelvis.\n",
            "How long is chemotherapy given?",
            "6 months",
            "How long does a pelvic exenteration take?",
            "asks for amount",
        ),
        # A survival figure for another span does not answer an n-year question.
        (
            "Outlook\n\nChemotherapy can extend survival to 40 percent or more at two years.\n",
            "What is the 2-year survival rate with chemotherapy?",
            "two years",
            "What is the 5-year survival rate with chemotherapy?",
            "survival at '5' years",
        ),
        # "Is it better than …?" needs a sentence that compares, not one that only names it.
        (
            "Radiation\n\nProton therapy aims radiation at the tumour.\n\n"
            "Surgery\n\nSurgery offers a better chance of cure than chemotherapy alone.\n",
            "Is surgery better than chemotherapy alone?",
            "better chance",
            "Is proton therapy better than other radiation?",
            "asks for comparison",
        ),
        # "Which hospital in X" needs the place it names.
        (
            "Centres\n\nIllinois became home to the only hospital in the state offering HAI "
            "therapy.\n",
            "Which hospital in Illinois offers HAI therapy?",
            "Illinois",
            "Which hospital in Toronto offers HAI therapy?",
            "names 'Toronto'",
        ),
        # A question about food needs a sentence that speaks of food, however close the rest.
        (
            "Side effects\n\nChemotherapy can cause hair loss and tiredness.\n",
            "Will chemotherapy make my hair fall out?",
            "hair loss",
            "What should I eat during chemotherapy?",
            "asks about food and drink",
        ),
    ],
)
def test_a_reply_must_hold_what_the_question_names(
    tmp_path, fake_embedder, text, answered, quoted, unanswered, reason
):
    pipeline = _never_abstaining_pipeline_on(text, tmp_path, fake_embedder)
    answer = pipeline.ask(answered)
    assert answer.status is Status.ANSWERED and quoted in answer.text
    refused = pipeline.ask(unanswered)
    assert refused.status is Status.ABSTAINED and not refused.citations
    assert reason in refused.reason


@pytest.mark.parametrize(
    ("text", "asked", "favoured", "other"),
    [
        # "What is X?" favours a sentence naming X.
        (
            "Liver\n\nOne approach being evaluated is radioembolization with small spheres. "
            "Surgery removes liver metastases when it can.\n",
            "whats radioembolization?",
            "radioembolization",
            "Surgery",
        ),
        # "Why …?" favours a sentence giving a reason.
        (
            "Liver\n\nThe pump is not used very often because it needs a large team. "
            "The pump delivers chemotherapy to the liver.\n",
            "why is the pump rare?",
            "because",
            "delivers",
        ),
    ],
)
def test_a_sentence_holding_what_the_question_asks_for_gets_the_answer_type_bonus(
    tmp_path, fake_embedder, text, asked, favoured, other
):
    pipeline = _never_abstaining_pipeline_on(text, tmp_path, fake_embedder, quote_all=True)
    plain = _with_settings(pipeline, answer_type_weight=0)

    def score(p: Pipeline, word: str) -> float:
        return next(s.score for s in p.ask(asked).sentences if word in s.text)

    gap = score(pipeline, favoured) - score(plain, favoured)
    assert gap == pytest.approx(pipeline.settings.sentences.answer_type_weight)
    assert score(pipeline, other) == pytest.approx(score(plain, other))


def test_sentences_about_the_other_cancer_score_lower(tmp_path, fake_embedder):
    pipeline = _never_abstaining_pipeline_on(
        {
            "rectal.txt": "Rectal cancer treatment\n\nChemotherapy is usually given for 6 months.\n",
            "anal.txt": "Anal cancer treatment\n\nChemotherapy goes on as long as it works.\n",
        },
        tmp_path,
        fake_embedder,
        quote_all=True,
        catalog=SUBJECT_CATALOG,
    )
    plain = _with_settings(pipeline, other_site_penalty=0)
    penalty = pipeline.settings.sentences.other_site_penalty

    def scores(p: Pipeline, question: str) -> dict[str, float]:
        return {s.text.split()[-1]: s.score for s in p.ask(question).sentences}

    for question, lowered, kept in [
        ("how long is chemotherapy given for anal cancer?", "months.", "works."),
        ("how long is chemotherapy given for rectal cancer?", "works.", "months."),
    ]:
        with_site, without = scores(pipeline, question), scores(plain, question)
        assert with_site[lowered] == pytest.approx(without[lowered] - penalty)
        assert with_site[kept] == pytest.approx(without[kept])
    # A question naming neither cancer, or both, leaves every score as it is.
    for question in ["how long is chemotherapy given?", "anal or rectal cancer: how long?"]:
        assert scores(pipeline, question) == pytest.approx(scores(plain, question))
    # A follow-up is about the cancer the conversation is about.
    earlier = ["what chemotherapy is given for anal cancer?"]

    def followup(p: Pipeline) -> dict[str, float]:
        return {
            s.text.split()[-1]: s.score for s in p.ask("how long is it given?", earlier).sentences
        }

    assert followup(pipeline)["months."] == pytest.approx(followup(plain)["months."] - penalty)


def test_what_a_question_asks_for_must_come_from_its_own_cancers_documents(tmp_path, fake_embedder):
    pipeline = _never_abstaining_pipeline_on(
        {
            "rectal.txt": "Rectal cancer outlook\n\nMedian survival with treatment is two years.\n",
            "anal.txt": "Anal cancer treatment\n\nChemoradiation is the main treatment.\n",
        },
        tmp_path,
        fake_embedder,
        quote_all=True,
        catalog=SUBJECT_CATALOG,
    )
    rectal = pipeline.ask("what is the survival with treatment for rectal cancer?")
    assert rectal.status is Status.ANSWERED and "two years" in rectal.text
    # The rectal figure is still quoted for the anal question (score lowered, not excluded),
    # but it does not answer it.
    anal = pipeline.ask("what is the survival with treatment for anal cancer?")
    assert anal.status is Status.ABSTAINED
    assert "survival" in anal.reason


def test_a_sentence_scores_at_least_the_one_before_it_less_the_continuation_gap(
    tmp_path, fake_embedder
):
    pipeline = _never_abstaining_pipeline_on(
        "Recurrence\n\nSurgery can be done if chemoradiation was used first. "
        "An abdominoperineal resection removes the rectum and anus.\n\n"
        "A new paragraph says nothing about it at all.\n",
        tmp_path,
        fake_embedder,
        quote_all=True,
    )
    alone = _with_settings(pipeline, continuation_gap=10)
    asked = "Which surgery is done if chemoradiation was used first?"
    gap = pipeline.settings.sentences.continuation_gap
    kept = _scores_by_second_word(pipeline, asked)
    scored_alone = _scores_by_second_word(alone, asked)
    assert scored_alone["abdominoperineal"] < scored_alone["can"] - gap
    assert kept["abdominoperineal"] == pytest.approx(kept["can"] - gap)
    # A line break ends the paragraph: the next one inherits nothing.
    assert kept["new"] == pytest.approx(scored_alone["new"])


def test_a_sentence_read_after_the_one_before_it_scores_higher_only_when_that_is_closer(
    tmp_path, fake_embedder
):
    pipeline = _never_abstaining_pipeline_on(
        "Recurrence\n\nSurgery can be done if chemoradiation was used first. "
        "An abdominoperineal resection removes the rectum and anus.\n\n"
        "Drugs given are carboplatin and paclitaxel. "
        "Treatment is continued as long as the cancer responds.\n",
        tmp_path,
        fake_embedder,
        quote_all=True,
    )
    with_context = _with_settings(pipeline, continuation_gap=10)
    alone = _with_settings(with_context, sentence_context_weight=0)
    scores = _scores_by_second_word
    asked = "Which surgery is done if chemoradiation was used first?"
    read, plain = scores(with_context, asked), scores(alone, asked)
    assert read["abdominoperineal"] > plain["abdominoperineal"]
    # A paragraph's first sentence has no context to read it in.
    assert read["can"] == pytest.approx(plain["can"])
    # The sentence before it is on another point: read alone, as before.
    asked = "Is treatment continued while the cancer responds?"
    assert scores(with_context, asked)["is"] == pytest.approx(scores(alone, asked)["is"])


def test_json_contract_names_the_escalation_level_and_the_caution(pipeline):
    plain = pipeline.ask("What is radiation therapy?").to_json()
    assert plain["escalation"] is None and plain["caution"] is None and plain["notice"] == ""
    urgent = pipeline.ask("im on chemo and my temp is 39").to_json()
    assert urgent["status"] == "escalated" and urgent["escalation"] == "urgent"
    assert "24-hour line" in urgent["answer"] and urgent["caution"] is None
    assert "neutropenic-sepsis" in urgent["reason"]


def test_urgent_replies_name_the_care_team_line_setting(built, fake_embedder):
    pipeline = load_pipeline(built.replace(care_team_line="0800 555 0100"), fake_embedder)
    a = pipeline.ask("shivering and a fever of 38.5 since my infusion")
    assert a.escalation == "urgent" and "0800 555 0100" in a.text
    assert a.triage_entry == "neutropenic-sepsis" and not a.citations


def test_another_cancer_reaches_retrieval_instead_of_a_scope_refusal(pipeline):
    a = pipeline.ask("how is breast cancer treated?")
    assert "out of scope" not in a.reason


def test_a_caution_keeps_the_answer_and_puts_the_line_above_it(built, fake_embedder, tmp_path):
    from qa.evaluation.tune_triage import save_model
    from qa.safety.load import make_triager
    from qa.safety.triage import TriageModel

    # A score that cautions on everything and escalates nothing: the answer must survive.
    score = TriageModel(
        model=fake_embedder.name, weights={}, bias=0.0, escalate_at=1.0, caution_at=0.4,
        severity_margin=0.0,
    )
    path = tmp_path / "score.json"
    save_model(score, path)
    settings = built.replace(abstain_min_support=-1.0, triage_model=str(path),
                             triage_cache_dir=tmp_path / "bank")
    pipeline = load_pipeline(settings, fake_embedder)
    assert pipeline.triager.model is not None
    a = pipeline.ask("What does radiofrequency ablation use to kill cancer cells?")
    assert a.status is Status.ANSWERED and a.caution and a.triage_entry == a.caution
    assert a.notice.startswith("If this is happening now:")
    assert "score" in a.reason
    # Triage's text and retrieval's text go in one batch, and a question that reads the same
    # to both is encoded once.
    before = len(fake_embedder.encoded)
    pipeline.ask("What is radiation therapy?")
    assert fake_embedder.encoded[before:] == ["What is radiation therapy?"]
    before = len(fake_embedder.encoded)
    pipeline.ask("hi, what is radiation therapy? thanks")
    assert len(fake_embedder.encoded) - before == 2
    assert make_triager(settings.replace(triage_model="off"), fake_embedder).model is None


@pytest.mark.parametrize(("preference", "expected"), [(0.0, "for-staff"), (0.02, "for-patients")])
def test_of_two_passages_that_answer_equally_the_one_for_patients_is_quoted(
    settings, fake_embedder, preference, expected
):
    """The same sentence in a document for professionals (first in the ranking's stable order)
    and in one for patients: with a patient preference, the patients' copy is quoted."""
    sources = settings.ingest.sources_dir
    text = "Proton therapy aims charged particles at a tumour with great precision.\n"
    (sources / "for-staff.txt").write_text("Protons\n\n" + text, encoding="utf-8")
    (sources / "for-patients.txt").write_text("Protons\n\n" + text, encoding="utf-8")
    with (sources / "catalog.toml").open("a", encoding="utf-8") as f:
        for doc_id, audience in (
            ("for-staff", "healthcare professionals"),
            ("for-patients", "patients"),
        ):
            f.write(
                f'\n[[document]]\nid = "{doc_id}"\ntitle = "Protons"\npublisher = "Test"\n'
                f'audience = "{audience}"\n'
            )
    from qa.ingest.build import build_index

    build_index(settings, fake_embedder)
    tuned = settings.replace(patient_preference=preference, abstain_min_support=-1.0)
    answer = load_pipeline(tuned, fake_embedder).ask("How does proton therapy aim at a tumour?")
    assert answer.status is Status.ANSWERED
    assert answer.citations[0].source_id == expected
