"""What the engine knows about one collection of documents, read from `profile.toml` beside them.

The engine's code names no disease, drug or place of the bundled documents: a clinic that
brings its own leaflets writes its own profile (or none: every key has a neutral default).

    [chat]
    title = "…"                 # the chat's title
    scope = "…"                 # what the documents are about: "I can answer questions about …"
    topics = "…"                # "… for example <topics>" (optional)
    examples = ["…", "…"]       # example questions shown in the chat (each one answered)

    [brands]                    # drug brand names -> the generic names the documents use
    herceptin = "trastuzumab"   # (added to, and overriding, qa/drug_brands.toml's)

    [drugs]
    names = '…'                 # drug and regimen names the general drug-name stems miss

    [[topic]]                   # a topic a reply must speak of (adds to qa/answering/topics.toml)
    name = "…"
    asked = '…'                 # regular expression: the words a question asks about it with
    also_spoken = '…'           # optional: further words a reply may speak of it with

    [[subject]]                 # what one document at a time is about (catalog.toml: subject = id)
    id = "…"
    names = '…'                 # regular expression: a question names it as its subject
    words = '…'                 # regular expression: any word of it

    [[lexicon]]                 # lay phrases -> the documents' words, for the search terms
    lay = '\\bboob\\b'          # a regular expression, matched case-insensitively at a word start
    documents = "breast"

    [ranking]
    passage_ranker = "passage_ranker.json"  # a file beside this one, from `qa tune-passages`

Every key is validated when the profile is read; a bad one is refused with a message naming it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import ConfigError

PROFILE_NAME = "profile.toml"
# Brand names of common cancer and supportive-care drugs, for any collection; a profile's own
# [brands] come first.
GENERAL_BRANDS = Path(__file__).with_name("drug_brands.toml")
_SECTIONS = {"chat", "brands", "drugs", "lexicon", "ranking", "subject", "topic"}
_CHAT_KEYS = {"title", "scope", "topics", "examples"}


@dataclass(frozen=True)
class Subject:
    """One subject the collection's documents are about, one at a time (a cancer, a condition):
    how a question names it as its subject, and any word of it. A question naming one subject
    and no word of another is about that one; sentences from documents about another subject
    (catalog.toml's `subject`) then rank lower (Settings.other_site_penalty)."""

    id: str
    names: str  # regular expression: the question names it as what it is about
    words: str  # regular expression: any word of it, however used


@dataclass(frozen=True)
class Profile:
    title: str = "Questions about our documents"
    scope: str = "the subjects of the documents in this collection"
    topics: str = ""
    examples: tuple[str, ...] = ()
    brands: tuple[tuple[str, str], ...] = ()  # (brand, generic), brand lower-case
    lexicon: tuple[tuple[str, str], ...] = ()  # (lay phrase as a regular expression, words)
    subjects: tuple[Subject, ...] = ()
    # Drug and regimen names the general drug-name stems miss ("chop\w*|abvd"): a regular
    # expression, matched on lower-cased text between word boundaries.
    drug_names: str = ""
    # Topics a reply must speak of when a question asks about them, beyond the general ones
    # (qa/answering/topics.toml): (name, asked words, further words a reply may use).
    topic_words: tuple[tuple[str, str, str], ...] = ()
    # The collection's passage ranker learned from its own suites (qa/answering/ranker.py): a
    # file name in the profile's folder; "" for the hand-set ranker.
    passage_ranker: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Profile:
        """A profile as a build stored it (`to_json`)."""
        return cls(
            title=str(raw["title"]),
            scope=str(raw["scope"]),
            topics=str(raw["topics"]),
            examples=tuple(str(e) for e in raw["examples"]),
            brands=tuple((str(b), str(g)) for b, g in raw["brands"]),
            lexicon=tuple((str(p), str(w)) for p, w in raw["lexicon"]),
            subjects=tuple(Subject(**s) for s in raw.get("subjects", [])),
            drug_names=str(raw.get("drug_names", "")),
            topic_words=tuple((str(n), str(a), str(s)) for n, a, s in raw.get("topic_words", [])),
            passage_ranker=str(raw.get("passage_ranker", "")),
        )

    def scope_with_topics(self) -> str:
        """"<scope> — for example <topics>", or the scope alone."""
        return f"{self.scope} — for example {self.topics}" if self.topics else self.scope


def load_profile(sources_dir: Path) -> Profile:
    """The profile in `sources_dir`, or the neutral default when there is none (a corpus that
    is one file, a folder without a profile)."""
    path = sources_dir / PROFILE_NAME
    if not sources_dir.is_dir() or not path.exists():
        return Profile(brands=with_general_brands(()))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read ({err}); fix it or remove it") from None
    return _parse(data, path)


def _parse(data: dict[str, Any], path: Path) -> Profile:
    unknown = set(data) - _SECTIONS
    if unknown:
        raise ConfigError(
            f"{path}: unknown section(s) {', '.join(sorted(unknown))}; allowed: "
            f"{', '.join(sorted(_SECTIONS))}"
        )
    chat = _table(data, "chat", path)
    bad = set(chat) - _CHAT_KEYS
    if bad:
        raise ConfigError(
            f"{path}: unknown key(s) chat.{', chat.'.join(sorted(bad))}; allowed: "
            f"{', '.join(sorted(_CHAT_KEYS))}"
        )
    default = Profile()
    texts = {k: _text(chat, k, path, getattr(default, k)) for k in ("title", "scope", "topics")}
    examples = chat.get("examples", [])
    if not isinstance(examples, list) or not all(
        isinstance(e, str) and e.strip() for e in examples
    ):
        raise ConfigError(f"{path}: chat.examples must be a list of questions (non-empty text)")
    brands = _table(data, "brands", path)
    for brand, generic in brands.items():
        if not isinstance(generic, str) or not generic.strip():
            raise ConfigError(f"{path}: brands.{brand} must be the generic name, as text")
    return Profile(
        **texts,
        examples=tuple(e.strip() for e in examples),
        brands=with_general_brands(tuple((b.lower(), g.strip()) for b, g in brands.items())),
        lexicon=_lexicon(data.get("lexicon", []), path),
        subjects=_subjects(data.get("subject", []), path),
        drug_names=_drug_names(_table(data, "drugs", path), path),
        topic_words=_topics(data.get("topic", []), path),
        passage_ranker=_ranker_file(_table(data, "ranking", path), path),
    )


def _ranker_file(ranking: dict[str, Any], path: Path) -> str:
    """[ranking] passage_ranker: the name of a file in the profile's folder (no folders, so
    that a profile cannot point outside its collection), or "" when not given."""
    unknown = set(ranking) - {"passage_ranker"}
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) ranking.{', ranking.'.join(sorted(unknown))}")
    name = ranking.get("passage_ranker", "")
    if not isinstance(name, str) or (name and Path(name).name != name) or name in (".", ".."):
        raise ConfigError(
            f"{path}: ranking.passage_ranker must be the name of a file beside the profile "
            f"(from `qa tune-passages --out`), got {name!r}"
        )
    return name


