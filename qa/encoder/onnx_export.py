"""Export a sentence-transformers model's transformer to ONNX, locally, and prove it equal.

Only `qa.encoder.onnx_encoder` calls this, once per model, when its cached export is missing. It
is the
one place the ONNX encoder needs torch: the export traces the model that is already installed
(nothing is downloaded), then checks that ONNX Runtime reproduces sentence-transformers' own
vectors on probe texts of many lengths, padded in batches, before the file may be used.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import ModelUnavailable

OPSET = 17
PROBES = (
    "hi",
    "How is a cancer that has come back treated?",
    "Radiation therapy uses high-energy x-rays or other types of radiation to kill cancer cells.",
    "Signs of a blood clot in the leg include swelling, pain or tenderness in one leg; warm skin; "
    "red or darkened skin over the area; and veins that are swollen, hard or sore when you touch "
    "them.",
    "Chemotherapy. " * 120,  # longer than the window: truncated exactly as the model truncates
)


def export_transformer(model_path: Path, out_file: Path) -> np.ndarray:
    """Write the transformer of the model at `model_path` to `out_file` (ONNX, float32; inputs
    named as the tokenizer names them, output `last_hidden_state`) and return
    sentence-transformers' own vectors of PROBES, which the caller must reproduce."""
    from qa.encoder.base import load_sentence_transformer

    model = load_sentence_transformer(model_path)
    try:
        import torch

        transformer = model[0].auto_model

        class LastHiddenState(torch.nn.Module):
            # Keyword arguments: transformers 5 changed BertModel.forward's positional order.
            def __init__(self) -> None:
                super().__init__()
                self.inner: Any = transformer

            def forward(self, *inputs: Any) -> Any:
                return self.inner(**dict(zip(input_names, inputs, strict=True))).last_hidden_state

        sample = model.tokenizer(list(PROBES[:2]), padding=True, return_tensors="pt")
        input_names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
        axes = {name: {0: "batch", 1: "tokens"} for name in [*input_names, "last_hidden_state"]}
        with warnings.catch_warnings(), torch.inference_mode():
            # The tracer warns about Python conditions on shapes; the probes below are the check.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHiddenState(),
                tuple(sample[name] for name in input_names),
                str(out_file),
                input_names=input_names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=OPSET,
                dynamo=False,
            )
        expected = model.encode(list(PROBES), batch_size=2, normalize_embeddings=True)
    except Exception as err:
        raise ModelUnavailable(
            f"could not export {model_path} to ONNX ({err}); set QA_ENCODER=torch to use "
            "sentence-transformers directly"
        ) from None
    return np.asarray(expected, dtype=np.float32)
