"""qa.config.Settings: defaults, QA_<NAME> environment overrides and validation."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from qa.config import BUNDLED_MODEL, Settings
from qa.errors import ConfigError


def test_defaults_are_valid() -> None:
    s = Settings()
    assert s.ingest.sources_dir == Path("sources")
    assert s.ingest.index_dir == Path("index")
    assert s.ingest.model == BUNDLED_MODEL
    assert s.retrieval.top_k == 6
    assert s.ingest.chunk_max_tokens == 128
    assert s.ingest.chunk_overlap_sentences == 1
    assert s.sentences.sentence_max_gap >= 0
    assert Settings.from_env(env={}) == s


def test_from_env_ignores_the_real_environment_when_given_a_mapping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QA_TOP_K", "9")
    assert Settings.from_env(env={}).retrieval.top_k == 6
    assert Settings.from_env().retrieval.top_k == 9


def test_env_overrides_are_parsed_by_type() -> None:
    s = Settings.from_env(
        env={
            "QA_TOP_K": "10",
            "QA_DENSE_WEIGHT": "0.5",
            "QA_ABSTAIN_MIN_SUPPORT": "-0.25",
            "QA_SOURCES_DIR": "/data/sources",
            "QA_INDEX_DIR": "idx",
            "QA_MODEL": "/models/local-st",
            "QA_CHUNK_MAX_TOKENS": " 64 ",
            "QA_EMBED_BATCH_SIZE": "",  # empty means unset
            "QA_UNRELATED": "whatever",
            "TOP_K": "99",
        }
    )
    assert s.retrieval.top_k == 10 and isinstance(s.retrieval.top_k, int)
    assert s.retrieval.dense_weight == 0.5 and isinstance(s.retrieval.dense_weight, float)
    assert s.abstention.abstain_min_support == -0.25
    assert s.ingest.sources_dir == Path("/data/sources")
    assert s.ingest.index_dir == Path("idx")
    assert s.ingest.model == "/models/local-st"
    assert s.ingest.chunk_max_tokens == 64
    assert s.ingest.embed_batch_size == Settings().ingest.embed_batch_size


def test_every_setting_can_be_set_from_the_environment() -> None:
    defaults = Settings()
    env = {f"QA_{f.name.upper()}": str(getattr(defaults, f.name)) for f in fields(Settings)}
    assert Settings.from_env(env=env) == defaults


def test_explicit_overrides_win_over_env_and_none_is_ignored() -> None:
    s = Settings.from_env(env={"QA_TOP_K": "10", "QA_RRF_K": "5"}, top_k=3, rrf_k=None)
    assert s.retrieval.top_k == 3
    assert s.retrieval.rrf_k == 5
    assert Settings.from_env(env={}, sources_dir="elsewhere").ingest.sources_dir == Path("elsewhere")


def test_unknown_override_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="top_kk"):
        Settings.from_env(env={}, top_kk=3)


def _env_error(name: str, value: str) -> str:
    """The ConfigError message for QA_<NAME>=value; it must name the setting both ways."""
    env_name = f"QA_{name.upper()}"
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env={env_name: value})
    message = str(info.value)
    assert name in message
    assert env_name in message
    return message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("top_k", "0"),
        ("top_k", "101"),
        ("top_k", "-3"),
        ("chunk_max_tokens", "8"),
        ("chunk_max_tokens", "100000"),
        ("chunk_overlap_sentences", "6"),
        ("embed_batch_size", "0"),
        ("sentence_max_gap", "-0.5"),
        ("dedup_cosine", "-0.1"),
        ("abstain_min_support", "3"),
        ("abstain_coverage_weight", "2"),
        ("dense_weight", "nan"),
        ("lexical_weight", "inf"),
        ("answer_max_words", "5"),
        ("max_question_chars", "9"),
    ],
)
def test_out_of_range_env_value_names_the_setting(name: str, value: str) -> None:
    assert "between" in _env_error(name, value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("top_k", "abc"),
        ("top_k", "5.5"),
        ("top_k", "1e2"),
        ("dense_k", "ten"),
        ("dense_weight", "heavy"),
        ("abstain_min_support", "0,5"),
    ],
)
def test_non_numeric_env_value_names_the_setting(name: str, value: str) -> None:
    assert repr(value) in _env_error(name, value)


def test_config_error_message_for_top_k_is_helpful() -> None:
    with pytest.raises(ConfigError, match=r"setting top_k \(QA_TOP_K\) must be between 1 and 100"):
        Settings.from_env(env={"QA_TOP_K": "0"})


def test_constructor_validates_too() -> None:
    with pytest.raises(ConfigError, match="top_k"):
        Settings.of(top_k=0)
    with pytest.raises(ConfigError, match="must be a number"):
        Settings.of(top_k="5")
    with pytest.raises(ConfigError, match="must be a number"):
        Settings.of(top_k=True)


def test_dense_and_lexical_weights_cannot_both_be_zero() -> None:
    assert Settings.of(dense_weight=0.0).retrieval.lexical_weight > 0
    assert Settings.of(lexical_weight=0.0).retrieval.dense_weight == 1.0
    with pytest.raises(ConfigError, match="dense_weight and lexical_weight"):
        Settings.from_env(env={"QA_DENSE_WEIGHT": "0", "QA_LEXICAL_WEIGHT": "0"})


def test_empty_model_is_rejected() -> None:
    with pytest.raises(ConfigError, match="QA_MODEL"):
        Settings.from_env(env={"QA_MODEL": "   "})


def test_boundaries_are_inclusive() -> None:
    s = Settings.from_env(
        env={"QA_TOP_K": "1", "QA_CHUNK_MAX_TOKENS": "512", "QA_DEDUP_COSINE": "1.0"}
    )
    assert (s.retrieval.top_k, s.ingest.chunk_max_tokens, s.sentences.dedup_cosine) == (1, 512, 1.0)


def test_replace_validates_and_fingerprint_tracks_chunking() -> None:
    s = Settings()
    t = s.replace(chunk_max_tokens=64)
    assert t.ingest.chunk_max_tokens == 64 and s.ingest.chunk_max_tokens == 128
    assert t.chunking_fingerprint() != s.chunking_fingerprint()
    assert s.replace(top_k=3).chunking_fingerprint() == s.chunking_fingerprint()
    with pytest.raises(ConfigError, match="chunk_overlap_sentences"):
        s.replace(chunk_overlap_sentences=9)


def test_int_settings_reject_fractions() -> None:
    with pytest.raises(ConfigError, match="top_k"):
        Settings.of(top_k=2.5)


def test_logging_settings_from_the_environment() -> None:
    s = Settings.from_env(
        env={
            "QA_LOG_QUESTIONS": "on",
            "QA_LOG_RETENTION_DAYS": "7",
            "QA_DB_PATH": "/tmp/x/qa.sqlite3",
        }
    )
    assert s.serving.log_questions is True
    assert s.serving.log_retention_days == 7
    assert s.serving.db_path == Path("/tmp/x/qa.sqlite3")
    assert Settings().serving.log_questions is False  # off unless the operator turns it on
    assert Settings.from_env(env={"QA_LOG_QUESTIONS": "0"}).serving.log_questions is False


def test_bad_boolean_names_the_setting() -> None:
    assert "true or false" in _env_error("log_questions", "maybe")
    assert "between" in _env_error("log_retention_days", "0")
