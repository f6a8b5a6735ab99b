"""Build the Triager the settings describe: catalogue, example bank, learned score."""

from __future__ import annotations

from pathlib import Path

from qa.config import Settings
from qa.encoder.base import Embedder
from qa.errors import ConfigError
from qa.safety.catalogue import BUNDLED_CATALOGUE, Contacts, load_catalogue
from qa.safety.semantic import ExampleBank
from qa.safety.triage import BUNDLED_MODEL_FILE, TriageModel, Triager

BUNDLED = "bundled"
OFF = "off"


def contacts(settings: Settings) -> Contacts:
    return Contacts(
        settings.safety.emergency_number,
        settings.safety.crisis_line,
        settings.safety.care_team_line,
    )


def make_triager(settings: Settings, embedder: Embedder | None) -> Triager:
    """The rules always; the semantic layer when a learned score fits this embedder.

    The bundled score was fitted on the bundled encoder's similarities, so with another model
    (or the test fake) only a score file named explicitly is used, and it must name the model.
    """
    catalogue_path = (
        BUNDLED_CATALOGUE
        if settings.safety.triage_catalogue == BUNDLED
        else Path(settings.safety.triage_catalogue)
    )
    catalogue = load_catalogue(catalogue_path)
    model_path = (
        None
        if settings.safety.triage_model == OFF
        else (
            BUNDLED_MODEL_FILE
            if settings.safety.triage_model == BUNDLED
            else Path(settings.safety.triage_model)
        )
    )
    model = None if model_path is None or embedder is None else TriageModel.load(model_path)
    if model is not None and embedder is not None and model.model != embedder.name:
        if settings.safety.triage_model != BUNDLED:
            raise ConfigError(
                f"setting triage_model (QA_TRIAGE_MODEL): {model_path} was fitted for "
                f"{model.model!r}, not {embedder.name!r}; refit it with `qa tune-triage` or "
                "set QA_TRIAGE_MODEL=off"
            )
        model = None
    if model is None or embedder is None:
        return Triager(catalogue, contacts(settings))
    bank = ExampleBank.build(catalogue, embedder, settings.safety.triage_cache_dir)
    return Triager(catalogue, contacts(settings), embedder, bank, model)
