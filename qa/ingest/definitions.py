"""The definitions a document gives of its own terms, as whole sentences by offsets into its text.

A patient who taps a hard word in an answer is shown the sentence of a trusted document that
defines it, verbatim. Only general English definitional patterns are read, never a list of
diseases or drugs:

- "X is a/an NOUN PHRASE that …", "Xs are NOUNS which …" starting a sentence (copula);
- "X, which is a NOUN PHRASE that …" (appositive);
- "… (called Y)", "… known as Y", "… is called Y" (naming), and X of "X (also called Y)";
- "long form (SHORT)" as found by `qa.acronyms.definitions` (abbreviation).

Precision comes before recall: a wrong "definition" shown to a frightened patient is worse than
none, so every rule rejects what it cannot read with confidence.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import takewhile
from pathlib import Path

from qa.acronyms import definitions as abbreviation_definitions
from qa.ingest.chunking import document_sentences
from qa.text import word_count
from qa.types import Document

WORD_LISTS = Path(__file__).with_name("definition_words.toml")
MAX_TERM_WORDS = 5
MAX_SENTENCE_WORDS = 60
# A complement's noun phrase longer than this is a clause, not a kind of thing.
MAX_PHRASE_WORDS = 6
MIN_TERM_LETTERS = 3
# "Most are called Y." only makes sense beside the sentence before it: "is called Y" needs this
# many words before it to say what Y is.
MIN_WORDS_BEFORE_NAMING = 3


class DefinitionKind(StrEnum):
    COPULA = "copula"
    APPOSITIVE = "appositive"
    NAMING = "naming"
    SYNONYM = "synonym"
    ABBREVIATION = "abbreviation"


# Strongest first: a sentence saying what X is beats one giving its name, which beats one only
# giving another name of it.
_KIND_RANK = {"copula": 0, "appositive": 0, "naming": 1, "abbreviation": 1, "synonym": 2}


def _word_lists() -> dict[str, frozenset[str]]:
    """The word lists of definition_words.toml (a few kilobytes, read once at import)."""
    with WORD_LISTS.open("rb") as f:
        return {k: frozenset(v) for k, v in tomllib.load(f).items()}


_WORDS = _word_lists()
_FUNCTION = _WORDS["function"]
_VERBS = _WORDS["verbs"]
_CATEGORY = _WORDS["category"]
_EVALUATIVE = _WORDS["evaluative"]
_VAGUE_HEADS = _WORDS["vague_heads"]
# Sentence openers pointing back to the sentence before: "These tests are called Y" does not say
# on its own what Y is.
_ANAPHORIC = frozenset(["this", "these", "that", "those", "it", "they", "such", "he", "she"])
_CLAUSE_OPENERS = _WORDS["clause_openers"]
# "This is called Y", "These may also be known as Y", "It is sometimes referred to as Y".
_NAMES_A_POINTER = re.compile(
    rf"(?:{'|'.join(sorted(_ANAPHORIC))})(?: \w+){{0,4}}? (?:is|are|was|were|be) (?:\w+ )?"
    r"(?:called|known|termed|named|referred)\b",
    re.IGNORECASE,
)
# "a disease in which …", "a process by which …".
_RELATIVE_AFTER_PREPOSITION = re.compile(r"(?:in|by|through|during|with|from|of) (?:which|whom)")
_NAME_HEADS = _WORDS["name_heads"]
_THE_HEADS = _WORDS["the_heads"]
_CLAUSE_BOUNDARIES = _WORDS["clause_boundaries"]
# After a verb ("plaque builds up", "X attaches to"): a name ending in "-s" before one of these
# ended with a verb.
_PARTICLES = frozenset(["up", "out", "down", "off", "away", "back", "to", "into", "onto"])
_INTRODUCERS = _WORDS["introducers"]
# Endings of adjectives ("available", "painful", "different"); nouns that share them and name a
# kind of thing ("chemical", "agent") are in _CATEGORY, checked first.
_ADJECTIVE = re.compile(r"(?:able|ible|ful|ous|less|ive|ent|ant|al|ic|ar|ary)$")

# A word: letters, digits, inner hyphens and apostrophes ("X-ray", "Legionnaires'"), never a
# trailing hyphen ("alpha- and beta-").
_WORD = r"[A-Za-z0-9](?:[\w'’-]*\w)?['’]?"
_TOKEN = re.compile(rf"{_WORD}|[^\w\s]")
# The subject may carry its short form or pronunciation: "Bronchoscopy (bron-KOS-ko-pee) is …".
_COPULA = re.compile(
    rf"^(?P<term>(?:{_WORD} ){{0,{MAX_TERM_WORDS - 1}}}{_WORD})"
    r"(?: \([^()]*\))? (?:is|are) (?P<rest>.+)"
)
_APPOSITIVE = re.compile(r"(?: \([^()]*\))?, which (?:is|are) (?P<rest>.+)")
# "(also called Y)", "known as Y", "is called a Y"; not "so-called".
_NAMING = re.compile(
    r"(?<![\w-])(?P<paren>\()?(?P<also>[Aa]lso )?(?:called|known as|termed|referred to as)"
    r" (?:(?:a|an|the) )?(?P<name>[^,;:()—–.!?\"]+)(?P<close>\)?)"
)
# "… is called", "… are sometimes called", "… may also be called": the name is the predicate.
_PREDICATE = re.compile(r"\b(?:is|are|was|were|be|been)(?: [a-z]+)? $")


@dataclass(frozen=True)
class Definition:
    """A term and the sentence defining it: `text[start:end]` of document `doc_id`."""

    term: str  # as written in the text
    doc_id: str
    start: int
    end: int
    kind: DefinitionKind
    # The term's other name: an abbreviation's long form, a synonym's partner; "" otherwise.
    alias: str = ""


def find_definitions(doc: Document) -> tuple[Definition, ...]:
    """Every definition `doc` gives, in document order (a term may be defined more than once)."""
    sentences = [(s.start, s.end) for s in document_sentences(doc)]
    found = [
        Definition(term, doc.id, start, end, kind, alias)
        for start, end in sentences
        if _usable(doc.text[start:end])
        for term, kind, alias in _sentence_definitions(doc.text[start:end])
    ]
    found.extend(_abbreviations(doc, sentences))
    return tuple(sorted(found, key=lambda d: (d.start, _KIND_RANK[d.kind], d.term)))


def collect(docs: Iterable[Document]) -> tuple[Definition, ...]:
    """One definition per lower-cased term, sorted by term.

    Kept: the strongest kind (saying what the term is beats only naming it), then the shortest
    sentence — a short one is about the term alone and quick for a patient to read, where a long
    one more often merely mentions it — then the first met, so the choice depends only on the
    documents and their order.
    """
    best: dict[str, tuple[tuple[int, int, int], Definition]] = {}
    for order, d in enumerate(d for doc in docs for d in find_definitions(doc)):
        key = (_KIND_RANK[d.kind], d.end - d.start, order)
        if d.term.lower() not in best or key < best[d.term.lower()][0]:
            best[d.term.lower()] = (key, d)
    return tuple(best[term][1] for term in sorted(best))


def _usable(sentence: str) -> bool:
    """A question defines nothing, one ending in ":" needs the list after it, one naming a
    word that points back ("This is called hormone therapy (HT).") says what the name means
    only with the sentence before it, and a very long sentence is more than a definition."""
    return (
        not sentence.endswith(("?", ":"))
        and not _NAMES_A_POINTER.match(sentence)
        and word_count(sentence) <= MAX_SENTENCE_WORDS
    )


def _sentence_definitions(sentence: str) -> Iterator[tuple[str, DefinitionKind, str]]:
    """(term, kind, alias) of each definition `sentence` gives."""
    # "A colostomy is an operation that …": an indefinite article makes the subject any one of
    # its kind, which is how a definition speaks; "The …", "This …" point at one in particular.
    copula = _COPULA.match(re.sub(r"^An? ", "", sentence))
    if copula and _is_term(copula["term"]) and _defines(copula["rest"]):
        yield copula["term"], DefinitionKind.COPULA, ""
    for m in _APPOSITIVE.finditer(sentence):
        term = _phrase_before(sentence[: m.start()])
        if term and _defines(m["rest"]) and not (copula and copula.end("term") == m.start()):
            yield term, DefinitionKind.APPOSITIVE, ""
    first_word = (re.findall(_WORD, sentence) or [""])[0].lower()
    for m in _NAMING.finditer(sentence):
        before = sentence[: m.start()]
        predicate = _PREDICATE.search(before) is not None
        # A name needs the sentence to say what it names ("Also called Y." does not).
        needed = MIN_WORDS_BEFORE_NAMING if predicate else 1
        if word_count(before) < needed or (predicate and first_word in _ANAPHORIC):
            continue
        rest = "" if m["close"] else sentence[m.end("name") :]
        names = _names(m["name"], bool(m["paren"]) and m["close"] == ")", predicate, rest)
        for name in names:
            yield name, DefinitionKind.NAMING, ""
        # X of "X (also called Y)" / "X, also called Y," is the same thing as Y. Without "also"
        # X is a description ("the main artery of the liver (called the hepatic artery)").
        if names and m["also"] and (m["paren"] or before.endswith(", ")):
            term = _phrase_before(before.rstrip(" ,"))
            if term and term.lower() != names[0].lower():
                yield term, DefinitionKind.SYNONYM, names[0]


def _phrase_before(text: str) -> str | None:
    """The term `text` ends with, when it starts the text or follows an introducer."""
    words = text.split()
    run: list[str] = []
    while words and words[-1].lower() not in _FUNCTION and re.fullmatch(_WORD, words[-1]):
        run.insert(0, words.pop())
    if words and words[-1].lower() not in _INTRODUCERS:
        return None
    # A plural inside a phrase is most often a verb ("disorder damages motor neurons"), and so is
    # a leading "-ing" ("of developing X").
    if any(re.search(r"[^su'’]s$", w) for w in run[:-1]) or (words and run[0].endswith("ing")):
        return None
    phrase = " ".join(run)
    return phrase if _is_term(phrase) else None


def _runs_on(rest: str) -> bool:
    """Whether a name cut at punctuation goes on after it: "succinyl-CoA:3-ketoacid", "DNA
    (cytosine-5)-methyltransferase", "the TRIM (tripartite motif) family"."""
    if re.match(r"[:/]\S", rest):
        return True
    bracket = re.match(r"\s*\(([^()]*)\)", rest)
    after = rest[bracket.end() :] if bracket else ""
    word = re.match(rf"\s*({_WORD})", after)
    # After a short form ("(HIPEC) combines") the name has ended; after words, a noun goes on.
    words_inside = bracket is not None and " " in bracket[1].strip()
    continues = word is not None and word[1].lower() not in _FUNCTION
    return bool(re.match(r"[\w-]", after)) or (words_inside and continues)


