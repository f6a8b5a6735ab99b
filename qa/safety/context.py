"""A message's clauses, and how each frames what it mentions (asked about, hypothetical, over,
denied, happening now), read from the cue lexicon in `context.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from qa.errors import ConfigError

CONTEXT_FILE = Path(__file__).with_name("context.yaml")
CLASSES = ("asks_about", "hypothetical", "historical", "negated", "reassured", "present",
           "reporting")
_QUESTION_START = re.compile(
    r"^\s*(what|whats|which|how|why|when|where|who|is|are|can|could|does|do|did|will|would|"
    r"should|may|might|shall)\b",
    re.IGNORECASE,
)
# Sentence ends, and the joints where a message turns from one matter to another ("… but now
# …"). A clause is at least a few words; shorter pieces stay with their neighbour.
_SENTENCE = re.compile(r"(?<=[.!?;\n])\s+|\s+(?=\b(?:but|however|although|anyway|also)\b)",
                       re.IGNORECASE)
_MIN_CLAUSE_WORDS = 3
MAX_CLAUSES = 8


@dataclass(frozen=True)
class Framing:
    """Which cue classes a piece of text contains, and whether it is put as a question."""

    question: bool
    cues: frozenset[str]

    def has(self, name: str) -> bool:
        return name in self.cues


def clauses(message: str) -> tuple[str, ...]:
    """The message's sentences and turns, each of a few words at least; at most MAX_CLAUSES
    (a long message's later clauses join its last one, so nothing is dropped)."""
    pieces = [p.strip() for p in _SENTENCE.split(message) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        short = len(piece.split()) < _MIN_CLAUSE_WORDS
        if merged and (short or len(merged[-1].split()) < _MIN_CLAUSE_WORDS):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    if len(merged) > MAX_CLAUSES:
        merged = [*merged[: MAX_CLAUSES - 1], " ".join(merged[MAX_CLAUSES - 1 :])]
    return tuple(merged) or (message.strip(),)


def framing(text: str) -> Framing:
    lowered = text.lower().replace("’", "'")
    found = frozenset(name for name, pattern in _patterns().items() if pattern.search(lowered))
    return Framing(question=text.rstrip().endswith("?") or bool(_QUESTION_START.match(text)),
                   cues=found)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {name: _compile(phrases) for name, phrases in load_lexicon(CONTEXT_FILE).items()}


def load_lexicon(path: Path) -> dict[str, tuple[str, ...]]:
    """The cue phrases of every class; refuses a file missing a class or holding another."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"context lexicon {path}: cannot be read ({err})") from None
    if not isinstance(data, dict) or set(data) != set(CLASSES):
        raise ConfigError(f"context lexicon {path}: needs exactly the classes {', '.join(CLASSES)}")
    out = {}
    for name in CLASSES:
        phrases = data[name]
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise ConfigError(f"context lexicon {path}: '{name}' must be a list of phrases")
        out[name] = tuple(p.lower() for p in phrases)
    return out


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # An apostrophe may be typed or not ("don't", "dont"); longest phrases first.
    alternatives = [
        r"\s+".join(re.escape(w).replace("'", "'?") for w in p.split())
        for p in sorted(phrases, key=len, reverse=True)
    ]
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w'])")
