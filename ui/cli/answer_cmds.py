"""`qa index`, `qa ask` and `qa chat`: build the index and answer questions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.errors import ConfigError

if TYPE_CHECKING:
    from qa.types import Answer

from ui.cli.common import Handler, add_paths, build_with_progress, ready_pipeline


def add_parsers(sub: Any) -> None:
    sp = sub.add_parser("index", help="build or update the index from the sources folder")
    add_paths(sp)
    sp.add_argument("--quiet", action="store_true", help="no progress output")
    sp = sub.add_parser("ask", help="answer one question, or a file of questions (--batch)")
    sp.add_argument("question", nargs="?", help="the question, in quotes")
    sp.add_argument("--batch", type=Path, help="file with one question per line")
    sp.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    add_paths(sp, rebuild=True)
    sp = sub.add_parser("chat", help="ask questions at an interactive prompt")
    add_paths(sp, rebuild=True)


def _cmd_index(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    build_with_progress(settings, quiet=args.quiet)
    return 0


def _cmd_ask(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    if (args.question is None) == (args.batch is None):
        raise ConfigError("give either a QUESTION or --batch FILE (not both)")
    if args.batch is not None:
        try:
            questions = args.batch.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"--batch {args.batch}: cannot be read ({err})") from None
        questions = [q for q in questions if q.strip()]
    else:
        questions = [args.question]
    pipeline = ready_pipeline(settings, args.rebuild)
    for q in questions:
        answer = pipeline.ask(q)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(render_text(answer), flush=True)
            if len(questions) > 1:
                print("-" * 60)
    return 0


def render_text(answer: Answer) -> str:
    lines = [answer.notice, ""] if answer.notice else []
    lines.append(answer.text)
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            label = " — written for healthcare professionals" if c.audience != "patients" else ""
            section = f", section “{c.section}”" if c.section else ""
            lines.append(f"  [{c.n}] {c.title} ({c.publisher}{section}){label}")
    lines.append("")
    lines.append(answer.disclaimer)
    return "\n".join(lines)


def _cmd_chat(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    pipeline = ready_pipeline(settings, rebuild=args.rebuild)
    print(f"Ask a question about {pipeline.index.profile.scope} (Ctrl-D to quit).")
    while True:
        try:
            question = input("\n> ")
        except EOFError:
            print()
            return 0
        if question.strip():
            print(render_text(pipeline.ask(question)))


HANDLERS: dict[str, Handler] = {"index": _cmd_index, "ask": _cmd_ask, "chat": _cmd_chat}
