"""What kind of answer a question asks for, and whether a sentence holds one.

Classic question answering matches the expected answer type: "what drug …" wants a sentence
naming a drug, "how long …" one with a number and a unit. The embedding model scores
"Intrathecal chemotherapy is given into the spinal fluid" above "Methotrexate is the most
common chemotherapy drug given into the spinal fluid" for "what chemo drug do they put into
the spine?"; a small bonus for the sentence that has the asked-for kind of
answer sets that right. The same holds for a cost ("how much does it cost …"), for "is there
… ?", answered by a sentence stating "There is (no) …", and for "why …?", answered by a
sentence giving a reason ("… is not used very often because it has to be done …"), and for
"why not …?", answered by a sentence saying what is not done ("Do not use …"), and for "what's
the usual treatment?", answered by a sentence saying a treatment is given or done rather than one
saying what the choice depends on.
"Is proton therapy better than normal radiation?" is answered only by a sentence that compares;
sentences about radiation that compare nothing do not answer it.

Some questions name the figure they want: "what is the 5-year survival rate …?" is not answered
by "survival … to 40 percent or more at two years" (`missing_span`). "Which hospital in
Springfield …?" is not answered by a sentence that never says Springfield (`missing_place`),
nor "what side effects does trastuzumab have?" by sentences on chemotherapy's side effects in
general (`missing_drug_effect`), nor "what should I eat during chemo?" by sentences that never
speak of food (`qa.answering.topics`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from enum import Enum

from qa.answering.drugs import GENERAL_DRUGS, DrugNames, missing_drug, missing_drug_effect
from qa.answering.topics import Topics, topics_for


class AnswerType(Enum):
    DRUG = "drug"
    AMOUNT = "amount"
    COST = "cost"
    EXISTENCE = "existence"
    REASON = "reason"
    RESTRICTION = "restriction"
    COMPARISON = "comparison"
    TREATMENT = "treatment"


_ASKS = {
    AnswerType.DRUG: re.compile(
        r"\b(?:drugs?|medicines?|medications?|meds)\b|\bwhat (?:chemo|chemotherapy)\b",
        re.IGNORECASE,
    ),
    AnswerType.AMOUNT: re.compile(
        r"\bhow (?:long|many|much|often|soon|far)\b|\bwhat percent"
        r"|\b(?:any|the|what) (?:figures|numbers|statistics|stats)\b"
        r"|\bwhat(?:'?s| is| are)? (?:the|my|his|her|their) (?:odds|chances?|likelihood)\b"
        r"|\bwhat(?:'?s| is| are)? the (?:\w+ )?rates?\b",
        re.IGNORECASE,
    ),
    AnswerType.COST: re.compile(
        r"\b(?:costs?|price|prices|afford|insurance|insurer|expensive|pay for|paying for)\b",
        re.IGNORECASE,
    ),
    # "Is there a standard treatment …?" is answered by "There is no standard treatment …".
    AnswerType.EXISTENCE: re.compile(r"\b(?:is|are) there\b", re.IGNORECASE),
    AnswerType.REASON: re.compile(r"\bwhy\b|\bhow come\b|\breasons?\b", re.IGNORECASE),
    # "Why not …?", "why won't they …?", "why would they avoid …?": answered by a sentence
    # saying what is not done or not possible ("Do not use conventional long-course
    # chemoradiotherapy … - this delays systemic therapy").
    AnswerType.RESTRICTION: re.compile(
        r"\bwhy (?:not|aren'?t|isn'?t|won'?t|can'?t|don'?t|doesn'?t|wouldn'?t|shouldn'?t)\b"
        r"|\bwhy\b[^.?!]*\b(?:not|avoid)\b",
        re.IGNORECASE,
    ),
    AnswerType.COMPARISON: re.compile(
        r"\b(?:better|worse|safer|more effective|less effective)\b[^.?!]*\bthan\b"
        r"|\bwhich (?:one )?(?:is|works|would be) (?:better|best|safer)\b"
        r"|\bwhich (?:one|of (?:them|the two|these))\b[^.?!]*\b(?:longer|better|safer|more|less)\b"
        r"|\bversus\b|\bvs\b|\bcompared? (?:to|with)\b",
        re.IGNORECASE,
    ),
    # "What's the usual treatment?", "what would they do now?": answered by a sentence saying a
    # treatment is given or done, not by one saying what the choice depends on.
    AnswerType.TREATMENT: re.compile(
        r"\bwhat(?:'?s| is| are)?\s+(?:\w+\s+){0,2}?(?:treatments?|options?|therapy|therapies)\b"
        r"|\bwhat (?:will|would|do|does|can|could|might|should)"
        r" (?:they|the doctors?|the team|you|we|i) (?:\w+ )?"
        r"(?:do|try|offer|suggest|recommend|give)\b"
        r"|\bwhat (?:happens|comes) next\b|\bwhat can be done\b"
        r"|\bhow (?:is|are) (?:it|they) treated\b",
        re.IGNORECASE,
    ),
}
_UNITS = (
    r"(?:minutes?|hours?|days?|weeks?|months?|years?|cycles?|doses?|sessions?|treatments?|"
    r"times?|percent|%|gy|metastas[ie]s|tumou?rs?|spots?|lesions?|sites?|organs?|rounds?)"
)
_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?(?:\s*(?:-|–|to|or)\s*\d+(?:[.,]\d+)?)?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several)"
)
_AMOUNT = re.compile(
    rf"\b{_NUMBER}(?:\s+or\s+(?:fewer|more|less))?(?:\s*|-){_UNITS}(?!\w)", re.IGNORECASE
)
_COST = re.compile(
    r"[$€£]|\b(?:costs?|price|prices|afford\w*|insurance|insurer|expensive|dollars?|fees?|"
    r"pay|paid)\b",
    re.IGNORECASE,
)
_HOLDS = {
    # "Treatment is usually continued as long as the cancer doesn't grow" answers "how long".
    AnswerType.AMOUNT: re.compile(rf"{_AMOUNT.pattern}|\bas long as\b", re.IGNORECASE),
    AnswerType.COST: _COST,
    AnswerType.EXISTENCE: re.compile(r"^\s*there (?:is|are)\b", re.IGNORECASE),
    # Not "since" or "so": both are as often about time or degree as about a cause.
    AnswerType.REASON: re.compile(
        r"\bbecause\b|\bdue to\b|\bas a result\b|\breasons?\b", re.IGNORECASE
    ),
    AnswerType.RESTRICTION: re.compile(
        r"\bdo not\b|\bdon'?t\b|\bshould not\b|\bnot recommended\b|\bavoid\w*|\bnever\b"
        r"|\bnot (?:be )?(?:used|given|offered|possible|candidates?)\b|\bmay not\b|\bcan'?t\b"
        r"|\bcannot\b",
        re.IGNORECASE,
    ),
    # A comparative and its "than", not any "than": "may be treated differently than" says
    # nothing about which is better.
    AnswerType.COMPARISON: re.compile(
        r"\b(?:better|worse|more|less|fewer|greater|higher|lower|longer|shorter|safer)\b"
        r"[^.?!]*\bthan\b|\bcompared (?:to|with)\b|\bversus\b|\bvs\b|\bsuperior\b|\binferior\b"
        r"|\boutperform|\bbest\b|\bpreferred\b|\bmost effective\b|\bextends?\b|\bimprove[sd]?\b",
        re.IGNORECASE,
    ),
    AnswerType.TREATMENT: re.compile(
        r"\b(?:is|are|may be|can be|will be|could be|might be)\s+"
        r"(?:usually\s+|often\s+|also\s+|sometimes\s+)?"
        r"(?:given|done|used|offered|recommended|considered|treated)\b",
        re.IGNORECASE,
    ),
}
# Kinds without which a reply does not answer the question: quoting sentences about a pump
# with no price in them does not answer "how much does the pump cost?", nor sentences that
# compare nothing "is it better than …?". A drug question may be answered without a drug's
# name ("chemotherapy is usually offered …").
_REQUIRED = frozenset({AnswerType.AMOUNT, AnswerType.COST, AnswerType.COMPARISON})
_SENTENCE_END = re.compile(r"[.?!]+")
_QUESTION_OPENING = re.compile(
    r"\s*(?:what|how|why|when|where|who|which|is|are|can|could|will|would|do|does|did|should"
    r"|whats|hows|whys|whens|wheres|whos)\b",
    re.IGNORECASE,
)


def asked_types(question: str) -> frozenset[AnswerType]:
    """The kinds of answer `question` asks for (often none)."""
    return frozenset(t for t, pattern in _ASKS.items() if pattern.search(question))


def holds(kinds: frozenset[AnswerType], text: str, drugs: DrugNames) -> bool:
    """Whether `text` holds an answer of one of `kinds` (a drug: by `drugs`' names)."""
    return any(
        drugs.held(text) if k is AnswerType.DRUG else bool(_HOLDS[k].search(text)) for k in kinds
    )


def missing_kinds(
    question: str, texts: Iterable[str], drugs: DrugNames | None = None
) -> frozenset[AnswerType]:
    """The kinds of answer `question` needs (an amount, a cost, a comparison) that none of
    `texts` holds."""
    needed = asked_types(question) & _REQUIRED
    texts = list(texts)
    drugs = drugs or GENERAL_DRUGS
    return frozenset(
        k for k in needed if not any(holds(frozenset({k}), t, drugs) for t in texts)
    )


def _asking_parts(question: str) -> list[str]:
    """The sentences of `question` that ask something ("is it …?", "what …?"), or the whole
    question when none opens with a question word ("At what age …?")."""
    parts = [p for p in _SENTENCE_END.split(question) if _QUESTION_OPENING.match(p)]
    return parts or [question]


_NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
}
_SPAN_NUMBER = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + ")"
_YEARS = r"(?:years?|yrs?)"
# "5-year survival (rate)", "five year overall survival", "survival (rate) at/after 5 years",
# "survive/live/be alive (for) 5 years".
_ASKED_SPAN = re.compile(
    rf"\b{_SPAN_NUMBER}[- ]?{_YEARS}[- ]+(?:\w+[- ])?surviv"
    rf"|\bsurviv\w*(?: rates?)? (?:at|after|past|beyond|for|over|to) {_SPAN_NUMBER} {_YEARS}\b"
    rf"|\b(?:surviv\w*|live|living|alive) (?:for |past |beyond |another |at least )?"
    rf"{_SPAN_NUMBER} (?:more )?{_YEARS}\b",
    re.IGNORECASE,
)


