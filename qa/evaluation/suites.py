"""Golden suites: reading and checking a suite file (every case's question and what it expects),
with errors that name the file, the case and the key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from qa.errors import SuiteError, unknown_keys

_TOP_KEYS = {"suite", "questions"}
_CASE_KEYS = {"id", "question", "turns", "tags", "expect", "category"}
_EXPECT_KEYS = {"sources", "all_of", "abstain", "escalate"}
_ESCALATIONS = {"emergency", "urgent", "crisis"}
# `escalate: none` marks an informational near-miss: it must not be escalated at any level.
NOT_ESCALATED = "none"


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    all_of: tuple[tuple[str, ...], ...] = ()
    abstain: bool = False
    escalate: str | None = None
    category: str = ""
    # A conversation's earlier messages, oldest first; only `question`, the last, is scored.
    turns: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return not self.abstain and self.escalate is None


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    cases: tuple[Case, ...]


def load_suite(path: Path, known_sources: Iterable[str] | None = None) -> Suite:
    """Parse and validate a suite file; every problem names the file and the case."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SuiteError(f"{path}: cannot be read ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise SuiteError(f"{path}: not valid YAML ({err})") from None
    if not isinstance(data, dict):
        raise SuiteError(f"{path}: expected a mapping with 'suite' and 'questions'")
    _no_unknown(path, "the top level", data, _TOP_KEYS)
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise SuiteError(f"{path}: 'questions' must be a non-empty list")
    known = set(known_sources) if known_sources is not None else None
    cases: list[Case] = []
    seen: set[str] = set()
    for i, raw in enumerate(questions, 1):
        where = f"{path}: question #{i}"
        if not isinstance(raw, dict):
            raise SuiteError(f"{where}: expected a mapping with id, question and expect")
        case_id = raw.get("id")
        if not isinstance(case_id, str) or not case_id.strip():
            raise SuiteError(f"{where}: needs a non-empty string 'id'")
        where = f"{path}: case '{case_id}'"
        if case_id in seen:
            raise SuiteError(f"{where}: duplicate id")
        seen.add(case_id)
        _no_unknown(path, f"case '{case_id}'", raw, _CASE_KEYS)
        cases.append(_case(where, case_id, raw, known))
    name = data.get("suite") or path.stem
    return Suite(name=str(name), path=path, cases=tuple(cases))


def _case(where: str, case_id: str, raw: dict[str, Any], known: set[str] | None) -> Case:
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise SuiteError(f"{where}: needs a non-empty 'question'")
    expect = raw.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise SuiteError(
            f"{where}: needs an 'expect' mapping (sources, all_of, abstain or escalate)"
        )
    _no_unknown(Path(where), "expect", expect, _EXPECT_KEYS)
    sources = expect.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise SuiteError(f"{where}: expect.sources must be a list of source ids")
    if known is not None:
        unknown = [s for s in sources if s not in known]
        if unknown:
            raise SuiteError(
                f"{where}: unknown source id(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
    groups = expect.get("all_of", [])
    if not isinstance(groups, list):
        raise SuiteError(f"{where}: expect.all_of must be a list of lists of phrases")
    parsed_groups = []
    for g in groups:
        if isinstance(g, str):
            g = [g]
        if not isinstance(g, list) or not g or not all(isinstance(p, str) and p.strip() for p in g):
            raise SuiteError(
                f"{where}: every expect.all_of group must be a non-empty list of phrases"
            )
        parsed_groups.append(tuple(g))
    abstain = expect.get("abstain", False)
    if not isinstance(abstain, bool):
        raise SuiteError(f"{where}: expect.abstain must be true or false")
    escalate = expect.get("escalate")
    if escalate is not None and (
        not isinstance(escalate, str) or escalate not in {*_ESCALATIONS, NOT_ESCALATED}
    ):
        raise SuiteError(
            f"{where}: expect.escalate must be 'emergency', 'urgent', 'crisis' or 'none'"
        )
    if escalate == NOT_ESCALATED and (sources or parsed_groups or abstain):
        raise SuiteError(f"{where}: escalate: none cannot be combined with other expectations")
    category = raw.get("category", "")
    if not isinstance(category, str):
        raise SuiteError(f"{where}: category must be a catalogue entry id or 'informational'")
    if not (sources or parsed_groups or abstain or escalate):
        raise SuiteError(f"{where}: has no expectation (sources, all_of, abstain or escalate)")
    if abstain and (sources or parsed_groups):
        raise SuiteError(f"{where}: abstain: true cannot be combined with sources or all_of")
    turns = raw.get("turns", []) or []
    if not isinstance(turns, list) or not all(isinstance(t, str) and t.strip() for t in turns):
        raise SuiteError(f"{where}: turns must be a list of the conversation's earlier messages")
    tags = raw.get("tags", []) or []
    if not isinstance(tags, list):
        raise SuiteError(f"{where}: tags must be a list")
    return Case(
        id=case_id,
        question=question,
        tags=tuple(str(t) for t in tags),
        sources=tuple(sources),
        all_of=tuple(parsed_groups),
        abstain=abstain,
        escalate=escalate,
        category=category,
        turns=tuple(turns),
    )


def _no_unknown(path: Path, where: str, data: dict[str, Any], allowed: set[str]) -> None:
    problem = unknown_keys(data, allowed)
    if problem:
        raise SuiteError(f"{path}: {where}: {problem}")
