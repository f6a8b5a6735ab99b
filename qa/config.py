"""One frozen Settings object, validated when built; every knob can be set as QA_<NAME>."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from qa.config_groups import (
    BUNDLED_MODEL,
    AbstentionSettings,
    IngestSettings,
    RetrievalSettings,
    SafetySettings,
    SentenceSettings,
    ServingSettings,
)
from qa.errors import ConfigError

__all__ = [
    "BUNDLED_MODEL",
    "ENCODERS",
    "ENV_PREFIX",
    "FIELD_TYPES",
    "GROUP_CLASSES",
    "GROUP_OF",
    "Settings",
]

ENV_PREFIX = "QA_"
ENCODERS = ("onnx", "torch")


@dataclass(frozen=True)
class Settings:
    """Every knob, grouped by the component that reads it; each can be set as QA_<NAME>.

    Defaults were chosen by measurement on `evals/golden.yaml` (see docs/how-it-works.md, "How the
    defaults were chosen"); `qa calibrate` re-derives the abstention thresholds.
    """

    ingest: IngestSettings = field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    sentences: SentenceSettings = field(default_factory=SentenceSettings)
    abstention: AbstentionSettings = field(default_factory=AbstentionSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    serving: ServingSettings = field(default_factory=ServingSettings)

    def __post_init__(self) -> None:
        _check_ranges(self)

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Settings from flat names (`Settings.of(top_k=8)`), each put in its group."""
        unknown = set(values) - set(GROUP_OF)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        groups: dict[str, dict[str, Any]] = {g: {} for g in GROUP_CLASSES}
        for name, value in values.items():
            groups[GROUP_OF[name]][name] = value
        return cls(**{g: GROUP_CLASSES[g](**v) for g, v in groups.items()})

    def flat(self) -> dict[str, Any]:
        """Every setting by its flat name."""
        return {
            f.name: getattr(getattr(self, g), f.name)
            for g, c in GROUP_CLASSES.items()
            for f in fields(c)
        }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then QA_<NAME> environment variables, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, kind in FIELD_TYPES.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is not None and raw != "":
                values[name] = _parse(name, kind, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        # Every path setting, from the environment or an override, is a Path.
        for name, kind in FIELD_TYPES.items():
            if str(kind) == "Path" and name in values:
                values[name] = Path(values[name])
        return cls.of(**values)

    def replace(self, **changes: Any) -> Settings:
        """These settings with some changed, by flat name (`settings.replace(top_k=8)`)."""
        return Settings.of(**{**self.flat(), **changes})

    def chunking_fingerprint(self) -> dict[str, object]:
        """Settings that change what is indexed; a mismatch means the index must be rebuilt."""
        return {
            "model": self.ingest.model,
            "chunk_max_tokens": self.ingest.chunk_max_tokens,
            "chunk_overlap_sentences": self.ingest.chunk_overlap_sentences,
        }


GROUP_CLASSES: dict[str, Any] = {
    "ingest": IngestSettings,
    "retrieval": RetrievalSettings,
    "sentences": SentenceSettings,
    "abstention": AbstentionSettings,
    "safety": SafetySettings,
    "serving": ServingSettings,
}
# Each setting's group, and its declared type (for parsing QA_<NAME>).
GROUP_OF = {f.name: g for g, c in GROUP_CLASSES.items() for f in fields(c)}
FIELD_TYPES = {f.name: f.type for c in GROUP_CLASSES.values() for f in fields(c)}


# (minimum, maximum) for each numeric setting; checked in __post_init__.
_RANGES: dict[str, tuple[float, float]] = {
    "embed_batch_size": (1, 4096),
    "chunk_max_tokens": (16, 512),
    "chunk_overlap_sentences": (0, 5),
    "dense_k": (1, 1000),
    "lexical_k": (1, 1000),
    "rrf_k": (1, 1000),
    "dense_weight": (0.0, 10.0),
    "lexical_weight": (0.0, 10.0),
    "top_k": (1, 100),
    "sentence_lexical_k": (0, 100),
    "sentence_dense_weight": (0.0, 10.0),
    "sentence_lexical_weight": (0.0, 10.0),
    "sentence_chunk_weight": (0.0, 10.0),
    "answer_type_weight": (0.0, 10.0),
    "definition_weight": (0.0, 10.0),
    "other_site_penalty": (0.0, 10.0),
    "answer_max_words": (10, 1000),
    "second_passage_min_gain": (0.0, 1.0),
    "second_passage_max_gap": (0.0, 10.0),
    "patient_preference": (0.0, 1.0),
    "sentence_generic_weight": (0.0, 10.0),
    "sentence_context_weight": (0.0, 1.0),
    "query_adapter_weight": (0.0, 1.0),
    "sentence_max_gap": (0.0, 10.0),
    "continuation_gap": (0.0, 10.0),
    "dedup_cosine": (0.0, 1.0),
    "abstain_min_support": (-1.0, 2.0),
    "abstain_coverage_weight": (0.0, 1.0),
    "unknown_name_min_coverage": (0.0, 1.0),
    "max_question_chars": (10, 1_000_000),
    "log_retention_days": (1, 3650),
    "serve_concurrency": (1, 64),
    "serve_queue_size": (1, 100_000),
    "chat_rate_per_minute": (0, 100_000),
    "chat_rate_burst": (1, 100_000),
    "max_request_bytes": (1024, 1_073_741_824),
    "login_attempts": (1, 10_000),
    "theme_max_distance": (0.01, 2.0),
    "max_upload_bytes": (1024, 20_000_000),
    "stale_after_years": (1, 100),
    "ann_threshold": (0, 1_000_000_000),
    "hnsw_m": (4, 128),
    "hnsw_ef_construction": (8, 4096),
    "hnsw_ef_search": (8, 4096),
}


_DEFAULTS = {f.name: f.default for c in GROUP_CLASSES.values() for f in fields(c)}


def _check_ranges(settings: Settings) -> None:
    s = SimpleNamespace(**settings.flat())
    for name, (lo, hi) in _RANGES.items():
        value = getattr(s, name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"setting {name} (QA_{name.upper()}) must be a number, got {value!r}")
        if isinstance(_DEFAULTS[name], int) and not float(value).is_integer():
            raise ConfigError(
                f"setting {name} (QA_{name.upper()}) must be a whole number, got {value!r}"
            )
        if not lo <= value <= hi:
            raise ConfigError(
                f"setting {name} (QA_{name.upper()}) must be between {lo} and {hi}, got {value!r}"
            )
    if s.dense_weight == 0 and s.lexical_weight == 0:
        raise ConfigError("settings dense_weight and lexical_weight cannot both be 0")
    if not isinstance(s.log_questions, bool):
        raise ConfigError(
            "setting log_questions (QA_LOG_QUESTIONS) must be true or false, "
            f"got {s.log_questions!r}"
        )
    if s.encoder not in ENCODERS:
        raise ConfigError(
            f"setting encoder (QA_ENCODER) must be one of {', '.join(ENCODERS)}, got {s.encoder!r}"
        )
    for name in (
        "model",
        "emergency_number",
        "crisis_line",
        "query_adapter",
        "passage_ranker",
        "triage_catalogue",
        "triage_model",
    ):
        if not str(getattr(s, name)).strip():
            raise ConfigError(f"setting {name} (QA_{name.upper()}) must not be empty")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse(name: str, type_name: object, raw: str) -> object:
    kind = str(type_name)
    if kind == "bool":
        if raw.strip().lower() not in _TRUE | _FALSE:
            raise ConfigError(
                f"setting {name} (QA_{name.upper()}) must be true or false (1/0, yes/no, on/off), "
                f"got {raw!r}"
            )
        return raw.strip().lower() in _TRUE
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(
            f"setting {name} (QA_{name.upper()}) must be a {kind}, got {raw!r}"
        ) from None
    return raw
