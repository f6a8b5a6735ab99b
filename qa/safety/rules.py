"""Auditable rules: regular expressions, each named and tied to a triage catalogue entry.

How a message is read:
1. lower-cased words are mapped to canonical trigger words, tolerating one typo in longer
   words ("bleding" -> bleeding, "chest pian" -> chest pain, "siezure" -> seizure);
2. each rule is a regular expression over that canonical text, with a name staff can audit;
3. a trigger preceded closely by a negation ("no chest pain", "I don't have a fever") does not
   fire; a question only about whether something *can* happen ("can radiation cause shortness
   of breath?") with no sign that it is happening now does not fire either.
The rules catch the plain phrasings with certainty; the semantic layer (qa/safety/semantic.py)
catches the rest. Fever counts during any treatment, whatever it is called: in a chat for
people with cancer, a reported fever is treated as one on treatment (UKONS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from qa.courtesy import drop_courtesies


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired: the catalogue entry, the rule's name and the words it matched."""

    entry: str
    rule: str
    matched: str

    @property
    def describe(self) -> str:
        return f"{self.rule} ('{self.matched}')"


CRISIS_ENTRY = "suicidal-thoughts"
SELF_HARM_ENTRY = "self-harm"
FEVER_ENTRY = "neutropenic-sepsis"


TRIGGER_WORDS = Path(__file__).with_name("trigger_words.txt")


_NEGATION = r"(?:no|not|never|without|denies|deny|don't|dont|do not|doesn't|doesnt|isn't|isnt|aren't|haven't|havent|hasn't|hasnt|didn't|didnt|wasn't|wasnt|nor|free of)"
# A negation cue this many words or fewer before a trigger cancels it ("no real chest pain").
_NEGATION_WINDOW = 3
_PRESENT = re.compile(
    r"\b(i|i'm|im|i've|ive|me|my|we|he|she|he's|she's|they|husband|wife|mom|mum|dad|son|"
    r"daughter|partner|friend|right now|now|currently|today|tonight|since|keep|can't|cant)\b"
)
_HYPOTHETICAL = re.compile(
    r"^(can|could|does|do|is|are|will|would|what|why|how|which|when)\b.*\b("
    r"cause|causes|side effects?|sign|signs|symptom|symptoms|risk|mean|means|happen|treat|"
    r"treated|control|controlled|manage|managed|relieve)\b"
)

