"""Triage: the example bank, the learned score, the decision and its fitting (fake embedder)."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import ConfigError
from qa.evaluation.tune_triage import (
    Labelled,
    _logistic,
    _threshold,
    fit,
    labelled,
    save_model,
)
from qa.safety.catalogue import Contacts, Level, load_catalogue
from qa.safety.context import framing
from qa.safety.load import make_triager
from qa.safety.semantic import ExampleBank
from qa.safety.triage import CAUTION, FEATURES, TriageModel, Triager, features
from tests.fakes import FakeEmbedder

REPO = Path(__file__).resolve().parent.parent


def model(**changes) -> TriageModel:
    """A hand-set score: the margin over the informational bank decides."""
    base = TriageModel(
        model="fake-embedder",
        weights={"margin": 40.0},
        bias=0.0,
        escalate_at=0.9,
        caution_at=0.5,
        severity_margin=0.0,
    )
    return replace(base, **changes)


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> ExampleBank:
    return ExampleBank.build(
        load_catalogue(), FakeEmbedder(), tmp_path_factory.mktemp("bank") / "cache"
    )


@pytest.fixture
def triager(bank) -> Triager:
    return Triager(load_catalogue(), Contacts(), FakeEmbedder(), bank, model())


def test_a_bank_example_matches_its_own_entry(bank):
    catalogue = load_catalogue()
    entry = catalogue.entry("stoma-problem")
    vectors = FakeEmbedder().encode([entry.examples[0]])
    match = bank.match(vectors)[0]
    assert match.entry == "stoma-problem"
    assert match.example == entry.examples[0]
    assert match.example_similarity == pytest.approx(1.0, abs=1e-5)


def test_leave_one_out_never_matches_an_example_to_itself(bank):
    matches = bank.leave_one_out()
    assert len(matches) == len(bank.texts)
    assert all(m.example_similarity < 1.0 - 1e-6 or m.example != t
               for m, t in zip(matches, bank.texts, strict=True))


def test_the_bank_cache_is_reused_and_a_damaged_one_rebuilt(tmp_path):
    embedder = FakeEmbedder()
    catalogue = load_catalogue()
    ExampleBank.build(catalogue, embedder, tmp_path)
    first = len(embedder.encoded)
    [cached] = list(tmp_path.glob("bank-*.npy"))
    ExampleBank.build(catalogue, embedder, tmp_path)
    assert len(embedder.encoded) == first  # read back, not encoded again
    cached.write_bytes(b"not an array")
    again = ExampleBank.build(catalogue, embedder, tmp_path)
    assert len(embedder.encoded) == 2 * first
    assert again.vectors.shape == (len(again.texts), embedder.dim)


def test_an_example_of_an_entry_escalates_at_its_level(triager):
    catalogue = load_catalogue()
    leg = catalogue.entry("leg-clot").examples[3]
    result = triager.assess(leg)
    assert result.escalates and result.level == "urgent" and result.entry.id == "leg-clot"
    assert "nearest example" in result.describe() and "score" in result.describe()
    # An example of the bank is its own nearest example, at similarity 1.
    assert result.example == leg and result.similarity == pytest.approx(1.0, abs=1e-5)


def test_an_informational_example_does_not_escalate(triager):
    catalogue = load_catalogue()
    result = triager.assess(catalogue.entry("leg-clot").informational[0])
    assert not result.escalates


def test_between_the_thresholds_the_answer_gets_a_caution(bank):
    from qa.safety.rules import match as match_rule

    message = next(m for m in load_catalogue().entry("jaundice").examples if not match_rule(m))
    pieces = Triager(load_catalogue(), Contacts(), FakeEmbedder(), bank, model()).pieces(message)
    score = max(model().score(features(p, framing(message))) for p in pieces)
    cautious = Triager(
        load_catalogue(), Contacts(), FakeEmbedder(), bank,
        model(escalate_at=min(1.0, score + 0.01), caution_at=max(0.0, score - 0.01)),
    )
    result = cautious.assess(message)
    assert result.level == CAUTION and result.entry is not None


def test_a_clause_that_describes_an_emergency_escalates_a_long_message(triager):
    catalogue = load_catalogue()
    emergency = catalogue.entry("anaphylaxis").examples[0]
    message = f"What time does the pharmacy open on Sundays? {emergency} Thanks for any advice."
    result = triager.assess(message)
    assert result.escalates and result.clause != message


def test_a_crisis_rule_escalates_unless_the_message_is_about_the_past_or_a_question(triager):
    assert triager.assess("I want to kill myself").level == "crisis"
    assert triager.assess("I want to kill myself").rule.startswith("crisis")
    past = triager.assess("years ago I used to want to kill myself, I'm fine now")
    assert past.level != "crisis" or not past.rule


def test_without_a_learned_score_any_rule_escalates_alone():
    rules_only = Triager(load_catalogue(), Contacts())
    assert rules_only.assess("I have crushing chest pain").level == "emergency"
    assert rules_only.assess("fever of 38.6 since my treatment").level == "urgent"
    assert rules_only.assess("what is a normal temperature?").level is None
    assert rules_only.texts("I have chest pain") == []


def test_a_more_pressing_entry_wins_a_near_tie_one_level_up_only(bank):
    from qa.safety.semantic import BankMatch

    catalogue = load_catalogue()

    def tie(best: str, sims: dict[Level, tuple[str, float]]) -> BankMatch:
        return BankMatch(best, 0.80, "", 0.8, 0.3, 1.0, sims)

    urgent_best = tie("severe-vomiting", {
        Level.URGENT: ("severe-vomiting", 0.80),
        Level.EMERGENCY: ("major-bleeding", 0.78),
        Level.CRISIS: ("suicide-plan", 0.79),
    })
    wide = Triager(catalogue, Contacts(), FakeEmbedder(), bank, model(severity_margin=0.05))
    narrow = Triager(catalogue, Contacts(), FakeEmbedder(), bank, model(severity_margin=0.01))
    assert wide._entry(urgent_best).id == "major-bleeding"  # never on to the crisis line
    assert narrow._entry(urgent_best).id == "severe-vomiting"
    emergency_best = tie("overdose", {
        Level.URGENT: ("severe-vomiting", 0.70),
        Level.EMERGENCY: ("overdose", 0.80),
        Level.CRISIS: ("suicide-plan", 0.77),
    })
    assert wide._entry(emergency_best).id == "suicide-plan"
    assert narrow._entry(emergency_best).id == "overdose"


# ---------------------------------------------------------------- the score file


def test_the_score_file_round_trips(tmp_path):
    path = tmp_path / "m.json"
    save_model(model(vector_weights=(0.5, -0.25)), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    again = TriageModel.load(path)
    assert again.weights["margin"] == 40.0 and again.vector_weights == (0.5, -0.25)
    assert set(json.loads(path.read_text())["weights"]) == set(FEATURES)


@pytest.mark.parametrize(
    "text",
    ["not json", '{"model": "m"}', json.dumps({**model().to_json(), "escalate_at": 0.1})],
)
def test_a_bad_score_file_is_refused_with_the_fix(tmp_path, text):
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        TriageModel.load(path)
    assert "qa tune-triage" in str(info.value)


def test_the_bundled_score_applies_only_to_the_bundled_encoder(tmp_path):
    settings = Settings.of(triage_cache_dir=tmp_path)
    # The fake embedder is another model: rules only, no bank built.
    assert make_triager(settings, FakeEmbedder()).model is None
    # A score file named explicitly must be for this model.
    path = tmp_path / "other.json"
    save_model(replace(model(), model="another-model"), path)
    with pytest.raises(ConfigError, match="QA_TRIAGE_MODEL"):
        make_triager(settings.replace(triage_model=str(path)), FakeEmbedder())
    save_model(model(), path)
    fitted = make_triager(settings.replace(triage_model=str(path)), FakeEmbedder())
    assert fitted.model is not None and fitted.bank is not None
    assert make_triager(settings.replace(triage_model="off"), FakeEmbedder()).model is None


def test_the_bundled_score_file_is_valid_and_fitted_without_the_untouched_suites():
    bundled = TriageModel.load(REPO / "qa" / "safety" / "triage_model.json")
    assert bundled.model == "all-MiniLM-L6-v2"
    assert len(bundled.vector_weights) == 384
    assert 0 < bundled.caution_at <= bundled.escalate_at < 1
    suites = bundled.fitted["suites"]
    assert isinstance(suites, list) and not [s for s in suites if "untouched" in s]


# ---------------------------------------------------------------- fitting


def test_logistic_regression_separates_separable_data():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(-2, 1, (50, 2)), rng.normal(2, 1, (50, 2))])
    y = np.concatenate([np.zeros(50), np.ones(50)])
    w, b = _logistic(x, y)
    accuracy = np.mean(((x @ w + b) > 0) == (y == 1))
    assert accuracy > 0.95 and w[0] > 0 and w[1] > 0


def test_threshold_keeps_within_the_budget():
    scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    t = _threshold(scores, 0.2)
    assert sum(s >= t for s in scores) == 2
    assert sum(s >= _threshold(scores, 0.0) for s in scores) == 0
    assert _threshold(scores, 1.0) == 0.0


def test_fit_learns_thresholds_in_order_from_labelled_suites(bank, tmp_path):
    catalogue = load_catalogue()
    suite = tmp_path / "triage.yaml"
    cases = []
    for i, entry in enumerate(catalogue.entries):
        cases.append((f"e{i}", entry.examples[-1], entry.level.value))
        cases.append((f"n{i}", entry.informational[-1], "none"))
    lines = ["suite: t", "questions:"]
    for case_id, message, level in cases:
        lines += [f"  - id: {case_id}", f"    question: {json.dumps(message)}",
                  "    expect:", f"      escalate: {level}"]
    suite.write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(suite.read_text().replace("suite: t", "suite: u"), encoding="utf-8")
    triager = Triager(catalogue, Contacts(), FakeEmbedder(), bank, None)
    data: list[Labelled] = labelled(triager, [suite, other], None)
    assert len(data) == 2 * len(cases)
    fitted = fit(triager, data, ["t", "u"])
    assert 0 <= fitted.caution_at <= fitted.escalate_at <= 1
    assert fitted.model == "fake-embedder" and len(fitted.vector_weights) == FakeEmbedder().dim
    out_of_fold = fitted.fitted["out_of_fold"]
    assert isinstance(out_of_fold, dict) and out_of_fold["near_misses_stopped"] <= 0.1
    assert fitted.caution_at <= fitted.escalates_at(Level.CRISIS) <= fitted.escalate_at


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    bank = ExampleBank.build(load_catalogue(), FakeEmbedder(), blocker / "cache")
    assert bank.vectors.shape[0] == len(bank.texts)
    assert not list(tmp_path.glob("**/*.tmp"))
