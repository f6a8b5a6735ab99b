"""The evidence an answer rests on, and the one rule that decides abstention from it.

support = (best sentence cosine + best passage cosine) / 2
          + coverage_weight * the best sentence's idf-weighted share of the question's terms.
The cosines carry meaning; the lexical part rescues rare exact terms the model does not know
("HIPEC"). A question is abstained on when its support is below `abstain_min_support`, unless a
quoted sentence defines the term it asks the meaning of. `qa calibrate` derives both numbers
(docs/how-it-works.md, "Abstention"); it and `qa bench-quality` call this rule, never a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qa.config import Settings


@dataclass(frozen=True)
class Evidence:
    best_sentence_dense: float
    best_chunk_dense: float
    best_sentence_coverage: float
    defines_asked_term: bool = False

    @property
    def dense(self) -> float:
        """The meaning part of the support: the mean of the two best cosines."""
        return (self.best_sentence_dense + self.best_chunk_dense) / 2

    def support(self, coverage_weight: float) -> float:
        return self.dense + coverage_weight * self.best_sentence_coverage

    def as_dict(self, coverage_weight: float) -> dict[str, float]:
        """What an Answer carries (`qa ask --json`, the logbook, staff review)."""
        return {
            "best_sentence_dense": self.best_sentence_dense,
            "best_chunk_dense": self.best_chunk_dense,
            "best_sentence_coverage": self.best_sentence_coverage,
            "support": self.support(coverage_weight),
            "defines_asked_term": float(self.defines_asked_term),
        }

    @classmethod
    def from_dict(cls, ev: Mapping[str, float]) -> Evidence:
        return cls(
            ev.get("best_sentence_dense", 0.0),
            ev.get("best_chunk_dense", 0.0),
            ev.get("best_sentence_coverage", 0.0),
            bool(ev.get("defines_asked_term", 0.0)),
        )


def abstention(ev: Evidence, settings: Settings) -> str:
    """The reason to abstain, or "" to answer."""
    support = ev.support(settings.abstention.abstain_coverage_weight)
    if ev.defines_asked_term or support >= settings.abstention.abstain_min_support:
        return ""
    return (
        f"evidence support {support:.3f} is below "
        f"abstain_min_support={settings.abstention.abstain_min_support}"
    )
