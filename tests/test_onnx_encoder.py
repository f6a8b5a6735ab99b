"""The ONNX Runtime encoder: which model folders it accepts, where its export is cached, and
(slow) that it gives sentence-transformers' vectors and token counts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.config import BUNDLED_MODEL, Settings
from qa.encoder.base import resolve_model_path
from qa.encoder.factory import make_embedder
from qa.encoder.onnx_encoder import (
    ONNX_FILE,
    OnnxEmbedder,
    ensure_export,
    export_key,
    read_layout,
)
from qa.encoder.torch_encoder import SentenceTransformerEmbedder
from qa.errors import ConfigError, ModelUnavailable

REPO = Path(__file__).resolve().parent.parent


def fake_model_folder(root: Path, pooling: str = "pooling_mode_mean_tokens") -> Path:
    """The files a sentence-transformers folder has, minus the weights."""
    root.mkdir(parents=True)
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
        {
            "idx": 2,
            "name": "2",
            "path": "2_Normalize",
            "type": "sentence_transformers.models.Normalize",
        },
    ]
    (root / "modules.json").write_text(json.dumps(modules))
    (root / "1_Pooling").mkdir()
    config = {"word_embedding_dimension": 8, pooling: True}
    (root / "1_Pooling" / "config.json").write_text(json.dumps(config))
    (root / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 64}))
    (root / "tokenizer.json").write_text("{}")
    return root


def test_a_mean_pooling_folder_is_read(tmp_path):
    layout = read_layout(fake_model_folder(tmp_path / "m"))
    assert (layout.dim, layout.max_tokens) == (8, 64)
    assert layout.transformer_dir == tmp_path / "m"


def test_other_pooling_is_refused_with_the_way_out(tmp_path):
    with pytest.raises(ModelUnavailable, match="QA_ENCODER=torch"):
        read_layout(fake_model_folder(tmp_path / "m", pooling="pooling_mode_cls_token"))


def test_a_folder_without_modules_is_refused(tmp_path):
    (tmp_path / "m").mkdir()
    with pytest.raises(ModelUnavailable, match="not a sentence-transformers folder"):
        read_layout(tmp_path / "m")


def test_the_export_is_named_after_the_model_files(tmp_path):
    layout = read_layout(fake_model_folder(tmp_path / "m"))
    before = export_key(layout)
    assert export_key(layout) == before
    (tmp_path / "m" / "tokenizer.json").write_text('{"changed": true}')
    assert export_key(layout) != before


def test_an_unwritable_cache_names_the_setting(tmp_path):
    layout = read_layout(fake_model_folder(tmp_path / "m"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ModelUnavailable, match="QA_ENCODER_DIR"):
        ensure_export(layout, blocker / "encoder")


def test_the_encoder_setting_is_checked():
    with pytest.raises(ConfigError, match="QA_ENCODER"):
        Settings.from_env(env={"QA_ENCODER": "tensorflow"})


def test_make_embedder_follows_the_setting_and_loads_nothing(tmp_path):
    onnx = make_embedder(Settings.of(encoder_dir=tmp_path))
    assert isinstance(onnx, OnnxEmbedder) and onnx._model is None
    torch = make_embedder(Settings.of(encoder="torch"))
    assert isinstance(torch, SentenceTransformerEmbedder) and torch._model is None
    assert onnx.name == torch.name  # one model: an index built with either serves with the other


TEXTS = [
    "What is FOLFIRI?",
    "x",
    "Radiation therapy uses high-energy x-rays to kill cancer cells.",
    "My dad's rectal cancer spread to his liver; can it still be cured with surgery?",
    "Side effects. " * 200,  # beyond the window: truncated as sentence-transformers truncates
    "Ärzte – «Chemotherapie» 🙂 naïve café",
]


@pytest.fixture(scope="module")
def encoders() -> tuple[OnnxEmbedder, SentenceTransformerEmbedder]:
    # The repository's cache, which the other real-model tests and the app share.
    return OnnxEmbedder(
        cache_dir=REPO / "var" / "encoder", batch_size=4
    ), SentenceTransformerEmbedder()


@pytest.mark.slow
def test_onnx_vectors_equal_sentence_transformers(encoders):
    onnx, torch = encoders
    batched = onnx.encode(TEXTS)
    assert batched.shape == (len(TEXTS), 384) and batched.dtype == np.float32
    np.testing.assert_allclose(batched, torch.encode(TEXTS), atol=1e-5)
    one = onnx.encode([TEXTS[0]])
    np.testing.assert_allclose(one[0], batched[0], atol=1e-5)  # padding in a batch changes nothing
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_onnx_counts_tokens_as_the_model_does(encoders):
    onnx, torch = encoders
    assert onnx.max_tokens == torch.max_tokens == 256
    for text in TEXTS:
        assert onnx.token_length(text) == torch.token_length(text)  # never truncated


@pytest.mark.slow
def test_a_cached_export_is_reused_and_a_broken_one_explained(encoders, tmp_path, monkeypatch):
    import qa.encoder.onnx_export

    onnx, _ = encoders
    onnx.encode(["warm"])  # makes sure the shared export exists
    shared = REPO / "var" / "encoder"
    folder = shared / export_key(read_layout(resolve_model_path(BUNDLED_MODEL)))
    copy = tmp_path / "encoder"
    shutil.copytree(folder, copy / folder.name)

    def no_export(*_args):
        raise AssertionError("exported again although a cached export exists")

    monkeypatch.setattr(qa.encoder.onnx_export, "export_transformer", no_export)
    assert OnnxEmbedder(cache_dir=copy).encode(["hello"]).shape == (1, 384)

    (copy / folder.name / ONNX_FILE).write_bytes(b"not an onnx file")
    with pytest.raises(ModelUnavailable, match="delete its folder"):
        OnnxEmbedder(cache_dir=copy).encode(["hello"])
