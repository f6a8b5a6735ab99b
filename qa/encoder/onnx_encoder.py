"""The Embedder on ONNX Runtime: the same model and the same vectors, without importing torch.

Importing torch, transformers and sentence-transformers takes about 6 s of a cold `qa ask`;
ONNX Runtime and the tokenizers library take about 0.3 s, and encode faster on these CPUs. The
ONNX file is exported locally from the installed model the first time it is needed
(`qa.encoder.onnx_export`, which does import torch), checked against sentence-transformers' own
vectors,
and cached under `settings.ingest.encoder_dir`, named after the model's files and the export
version,
so an index built with either encoder serves with the other.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import BUNDLED_MODEL
from qa.encoder.base import whole_words
from qa.errors import ModelUnavailable

# Bump when the export itself changes, so older cached files are not used.
EXPORT_VERSION = 1
# Largest difference allowed between an ONNX and a sentence-transformers vector component (both
# L2-normalised). Measured on all-MiniLM-L6-v2: 2e-7, float rounding.
MAX_ABS_DIFF = 1e-4
ONNX_FILE = "model.onnx"


@dataclass(frozen=True)
class ModelLayout:
    """What the ONNX encoder needs to know of a sentence-transformers model folder."""

    path: Path  # the model folder
    transformer_dir: Path  # where its config, weights and tokenizer.json are
    dim: int
    max_tokens: int


def read_layout(path: Path) -> ModelLayout:
    """The model folder's layout, when it is Transformer → mean pooling (→ Normalize), the
    pipeline this encoder reproduces; ModelUnavailable otherwise."""
    hint = "set QA_ENCODER=torch to use sentence-transformers directly"
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        transformer_dir = path / modules[0]["path"]
        pooling_dir = path / modules[1]["path"]
        pooling = json.loads((pooling_dir / "config.json").read_text(encoding="utf-8"))
        st_config = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
        dim, max_tokens = int(pooling["word_embedding_dimension"]), int(st_config["max_seq_length"])
    except (OSError, ValueError, KeyError, IndexError, TypeError) as err:
        raise ModelUnavailable(
            f"{path}: not a sentence-transformers folder the ONNX encoder can read ({err}); {hint}"
        ) from None
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode_") and v)
    if (
        kinds[:2] != ["Transformer", "Pooling"]
        or set(kinds[2:]) - {"Normalize"}
        or modes != ["pooling_mode_mean_tokens"]
        or not (transformer_dir / "tokenizer.json").is_file()
    ):
        raise ModelUnavailable(
            f"{path}: the ONNX encoder reproduces Transformer → mean pooling → Normalize with a "
            f"tokenizer.json; this model is {' → '.join(kinds)} pooling {modes}; {hint}"
        )
    return ModelLayout(path, transformer_dir, dim, max_tokens)


def export_key(layout: ModelLayout) -> str:
    """Names the cached export after the model's files (name, size, modification time) and the
    export version: a reinstalled or edited model gets a new export."""
    digest = hashlib.sha256(f"export {EXPORT_VERSION}\n".encode())
    for f in sorted(p for p in layout.path.rglob("*") if p.is_file()):
        st = f.stat()
        digest.update(f"{f.relative_to(layout.path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class OnnxRuntimeModel:
    """One ONNX session and the model's tokenizer: tokenise, run, mean-pool, normalise."""

    def __init__(self, layout: ModelLayout, onnx_file: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._counter = Tokenizer.from_file(str(layout.transformer_dir / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        # A second tokenizer, truncating at the model's window exactly as sentence-transformers
        # does; counting (token_length) must never truncate.
        self._tokenizer = Tokenizer.from_file(str(layout.transformer_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(layout.max_tokens)
        self._tokenizer.no_padding()
        self._pad_id = self._tokenizer.token_to_id("[PAD]") or 0
        self.dim = layout.dim
        self.max_tokens = layout.max_tokens

    def token_length(self, text: str) -> int:
        return len(self._counter.encode(text).ids)

    def is_whole_word(self, word: str) -> bool:
        return word in self._whole_words

    @cached_property
    def _whole_words(self) -> frozenset[str]:
        return whole_words(self._tokenizer.get_vocab())

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray:
        from tqdm import tqdm

        encodings = self._tokenizer.encode_batch(list(texts))
        # Longest first, as sentence-transformers does: batches of similar lengths pad less.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for batch in tqdm(batches, desc="encoding", unit="batch", disable=not progress):
            feed = self._feed([encodings[i] for i in batch])
            hidden = self._session.run(["last_hidden_state"], feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[batch] = pooled / norms
        return out

    def _feed(self, encodings: Sequence[Any]) -> dict[str, np.ndarray]:
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n] = e.ids
            mask[row, :n] = e.attention_mask
            types[row, :n] = e.type_ids
        arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return {name: arrays[name] for name in self._inputs}


def ensure_export(layout: ModelLayout, cache_dir: Path) -> Path:
    """The cached ONNX file for this model, exported and verified first when missing. Written
    to a temporary folder and renamed into place, so a half-written export is never used and
    two processes exporting at once both end with the same good file."""
    target = cache_dir / export_key(layout)
    if (target / ONNX_FILE).is_file():
        return target / ONNX_FILE
    print(
        f"preparing the ONNX encoder from {layout.path} into {target} (once; about 20 s) …",
        file=sys.stderr,
    )
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=cache_dir))
    except OSError as err:
        raise ModelUnavailable(
            f"cannot write the ONNX encoder under {cache_dir} (setting encoder_dir, "
            f"QA_ENCODER_DIR): {err}"
        ) from None
    try:
        from qa.encoder.onnx_export import PROBES, export_transformer

        expected = export_transformer(layout.path, work / ONNX_FILE)
        got = OnnxRuntimeModel(layout, work / ONNX_FILE).encode(PROBES, batch_size=2)
        diff = float(np.abs(got - expected).max())
        if diff > MAX_ABS_DIFF:
            raise ModelUnavailable(
                f"the ONNX export of {layout.path} differs from sentence-transformers by "
                f"{diff:.2g} (allowed {MAX_ABS_DIFF}); set QA_ENCODER=torch"
            )
        record = {"model": str(layout.path), "export_version": EXPORT_VERSION, "max_diff": diff}
        (work / "export.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
        try:
            os.replace(work, target)
        except OSError:
            if not (target / ONNX_FILE).is_file():  # not another process finishing first
                raise
    except OSError as err:
        raise ModelUnavailable(f"cannot write the ONNX encoder to {target}: {err}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target / ONNX_FILE


class OnnxEmbedder:
    """The model's vectors from ONNX Runtime on the CPU; loads (and exports, the first time) on
    first use, once, thread-safely."""

    def __init__(
        self, model: str = BUNDLED_MODEL, batch_size: int = 32, cache_dir: Path = Path("var")
    ) -> None:
        self._model_name = model
        self._batch_size = batch_size
        self._cache_dir = cache_dir
        self._model: OnnxRuntimeModel | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._model_name

    def _loaded(self) -> OnnxRuntimeModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> OnnxRuntimeModel:
        from qa.encoder.base import resolve_model_path

        try:
            layout = read_layout(resolve_model_path(self._model_name))
            onnx_file = ensure_export(layout, self._cache_dir)
            try:
                return OnnxRuntimeModel(layout, onnx_file)
            except (ImportError, ModelUnavailable):
                raise
            except Exception as err:  # onnxruntime's own errors for an unreadable file
                raise ModelUnavailable(
                    f"could not load the ONNX encoder {onnx_file}: {err}; delete its folder to "
                    "export it again, or set QA_ENCODER=torch"
                ) from None
        except ImportError as err:
            raise ModelUnavailable(
                f"the ONNX encoder needs onnxruntime and tokenizers ({err}); run `make setup`, "
                "or set QA_ENCODER=torch"
            ) from None

    @property
    def dim(self) -> int:
        return self._loaded().dim

    @property
    def max_tokens(self) -> int:
        return self._loaded().max_tokens

    def token_length(self, text: str) -> int:
        return self._loaded().token_length(text)

    def is_whole_word(self, word: str) -> bool:
        return self._loaded().is_whole_word(word)

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._loaded().encode(texts, self._batch_size, progress)