def with_general_brands(own: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """A collection's own brand names, then those of GENERAL_BRANDS it does not name."""
    named = {brand for brand, _ in own}
    return own + tuple((b, g) for b, g in _general_brands() if b not in named)


@functools.cache
def _general_brands() -> tuple[tuple[str, str], ...]:
    brands = tomllib.loads(GENERAL_BRANDS.read_text(encoding="utf-8"))["brands"]
    return tuple((str(b).lower(), str(g).strip()) for b, g in brands.items())


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{key}] must be a table")
    return table


def _text(table: dict[str, Any], key: str, path: Path, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (key != "topics" and not value.strip()):
        raise ConfigError(f"{path}: chat.{key} must be text")
    return value.strip()


def _lexicon(entries: Any, path: Path) -> tuple[tuple[str, str], ...]:
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: lexicon must be a list of [[lexicon]] entries")
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: lexicon entry {n}"
        if not isinstance(entry, dict) or set(entry) != {"lay", "documents"}:
            raise ConfigError(f"{where} needs exactly the keys lay and documents")
        lay, words = entry["lay"], entry["documents"]
        if not isinstance(lay, str) or not lay.startswith(r"\b") or not isinstance(words, str):
            raise ConfigError(
                f"{where}: lay must be a regular expression starting at a word boundary (\\b), "
                "documents the words the documents use"
            )
        try:
            re.compile(lay)
        except re.error as err:
            raise ConfigError(f"{where}: lay {lay!r} is not a regular expression ({err})") from None
        out.append((lay, words.strip()))
    return tuple(out)


def _drug_names(drugs: dict[str, Any], path: Path) -> str:
    if set(drugs) - {"names"}:
        raise ConfigError(f"{path}: [drugs] takes only names (a regular expression)")
    names = drugs.get("names", "")
    if not isinstance(names, str):
        raise ConfigError(f"{path}: drugs.names must be a regular expression, as text")
    try:
        re.compile(names)
    except re.error as err:
        raise ConfigError(f"{path}: drugs.names is not a regular expression ({err})") from None
    return names


def _topics(entries: Any, path: Path) -> tuple[tuple[str, str, str], ...]:
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: topic must be a list of [[topic]] entries")
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: topic entry {n}"
        if not isinstance(entry, dict) or not {"name", "asked"} <= set(entry) <= {
            "name", "asked", "also_spoken"
        }:
            raise ConfigError(f"{where} needs the keys name and asked (and may have also_spoken)")
        if not all(isinstance(v, str) and v.strip() for v in entry.values()):
            raise ConfigError(f"{where}: name, asked and also_spoken must be text")
        for key in ("asked", "also_spoken"):
            try:
                re.compile(entry.get(key, ""))
            except re.error as err:
                raise ConfigError(f"{where}: {key} is not a regular expression ({err})") from None
        out.append((entry["name"], entry["asked"], entry.get("also_spoken", "")))
    return tuple(out)


def _subjects(entries: Any, path: Path) -> tuple[Subject, ...]:
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: subject must be a list of [[subject]] entries")
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: subject entry {n}"
        if not isinstance(entry, dict) or set(entry) != {"id", "names", "words"}:
            raise ConfigError(f"{where} needs exactly the keys id, names and words")
        if not all(isinstance(v, str) and v.strip() for v in entry.values()):
            raise ConfigError(f"{where}: id, names and words must be text")
        for key in ("names", "words"):
            try:
                re.compile(entry[key])
            except re.error as err:
                raise ConfigError(f"{where}: {key} is not a regular expression ({err})") from None
        out.append(Subject(entry["id"], entry["names"], entry["words"]))
    if len({s.id for s in out}) != len(out):
        raise ConfigError(f"{path}: two [[subject]] entries have the same id")
    return tuple(out)


def lexicon_entries(path: Path) -> tuple[tuple[str, str], ...]:
    """The [[lexicon]] entries of a TOML file (the engine's general lay lexicon)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read ({err})") from None
    return _lexicon(data.get("lexicon", []), path)
