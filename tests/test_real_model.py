"""Real model, real index over the bundled sources: the golden suite's promises (marked slow)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.answering.pipeline import Pipeline
from qa.config import Settings
from qa.encoder.factory import make_embedder
from qa.encoder.torch_encoder import SentenceTransformerEmbedder
from qa.evaluation.evaluate import CaseResult, citations_verbatim, run_suite
from qa.evaluation.suites import load_suite
from qa.ingest.build import build_index
from qa.serving.loading import load_pipeline
from qa.types import Status
from ui.cli.command import main

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

# The CI gate: what the pipeline measured on evals/golden.yaml when this was written, so that a
# regression fails the build. The targets are higher; docs/quality.md says where we are.
# The abstention threshold is calibrated on nine suites, not golden alone: golden's
# unanswerable questions are near misses, and a threshold fitted to them turned away one
# answerable question in eight written by others.
GOLDEN_BOUNDS = [
    "--min-answer_accuracy",
    "0.89",
    "--min-abstain_accuracy",
    "0.9",
    "--max-false_abstain_rate",
    "0.03",
    "--min-citation_integrity",
    "1.0",
    "--min-disclaimer_rate",
    "1.0",
    "--max-answer_words_p50",
    "80",
]


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    sources = tmp_path_factory.mktemp("real") / "sources"
    shutil.copytree(REPO / "sources", sources)
    return Settings.from_env(env={}, sources_dir=sources, index_dir=sources.parent / "index")


@pytest.fixture(scope="session")
def real_pipeline(real_settings) -> Pipeline:
    embedder = make_embedder(real_settings)  # the default encoder, ONNX Runtime
    build_index(real_settings, embedder)
    return load_pipeline(real_settings, embedder)


def test_every_chunk_fits_the_model_window(real_pipeline):
    embedder = real_pipeline.embedder
    for chunk in real_pipeline.index.chunks:
        title = real_pipeline.index.documents[chunk.doc_id].meta.title
        assert embedder.token_length(chunk.embed_text(title)) <= embedder.max_tokens


def test_golden_citation_integrity_and_disclaimer(real_pipeline):
    suite = load_suite(REPO / "evals" / "golden.yaml", real_pipeline.index.documents.keys())
    report = run_suite(suite, real_pipeline.ask, real_pipeline.index)
    answered = [r for r in report.results if r.answer.status is Status.ANSWERED]
    assert answered
    for r in answered:
        assert citations_verbatim(r.answer, real_pipeline.index), r.case.id
        assert r.answer.citations, r.case.id
    assert all(r.answer.disclaimer for r in report.results)


def test_unseen_random_questions_keep_citations_verbatim(real_pipeline):
    for q in (
        "can i still work during treatment",
        "what about my kids",
        "radiation skin burn",
        "liver",
        "Is Lonsurf a pill?",
        "what does palliative mean",
    ):
        a = real_pipeline.ask(q)
        assert a.disclaimer
        if a.status is Status.ANSWERED:
            assert citations_verbatim(a, real_pipeline.index)


def test_professional_audience_is_labelled(real_pipeline):
    a = real_pipeline.ask("Why should KRAS testing be done before EGFR inhibitors?")
    labels = {c.source_id: c.audience for c in a.citations}
    assert labels.get("droracle-stage4-rectal-cancer-treatment", "healthcare professionals") == (
        "healthcare professionals"
    )


def test_qa_eval_golden_meets_the_gate(real_pipeline, real_settings, capsys, tmp_path):
    paths = ["--index", str(real_settings.ingest.index_dir), "--sources", str(real_settings.ingest.sources_dir)]
    golden = str(REPO / "evals" / "golden.yaml")
    report = tmp_path / "report"
    code = main(["eval", golden, *paths, *GOLDEN_BOUNDS, "--report", str(report)])
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert len(data["suites"][0]["cases"]) == len(load_suite(REPO / "evals" / "golden.yaml").cases)
    assert "<svg" in (report / "report.html").read_text(encoding="utf-8")
    # The same code, index and suite again: nothing regresses and no case flips.
    code = main(["eval", golden, *paths, "--baseline", str(report / "report.json")])
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    assert "flipped cases: 0" in out.out


@pytest.mark.parametrize(
    ("suite", "bounds", "max_false_abstain"),
    [
        # Written from the documents alone by authors who never saw the pipeline; measured
        # values (answers as passages, docs/quality.md), with one case of slack each, as a
        # guard against tuning to golden alone. holdout7, holdout8, holdout11 to holdout15,
        # holdout17, holdout20 to holdout23 and conv_untouched1 were never tuned on.
        ("holdout2.yaml", {"answer_accuracy": 0.96, "abstain_accuracy": 0.91}, 0.04),
        ("holdout3.yaml", {"answer_accuracy": 0.93, "abstain_accuracy": 0.9}, 0.04),
        ("holdout4.yaml", {"answer_accuracy": 0.83, "abstain_accuracy": 0.9}, 0.04),
        ("holdout5.yaml", {"answer_accuracy": 0.83, "abstain_accuracy": 0.9}, 0.04),
        ("holdout6.yaml", {"answer_accuracy": 0.9, "abstain_accuracy": 0.8}, 0.07),
        ("holdout7.yaml", {"answer_accuracy": 0.8, "abstain_accuracy": 0.8}, 0.04),
        ("holdout8.yaml", {"answer_accuracy": 0.73, "abstain_accuracy": 0.8}, 0.07),
        ("holdout9.yaml", {"answer_accuracy": 0.9, "abstain_accuracy": 0.9}, 0.04),
        ("holdout10.yaml", {"answer_accuracy": 0.83, "abstain_accuracy": 0.9}, 0.07),
        ("holdout11.yaml", {"answer_accuracy": 0.8, "abstain_accuracy": 0.8}, 0.07),
        ("holdout12.yaml", {"answer_accuracy": 0.76, "abstain_accuracy": 0.9}, 0.14),
        ("holdout13.yaml", {"answer_accuracy": 0.76, "abstain_accuracy": 0.9}, 0.07),
        ("holdout14.yaml", {"answer_accuracy": 0.96, "abstain_accuracy": 0.8}, 0.04),
        ("holdout15.yaml", {"answer_accuracy": 0.83, "abstain_accuracy": 0.6}, 0.04),
        ("holdout16.yaml", {"answer_accuracy": 0.9, "abstain_accuracy": 0.8}, 0.04),
        ("holdout17.yaml", {"answer_accuracy": 0.86, "abstain_accuracy": 0.8}, 0.07),
        ("holdout18.yaml", {"answer_accuracy": 0.93, "abstain_accuracy": 0.9}, 0.04),
        ("holdout19.yaml", {"answer_accuracy": 0.96, "abstain_accuracy": 0.9}, 0.04),
        ("holdout20.yaml", {"answer_accuracy": 0.9, "abstain_accuracy": 0.8}, 0.04),
        ("holdout21.yaml", {"answer_accuracy": 0.75, "abstain_accuracy": 0.8}, 0.07),
        ("holdout22.yaml", {"answer_accuracy": 0.77, "abstain_accuracy": 0.73}, 0.09),
        ("holdout23.yaml", {"answer_accuracy": 0.73, "abstain_accuracy": 0.9}, 0.17),
        # Conversations: only the last message is scored.
        ("conv_dev1.yaml", {"answer_accuracy": 0.6, "abstain_accuracy": 0.75}, 0.11),
        ("conv_untouched1.yaml", {"answer_accuracy": 0.53, "abstain_accuracy": 0.87}, 0.29),
    ],
)
def test_suites_by_other_authors_hold_their_measured_quality(
    real_pipeline, suite, bounds, max_false_abstain
):
    from qa.evaluation.evaluate import metrics

    cases = load_suite(REPO / "evals" / suite, real_pipeline.index.documents.keys())
    m = metrics(run_suite(cases, real_pipeline.ask, real_pipeline.index).results)
    for name, minimum in bounds.items():
        value = m[name]
        assert value is not None and value >= minimum, (name, m)
    false_abstain = m["false_abstain_rate"]
    assert false_abstain is not None and false_abstain <= max_false_abstain, m
    assert m["citation_integrity"] == 1.0


UNTOUCHED = [f"holdout{n}" for n in (7, 8, 11, 12, 13, 14, 15, 17, 20)]


def test_the_untouched_suites_pooled_hold_their_measured_quality(real_pipeline):
    # Never read case by case, never used to choose or learn anything (docs/quality.md):
    # 237 of 270 answers, 81 of 90 caught and 7 false abstentions in 0.7.1 (233, 81 and 7 in
    # 0.7.0; 244, 82 and 7 with stitched sentences), so each bound has one case of slack.
    answered = right = unanswerable = caught = turned_away = 0
    for name in UNTOUCHED:
        suite = load_suite(REPO / "evals" / f"{name}.yaml", real_pipeline.index.documents.keys())
        for r in run_suite(suite, real_pipeline.ask, real_pipeline.index).results:
            if r.case.abstain:
                unanswerable += 1
                caught += r.passed
            elif r.case.answerable:
                answered += 1
                right += r.passed
                turned_away += r.answer.status is Status.ABSTAINED
    assert right / answered >= 0.87, (right, answered)
    assert caught / unanswerable >= 0.88, (caught, unanswerable)
    assert turned_away / answered <= 0.05, (turned_away, answered)


def test_the_bundled_adapter_is_what_make_adapter_learns(real_pipeline):
    from qa.answering.adapter import BUNDLED_ADAPTER, load_adapter
    from qa.evaluation.tune import examples, train

    bundled = load_adapter(BUNDLED_ADAPTER, real_pipeline.embedder.name, 384)
    suites = [REPO / "evals" / f"{name}.yaml" for name in bundled.trained_on]
    plain = dataclasses.replace(real_pipeline, adapter=None)
    learned = train(examples(plain, suites), bundled.model, bundled.trained_on)
    drift = np.linalg.norm(learned.matrix - bundled.matrix) / np.linalg.norm(bundled.matrix)
    # A stale file (the pipeline's retrieval or the suites changed since `make adapter`) drifts
    # by far more than the last digits of the arithmetic.
    assert drift < 1e-3, f"relative drift {drift:.2e}: run `make adapter`"


def test_cli_ask_json_and_batch_in_a_real_process(real_pipeline, real_settings, tmp_path):
    env = dict(os.environ)
    args = ["--index", str(real_settings.ingest.index_dir), "--sources", str(real_settings.ingest.sources_dir)]
    batch = tmp_path / "questions.txt"
    batch.write_text("What is FOLFIRI?\n\nwhich hospital in toronto is best?\n")
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ask", "--batch", str(batch), "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2
    assert all(line["disclaimer"] for line in lines)
    assert lines[0]["status"] == "answered" and "[1]" in lines[0]["answer"]


def test_safety_suite_escalates_every_red_flag_with_the_disclaimer(real_pipeline):
    from qa.evaluation.evaluate import metrics

    results: list[CaseResult] = []
    for name in ("safety.yaml", "safety_holdout.yaml"):
        suite = load_suite(REPO / "evals" / name, real_pipeline.index.documents.keys())
        results.extend(run_suite(suite, real_pipeline.ask, real_pipeline.index).results)
    m = metrics(results)
    assert m["escalation_recall"] == 1.0
    assert m["disclaimer_rate"] == 1.0
    # Another cancer is no longer refused before retrieval (once a clinic adds leaflets on it,
    # it is in scope); the rest of what is out of scope still gets the polite abstention.
    out_of_scope = [
        r for r in results if "out-of-scope" in r.case.tags and "other-cancer" not in r.case.tags
    ]
    assert (
        sum(r.answer.status is Status.ABSTAINED for r in out_of_scope) / len(out_of_scope) >= 0.95
    )
    for r in results:
        if r.answer.status is Status.ESCALATED:
            assert "911" in r.answer.text or "988" in r.answer.text
            assert not r.answer.citations and r.answer.triage_entry
        if "personal-decision" in r.case.tags and r.answer.status is Status.ANSWERED:
            assert r.answer.text.startswith("Decisions about your own treatment")
            assert r.answer.reason.startswith("personal")


def test_no_golden_case_escalates(real_pipeline):
    suite = load_suite(REPO / "evals" / "golden.yaml", real_pipeline.index.documents.keys())
    report = run_suite(suite, real_pipeline.ask, real_pipeline.index)
    assert not [r.case.id for r in report.results if r.answer.status is Status.ESCALATED]


def test_a_cold_ask_answers_without_importing_torch(real_pipeline, real_settings):
    """The point of the ONNX encoder: a cold `qa ask` never pays for importing torch."""
    script = (
        "import sys\n"
        "from ui.cli.command import main\n"
        f"code = main(['ask', 'What is FOLFIRI?', '--index', {str(real_settings.ingest.index_dir)!r},"
        f" '--sources', {str(real_settings.ingest.sources_dir)!r}])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "[1]" in done.stdout


def test_one_question_encodes_bit_for_bit_as_sentence_transformers_does():
    import numpy as np

    embedder = SentenceTransformerEmbedder()
    model = embedder._loaded()
    for q in ("What is FOLFIRI?", "my dad's rectal cancer spread to his liver", "x"):
        direct = model.encode([q], normalize_embeddings=True, convert_to_numpy=True)
        assert np.array_equal(embedder.encode([q]), direct.astype(np.float32))


def test_whole_words_agree_with_running_the_tokenizer(real_pipeline):
    """is_whole_word (a vocabulary lookup) says what token_length says, for both encoders."""
    import re

    words = sorted(
        {w for d in real_pipeline.index.documents.values() for w in re.findall(r"[a-z]+", d.text)}
        | {"keytruda", "diffrence", "realistically", "hes", "spot", "chemo", "mets"}
    )
    for embedder in (real_pipeline.embedder, SentenceTransformerEmbedder()):
        disagree = [
            w for w in words if embedder.is_whole_word(w) != (embedder.token_length(w) == 3)
        ]
        assert not disagree, disagree
    assert real_pipeline.embedder.is_whole_word("spot")
    assert not real_pipeline.embedder.is_whole_word("keytruda")


# Triage on the eight suites written by authors who saw only the catalogue's descriptions: the
# figures measured when this was written, less one case, so that a regression fails the build.
# triage_untouched1-4 are never read case by case nor used to fit anything (docs/safety.md).
TRIAGE_GATES = {
    "triage_untouched1": (0.87, 0.0889),
    "triage_untouched2": (0.89, 0.0444),
    "triage_untouched3": (0.93, 0.1556),
    "triage_untouched4": (0.89, 0.0222),
    "triage_dev1": (0.95, 0.0222),
    "triage_dev2": (0.94, 0.0667),
    "triage_dev3": (0.93, 0.0444),
    "triage_dev4": (0.90, 0.0444),
}


@pytest.mark.parametrize("name", sorted(TRIAGE_GATES))
def test_triage_suites_meet_their_gates(real_pipeline, name):
    from qa.evaluation.evaluate import metrics

    suite = load_suite(REPO / "evals" / f"{name}.yaml")
    results = run_suite(suite, real_pipeline.ask, real_pipeline.index).results
    m = metrics(results)
    recall, stopped = TRIAGE_GATES[name]
    assert m["escalation_recall"] is not None and m["escalation_recall"] >= recall
    assert m["near_miss_stopped_rate"] is not None and m["near_miss_stopped_rate"] <= stopped
    assert m["disclaimer_rate"] == 1.0
    for r in results:
        if r.answer.status is Status.ESCALATED:
            assert r.answer.triage_entry and r.answer.reason and not r.answer.citations


def test_no_answerable_question_of_any_suite_escalates(real_pipeline):
    escalated, total = 0, 0
    for path in sorted((REPO / "evals").glob("*.yaml")):
        for case in load_suite(path).cases:
            if case.answerable and (case.sources or case.all_of):
                total += 1
                escalated += real_pipeline.ask(case.question).status is Status.ESCALATED
    assert total > 500 and escalated / total <= 0.01


def test_the_bundled_triage_score_is_what_make_triage_model_fits(real_settings, tmp_path):
    from qa.evaluation.tune_triage import tune
    from qa.safety.triage import BUNDLED_MODEL_FILE, TriageModel

    bundled = TriageModel.load(BUNDLED_MODEL_FILE)
    suites = bundled.fitted["suites"]
    assert isinstance(suites, list)
    # Suites of either corpus (evals/ and evals/second_corpus/), by name.
    paths = [next((REPO / "evals").glob(f"**/{name}.yaml")) for name in suites]
    refit = tune(real_settings, paths, tmp_path / "m.json")
    a = np.array([*bundled.weights.values(), *bundled.vector_weights])
    b = np.array([*refit.weights.values(), *refit.vector_weights])
    drift = np.linalg.norm(a - b) / np.linalg.norm(a)
    assert drift < 1e-3, f"relative drift {drift:.2e}: run `make triage-model`"
    assert abs(refit.escalate_at - bundled.escalate_at) < 0.01
    assert abs(refit.caution_at - bundled.caution_at) < 0.01


@pytest.mark.parametrize("log_questions", [False, True])
def test_the_logbook_keeps_no_patient_name_or_number_from_real_answers(
    real_pipeline, real_settings, tmp_path, log_questions
):
    """With the real model, unknown names reach the reasons ("the question names …"): none
    may reach the logbook with logging off, and no number with it on (tests/test_logbook_privacy)."""
    from qa.serving.logbook import Logbook
    from tests.test_logbook_privacy import SECRETS, leaked_words

    book = Logbook.open(
        real_settings.replace(db_path=tmp_path / "q.db", log_questions=log_questions)
    )
    leaked = leaked_words(real_pipeline, book)
    assert not (leaked if not log_questions else [w for w in leaked if w.isdigit()]), leaked
    assert SECRETS


def test_the_second_corpus_ranker_is_what_make_second_corpus_ranker_learns(
    real_pipeline, real_settings, tmp_path
):
    from qa.evaluation.tune_passages import collect, fit

    medquad = REPO.parent / "shared" / "benchmarks" / "medquad" / "medquad.jsonl.gz"
    if not medquad.exists():
        pytest.skip(f"{medquad} is missing: this test needs ../shared beside the repository")
    shipped = json.loads(
        (REPO / "evals" / "second_corpus" / "passage_ranker.json").read_text(encoding="utf-8")
    )
    sources = tmp_path / "sources"
    build = subprocess.run(
        [sys.executable, str(REPO / "evals/second_corpus/build.py"), "--out", str(sources)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    second = real_settings.replace(sources_dir=sources, index_dir=tmp_path / "index")
    build_index(second, real_pipeline.embedder)
    c2 = load_pipeline(second, real_pipeline.embedder)
    names = shipped["meta"]["suites"]
    bundled = [REPO / "evals" / f"{name}.yaml" for name in names]
    own = [REPO / "evals" / "second_corpus" / f"{name}.yaml" for name in names]
    groups = collect(real_pipeline, [p for p in bundled if p.exists()])
    groups += collect(c2, [p for p in own if p.exists()])
    learned = fit(groups).weights
    weights = np.array(shipped["weights"])
    drift = np.linalg.norm(learned - weights) / np.linalg.norm(weights)
    # A stale file (answering or the suites changed since it was learned) drifts by far more.
    assert drift < 1e-3, f"relative drift {drift:.2e}: run `make second-corpus-ranker`"