def _years(number: str) -> int:
    return int(number) if number.isdigit() else _NUMBER_WORDS[number.lower()]


def missing_span(question: str, texts: Iterable[str]) -> int | None:
    """The number of years `question` asks survival at ("5-year survival") when none of
    `texts` states that span ("5 years", "five-year"); None when it names no span or one is
    given."""
    asked = _ASKED_SPAN.search(question)
    if asked is None:
        return None
    years = _years(next(g for g in asked.groups() if g))
    for text in texts:
        for found in re.finditer(rf"\b{_SPAN_NUMBER}[- ]{_YEARS}\b", text, re.IGNORECASE):
            if _years(found.group(1)) == years:
                return None
    return years


# "what does supportive care mean?", "meaning of …", "what is X?" asks what X means; a sentence
# naming X after "called"/"known as" ("… are called supportive care") defines it.
_MEANING = re.compile(r"\bmean(?:s|ing)?\b|\bdefin\w*|\bstands? for\b", re.IGNORECASE)
_WHAT_IS = re.compile(r"\bwhat(?:'s|s| is| are)\s", re.IGNORECASE)
_DEFINES = re.compile(
    r"\b(?:called|known as)\s+(?:an?\s+|the\s+)?([A-Za-z0-9][\w-]*(?:[ ][A-Za-z0-9][\w-]*){0,3})",
    re.IGNORECASE,
)


