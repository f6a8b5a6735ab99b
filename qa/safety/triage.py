"""Triage: one decision per message, from the rules, the framing and the semantic match.

1. Every clause, and the whole message, gets a learned score: a logistic model over its
   semantic match (how close to an entry's examples, how close to the informational bank,
   how many of its neighbours escalate), whether an auditable rule (qa/safety/rules.py) fires
   on it, and its framing (asked about, hypothetical, over, denied, reassured, happening now).
   The highest-scoring piece decides, so a question about treatment that also describes an
   emergency is escalated. A rule is evidence, not a verdict: on messages written by people
   who never saw the rules, they fired on a quarter of the informational near-misses ("what
   are the signs of a stroke?", "I fainted once two years ago").
2. A rule that fires on a message not framed as a question about something, a hypothetical,
   the past or a reassurance escalates when the score reaches at least `caution_at`; a crisis
   rule escalates on such a message whatever the score. A missed crisis is the costliest
   error, and on the development suites no such message was informational.
3. Without a learned score (another encoder, or QA_TRIAGE_MODEL=off) any rule that fires
   escalates on its own, as the rules always did.
4. At or above `escalate_at` (or its level's own threshold, `level_escalate_at`: crisis
   entries have a lower one) the message escalates to the matched entry's level; at or above
   `caution_at` it is answered under a caution line. When a more pressing entry fits almost as
   well as the best one (`severity_margin`), it wins: an emergency over an urgent entry, a
   crisis over an emergency (the crisis reply names the emergency number too).
The weights and thresholds are data (`triage_model.json`), refitted by `qa tune-triage`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.encoder.base import Embedder
from qa.errors import ConfigError
from qa.safety.catalogue import OUTRANKS, Catalogue, Contacts, Entry, Level
from qa.safety.context import CLASSES as CUE_CLASSES
from qa.safety.context import Framing, clauses, framing
from qa.safety.rules import RuleHit
from qa.safety.rules import match as match_rule
from qa.safety.semantic import BankMatch, ExampleBank, encoder_form

BUNDLED_MODEL_FILE = Path(__file__).with_name("triage_model.json")
LEVEL_SIMILARITY = tuple(f"{level.value}_similarity" for level in Level)
FEATURES = (
    "similarity", "informational", "margin", "vote", *LEVEL_SIMILARITY, "rule", "question",
    *CUE_CLASSES, "whole",
)
CAUTION = "caution"
# Framing that says a message is not reporting something happening now (context.yaml).
NOT_NOW = frozenset({"asks_about", "hypothetical", "historical", "reassured"})


@dataclass(frozen=True)
class TriageModel:
    """Learned weights over FEATURES and over the piece's own vector (the directions that tell
    a report from a question on the same subject), and the two thresholds on the score."""

    model: str
    weights: dict[str, float]
    bias: float
    escalate_at: float
    caution_at: float
    severity_margin: float
    vector_weights: tuple[float, ...] = ()
    # Levels with their own escalation threshold (a missed crisis costs most).
    level_escalate_at: dict[str, float] = field(default_factory=dict)
    fitted: dict[str, object] = field(default_factory=dict)

    def escalates_at(self, level: Level) -> float:
        return self.level_escalate_at.get(level.value, self.escalate_at)

    def score(self, feats: Mapping[str, float], vector: np.ndarray | None = None) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())
        if self.vector_weights and vector is not None:
            z += float(np.dot(np.asarray(self.vector_weights), vector))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "model": self.model,
            "features": list(FEATURES),
            "weights": {k: round(self.weights.get(k, 0.0), 6) for k in FEATURES},
            "vector_weights": [round(v, 6) for v in self.vector_weights],
            "bias": round(self.bias, 6),
            "escalate_at": round(self.escalate_at, 6),
            "level_escalate_at": {k: round(v, 6) for k, v in self.level_escalate_at.items()},
            "caution_at": round(self.caution_at, 6),
            "severity_margin": round(self.severity_margin, 6),
            "fitted": self.fitted,
        }

    @classmethod
    def load(cls, path: Path) -> TriageModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weights = {k: float(data["weights"][k]) for k in FEATURES}
            model = cls(
                model=str(data["model"]),
                weights=weights,
                bias=float(data["bias"]),
                escalate_at=float(data["escalate_at"]),
                caution_at=float(data["caution_at"]),
                severity_margin=float(data["severity_margin"]),
                vector_weights=tuple(float(v) for v in data.get("vector_weights", [])),
                level_escalate_at={
                    str(Level(k)): float(v) for k, v in data.get("level_escalate_at", {}).items()
                },
                fitted=dict(data.get("fitted", {})),
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ConfigError(
                f"triage model {path} cannot be used ({err}); refit it with `qa tune-triage` "
                "or set QA_TRIAGE_MODEL=off to run the rules alone"
            ) from None
        thresholds = [model.escalate_at, *model.level_escalate_at.values()]
        if not all(0.0 <= model.caution_at <= t <= 1.0 for t in thresholds):
            raise ConfigError(
                f"triage model {path}: needs 0 <= caution_at <= every escalation threshold <= 1;"
                " refit it with `qa tune-triage`"
            )
        return model


@dataclass(frozen=True)
class Triage:
    """What triage decided about one message, with what staff need to audit it."""

    level: str | None  # "emergency" | "urgent" | "crisis" | "caution" | None
    entry: Entry | None = None
    rule: str = ""
    clause: str = ""
    example: str = ""
    similarity: float = 0.0
    score: float = 0.0

    @property
    def escalates(self) -> bool:
        return self.level in {lv.value for lv in Level}

    def describe(self) -> str:
        """One line for staff: level, entry, and the rule or nearest example that decided."""
        if self.level is None or self.entry is None:
            return ""
        why = [f"rule {self.rule}"] if self.rule else []
        if self.example:
            # Curly quotes: the bank's words, not the patient's (the logbook keeps them).
            why.append(f"nearest example “{self.example}” (similarity {self.similarity:.2f})")
        why.append(f"score {self.score:.2f}")
        return f"{self.level}: {self.entry.id} ({self.entry.title}); {'; '.join(why)}"


@dataclass(frozen=True)
class Piece:
    """One clause (or the whole message) with its framing and semantic match."""

    text: str
    whole: bool
    framing: Framing
    match: BankMatch
    rule: RuleHit | None
    vector: np.ndarray


def features(piece: Piece, message_framing: Framing) -> dict[str, float]:
    m = piece.match
    feats = {
        "similarity": m.similarity,
        "informational": m.informational,
        "margin": m.margin,
        "vote": m.vote,
        "rule": float(piece.rule is not None),
        # Each level's nearest entry, not only the best one: crisis messages are worded more
        # variously than the bank's, so they sit further from it than emergencies do.
        **{f"{lv.value}_similarity": m.by_level.get(lv, ("", -1.0))[1] for lv in Level},
        "question": float(piece.framing.question),
        "whole": float(piece.whole),
    }
    for cue in CUE_CLASSES:
        own = piece.framing.has(cue)
        # "Not an emergency, just planning ahead: …" frames every clause after it.
        inherited = cue == "reassured" and message_framing.has(cue)
        feats[cue] = float(own or inherited)
    return feats


@dataclass(frozen=True)
class Triager:
    catalogue: Catalogue
    contacts: Contacts
    embedder: Embedder | None = None
    bank: ExampleBank | None = None
    model: TriageModel | None = None

    def texts(self, message: str) -> list[str]:
        """What the semantic layer encodes: the whole message and, when it has more than one,
        each clause, in encoder form; nothing when there is no semantic layer."""
        if self.bank is None or self.model is None:
            return []
        return [encoder_form(t) for t in _pieces_text(message)]

    def pieces(self, message: str, vectors: np.ndarray | None = None) -> list[Piece]:
        """The whole message and each of its clauses, matched against the bank; `vectors` are
        the embedder's vectors of `texts(message)` when the caller encoded them already."""
        if self.bank is None or self.embedder is None:
            return []
        texts = _pieces_text(message)
        if vectors is None or len(vectors) != len(texts):
            vectors = self.embedder.encode([encoder_form(t) for t in texts])
        return [
            Piece(t, i == 0, framing(t), m, match_rule(t), v)
            for i, (t, m, v) in enumerate(
                zip(texts, self.bank.match(vectors), vectors, strict=True)
            )
        ]

    def assess(self, message: str, vectors: np.ndarray | None = None) -> Triage:
        """The triage of `message`; `vectors` as for `pieces`."""
        hit = match_rule(message)
        message_framing = framing(message)
        rule_now = hit is not None and not message_framing.cues & NOT_NOW
        if hit is not None:
            entry = self.catalogue.entry(hit.entry)
            if self.model is None or (rule_now and entry.level is Level.CRISIS):
                return Triage(entry.level.value, entry, rule=hit.describe, score=1.0)
        if self.model is None:
            return Triage(None)
        triage = self.decide(self.pieces(message, vectors), message_framing)
        if hit is not None and rule_now and triage.level == CAUTION:
            entry = self.catalogue.entry(hit.entry)
            return dataclasses.replace(
                triage, level=entry.level.value, entry=entry, rule=hit.describe, example="",
                similarity=0.0,
            )
        return triage

    def decide(self, pieces: Sequence[Piece], message_framing: Framing) -> Triage:
        """The learned decision over already-matched pieces (what `qa tune-triage` replays)."""
        assert self.model is not None
        if not pieces:
            return Triage(None)
        scored = [(self.model.score(features(p, message_framing), p.vector), p) for p in pieces]
        score, best = max(scored, key=lambda sp: sp[0])
        entry = (
            self.catalogue.entry(best.rule.entry) if best.rule is not None
            else self._entry(best.match)
        )
        if score >= self.model.escalates_at(entry.level):
            level: str | None = entry.level.value
        elif score >= self.model.caution_at:
            level = CAUTION
        else:
            return Triage(None, score=score)
        # The nearest example is shown only when it belongs to the chosen entry; its similarity
        # is that example's own, as staff review labels it.
        shown = entry.id == best.match.entry
        return Triage(
            level,
            entry,
            rule=best.rule.describe if best.rule is not None else "",
            clause=best.text,
            example=best.match.example if shown else "",
            similarity=best.match.example_similarity if shown else 0.0,
            score=score,
        )

    def _entry(self, m: BankMatch) -> Entry:
        """The best entry, or the one level more pressing if it fits within severity_margin
        (one step only: an urgent message never reaches the crisis line on a near tie)."""
        assert self.model is not None
        best = self.catalogue.entry(m.entry)
        above = OUTRANKS.get(best.level)
        entry_id, sim = m.by_level.get(above, ("", -1.0)) if above else ("", -1.0)
        if entry_id and sim >= m.similarity - self.model.severity_margin:
            return self.catalogue.entry(entry_id)
        return best


def _pieces_text(message: str) -> list[str]:
    parts = clauses(message)
    return [message] + (list(parts) if len(parts) > 1 else [])


def feature_matrix(rows: Sequence[Mapping[str, float]]) -> np.ndarray:
    return np.array([[r[k] for k in FEATURES] for r in rows], dtype=np.float64)
