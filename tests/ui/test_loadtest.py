"""`qa loadtest` against the test app (tiny corpus, fake embedder), and a full queue that must
answer "busy" instead of hanging. Small numbers: these check behaviour, not speed."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from gradio_client.utils import QueueError

from qa.evaluation import loadtest, loadtest_result
from qa.evaluation.procmem import read_memory
from qa.safety.messages import DISCLAIMER
from tests.ui.conftest import REPO, app_process
from ui.cli.command import main

# A generous bound for one call: it must end (answer or "busy"), however loaded the machine.
CALL_TIMEOUT = 60.0
JSON_KEYS = {
    "url",
    "users",
    "peak_users",
    "ramp_seconds",
    "questions",
    "answered",
    "duration_s",
    "throughput_qps",
    "latency_ms",
    "busy",
    "rate_limited",
    "error_count",
    "errors",
    "error_examples",
    "replies",
    "memory",
    "ok",
}
QUESTIONS = (
    "What does cryotherapy use to kill cancer cells?",
    "What is radiation therapy?",
    "what about its side effects?",
    "I have chest pain",
    "What is the capital of France?",
)


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second app: one question at a time, one waiting, each answer taking a second."""
    with app_process("tests.ui.slow_server", tmp_path_factory.mktemp("slow")) as (base, _):
        yield base


def test_predict_returns_the_conversation_with_the_disclaimer(server):
    base, _ = server
    client = loadtest.connect(base, CALL_TIMEOUT)
    try:
        # The chat's gr.State is not an API parameter: the server keeps it per client session.
        first = client.submit(QUESTIONS[0], api_name="/ask").result(timeout=CALL_TIMEOUT)
        second = client.submit(QUESTIONS[2], api_name="/ask").result(timeout=CALL_TIMEOUT)
    finally:
        client.close()
    box, messages = second
    assert box == "" and len(first[1]) == 2 and len(messages) == 4
    assert [m["role"] for m in messages] == ["user", "assistant"] * 2
    assert DISCLAIMER in messages[-1]["content"][0]["text"]
    assert loadtest.classify_reply(first) == "reply:answered"


