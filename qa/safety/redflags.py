"""Personal-decision and scope rules, checked after triage and before any retrieval.

They read the question as the safety rules do (qa/safety/rules.py: lower case, typos of
trigger words mended). No model is involved, so every decision names the rule that made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from qa.safety.rules import canonical


class Flag(StrEnum):
    PERSONAL = "personal-decision"
    OUT_OF_SCOPE = "out-of-scope"


@dataclass(frozen=True)
class Verdict:
    flag: Flag | None
    rule: str = ""


_PERSONAL = re.compile(
    r"\b(should (i|we|my \w+|he|she)|(i|we) (should|ought to|need to decide)|do you think|"
    r"shall i|do i (need|have) to|(is|are) (it|that|this|they) "
    r"(even |really |actually )?(safe|ok|okay|alright|bad|wise) (for me|for my \w+|if i|to)|"
    r"(safe|ok|okay|wise) for (me|my \w+|him|her|us)\b|can i (stop|skip|quit|double|take|miss|change|refuse|"
    r"delay|drink|have)|(what dose|which dose|what dosage|how often should)\b|"
    r"how (?:much|many) (?:\w+ )?(?:pills|tablets|tabs|capsules|mg|milligrams?)\b|"
    r"\bdose of\b|\bdosage\b|\b(double|skip|missed|miss) (a|my|the|his|her) (dose|pill|tablet|cycle)|"
    r"(stop|quit|refuse) (my|his|her) (chemo|chemotherapy|treatment|radiation|pills)|"
    r"would you recommend|what would you do|is it worth (it|having|doing))"
)
# "what side effects should we expect", "anything I should know": asking what to expect or
# know is asking for information, not for a decision about the person.
_INFORMATION = re.compile(
    r"\b(?:should|ought to)\s+(?:i|we|my \w+|he|she)\s+(?:\w+\s+)?(?:expect|know|be aware|"
    r"look out|watch|be ready|prepare)\b|\b(?:i|we) should (?:expect|know|be aware|look out|"
    r"watch|be ready|prepare)\b"
)
_DOSE = re.compile(
    r"\b(how much|what dose|which dose|dosage|dose of|mg\b|milligram|"
    r"how many (\w+ )?(pills|tablets|tabs|capsules))"
)
_CHITCHAT = re.compile(
    r"^(hi|hello|hey|yo|thanks|thank you|good (morning|afternoon|evening|night)|how are you|"
    r"who are you|what are you|are you (a bot|human|real)|bye|goodbye|ok|okay|lol)\b[\s!?.]*"
    r"(there|bot|again|so much|doing|today)?[\s!?.]*$"
)


def assess(question: str, mentions_source_terms: Callable[[str], bool]) -> Verdict:
    """Small talk or no word of the sources: out of scope; else a personal decision or dose;
    or no flag. Emergencies and crises are triage's (qa/safety/triage.py), checked first.

    Another cancer is not refused here: once a clinic adds documents on it, it is in scope,
    and when no document speaks of it the answer abstains."""
    text = canonical(question)
    if _CHITCHAT.match(text):
        return Verdict(Flag.OUT_OF_SCOPE, "out of scope: small talk")
    if not mentions_source_terms(question):
        return Verdict(Flag.OUT_OF_SCOPE, "out of scope: no word of the question is in the sources")
    personal = _PERSONAL.search(_INFORMATION.sub(" ", text))
    if personal:
        kind = "dose" if _DOSE.search(text) else "decision"
        return Verdict(Flag.PERSONAL, f"personal {kind}: '{personal.group(0)}'")
    return Verdict(None)


def asks_for_dose(rule: str) -> bool:
    return rule.startswith("personal dose")


