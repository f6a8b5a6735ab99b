"""One small exception family; the CLI and UI convert these into exit codes and friendly text."""

from __future__ import annotations


class QAError(Exception):
    """Base class: every message says what went wrong and how to fix it."""

    exit_code = 1


class ConfigError(QAError):
    """A setting has a bad value; the message names the setting and the allowed values."""

    exit_code = 2


class SuiteError(QAError):
    """A golden-suite file is malformed; the message names the file and the case."""

    exit_code = 2


class SourceError(QAError):
    """A source file could not be read or is of an unsupported type."""


class IndexProblem(QAError):
    """The index is missing, stale, built with other settings, or corrupt."""

    exit_code = 3


class IndexMissing(IndexProblem):
    pass


class IndexMismatch(IndexProblem):
    pass


class IndexCorrupt(IndexProblem):
    pass


class ModelUnavailable(QAError):
    """The embedding model or the tokenizer's data file is not installed."""

    exit_code = 4


def unknown_keys(data: dict[str, object], allowed: set[str]) -> str:
    """"unknown key(s) a, b; allowed: …" for a mapping with keys outside `allowed`, else ""."""
    unknown = set(data) - allowed
    if not unknown:
        return ""
    return (
        f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
        f"allowed: {', '.join(sorted(allowed))}"
    )
