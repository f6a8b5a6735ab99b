"""Topics a question may be about, and whether a text speaks of one.

Patients ask about food, exercise, sex, fertility, driving, travel, hair loss or their feelings
as often as about treatment, and documents about treatment seldom cover them; they ask about
survival in situations the documents give no figure for, and about treatments by a name the
documents never use. The model relates "what should I eat during
chemo?" closely to sentences about chemotherapy, and those sentences score above the
abstention threshold though they say nothing about food. A question about one of
these topics is answered only by a sentence that speaks of it (`missing_topic`): the check
reads the chosen sentences, not a list of what the documents cover, so a document about
nutrition, once added, answers the food questions.

The words are matched as whole words, in any case. A sentence speaks of a topic with the
question's words or with the few more a reply may use ("live" and "cure" for survival). The
topics are data: the general ones in `topics.toml`, a collection's own in its profile.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GENERAL_TOPICS = Path(__file__).with_name("topics.toml")
# (name, the words a question asks about it with, further words a reply may speak of it with)
TopicEntry = tuple[str, str, str]


@dataclass(frozen=True)
class Topic:
    asked: re.Pattern[str]  # a question asks about the topic
    spoken: re.Pattern[str]  # a sentence speaks of it


class Topics:
    """The topics of the general list and of a collection's profile: an entry of the profile
    with a general topic's name adds its words to that topic; any other is a topic of its own."""

    def __init__(self, entries: Sequence[TopicEntry]) -> None:
        merged: dict[str, tuple[str, str]] = {}
        for name, asked, spoken in entries:
            old_asked, old_spoken = merged.get(name, ("", ""))
            merged[name] = (
                "|".join(w for w in (old_asked, asked) if w),
                "|".join(w for w in (old_spoken, spoken) if w),
            )
        self.topics = {
            name: Topic(_words(asked), _words(f"{asked}|{also}" if also else asked))
            for name, (asked, also) in merged.items()
        }
        # All topics' (lower-case) question words in one pattern, matched case-sensitively
        # against the lower-cased text: most questions name no topic, and this one scan tells
        # so in about 6 µs; one IGNORECASE search per topic took about 90.
        self._any_asked = re.compile(
            r"\b(?=\w)(?:" + "|".join(asked for asked, _ in merged.values()) + r")\b"
        )

    def named(self, text: str) -> list[str]:
        """The topics `text` asks about, in order."""
        if not self._any_asked.search(text.lower()):
            return []
        return [name for name, topic in self.topics.items() if topic.asked.search(text)]

    def missing(self, question: str, texts: Iterable[str]) -> str | None:
        """A topic `question` asks about that none of `texts` speaks of, or None."""
        texts = list(texts)
        for name in self.named(question):
            if not any(self.topics[name].spoken.search(text) for text in texts):
                return name
        return None


@lru_cache(maxsize=8)
def topics_for(extra: tuple[TopicEntry, ...] = ()) -> Topics:
    """The general topics, with a collection's own (its profile's [[topic]] entries)."""
    return Topics((*_general(), *extra))


@lru_cache(maxsize=1)
def _general() -> tuple[TopicEntry, ...]:
    data = tomllib.loads(GENERAL_TOPICS.read_text(encoding="utf-8"))
    return tuple((t["name"], t["asked"], t.get("also_spoken", "")) for t in data["topic"])


def _words(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
