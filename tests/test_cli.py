"""The command contract: exit codes and messages that say how to fix things (no model needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qa.serving.loading import load_pipeline
from ui.cli.command import _split_bounds, main

REPO = Path(__file__).resolve().parent.parent


def test_missing_index_exits_3_with_fix(tmp_path, capsys):
    code = main(["ask", "What is FOLFIRI?", "--index", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 3
    assert "qa index" in err
    assert "not medical advice" in err  # the disclaimer is on error replies too


def test_bad_setting_exits_2_naming_it(monkeypatch, capsys):
    monkeypatch.setenv("QA_TOP_K", "0")
    assert main(["ask", "hi"]) == 2
    assert "QA_TOP_K" in capsys.readouterr().err


def test_ask_needs_exactly_one_of_question_or_batch(tmp_path, capsys):
    assert main(["ask", "--index", str(tmp_path)]) == 2
    assert "--batch" in capsys.readouterr().err


def test_bad_suite_exits_2_naming_file_and_case(built, tmp_path, monkeypatch, capsys):
    suite = tmp_path / "bad.yaml"
    suite.write_text("suite: x\nquestions:\n  - id: a\n    question: q\n    expect: {}\n")
    # The suite is validated after the index loads; point the CLI at the fake-built index.
    from tests.fakes import FakeEmbedder
    from ui.cli import eval_cmds

    monkeypatch.setattr(
        eval_cmds, "ready_pipeline", lambda s, rebuild=False: load_pipeline(built, FakeEmbedder())
    )
    assert main(["eval", str(suite)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "'a'" in err


def test_bounds_are_parsed():
    rest, mins, maxs = _split_bounds(
        ["eval", "s.yaml", "--min-answer_accuracy", "0.9", "--max-false-abstain-rate=0.05"]
    )
    assert rest == ["eval", "s.yaml"]
    assert mins == {"answer_accuracy": 0.9}
    assert maxs == {"false_abstain_rate": 0.05}


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("index", "ask", "eval", "calibrate", "chat", "serve"):
        assert command in out


def test_readme_quick_start_has_the_two_commands():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "make run" in readme and "make test" in readme


def test_serve_is_a_command_and_refuses_a_missing_index(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "--host" in capsys.readouterr().out
    code = main(["serve", "--index", str(tmp_path / "none"), "--port", "0"])
    assert code == 2 and "--port" in capsys.readouterr().err
    code = main(["serve", "--index", str(tmp_path / "none")])
    assert code == 3 and "qa index" in capsys.readouterr().err


def test_importing_qa_does_not_import_gradio():
    import subprocess
    import sys

    code = "import sys, ui.cli, qa.answering.pipeline, qa.serving.logbook; print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_reader_that_goes_away_ends_the_command_quietly():
    # `qa eval … | head`: the pipe closes while the command still writes.
    script = (
        "import sys, ui.cli.eval_cmds as eval_cmds, ui.cli.command as cli\n"
        "def write_forever(*_):\n"
        "    while True:\n"
        "        print('x' * 1000)\n"
        "eval_cmds.HANDLERS['eval'] = write_forever\n"
        "sys.exit(cli.main(['eval', 'evals/golden.yaml']))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert b"Traceback" not in proc.stderr.read()


def test_staff_accounts_are_added_listed_and_removed(tmp_path, monkeypatch, capsys):
    import io

    from qa.serving.staff_accounts import StaffAccounts

    users = tmp_path / "staff-users"
    monkeypatch.setenv("QA_STAFF_USERS_FILE", str(users))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["staff", "add", "alice", "--password-stdin"]) == 0
    assert StaffAccounts.load(users).check("alice", "a long enough password")
    assert main(["staff", "list"]) == 0
    assert "alice" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["staff", "add", "bob", "--password-stdin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert main(["staff", "remove", "alice"]) == 0
    assert StaffAccounts.load(users).names == []
    assert main(["staff", "remove", "alice"]) == 2
