from __future__ import annotations

import pytest

from qa.cancer_site import document_site, question_site


@pytest.mark.parametrize(
    ("question", "site"),
    [
        ("My mother's anal cancer has spread far away. How long is chemo given?", "anal"),
        ("can cancer of the anus come back after chemoradiation?", "anal"),
        ("what drugs are used for stage 4 rectal cancer?", "rectal"),
        ("my colorectal cancer spread to the liver", "rectal"),
        # A word of the other cancer leaves the question to both.
        ("my rectal cancer is close to the anus, can they save it?", None),
        ("is anal cancer treated like rectal cancer?", None),
        # Naming an organ is not naming the cancer.
        ("what does an abdominoperineal resection remove from the anus?", None),
        ("what is FOLFIRI?", None),
    ],
)
def test_question_site(question, site):
    assert question_site(question) == site


@pytest.mark.parametrize(
    ("title", "site"),
    [
        ("Treatments for recurrent anal cancer", "anal"),
        ("Metastases to rectum – Treatment", "rectal"),
        ("What is the primary treatment for stage IV rectal cancer?", "rectal"),
        ("Living with a stoma", None),
        ("Anal and rectal cancer: a guide", None),
    ],
)
def test_document_site(title, site):
    assert document_site(title) == site
