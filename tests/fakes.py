"""Test doubles: a deterministic offline Embedder, and short builders for raw blocks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from qa.types import BlockKind, RawBlock

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Texts sharing words get similar vectors; the 'window' is counted in words."""

    def __init__(self, dim: int = 64, max_tokens: int = 256, name: str = "fake-embedder") -> None:
        self._dim = dim
        self._max_tokens = max_tokens
        self._name = name
        self.encoded: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def token_length(self, text: str) -> int:
        return len(text.split()) + 2  # like [CLS] … [SEP]

    def is_whole_word(self, word: str) -> bool:
        return self.token_length(word) == 3

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                stem = word[:5]
                h = int.from_bytes(hashlib.blake2b(stem.encode(), digest_size=4).digest(), "big")
                out[row, h % self._dim] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out


# Raw-block builders for cleaning and chunking tests.
def P(text: str) -> RawBlock:
    return RawBlock(BlockKind.PARAGRAPH, text)


def H(text: str, level: int = 2) -> RawBlock:
    return RawBlock(BlockKind.HEADING, text, level)


def B(text: str) -> RawBlock:
    return RawBlock(BlockKind.BULLET, text)


def pdf_bytes(pages: Sequence[Sequence[str]]) -> bytes:
    """A small valid PDF whose pages carry `pages`' lines as a text layer (Helvetica)."""

    def esc(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    font = 3 + 2 * len(pages)
    for lines in pages:
        page_no, stream_no = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_no} 0 R")
        text = " ".join(f"({esc(line)}) Tj T*" for line in lines)
        content = f"BT /F1 11 Tf 14 TL 50 780 Td {text} ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream_no} 0 R >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