def _names(text: str, whole: bool, predicate: bool, rest: str) -> list[str]:
    """The names `text` (what follows "called") starts with.

    In brackets the names fill them ("(also called A or B)"). In running text a name ends at a
    function word, a verb or an adverb; one running on ("… of glycosylation") is not taken, nor
    a predicate name whose clause goes on ("is called carcinoma in situ" is not "carcinoma"),
    nor one reaching punctuation that `rest`, the text after it, shows it runs on past.
    """
    if whole:
        # A part too short to be a term ("X-1") is left out; a clause ("called X in some
        # people") rejects them all.
        parts = [p.strip() for p in re.split(r"\s+or\s+", text)]
        if all(_is_term(p) or re.fullmatch(_WORD, p) for p in parts):
            return [p for p in parts if _is_term(p)]
        return []
    words = text.split()
    taken: list[str] = []
    for i, word in enumerate(words):
        lower = word.lower()
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        # "-ly" before a content word is an adverb ("gradually accumulate"), else a noun
        # ("Axenfeld-Rieger anomaly"); "-ed" before a function word is a verb ("Q10 suggested
        # that"). A capitalised function word is part of a name ("IFT complex A").
        adverb = lower.endswith("ly") and word == lower and after not in ("", *_FUNCTION)
        past = lower.endswith("ed") and word == lower and bool(taken) and after in _FUNCTION
        function = lower in _FUNCTION and (i == 0 or word == lower)
        if function or adverb or past or lower in _VERBS or lower in _CLAUSE_OPENERS:
            if lower in ("of", "with") or (
                lower in _PARTICLES and re.search(r"[^su]s$", words[i - 1])
            ):
                return []
            if predicate and lower not in _CLAUSE_BOUNDARIES:
                return []
            # "satellite or disseminated nevi": the longer second half shares the first's noun.
            if lower in ("and", "or") and len(_content_words(words[i + 1 :])) > len(taken):
                return []
            break
        taken.append(word)
    else:
        if _runs_on(rest):
            return []
    name = " ".join(taken)
    return [name] if _is_term(name) else []


