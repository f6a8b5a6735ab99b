"""Text out of a PDF's text layer (pypdf), one paragraph per block of lines, pages in order.

A PDF with no text layer (a scan) or an encrypted one is refused with what to do about it:
quoting needs the words as text, and guessing them (OCR) is not done here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from qa.errors import SourceError

# Under this many letters a page on average, the PDF is taken for a scan (a scan has none, or a
# page number or two): a printed leaflet page holds hundreds.
MIN_LETTERS_PER_PAGE = 20


def pdf_text(path: Path) -> str:
    """The PDF's text, pages separated by blank lines."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every recoverable oddity of a PDF as a warning; the outcome is what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise SourceError(
                f"{path}: the PDF is encrypted; save an unprotected copy and upload that"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        raise SourceError(f"{path}: not a readable PDF ({err}); export it again") from None
    letters = sum(ch.isalpha() for text in pages for ch in text)
    if not pages or letters < MIN_LETTERS_PER_PAGE * len(pages):
        raise SourceError(
            f"{path}: the PDF has no text layer (it looks scanned): the words must be text to "
            "be quoted; run it through OCR or upload the original document"
        )
    return "\n\n".join(pages)