def test_load_test_through_the_cli(server_process, capsys, monkeypatch):
    base, _, pid = server_process
    monkeypatch.chdir(REPO)  # the default questions: evals/golden.yaml and evals/holdout.yaml
    args = ["--users", "5", "--questions", "30", "--ramp-seconds", "1", "--json", "--server-pid"]
    code = main(["loadtest", base, *args, str(pid)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0, data
    assert set(data) == JSON_KEYS
    assert data["questions"] == data["answered"] == 30
    assert data["errors"] == {} and data["error_count"] == 0 and data["ok"] is True
    # Each reply was checked: an assistant message ending with the disclaimer, a known status.
    assert sum(data["replies"].values()) == 30
    assert set(data["replies"]) <= {"answered", "abstained", "escalated", "rejected"}
    assert 1 <= data["peak_users"] <= 5
    lat = data["latency_ms"]
    assert 0 < lat["p50"] <= lat["p95"] <= lat["p99"] <= lat["max"]
    mem = data["memory"]
    assert mem is not None and 0 < mem["before_mb"] <= mem["high_water_mb"]
    assert mem["peak_mb"] >= mem["after_mb"]


def test_load_test_table_and_questions_file(server, tmp_path, capsys):
    base, _ = server
    questions = tmp_path / "questions.txt"
    questions.write_text("\n".join(QUESTIONS) + "\n\n", encoding="utf-8")
    args = ["--users", "2", "--questions", "6", "--ramp-seconds", "0", "--questions-file"]
    code = main(["loadtest", base, *args, str(questions)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "latency p50/p95/p99" in out and "6 answered" in out
    assert "not measured" in out  # no --server-pid with a URL


def test_full_queue_answers_busy_and_never_hangs(slow_server):
    clients = [loadtest.connect(slow_server, CALL_TIMEOUT) for _ in range(8)]

    def ask(client: Any) -> tuple[str, float]:
        began = time.monotonic()
        try:
            client.submit(QUESTIONS[0], api_name="/ask").result(timeout=CALL_TIMEOUT)
            return "answered", time.monotonic() - began
        except QueueError:
            return "busy", time.monotonic() - began

    try:
        with ThreadPoolExecutor(len(clients)) as pool:
            # Any other exception (a TimeoutError above all) fails the test here.
            outcomes = list(pool.map(ask, clients))
    finally:
        for client in clients:
            client.close()
    kinds = [kind for kind, _ in outcomes]
    assert "busy" in kinds and "answered" in kinds, outcomes
    # "Busy" comes back at once rather than after the queue drains; the bound is generous.
    assert all(seconds < CALL_TIMEOUT / 2 for kind, seconds in outcomes if kind == "busy")


def test_load_test_counts_busy_apart_from_errors(slow_server):
    result = loadtest.run(
        slow_server, QUESTIONS, users=8, total=8, ramp_seconds=0, timeout=CALL_TIMEOUT, warmup=0
    )
    data = result.to_json()
    assert data["questions"] == 8
    assert data["busy"] >= 1 and data["answered"] >= 1, data
    assert data["error_count"] == 0 and data["ok"] is True, data
    assert data["busy"] + data["answered"] == 8


def test_classify_reply_rejects_malformed_replies():
    reply = {"role": "assistant", "content": [{"type": "text", "text": DISCLAIMER}]}
    assert loadtest.classify_reply(("", [reply])) == "reply:unknown"
    assert loadtest.classify_reply(("", [{**reply, "content": "no disclaimer"}])) == "bad_reply"
    assert loadtest.classify_reply(("", [{**reply, "role": "user"}])) == "bad_reply"
    assert loadtest.classify_reply(("", [])) == "bad_reply"
    assert loadtest.classify_reply(None) == "bad_reply"
    failed = f'<div class="qa-reply qa-error"><p>{DISCLAIMER}</p></div>'
    assert loadtest.classify_reply(("", [{**reply, "content": failed}])) == "server_error"


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert loadtest_result.percentile(values, 50) == 50
    assert loadtest_result.percentile(values, 95) == 95
    assert loadtest_result.percentile(values, 100) == 100
    assert loadtest_result.percentile([7.0], 99) == 7.0


def test_memory_of_this_process():
    memory = read_memory(os.getpid())
    assert memory is not None and 0 < memory.rss_mb <= memory.hwm_mb
    assert read_memory(2**22 + 12345) is None


def test_bad_options_are_usage_errors(capsys):
    assert main(["loadtest", "--users", "0"]) == 2
    assert main(["loadtest", "--server-pid", "1"]) == 2
    assert main(["loadtest", "http://127.0.0.1:1/", "--index", "x"]) == 2
    assert main(["loadtest", "--questions-file", str(Path("/nonexistent/q.txt"))]) == 2
    assert "--users must be at least 1" in capsys.readouterr().err


def test_an_app_that_fails_to_start_ends_the_load_test_with_its_log(tmp_path, capsys):
    # Without URL the load test starts `qa serve --rebuild`; here the build fails at once.
    args = ["--index", str(tmp_path / "index"), "--sources", str(tmp_path / "missing")]
    assert main(["loadtest", "--users", "1", "--questions", "1", *args]) == 1
    err = capsys.readouterr().err
    assert "`qa serve` exited with code" in err and "sources folder" in err


def test_abusers_are_refused_while_honest_users_are_answered(tmp_path_factory, monkeypatch):
    """`qa loadtest --abuse`'s parts against the test app behind a simulated proxy: what each
    abuser gets and that no honest question fails (the latency ratio is the benchmark's)."""
    from qa.evaluation import abuse

    monkeypatch.setattr(abuse, "THINK_SECONDS", 0.3)
    monkeypatch.setattr(abuse, "OVERSIZED_BYTES", 200_000)
    env = {"QA_TRUSTED_PROXIES": "127.0.0.1", "QA_CHAT_RATE_PER_MINUTE": "30",
           "QA_CHAT_RATE_BURST": "5"}
    with app_process("tests.ui.fake_server", tmp_path_factory.mktemp("proxied"), env) as (
        base, pid
    ):
        result = abuse.run_abuse(base + "/", QUESTIONS, 2, 6, 0.0, CALL_TIMEOUT, pid)
    assert result.clean.failures == 0 and result.abused.failures == 0
    assert len(result.abused.latencies) == 6 and not result.abused.errors  # none limited
    oversized, rotation, burst = (result.abuse[k] for k in abuse.ABUSERS)
    assert set(oversized) <= {413, 0} and sum(oversized.values()) > 0
    # Rotation and burst share the abuser's real address: one bucket, mostly refused.
    answered = rotation.get(200, 0) + burst.get(200, 0)
    assert answered <= 5 + 2 * result.abused.seconds and rotation.get(429, 0) > answered
    assert "abuser rotation" in abuse.table(result)
