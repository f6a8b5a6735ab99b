"""Run `qa serve` (or another app server) in a subprocess on a free loopback port: for
`qa loadtest` without a URL, and for the tests that drive the app."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QAError

# Building the index (~30 s) and loading the model (~6 s) on a busy 2-core machine.
START_TIMEOUT_SECONDS = 600.0
_LOG_TAIL_CHARS = 3000


@dataclass(frozen=True)
class LocalApp:
    url: str
    pid: int
    log: Path


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def local_app(
    serve_args: Sequence[str] = (),
    start_timeout: float = START_TIMEOUT_SECONDS,
    env: Mapping[str, str] | None = None,
) -> Iterator[LocalApp]:
    """`qa serve --rebuild` (index built first when missing or stale) until the block ends.

    Its logbook is a throwaway file, so simulated questions never reach the real staff review,
    and the per-client rate limit is off unless `env` sets it: the load comes from one address.
    """
    with tempfile.TemporaryDirectory(prefix="qa-loadtest-") as tmp:
        port = free_port()
        # Every simulated user comes from 127.0.0.1, one client to the per-address limit.
        env = {
            "QA_DB_PATH": str(Path(tmp) / "qa.sqlite3"),
            "QA_CHAT_RATE_PER_MINUTE": "0",
            **(env or {}),
        }
        command = [sys.executable, "-m", "ui.cli", "serve", "--rebuild"]
        command += ["--host", "127.0.0.1", "--port", str(port), *serve_args]
        with app_process(command, port, Path(tmp) / "server.log", env, start_timeout) as app:
            yield app


@contextlib.contextmanager
def app_process(
    command: Sequence[str],
    port: int,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    start_timeout: float = START_TIMEOUT_SECONDS,
    cwd: Path | None = None,
) -> Iterator[LocalApp]:
    """Run an app's server command (output to `log_path`), wait until it answers on `port`
    and stop it when the block ends. `env` is added to this process's environment."""
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            list(command), stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_until_up(url, proc, log_path, start_timeout)
            yield LocalApp(url, proc.pid, log_path)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll the app's /config until it answers; fail with the end of its log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise QAError(f"`qa serve` exited with code {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url + "config", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise QAError(f"`qa serve` did not answer within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-_LOG_TAIL_CHARS:]
