"""Shared fixtures: a tiny corpus, a fake embedder, settings pointing at temp folders,
and a guard that fails any test trying to open a network connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.config import Settings
from qa.lexical import Lexicon
from qa.profile import PROFILE_NAME, load_profile
from tests.fakes import FakeEmbedder

REPO = Path(__file__).resolve().parent.parent
# The bundled documents' profile (sources/profile.toml) and the lexicon it makes.
BUNDLED_PROFILE = load_profile(REPO / "sources")
BUNDLED_LEXICON = Lexicon.of(BUNDLED_PROFILE)

TINY_DOCS = {
    "chemo-guide.txt": """Site banner: masks at all NHO facilities are OPTIONAL. For more about our mask policy, please click HERE.

Chemotherapy for recurrent rectal cancer

Chemotherapy uses drugs to destroy cancer cells.[1] FOLFIRI is used most often for stage 4 rectal cancer.[2][3] It is also the standard first-line chemotherapy. Find out more about chemotherapy.

Side effects

Side effects can include fatigue, nausea and hair loss. Your care team can help you manage side effects.

Read more

References

https://example.org/a-reference
""",
    "surgery-notes.md": """# Surgery for liver metastases

Surgery is the preferred treatment when all liver metastases can be removed.

## Ablation

- Radiofrequency ablation uses heat to kill cancer cells.
- Cryotherapy uses cold to kill cancer cells.
""",
    "radiation.html": """<html><head><title>Radiation</title><script>alert('x')</script>
<style>body{}</style></head><body><nav>Home | About</nav>
<h1>Radiation therapy</h1><p>Radiation therapy uses high-energy rays to destroy cancer cells.</p>
<p>Palliative radiation can relieve pain and bleeding.</p><footer>Copyright 2024</footer></body></html>
""",
}

TINY_CATALOG = """
[[document]]
id = "chemo-guide"
title = "Chemotherapy guide"
publisher = "Test Society"
audience = "patients"
dates = "2024"
"""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def guard(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket, "create_connection", guard)


@pytest.fixture
def tiny_sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    for name, text in TINY_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "catalog.toml").write_text(TINY_CATALOG, encoding="utf-8")
    # The tiny documents are excerpts of the bundled ones, and share their profile.
    (folder / PROFILE_NAME).write_bytes((REPO / "sources" / PROFILE_NAME).read_bytes())
    return folder


@pytest.fixture
def settings(tmp_path: Path, tiny_sources: Path) -> Settings:
    return Settings.of(sources_dir=tiny_sources, index_dir=tmp_path / "index")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def built(settings: Settings, fake_embedder: FakeEmbedder) -> Iterator[Settings]:
    from qa.ingest.build import build_index

    build_index(settings, fake_embedder)
    yield settings
