"""The encoder wing: the Embedder interface (`base`), its sentence-transformers implementation
(`torch_encoder`), the ONNX Runtime one (`onnx_encoder`, exported locally by `onnx_export`), and
the factory that picks one from the settings.

May import: the core of `qa` only.
"""