def what_is(question: str, terms: Callable[[str], Sequence[str]]) -> frozenset[str]:
    """The first term after each "what is" ("whats radioembolization?" -> "radioembol")."""
    return frozenset(t for m in _WHAT_IS.finditer(question) for t in terms(question[m.end() :])[:1])


def meaning_asked(question: str, terms: Callable[[str], Sequence[str]]) -> frozenset[str]:
    """The terms whose meaning `question` may ask: all of its terms when it asks what something
    means, else `what_is`; empty when it asks no meaning. Computed once per question, for
    `defines`."""
    return frozenset(terms(question)) if _MEANING.search(question) else what_is(question, terms)


def defines(text: str, asked: frozenset[str], terms: Callable[[str], Sequence[str]]) -> bool:
    """Whether `text` names, after "called" or "known as", a term whose first word is in
    `asked` (`meaning_asked`)."""
    return any((named := terms(m.group(1))) and named[0] in asked for m in _DEFINES.finditer(text))


# "which hospital in Springfield …", "best cancer centre near Shelbyville for …": the place
# named must be in the answer. (Without a place, "specialized centers" may well answer "which
# hospitals …?".)
_ASKS_INSTITUTION_IN = re.compile(
    r"\b(?:which|what|best|good|top|recommend\w*)\b[^?.!]{0,25}?"
    r"\b(?:hospitals?|clinics?|cent(?:er|re)s?|institutes?)\s+(?:in|near|around)\s+"
    r"(?!(?:my|our|your|his|her|their|the|this|that|a|an)\b)([A-Za-z][\w-]+)",
    re.IGNORECASE,
)