def _content_words(words: list[str]) -> list[str]:
    return list(takewhile(lambda w: w.lower() not in _FUNCTION, words))


def _is_term(phrase: str) -> bool:
    """A content noun phrase of 1-5 words: no function word (a capitalised one inside is part of
    a name), no verb, no repeated word, a word of ≥ 3 letters, a head that is not vague."""
    words = phrase.split()
    lowered = [w.lower() for w in words]
    if not 1 <= len(words) <= MAX_TERM_WORDS or len(set(lowered)) < len(words):
        return False
    if lowered[0] in _FUNCTION or any(w in _FUNCTION for w in words[1:]):
        return False
    if any(not re.fullmatch(_WORD, w) for w in words) or any(w in _VERBS for w in lowered):
        return False
    if lowered[-1] in _VAGUE_HEADS or all(w in _VAGUE_HEADS or w.isdigit() for w in lowered):
        return False
    return any(sum(c.isalpha() for c in w) >= MIN_TERM_LETTERS for w in words)


def _defines(complement: str) -> bool:
    """Whether what follows "is"/"are" says what the subject is: a short noun phrase (after an
    article, or none) whose head is a kind of thing "of"/"to" something, or that a relative or
    participle clause goes on to describe; never a judgement, a role or an adjective."""
    tokens = [t.lower() for t in _TOKEN.findall(complement)]
    article = tokens[0] if tokens and tokens[0] in ("a", "an", "the") else ""
    tokens = tokens[1:] if article else tokens
    phrase: list[str] = []
    for token in tokens:
        if not re.fullmatch(_WORD, token) or token in _FUNCTION or token in _CLAUSE_OPENERS:
            break
        phrase.append(token)
    if not 1 <= len(phrase) <= MAX_PHRASE_WORDS or any(w in _EVALUATIVE for w in phrase):
        return False
    # "is usually given", "are often used": an adverb means a verb follows, not a noun phrase.
    if any(w.endswith("ly") and w not in _CATEGORY for w in phrase):
        return False
    following = " ".join(tokens[len(phrase) : len(phrase) + 2])
    head = phrase[-1]
    singular = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
    kind_of_thing = singular in _CATEGORY or head in _CATEGORY
    # Without an article the phrase may be an adjective ("are available that …").
    if not article and not kind_of_thing and _ADJECTIVE.search(head):
        return False
    if article == "the":
        return singular in _THE_HEADS and following.startswith("of ")
    if following.split(" ")[0] in _CLAUSE_OPENERS or _RELATIVE_AFTER_PREPOSITION.match(following):
        return True
    # "is a rare condition." names a kind and stops, "is a slow process for most people" goes on
    # about something else; "a type of …", "an operation to remove …" say which kind.
    if singular in _NAME_HEADS:
        return following.startswith(("of ", "for "))
    return kind_of_thing and following.startswith(("of ", "to "))


def _abbreviations(doc: Document, sentences: list[tuple[int, int]]) -> Iterator[Definition]:
    """Each short form defined in `doc`, with the first usable sentence spelling it out."""
    for short, long in abbreviation_definitions([doc.text]).items():
        spelled = re.compile(
            rf"(?P<long>{re.escape(long)})\s*\((?P<short>{re.escape(short)})\)", re.I
        )
        for start, end in sentences:
            m = spelled.search(doc.text, start, end)
            if m and _usable(doc.text[start:end]):
                kind = DefinitionKind.ABBREVIATION
                yield Definition(m["short"], doc.id, start, end, kind, m["long"])
                break
