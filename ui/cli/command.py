"""The `qa` command: the parser assembled from the command modules, and one place where a QAError
becomes an exit code and a fix-it message.

Exit codes: 0 success; 2 bad usage or bad suite file; 3 index missing, stale or corrupt;
4 model or tokenizer data missing; 1 anything else.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from qa.config import Settings
from qa.errors import ConfigError, QAError
from qa.safety.messages import DISCLAIMER
from ui.cli import answer_cmds, bench_cmds, eval_cmds, serve_cmds, staff_cmds, tune_cmds
from ui.cli.common import METRICS, Handler

COMMANDS = (answer_cmds, eval_cmds, tune_cmds, bench_cmds, serve_cmds, staff_cmds)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qa",
        description=(
            "Answers questions with sentences quoted word for word from the trusted documents "
            "in the sources folder, each cited (what they are about: sources/profile.toml). "
            "Every knob is also a QA_<SETTING> environment variable (see docs/settings.md)."
        ),
        epilog='Example: qa index && qa ask "What are the side effects of chemotherapy?"',
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for module in COMMANDS:
        module.add_parsers(sub)
    return p


def _split_bounds(argv: Sequence[str]) -> tuple[list[str], dict[str, float], dict[str, float]]:
    """Pull `--min-METRIC X` / `--max-METRIC X` out of argv (argparse cannot express them)."""
    rest: list[str] = []
    mins: dict[str, float] = {}
    maxs: dict[str, float] = {}
    it = iter(argv)
    for arg in it:
        name, _, inline = arg.partition("=")
        kind = "min" if name.startswith("--min-") else "max" if name.startswith("--max-") else ""
        metric = name[6:].replace("-", "_")
        if not kind or metric not in METRICS:
            rest.append(arg)
            continue
        raw = inline or next(it, "")
        try:
            (mins if kind == "min" else maxs)[metric] = float(raw)
        except ValueError:
            raise ConfigError(f"{name} needs a number, got {raw!r}") from None
    return rest, mins, maxs


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        sources_dir=getattr(args, "sources", None), index_dir=getattr(args, "index", None)
    )


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        rest, mins, maxs = _split_bounds(argv)
        args = _parser().parse_args(rest)
        if (mins or maxs) and args.command != "eval":
            raise ConfigError("--min-METRIC and --max-METRIC go with `qa eval`")
        settings = _settings(args)
        handler: Handler = next(
            c.HANDLERS[args.command] for c in COMMANDS if args.command in c.HANDLERS
        )
        return handler(args, settings, mins, maxs)
    except QAError as err:
        print(f"error: {err}", file=sys.stderr)
        print(DISCLAIMER, file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`qa eval … | head`): stop quietly, as other commands do. Point
        # stdout at /dev/null so that Python's flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command killed by it


if __name__ == "__main__":
    raise SystemExit(main())
