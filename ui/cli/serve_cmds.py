"""`qa serve` and `qa loadtest`: the web app, and many simulated users against it."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.errors import ConfigError
from ui.cli.common import Handler, add_paths, ready_pipeline


def add_parsers(sub: Any) -> None:
    sp = sub.add_parser(
        "serve",
        help="start the chat app (patients at /, staff review at /staff/)",
        description=(
            "Start the Gradio chat app. Staff login: QA_STAFF_USER and QA_STAFF_PASSWORD. "
            "Questions are kept (redacted) only when the patient ticks the consent box, or for "
            "all with QA_LOG_QUESTIONS=1; QA_LOG_RETENTION_DAYS, QA_DB_PATH."
        ),
        epilog=(
            "Behind a reverse proxy (docs/deployment.md): let the proxy terminate TLS and keep "
            "the app on 127.0.0.1; set QA_ALLOWED_HOSTS to the public host name and "
            "QA_TRUSTED_PROXIES to the proxy's address, so the rate limit counts each patient's "
            "X-Forwarded-For address, not the proxy's; when the proxy serves the app under a "
            "path and strips it, set QA_ROOT_PATH (e.g. /qa). Load balancers check GET /healthz."
        ),
    )
    sp.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    add_paths(sp, rebuild=True)
    sp = sub.add_parser(
        "loadtest",
        help="simulate many chat users at once; report latency, errors and server memory",
        description=(
            "Load-test the chat app through its public API: one gradio_client session per "
            "simulated user, users joining one by one over --ramp-seconds, each asking questions "
            "back to back until --questions have been asked in total. Reports throughput, "
            "latency p50/p95/p99 (per question, queue wait included), errors by kind ('busy' = "
            "queue full, the app's polite refusal, counted apart) and the server's memory "
            "(RSS before, after and peak). Exit code 1 when any error other than 'busy' occurred."
        ),
        epilog=(
            "Without URL it starts `qa serve --rebuild` on a free 127.0.0.1 port (building the "
            "index first if needed, logging to a throwaway logbook) and stops it afterwards. "
            "Example: qa loadtest --users 50 --questions 1000 --json"
        ),
    )
    sp.add_argument(
        "url",
        nargs="?",
        help="a running chat app, e.g. http://127.0.0.1:7860/ (default: start one)",
    )
    sp.add_argument(
        "--users",
        type=int,
        default=50,
        help="simultaneous users at the end of the ramp (default 50)",
    )
    sp.add_argument("--questions", type=int, default=1000, help="questions in total (default 1000)")
    sp.add_argument(
        "--ramp-seconds",
        type=float,
        default=20.0,
        help="seconds over which users join, from 1 to --users (default 20)",
    )
    sp.add_argument(
        "--questions-file",
        type=Path,
        metavar="FILE",
        help="one question per line, cycled (default: the questions of evals/golden.yaml and "
        "evals/holdout.yaml)",
    )
    sp.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds one question may take before it counts as a timeout error (default 60)",
    )
    sp.add_argument(
        "--server-pid",
        type=int,
        metavar="PID",
        help="with URL: the server's process id, to report its memory (Linux /proc)",
    )
    sp.add_argument(
        "--abuse",
        action="store_true",
        help="run the users twice, alone and beside three abusers (oversized bodies, rotated "
        "X-Forwarded-For, a burst from one address), as behind a reverse proxy with the rate "
        "limit on; users read each answer for 2 s. Reports both runs' latency (target: p95 "
        "under abuse within 2x) and what the abusers got. Needs no URL",
    )
    sp.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    add_paths(sp)


def _cmd_serve(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.serving.logbook import Logbook

    # Before Gradio is imported: no usage data, no update checks.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, got {args.port}")
    try:
        from ui.server import serve
    except ImportError as err:
        raise ConfigError(
            f"the chat app needs the ui extra ({err}); run `make setup` or `pip install -e '.[ui]'`"
        ) from None
    from qa.serving.live import LivePipeline

    # Builds the index first when asked to; the server then follows later builds by itself.
    embedder = ready_pipeline(settings, rebuild=args.rebuild).embedder
    live = LivePipeline(settings, embedder)
    try:
        logbook = Logbook.open(settings)
    except (sqlite3.Error, OSError) as err:
        raise ConfigError(
            f"setting db_path (QA_DB_PATH) {settings.serving.db_path}: {err}"
        ) from None
    serve(live, logbook, args.host, args.port)
    return 0


def _cmd_loadtest(args: argparse.Namespace, settings: Settings, *_: Any) -> int:
    from qa.evaluation import loadtest, loadtest_result
    from qa.evaluation.local_app import local_app

    for name, value, low in (
        ("--users", args.users, 1),
        ("--questions", args.questions, 1),
        ("--ramp-seconds", args.ramp_seconds, 0),
    ):
        if value < low:
            raise ConfigError(f"{name} must be at least {low}, got {value}")
    if args.timeout <= 0:
        raise ConfigError(f"--timeout must be more than 0, got {args.timeout}")
    if args.url is None and args.server_pid is not None:
        raise ConfigError("--server-pid goes with a URL (without one, the load test knows the pid)")
    if args.url is not None and (args.index or args.sources):
        raise ConfigError("--index and --sources go with the app the load test starts (no URL)")
    questions = loadtest.load_questions(args.questions_file, settings.serving.evals_dir)
    if args.abuse:
        return _abuse_loadtest(args, questions)

    def load(url: str, pid: int | None) -> loadtest_result.LoadResult:
        return loadtest.run(
            url, questions, args.users, args.questions, args.ramp_seconds, args.timeout, pid
        )

    if args.url is not None:
        result = load(args.url, args.server_pid)
    else:
        serve_args = [
            f"--{k}={v}" for k, v in (("index", args.index), ("sources", args.sources)) if v
        ]
        print("starting `qa serve` (it builds the index first if needed) …", file=sys.stderr)
        with local_app(serve_args) as app:
            print(f"load test against {app.url} (pid {app.pid})", file=sys.stderr)
            result = load(app.url, app.pid)
    shown = json.dumps(result.to_json(), ensure_ascii=False) if args.json else None
    print(shown or loadtest_result.table(result))
    return 0 if result.failures == 0 else 1


def _abuse_loadtest(args: argparse.Namespace, questions: list[str]) -> int:
    from qa.evaluation import abuse
    from qa.evaluation.local_app import local_app

    if args.url is not None:
        raise ConfigError("--abuse starts its own app (behind a simulated proxy): give no URL")
    serve_args = [f"--{k}={v}" for k, v in (("index", args.index), ("sources", args.sources)) if v]
    env = {
        "QA_TRUSTED_PROXIES": "127.0.0.1",
        "QA_CHAT_RATE_PER_MINUTE": str(Settings().serving.chat_rate_per_minute),
    }
    print("starting `qa serve` behind a simulated proxy …", file=sys.stderr)
    with local_app(serve_args, env=env) as app:
        print(f"clean run, then under abuse, against {app.url} (pid {app.pid})", file=sys.stderr)
        result = abuse.run_abuse(
            app.url,
            questions,
            args.users,
            args.questions,
            args.ramp_seconds,
            args.timeout,
            app.pid,
        )
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else abuse.table(result))
    return 0 if result.ok else 1


HANDLERS: dict[str, Handler] = {"serve": _cmd_serve, "loadtest": _cmd_loadtest}