def missing_place(question: str, texts: Iterable[str]) -> str | None:
    """The place a question asking which hospital (clinic, centre) there names ("Springfield") when
    none of `texts` mentions it; None when it asks no such thing or the place is mentioned."""
    asked = _ASKS_INSTITUTION_IN.search(question)
    if asked is None:
        return None
    place = re.compile(rf"\b{re.escape(asked.group(1))}\b", re.IGNORECASE)
    return None if any(place.search(t) for t in texts) else asked.group(1)


def unanswered_part(
    question: str,
    texts: Sequence[str],
    drugs: DrugNames | None = None,
    topics: Topics | None = None,
) -> str:
    """Why `texts` do not answer `question` though they are about it (the amount, cost,
    survival span, place, drug, drug's effects or topic it asks for is in none of them), or ""
    when nothing it asks for is missing.

    A question asking two things is unanswered only when both parts are: in "what does
    oligometastatic mean? how many spots is that?" the first part can be answered without a
    number, but "is CHOP-R better than CHOP? which one gives longer survival?" is not
    answered by sentences that neither compare nor speak of survival.
    """
    drugs = drugs or GENERAL_DRUGS
    topics = topics or topics_for()
    parts = _asking_parts(question)
    if len(parts) == 1:
        return _unanswered(question, parts[0], texts, drugs, topics)
    reasons = [_unanswered(part, part, texts, drugs, topics) for part in parts]
    return "; ".join(reasons) if all(reasons) else ""


def _unanswered(
    question: str, asking: str, texts: Sequence[str], drugs: DrugNames, topics: Topics
) -> str:
    """unanswered_part for a question asking one thing; `asking` is its asking sentence, where
    a topic must be named ("My dad can't eat much. Should he stop chemo?" is about stopping).
    Words taken from the question are quoted, so the logbook can leave them out."""
    topic = topics.missing(asking, texts)
    if topic is not None:
        return f"the question asks about {topic} and no sentence found speaks of it"
    kinds = missing_kinds(question, texts, drugs)
    if kinds:
        asked = " and ".join(sorted(k.value for k in kinds))
        return f"the question asks for {asked} and no sentence found gives one"
    years = missing_span(question, texts)
    if years is not None:
        return f"the question asks about survival at '{years}' years and no sentence found gives it"
    place = missing_place(question, texts)
    if place is not None:
        return f"the question asks which hospital and no sentence found names '{place}'"
    drug = missing_drug_effect(question, texts, drugs)
    if drug is not None:
        return f"the question asks what '{drug}' causes and no sentence found says it"
    drug = missing_drug(asking, texts, drugs)
    if drug is not None:
        return f"the question asks about '{drug}' and no sentence found names it"
    return ""
