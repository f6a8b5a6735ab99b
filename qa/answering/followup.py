"""Follow-up questions: read "what are its side effects?" with the topic of the questions before it.

Only retrieval uses the result. The safety rules (red flags, crisis, personal decisions) read the
user's own words, so context from an earlier question can never trigger or hide an escalation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answering import english
from qa.courtesy import drop_acknowledgement
from qa.text import normalise

# Words that point back at something said before.
ANAPHORS = frozenset(
    {
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "those",
        "these",
        "he",
        "she",
        "him",
        "his",
        "her",
    }
)
# Openings that continue the previous topic ("and the side effects?", "what about radiation?").
_CONTINUATION = re.compile(r"^\s*(?:and|also|or|so|what about|how about)\b", re.IGNORECASE)
# A short question that points back is a follow-up; a longer one only when it names fewer than
# MIN_OWN_TOPIC_TERMS topical words itself ("can they still cure it when it comes back like
# that?" is about what was said before; "my dad's cancer spread to his liver and the surgeon
# says it cannot be removed" says what it is about).
MAX_FOLLOWUP_WORDS = 10
MIN_OWN_TOPIC_TERMS = 2
# Questions open with one of these (or end with "?"); other messages are statements, which
# add to the conversation's topic instead of replacing it ("Doctor says surgery is possible").
_QUESTION = re.compile(
    r"^\s*(?:what|whats|how|why|when|where|which|who|whom|whose|is|are|am|was|were|do|does|did|"
    r"can|could|will|would|should|shall|may|might|must|has|have|had)\b",
    re.IGNORECASE,
)
# What a message sets aside rather than asks about: "lung cancer, not breast", "not the
# liver but the lungs", "radiation rather than surgery". Contrastive negation only: "not"
# opening a clause (after the start, a comma, a dash, "and" or "but"), or "rather than" /
# "instead of", with the one to three words after it up to the clause's end. A negated
# predicate ("it can't be removed") still says what the message is about.
_SET_ASIDE = re.compile(
    r"(?:(?:^|[,;:\u2013\u2014-]|\band\b|\bbut\b)\s*not|\brather than|\binstead of)"
    r"\s+(?:the\s+|a\s+|an\s+)?\w[\w-]*(?:\s+(?!but\b|and\b)\w[\w-]*){0,2}",
    re.IGNORECASE,
)
# At most this many topic terms are carried forward, so a chain of follow-ups stays on topic.
MAX_CONTEXT_TERMS = 8
# Only the last few questions of a conversation can lend their topic (bounds the work per call).
RECENT_QUESTIONS = 4
_MAX_CHARS = 2000
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")
# Function words, question words and fillers: what a question says, not what it is about.
_STOP_WORDS = """
    a about after again all also am an and any are as at be because been before being both
    but by can could did do does doing don done during each else ever for from get gets got
    had has have having here how i if in into is isn just know let like ll me might more
    most much must my no not now of off ok okay on once only or other our out over own
    please re really same should so some such tell than thank thanks that the then there
    these they this those to too up us ve very was we were what whats when where which while
    who whom whose why will with would yes you your it its them their he she him his her one
    ones something anything thing things
"""
_STOP = frozenset(_STOP_WORDS.split())


def set_aside(text: str) -> str:
    """`text` without what it sets aside by contrastive negation (`_SET_ASIDE`)."""
    return _SET_ASIDE.sub(" ", text)


def content_terms(text: str) -> list[str]:
    """The words of a text that carry its topic, lower-cased, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in _STOP:
            seen.setdefault(word, None)
    return list(seen)


def topical(word: str) -> bool:
    """Whether `word` is rare enough in general English to say what a message is about: rarer
    than everyday words (qa.answering.english; Zipf "pelvis" 3.3, "surgeon" 4.1, "cure" 4.3),
    which cannot ("back" 6.0, "work" 6.0, "spread" 4.8, "cancer" 4.9)."""
    return english.zipf(word) < english.EVERYDAY_ZIPF


def is_followup(question: str) -> bool:
    """A question that points back (it, they, this …), continues ("and …", "what about …",
    also after an acknowledgement: "ok and …") or names no topic of its own ("why?", "what
    side effects should we be ready for?": no topical word). Past MAX_FOLLOWUP_WORDS words it
    must also name fewer than MIN_OWN_TOPIC_TERMS topical words."""
    question = drop_acknowledgement(question)
    words = _WORD.findall(question.lower())
    points_back = any(w in ANAPHORS for w in words) or bool(_CONTINUATION.match(question))
    own_topic = sum(map(topical, content_terms(question)))
    if len(words) <= MAX_FOLLOWUP_WORDS:
        return points_back or not own_topic
    return points_back and own_topic < MIN_OWN_TOPIC_TERMS


def is_statement(message: str) -> bool:
    """A message that asks nothing: no "?" and no question word first."""
    return "?" not in message and not _QUESTION.match(message)


def contextualize(question: str, previous: Sequence[str]) -> str:
    """The question as retrieval should read it: unchanged unless it is a follow-up, else with
    the topic terms of the most recent earlier question that had a topic appended.

    An earlier question that was itself a follow-up carries the topic it inherited, so
    "What is trastuzumab?" → "What are its side effects?" → "How long do they last?" still
    retrieves about trastuzumab; so does a statement ("My dad's lung cancer came back." →
    "The doctor says surgery is possible." → "what would they remove?"). Only topical words
    are carried.
    """
    topic: list[str] = []
    for earlier in previous[-RECENT_QUESTIONS:]:
        topic = _topic(normalise(earlier[:_MAX_CHARS]), topic) or topic
    if not topic or not is_followup(question):
        return question
    own = set(content_terms(question))
    added = [t for t in topic if t not in own]
    return f"{question} {' '.join(added)}" if added else question


def _topic(message: str, context: list[str]) -> list[str]:
    own = [t for t in content_terms(set_aside(message)) if topical(t)]
    if is_followup(message) or is_statement(message):
        own += [t for t in context if t not in own]
    return own[:MAX_CONTEXT_TERMS]
