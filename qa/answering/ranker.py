"""Which passage answers best: the score that ranks each candidate passage's core (its best
sentence with what that leans on, qa/answering/assemble.py) from features of it.

Two rankers share one interface: `HandRanker`, the sentence score with the question's terms
counted over the whole core (what the weights in qa/config_groups.py give; the default), and
`LearnedRanker`, a linear score over the same features fitted by `qa tune-passages`
(qa/evaluation/tune_passages.py) from a collection's own suites so that the core holding an
expected phrase ranks first, stored as a JSON file that the collection's profile names
([ranking] passage_ranker) or the `passage_ranker` setting does. Fitted on the development
suites of both corpora and scored leaving one author's suite out, it ranked a phrase-holding
core first as often as the hand-set score (322 and 321 of 375 questions); learned from the
bundled documents' suites, `qa tune-passages --gate` refused it (it lost a case on three
untouched suites), so a collection whose profile names no file gets the hand-set score
(docs/quality.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.errors import ConfigError

# What the rankers read of a core, in column order.
FEATURES = (
    "score",  # its anchor sentence's score (qa/answering/candidates.py)
    "dense",  # the anchor's cosine to the question
    "own_lexical",  # the question's IDF-weighted terms in the anchor alone
    "core_coverage",  # … in the whole core
    "core_gain",  # core_coverage - own_lexical, at least 0
    "chunk",  # cosine of the anchor's retrieved passage to the question
    "generic",  # the anchor's genericness (qa/ingest/genericness.py)
    "hit_reciprocal_rank",  # 1 / rank of that passage in retrieval
    "log_words",  # log(1 + words of the core)
    "context",  # sentences the core holds besides its anchor
    "item",  # the anchor is a list item
)
HAND = "hand"
PROFILE = "profile"


class Ranker(Protocol):
    def scores(self, features: np.ndarray) -> np.ndarray:
        """One score per row of `features` (n, len(FEATURES)); higher ranks first."""
        ...


@dataclass(frozen=True)
class HandRanker:
    lexical_weight: float

    def scores(self, features: np.ndarray) -> np.ndarray:
        column = FEATURES.index
        return features[:, column("score")] + self.lexical_weight * features[:, column("core_gain")]


@dataclass(frozen=True)
class LearnedRanker:
    mean: np.ndarray
    std: np.ndarray
    weights: np.ndarray
    meta: dict[str, Any]

    def scores(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(((features - self.mean) / self.std) @ self.weights)

    def save(self, path: Path) -> None:
        data = {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
            "weights": self.weights.tolist(),
            "meta": self.meta,
        }
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)


def load_ranker(
    setting: str, model: str, lexical_weight: float, profile_file: Path | None = None
) -> Ranker:
    """The ranker the `passage_ranker` setting names: "profile" (`profile_file`, the file the
    collection's profile names, or the hand-set score when it names none), "hand" (the
    hand-set score) or a file from `qa tune-passages`, which must have been fitted for
    `model`."""
    if setting == PROFILE:
        setting = HAND if profile_file is None else str(profile_file)
    if setting == HAND:
        return HandRanker(lexical_weight)
    path = Path(setting)
    fix = (
        "Set QA_PASSAGE_RANKER=hand, or fit one with `qa tune-passages` (a profile's "
        "[ranking] passage_ranker names a file beside the profile)"
    )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"passage ranker file {path} does not exist. {fix}") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"passage ranker file {path} cannot be read ({exc}). {fix}") from None
    if not isinstance(data, dict) or data.get("features") != list(FEATURES):
        raise ConfigError(f"passage ranker file {path} has other features than {FEATURES}. {fix}")
    fitted_for = data.get("meta", {}).get("model")
    if fitted_for != model:
        raise ConfigError(
            f"passage ranker file {path} was fitted for model {fitted_for}, not {model}. {fix}"
        )
    return LearnedRanker(
        np.asarray(data["mean"], dtype=np.float64),
        np.asarray(data["std"], dtype=np.float64),
        np.asarray(data["weights"], dtype=np.float64),
        dict(data["meta"]),
    )