_BELLY = r"(abdominal|abdomen|stomach|belly|tummy|gut|bowels?)"
_PAIN = r"(pain|pains|hurts?|hurting|cramps?|cramping|agony|unbearable|excruciating|killing me)"
_BELLY_PAIN = rf"\b{_BELLY}\b.{{0,30}}\b{_PAIN}\b|\b{_PAIN}\b.{{0,30}}\b{_BELLY}\b"
_VOMITING = r"\b(vomiting|vomit|vomited|throwing up|threw up|throw up|puking|being sick)\b"
_NO_STOOL = (
    r"\b(no|not|can'?t|cannot|haven'?t|hasn'?t|unable to)\b.{0,25}\b(stool|poop|pooped|poo|"
    r"bowel movements?|pass gas|passing gas|passed gas|fart|go to the toilet)\b|"
    r"\bnothing\b.{0,20}\b(coming out|comes out|passing|moving)\b"
)
# "I had a fever during chemo last year" is history, not an emergency, unless it is back now.
_PAST = re.compile(
    r"\b(last (year|month)|(years?|months?) ago|in the past|used to|previously|back in|"
    r"when i was first)\b"
)
_NOW = re.compile(r"\b(now|today|tonight|again|currently|right now|still|this (morning|evening))\b")
_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "chest-pain", "chest pain or pressure",
        r"\bchest\b.{0,40}\b(pain|pains|pressure|tightness|tight|hurts?|hurting|crushing|squeezing|heavy|heaviness|burning|won'?t go away)\b|\b(pain|pressure|tightness|crushing|squeezing|clutching|clutched|grabbing|standing on|sitting on|weight on)\b.{0,25}\bchest\b|\bheart attack\b",
    ),
    (
        "breathing-difficulty", "trouble breathing",
        r"\b(can'?t|cannot|can not|unable to|hard to|struggling to|trouble|difficulty|difficult|hard time)\W+(?:\w+\W+){0,2}(breathe|breathing|breath|catch (my|his|her) breath)\b|\bshortness of breath\b|\bshort of breath\b|\bbreathless\b|\bgasping\b|\bchoking\b|\bsuffocating\b|\bnot breathing\b|\bstopped breathing\b",
    ),
    (
        "major-bleeding", "heavy or uncontrolled bleeding",
        r"\b(bleeding|bleed|bled|blood|bloody)\b.{0,40}\b(heavily|heavy|a lot|alot|lots|so much|uncontrolled|won'?t stop|will not stop|can'?t stop|not stopping|soaking|pouring|gushing|clots|everywhere)\b|\b(heavy|heavily|uncontrolled|a lot of|lots of|so much|soaking|pouring|gushing|massive)\b.{0,25}\b(bleeding|blood|bleed)\b|\b(hemorrhage|haemorrhage)\b",
    ),
    (
        "collapse", "fainting or unconsciousness",
        r"\b(fainted|fainting|faint|passed out|pass out|passing out|blacked out|black out|unconscious|unresponsive|collapsed|collapse|won'?t wake up|can'?t wake (him|her|them)|not waking)\b",
    ),
    (
        "stroke", "stroke signs",
        r"\b(stroke|slurred|slurring|face (is )?(drooping|droopy)|drooping face|droopy face|one side of (my|his|her|their) (face|body))\b|\b(can'?t|cannot|unable to) (move|lift|feel|raise) (my|his|her|their) ((left|right) )?(arm|leg|hand)\b|\b(words|speech)\b.{0,25}\b(wrong|jumbled|garbled|strange|funny|slurred)\b|\b(can'?t|cannot) (speak|talk) (properly|right|clearly)\b|\b(arm|leg|face|side)\b.{0,15}\b(went|gone|is|feels|suddenly)\b.{0,10}\b(numb|weak|limp|dead)\b",
    ),
    (
        "anaphylaxis", "severe allergic reaction",
        r"\b(anaphylaxis|anaphylactic|epipen|epi pen)\b|\b(throat|tongue|lips?|face)\b.{0,20}\b(swelling|swollen|closing|tight)\b|\b(swelling|swollen)\b.{0,20}\b(throat|tongue|lips?)\b|\bsevere allergic\b|\ballergic reaction\b.{0,40}\b(breath|breathe|breathing|swelling|swollen|throat)\b",
    ),
    (
        "overdose", "overdose",
        r"\b(overdose|overdosed|overdosing|od'?d)\b|\b(took|swallowed|taken|ate)\b.{0,30}\b(too many|too much|double|extra|whole|entire|all (my|the|of)|bottle|week'?s|month'?s)\b|\b(too many|too much)\b.{0,30}\b(pills|tablets|medication|medicine|morphine|opioids?)\b",
    ),
    (
        "seizure", "seizure",
        r"\b(seizure|seizures|seizing|convulsing|convulsion|convulsions|fitting|having a fit)\b",
    ),
    (
        "bowel-obstruction", "bowel obstruction",
        # Anchored: both look-aheads scan the whole (one-line, canonical) text from its start;
        # unanchored, a question without a match was rescanned from every position.
        r"^(?=.*("
        + _BELLY_PAIN
        + r"))(?=.*("
        + _VOMITING
        + r"))|^(?=.*("
        + _VOMITING
        + r"))(?=.*("
        + _NO_STOOL
        + r"))",
    ),
)
_FEVER = re.compile(
    # "temperature" alone is no fever ("my temperature is normal"); with a high reading it is.
    r"\b(fever|feverish|febrile|high temperature|a temperature|chills|shivering|"
    r"shivery|shaking chills|rigors|burning up|feel(ing)? (really |very |so )?hot)\b"
)
_HIGH_TEMP = re.compile(
    r"\b(3[89](?:[.,]\d)?|4[0-2](?:[.,]\d)?|10[0-6](?:[.,]\d)?)\s*(°|degrees?|deg)?\s*([cf])?\b"
)
_TEMP_WORD = re.compile(r"\b(temp|temps|temperature|thermometer|reading)\b")
# Crisis phrases fire even after a negation ("I don't see any point going on" is a crisis);
# only the bare words below can be negated ("I'm not suicidal, just asking about my chemo").
_CRISIS = re.compile(
    r"\b(kill?\s?(myself|my ?self|himself|herself|themselves)|(want|wants|going|gonna|planning|"
    r"plan|try|trying) to kill (me|myself)|end(ing)? (my|his|her|their) (own )?life|(take|taking) (my|his|"
    r"her|their) (own )?life|end(ing)? it all|(want|wants|wanted|wanting|wanna|ready) to die|"
    r"wanna die|wish (i|he|she) (was|were|could be) dead|wish i could die|better off dead|"
    r"better off without (me|him|her)|(don'?t|do not|dont) want to (live|be alive|be here|"
    r"wake up|go on)|(not|never) (to )?wake up|\b(no|any|the) (point|reason)\b.{0,25}\b(living|live|going on|"
    r"go on|carrying on|carry on|keep going|continuing|anymore|trying)|"
    r"(what'?s|whats|what is) (even )?the point\b.{0,30}\b(going on|living|carrying on|trying|"
    r"anymore|fighting|of it)|not worth living|"
    r"(hurt|harm|cut|cutting|hurting|harming|burn|burning) (myself|my ?self|himself|herself|"
    r"themselves))\b"
)
_CRISIS_WORDS = re.compile(r"\b(suicide|suicidal|self[- ]?harm(ing)?)\b")


