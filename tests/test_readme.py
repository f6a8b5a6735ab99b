"""The README is for users: short, its links lead somewhere, its commands exist, and the
commands of its "Try it" block run as written (with the real model)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def try_it_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("### Try it", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_readme_is_short():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 250


@pytest.mark.parametrize("page", [README, *sorted((REPO / "docs").glob("*.md"))], ids=str)
def test_every_relative_link_leads_to_a_file(page):
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):  # a web address or a quoted javascript: payload
            continue
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_every_command_the_readme_names_exists():
    from ui.cli.command import _parser

    sub = next(a for a in _parser()._actions if a.dest == "command")
    commands = set(sub.choices)  # type: ignore[arg-type]
    named = set(re.findall(r"`qa ([a-z-]+)", README.read_text(encoding="utf-8")))
    assert named and named <= commands, named - commands
    assert all(c.startswith("qa ") for c in try_it_commands())


@pytest.mark.slow
def test_the_try_it_block_runs_as_written(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(REPO / "sources", sources)
    env = {
        **os.environ,
        "QA_SOURCES_DIR": str(sources),
        "QA_INDEX_DIR": str(tmp_path / "index"),
        "HF_HUB_OFFLINE": "1",
    }
    for command in try_it_commands():
        argv = [sys.executable, "-m", "ui.cli", *shlex.split(command)[1:]]
        done = subprocess.run(
            argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
        if "--json" in command:
            assert json.loads(done.stdout)["citations"]


def test_every_setting_is_documented():
    from qa.config import GROUP_OF

    text = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in GROUP_OF if f"QA_{name.upper()}" not in text]
    assert not missing, missing
