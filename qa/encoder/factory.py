"""The Embedder the settings name."""

from __future__ import annotations

from qa.config import Settings
from qa.encoder.base import Embedder
from qa.encoder.torch_encoder import SentenceTransformerEmbedder


def make_embedder(settings: Settings) -> Embedder:
    """The Embedder the `encoder` setting names; nothing loads until it is first used."""
    if settings.ingest.encoder == "torch":
        return SentenceTransformerEmbedder(settings.ingest.model, settings.ingest.embed_batch_size)
    from qa.encoder.onnx_encoder import OnnxEmbedder

    return OnnxEmbedder(
        settings.ingest.model, settings.ingest.embed_batch_size, settings.ingest.encoder_dir
    )