def match(message: str) -> RuleHit | None:
    """The first rule that fires, in order of urgency: crisis, emergency, fever; or None."""
    text = canonical(message)
    direct = _CRISIS.search(text)
    if direct:
        return RuleHit(CRISIS_ENTRY, "crisis", direct.group(0))
    words = _first_unnegated(_CRISIS_WORDS, text)
    if words:
        entry = SELF_HARM_ENTRY if "harm" in words else CRISIS_ENTRY
        return RuleHit(entry, "crisis", words)
    # A greeting before the question hides that it is hypothetical ("hi, quick question. can …
    # cause chest pain?"), and thanks after it read as a symptom's intensity ("… bleeding from
    # my tumour? thanks so much").
    asked = drop_courtesies(text)
    hypothetical = bool(_HYPOTHETICAL.search(asked)) and not _PRESENT.search(asked)
    past = bool(_PAST.search(text)) and not _NOW.search(text)
    if hypothetical or past:
        return None
    for entry, name, pattern in _compiled_rules():
        hit = _first_unnegated(pattern, asked)
        if hit:
            return RuleHit(entry, name, hit)
    fever = _first_unnegated(_FEVER, text)
    high = _HIGH_TEMP.search(text)
    if high and _plausible_fever(high) and (fever or high.group(2) or _TEMP_WORD.search(text)):
        fever = fever or high.group(0)
    if fever:
        return RuleHit(FEVER_ENTRY, "fever or shivering on treatment", fever)
    return None


_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*|[^\sa-z0-9]")


def mend_triggers(text: str) -> str:
    """`text` as written, with each word within one typo of a trigger word replaced by it
    ("my wife had a seizur" -> "my wife had a seizure"); case, spacing and punctuation kept."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character whose lower case is longer: no offsets
        return canonical(text)
    out, pos = [], 0
    for match in _TOKEN.finditer(lowered.replace("’", "'")):
        fixed = _correct(match.group(0))
        if fixed != match.group(0):
            out += [text[pos : match.start()], fixed]
            pos = match.end()
    return "".join([*out, text[pos:]])


@lru_cache(maxsize=4096)
def canonical(question: str) -> str:
    """Lower-case text with words within one typo of a trigger word replaced by that word."""
    lowered = question.lower().replace("’", "'")
    return " ".join(_correct(tok) for tok in _TOKEN.findall(lowered))


def _correct(token: str) -> str:
    if not token[0].isalpha() or token in _vocabulary_set():
        return token
    index = _deletes_index()
    # A fixed order, not a set's: the same typo must name the same rule on every run.
    for variant in (token, *sorted(_deletes(token))):
        for word in index.get(variant, ()):
            if _one_edit(token, word):
                return word
    return token


def _one_edit(a: str, b: str) -> bool:
    """Damerau distance 1; substitutions only in words of 6+ letters ("fewer" is not "fever"),
    a letter missing or extra only when the shorter word has 5+ ("ever" is not "fever")."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 4:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            return a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        return len(diff) == 1 and len(a) >= 6
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(short) >= 5 and any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@cache
def _vocabulary() -> tuple[str, ...]:
    """The trigger words, in file order (a fixed order: the same typo names the same word)."""
    lines = TRIGGER_WORDS.read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _vocabulary_set() -> frozenset[str]:
    return frozenset(_vocabulary())


@cache
def _deletes_index() -> dict[str, tuple[str, ...]]:
    """Symmetric-delete index: every word and its one-letter deletions -> vocabulary words."""
    index: dict[str, list[str]] = {}
    for word in _vocabulary():
        for variant in {word, *_deletes(word)}:
            index.setdefault(variant, []).append(word)
    return {k: tuple(v) for k, v in index.items()}


@cache
def _compiled_rules() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    return tuple((entry, name, re.compile(pattern)) for entry, name, pattern in _RULES)


@cache
def _negation_before() -> re.Pattern[str]:
    return re.compile(rf"\b{_NEGATION}\b(\W+\w+){{0,{_NEGATION_WINDOW}}}\W*$")


def _first_unnegated(pattern: re.Pattern[str], text: str) -> str:
    """The first match not closely preceded by a negation cue (a 'but' resets it)."""
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        before = re.split(r"\b(but|however|although|though|except)\b|[.;!?]", before)[-1]
        if not _negation_before().search(before + " "):
            return match.group(0).strip() or "match"
    return ""


def _plausible_fever(match: re.Match[str]) -> bool:
    value = float(match.group(1).replace(",", "."))
    unit = match.group(3)
    if unit == "f" or value >= 100:
        return value >= 100.4
    return 38.0 <= value <= 43.0
