"""The triage catalogue (`catalogue.yaml`): levels, entries, fixed messages, example bank.

Loaded once and validated whole; every problem names the file, the entry and the key, so a
clinic editing the file learns at start-up, not on a patient's message, what is wrong.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from qa.errors import ConfigError, unknown_keys

BUNDLED_CATALOGUE = Path(__file__).with_name("catalogue.yaml")
_PLACEHOLDERS = {"emergency_number", "crisis_line", "care_team_line", "advice"}
_ENTRY_KEYS = {"id", "level", "title", "description", "note", "advice", "examples",
               "informational"}
_TOP_KEYS = {"version", "levels", "caution", "entries", "informational"}


class Level(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    CRISIS = "crisis"


# Which level wins when two entries fit a message about equally well: the one that sends the
# person to help fastest. A crisis reply also names the emergency number, so it outranks an
# emergency; an emergency outranks an urgent entry. An urgent message is never sent to a crisis
# line on a near tie.
OUTRANKS = {Level.URGENT: Level.EMERGENCY, Level.EMERGENCY: Level.CRISIS}


@dataclass(frozen=True)
class Contacts:
    """The numbers a message names; settings, never catalogue text."""

    emergency_number: str = "911"
    crisis_line: str = "988"
    care_team_line: str = ""

    def fill(self, template: str, advice: str = "") -> str:
        line = (
            f"your cancer team's 24-hour line ({self.care_team_line})"
            if self.care_team_line
            else "your cancer team's 24-hour line"
        )
        return template.format(
            emergency_number=self.emergency_number,
            crisis_line=self.crisis_line,
            care_team_line=line,
            advice=advice,
        )


@dataclass(frozen=True)
class Entry:
    id: str
    level: Level
    title: str
    description: str
    note: str
    advice: str
    examples: tuple[str, ...] = ()
    informational: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    version: int
    levels: dict[Level, str]  # each level's fixed message
    caution: str
    entries: tuple[Entry, ...]
    digest: str
    # Messages tied to no entry that must not escalate (general questions with alarming
    # words, talk of death and grief): more of the example bank's informational side.
    informational: tuple[str, ...] = ()

    def entry(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)

    def message(self, entry: Entry, contacts: Contacts) -> str:
        return contacts.fill(self.levels[entry.level])

    def caution_line(self, entry: Entry, contacts: Contacts) -> str:
        return contacts.fill(self.caution, advice=contacts.fill(entry.advice))


def load_catalogue(path: Path = BUNDLED_CATALOGUE) -> Catalogue:
    """Parse and validate the catalogue at `path`."""
    try:
        raw_text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(raw_text)
    except OSError as err:
        raise ConfigError(f"triage catalogue {path}: cannot be read ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"triage catalogue {path}: not valid YAML ({err})") from None
    where = f"triage catalogue {path}"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping with {', '.join(sorted(_TOP_KEYS))}")
    _known_keys(where, data, _TOP_KEYS)
    levels_raw = data.get("levels")
    if not isinstance(levels_raw, dict) or set(levels_raw) != {lv.value for lv in Level}:
        raise ConfigError(f"{where}: 'levels' must define exactly {', '.join(Level)}")
    levels = {}
    for name, value in levels_raw.items():
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: levels.{name} must have a message")
        _known_keys(f"{where}: levels.{name}", value, {"message"})
        levels[Level(name)] = _text(f"{where}: levels.{name}", value, "message")
    caution = data.get("caution")
    if not isinstance(caution, str) or "{advice}" not in caution:
        raise ConfigError(f"{where}: 'caution' must be text containing {{advice}}")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise ConfigError(f"{where}: 'entries' must be a non-empty list")
    entries = tuple(_entry(where, i, e) for i, e in enumerate(raw_entries, 1))
    ids = [e.id for e in entries]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{where}: duplicate entry id(s) {', '.join(dupes)}")
    for text in [caution, *levels.values()]:
        _placeholders(where, text)
    return Catalogue(
        version=int(data.get("version", 1)),
        levels=levels,
        caution=caution,
        entries=entries,
        informational=_messages(where, data, "informational"),
        digest=hashlib.sha256(raw_text.encode("utf-8")).hexdigest()[:16],
    )


def _entry(where: str, n: int, raw: Any) -> Entry:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: entry #{n} must be a mapping")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise ConfigError(f"{where}: entry #{n} needs a non-empty 'id'")
    here = f"{where}: entry '{entry_id}'"
    _known_keys(here, raw, _ENTRY_KEYS)
    level = raw.get("level")
    if level not in {lv.value for lv in Level}:
        raise ConfigError(f"{here}: level must be one of {', '.join(Level)}, got {level!r}")
    advice = _text(here, raw, "advice")
    _placeholders(here, advice)
    return Entry(
        id=entry_id,
        level=Level(level),
        title=_text(here, raw, "title"),
        description=_text(here, raw, "description"),
        note=_text(here, raw, "note"),
        advice=advice,
        examples=_messages(here, raw, "examples"),
        informational=_messages(here, raw, "informational"),
    )


def _text(where: str, raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be non-empty text")
    return " ".join(value.split())


def _messages(where: str, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of non-empty messages")
    return tuple(" ".join(v.split()) for v in value)


def _known_keys(where: str, raw: dict[str, Any], allowed: set[str]) -> None:
    problem = unknown_keys(raw, allowed)
    if problem:
        raise ConfigError(f"{where}: {problem}")


def _placeholders(where: str, text: str) -> None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as err:
        raise ConfigError(f"{where}: bad braces in {text!r} ({err})") from None
    unknown = names - _PLACEHOLDERS
    if unknown:
        raise ConfigError(
            f"{where}: unknown placeholder(s) {', '.join(sorted(unknown))} in {text!r}; "
            f"allowed: {', '.join(sorted(_PLACEHOLDERS))}"
        )
