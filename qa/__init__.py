"""Extractive, cited question answering over trusted documents (no generative model)."""

__version__ = "0.1.0"
