"""The one rule that decides abstention (qa/answering/evidence.py), as the pipeline, `qa
calibrate` and `qa bench-quality` all apply it."""

from __future__ import annotations

from qa.answering.evidence import Evidence, abstention
from qa.config import Settings

SETTINGS = Settings.of(abstain_min_support=0.5, abstain_coverage_weight=0.1)


def test_support_is_the_mean_of_the_two_cosines_plus_weighted_coverage():
    ev = Evidence(best_sentence_dense=0.6, best_chunk_dense=0.4, best_sentence_coverage=0.5)
    assert ev.support(0.1) == 0.5 + 0.05
    assert Evidence.from_dict(ev.as_dict(0.1)) == ev
    assert ev.as_dict(0.1)["support"] == ev.support(0.1)


def test_weak_evidence_abstains_unless_a_sentence_defines_the_asked_term():
    weak = Evidence(0.3, 0.3, 0.0)
    assert "below abstain_min_support=0.5" in abstention(weak, SETTINGS)
    assert abstention(Evidence(0.3, 0.3, 0.0, defines_asked_term=True), SETTINGS) == ""
    assert abstention(Evidence(0.5, 0.5, 0.0), SETTINGS) == ""
    # The coverage weight can lift support over the threshold.
    assert abstention(Evidence(0.45, 0.45, 1.0), SETTINGS) == ""
