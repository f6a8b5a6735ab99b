"""The chat app on a tiny corpus with the fake embedder, for the browser tests.

`python -m tests.ui.fake_server DIR PORT` writes the corpus (including a hostile document
full of HTML and script payloads) into DIR, builds the index and serves until killed.
Staff login comes from QA_STAFF_USER / QA_STAFF_PASSWORD in the environment, as in production.
"""

from __future__ import annotations

import sys
from pathlib import Path

from qa.config import Settings
from qa.ingest.build import build_index
from qa.serving.live import LivePipeline
from qa.serving.logbook import Logbook
from tests.conftest import TINY_CATALOG, TINY_DOCS
from tests.fakes import FakeEmbedder
from ui.server import serve

# Each payload sets window.__xss if it ever runs; the tests assert it never does.
HOSTILE_DOC = """# Hostile page

Oxaliplatin can cause tingling in the hands <img src=x onerror="window.__xss='doc-img'"> and feet.

Irinotecan may cause diarrhoea <svg onload="window.__xss='doc-svg'"></svg> in some people.

Leucovorin helps fluorouracil work better <script>window.__xss='doc-script'</script> [click](javascript:window.__xss='doc-md') in chemotherapy.
"""
EXTRA_CATALOG = """
[[document]]
id = "surgery-notes"
title = "Surgery for liver metastases"
publisher = "Test Surgeons"
audience = "healthcare professionals"
dates = "2023"

[[document]]
id = "hostile"
title = "Hostile <b>page</b>"
publisher = "Nobody <i>Inc</i>"
audience = "patients"
"""
TINY_SUITE = """suite: tiny
questions:
  - id: cryo
    question: "What does cryotherapy use to kill cancer cells?"
    expect:
      sources: [surgery-notes]
      all_of: [[cold]]
  - id: script-in-question
    question: "<script>window.__xss='suite'</script> what is radiation therapy?"
    expect:
      all_of: [[high-energy rays]]
"""
# Terms the tiny documents use but never define (qa/glossary.py): test data, with a payload in
# one definition that must show as text.
GLOSSARY = """
[[term]]
term = "cryotherapy"
definition = "A procedure in which an extremely cold liquid or an instrument called a cryoprobe is used to freeze and destroy abnormal tissue."
source = "Test dictionary"
publisher = "Test Institute"
url = "https://example.org/cryotherapy"

[[term]]
term = "leucovorin"
definition = '''A drug <img src=x onerror="window.__xss='glossary'"> used with fluorouracil.'''
source = "Hostile <b>dictionary</b>"
publisher = "Nobody"
url = "https://example.org/leucovorin"
"""
EXAMPLES = ("What does cryotherapy use to kill cancer cells?", "What is radiation therapy?")


def prepare(folder: Path) -> Settings:
    sources = folder / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for name, text in TINY_DOCS.items():
        (sources / name).write_text(text, encoding="utf-8")
    (sources / "hostile.md").write_text(HOSTILE_DOC, encoding="utf-8")
    (sources / "catalog.toml").write_text(TINY_CATALOG + EXTRA_CATALOG, encoding="utf-8")
    (sources / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    evals = folder / "evals"
    evals.mkdir(exist_ok=True)
    (evals / "tiny.yaml").write_text(TINY_SUITE, encoding="utf-8")
    # Every in-scope question is answered (the fake embedder's scores are not calibrated);
    # out-of-scope questions still abstain through the scope rules.
    return Settings.of(
        sources_dir=sources,
        index_dir=folder / "index",
        db_path=folder / "var" / "qa.sqlite3",
        evals_dir=evals,
        abstain_min_support=-1.0,
        # As in production: a question is kept only when the patient shares it.
        log_questions=False,
        # Every test question comes from 127.0.0.1; the limiter has its own tests.
        chat_rate_per_minute=0,
    )


def main(folder: str, port: str) -> None:
    # The staff users file comes from the environment, as in production.
    env = Settings.from_env()
    settings = prepare(Path(folder)).replace(staff_users_file=env.serving.staff_users_file)
    # The abuse test runs this app as behind a proxy, with the rate limit on.
    if env.serving.trusted_proxies:
        settings = settings.replace(
            trusted_proxies=env.serving.trusted_proxies,
            chat_rate_per_minute=env.serving.chat_rate_per_minute,
            chat_rate_burst=env.serving.chat_rate_burst,
        )
    embedder = FakeEmbedder()
    build_index(settings, embedder)
    live = LivePipeline(settings, embedder)
    serve(live, Logbook.open(settings), "127.0.0.1", int(port), examples=EXAMPLES)


if __name__ == "__main__":
    main(*sys.argv[1:3])
