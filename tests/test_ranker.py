"""The passage rankers (qa/answering/ranker.py) and `qa tune-passages`'s fit
(qa/evaluation/tune_passages.py): the fit learns which feature marks the answering passage,
reproducibly; a ranker file for another model or with other features is refused, saying how to
fix it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.answering.ranker import FEATURES, HandRanker, LearnedRanker, load_ranker
from qa.errors import ConfigError
from qa.evaluation.tune_passages import (
    Group,
    cross_validate,
    first_holds,
    fit,
    load_groups,
    save_groups,
)
from qa.profile import PROFILE_NAME, load_profile


def _groups(seed: int, suites: int = 3, per_suite: int = 20) -> list[Group]:
    """Questions whose answering passage has the highest `core_coverage`, while `score` (what
    the hand-set ranker reads most) is noise."""
    rng = np.random.default_rng(seed)
    out = []
    for s in range(suites):
        for _ in range(per_suite):
            features = rng.normal(size=(6, len(FEATURES)))
            holds = np.zeros(6, dtype=bool)
            holds[int(np.argmax(features[:, FEATURES.index("core_coverage")]))] = True
            out.append(Group(f"suite{s}", features, holds))
    return out


def test_the_fit_learns_what_marks_the_answering_passage() -> None:
    train, test = _groups(1), _groups(2)
    ranker = fit(train)
    assert first_holds(ranker, test) >= 0.9 * len(test)
    assert first_holds(HandRanker(0.35), test) < 0.5 * len(test)
    assert np.argmax(ranker.weights) == FEATURES.index("core_coverage")
    # The same groups give the same weights.
    assert np.array_equal(fit(train).weights, ranker.weights)


def test_cross_validation_scores_each_suite_with_a_ranker_that_did_not_see_it() -> None:
    cv = cross_validate(_groups(3), 0.35)
    assert sorted(cv) == ["suite0", "suite1", "suite2"]
    assert all(row["groups"] == 20 and row["learned"] >= row["hand"] for row in cv.values())


def test_groups_and_rankers_round_trip(tmp_path: Path) -> None:
    groups = _groups(4, suites=2, per_suite=3)
    save_groups(groups, tmp_path / "g.npz")
    back = load_groups(tmp_path / "g.npz")
    assert [g.suite for g in back] == [g.suite for g in groups]
    assert all(np.array_equal(a.features, b.features) for a, b in zip(back, groups, strict=True))
    fit(groups, {"model": "m"}).save(tmp_path / "r.json")
    loaded = load_ranker(str(tmp_path / "r.json"), "m", 0.35)
    x = groups[0].features
    assert np.allclose(loaded.scores(x), fit(groups).scores(x))


def test_a_ranker_file_for_another_model_or_missing_is_refused(tmp_path: Path) -> None:
    fit(_groups(5, suites=2, per_suite=3), {"model": "m"}).save(tmp_path / "r.json")
    with pytest.raises(ConfigError, match=r"fitted for model m, not other.*QA_PASSAGE_RANKER=hand"):
        load_ranker(str(tmp_path / "r.json"), "other", 0.35)
    with pytest.raises(ConfigError, match="does not exist"):
        load_ranker(str(tmp_path / "none.json"), "m", 0.35)
    (tmp_path / "bad.json").write_text('{"features": ["x"]}', encoding="utf-8")
    with pytest.raises(ConfigError, match="other features"):
        load_ranker(str(tmp_path / "bad.json"), "m", 0.35)
    assert isinstance(load_ranker("hand", "m", 0.35), HandRanker)


def test_the_profile_s_ranker_is_used_unless_the_setting_names_another(tmp_path: Path) -> None:
    fit(_groups(6, suites=2, per_suite=3), {"model": "m"}).save(tmp_path / "r.json")
    assert isinstance(load_ranker("profile", "m", 0.35, tmp_path / "r.json"), LearnedRanker)
    assert isinstance(load_ranker("profile", "m", 0.35, None), HandRanker)
    assert isinstance(load_ranker("hand", "m", 0.35, tmp_path / "r.json"), HandRanker)
    with pytest.raises(ConfigError, match=r"does not exist.*beside the profile"):
        load_ranker("profile", "m", 0.35, tmp_path / "none.json")


def test_a_collection_names_its_ranker_in_its_profile(tmp_path: Path) -> None:
    (tmp_path / PROFILE_NAME).write_text(
        '[ranking]\npassage_ranker = "r.json"\n', encoding="utf-8"
    )
    assert load_profile(tmp_path).passage_ranker == "r.json"
    for bad in ('"../r.json"', '"sub/r.json"', "3"):
        (tmp_path / PROFILE_NAME).write_text(
            f"[ranking]\npassage_ranker = {bad}\n", encoding="utf-8"
        )
        with pytest.raises(ConfigError, match=r"ranking\.passage_ranker"):
            load_profile(tmp_path)
    (tmp_path / PROFILE_NAME).write_text('[ranking]\nranker = "r.json"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ranking\.ranker"):
        load_profile(tmp_path)
