"""The query adapter: a learned linear map applied to the question's vector before sentences are
ranked against it (`qa tune-adapter` learns it; `qa/answering/query_adapter.npz` is the
bundled one).

The bi-encoder places a question near sentences on its subject; which of them answers it is
what a patient's wording ("how long will I be in hospital?") tells apart less well. The adapter
is trained to rank the sentences holding a suite's expected phrases above the other sentences
of the same retrieved passages. It is learned from the identity, but not kept near it: the
bundled one maps a development question's vector to one at a mean cosine of 0.68 from it, so
the ranking blends it with the question's own cosine (Settings.query_adapter_weight) and
nothing else reads it.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.config import BUNDLED_MODEL
from qa.errors import ConfigError
from qa.files import write_atomic

BUNDLED_ADAPTER = Path(__file__).with_name("query_adapter.npz")
# Settings.query_adapter values.
BUNDLED = "bundled"
OFF = "off"


@dataclass(frozen=True)
class QueryAdapter:
    matrix: np.ndarray  # (dim, dim), float32
    model: str  # the embedding model whose vectors it maps
    trained_on: tuple[str, ...]  # the suites it was learned from

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """`vector` mapped and normalised again, for cosines against unit sentence vectors."""
        out = self.matrix @ vector
        norm = float(np.linalg.norm(out))
        return (out / norm).astype(np.float32) if norm > 0 else vector


def resolve(setting: str, model: str) -> Path | None:
    """The adapter file the `query_adapter` setting names for `model`, or None: when it is
    "off", or "bundled" with another model than the bundled one (the bundled adapter maps that
    model's vectors only, as a file named explicitly must match its model)."""
    if setting == OFF or (setting == BUNDLED and model != BUNDLED_MODEL):
        return None
    return BUNDLED_ADAPTER if setting == BUNDLED else Path(setting)


def load_adapter(path: Path, model: str, dim: int) -> QueryAdapter:
    """Read an adapter file and check that it maps `model`'s `dim`-wide vectors."""
    fix = (
        "Set QA_QUERY_ADAPTER=off to rank without it, or learn one for this model with "
        "`qa tune-adapter SUITE.yaml ... --out FILE` and set QA_QUERY_ADAPTER=FILE"
    )
    try:
        with np.load(path, allow_pickle=False) as data:
            matrix = np.asarray(data["matrix"], dtype=np.float32)
            meta = json.loads(str(data["meta"]))
    except FileNotFoundError:
        raise ConfigError(f"query adapter file {path} does not exist. {fix}") from None
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise ConfigError(f"query adapter file {path} is not readable ({exc}). {fix}") from None
    if matrix.shape != (dim, dim) or not np.isfinite(matrix).all():
        raise ConfigError(
            f"query adapter file {path} holds a {matrix.shape} matrix; the model's vectors "
            f"have {dim} dimensions. {fix}"
        )
    if meta.get("model") != model:
        raise ConfigError(
            f"query adapter file {path} was learned for model {meta.get('model')!r}, not "
            f"{model!r}. {fix}"
        )
    return QueryAdapter(matrix, model, tuple(meta.get("trained_on", ())))


def save_adapter(adapter: QueryAdapter, path: Path) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    meta = json.dumps({"model": adapter.model, "trained_on": list(adapter.trained_on)})
    buffer = io.BytesIO()
    np.savez(buffer, matrix=adapter.matrix.astype(np.float32), meta=np.array(meta))
    # Readable by everyone: the adapter is read by whoever serves.
    write_atomic(path, buffer.getvalue())
