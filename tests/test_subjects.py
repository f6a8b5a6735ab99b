from __future__ import annotations

import pytest

from qa.answering.subjects import conversation_subject, question_subject
from qa.profile import Profile, Subject
from tests.conftest import BUNDLED_PROFILE

SUBJECTS = BUNDLED_PROFILE.subjects


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
        # What the question sets aside is not what it is about.
        ("my friend has anal cancer, not rectal", "anal"),
        ("it is rectal cancer rather than anal cancer", "rectal"),
        ("not anal cancer but rectal cancer: what now?", "rectal"),
    ],
)
def test_question_site(question, site):
    assert question_subject(question, SUBJECTS) == site


@pytest.mark.parametrize(
    ("question", "previous", "site"),
    [
        # A follow-up is about the cancer the conversation is about ...
        ("how long do they give it?", ["what drugs are used for anal cancer?"], "anal"),
        ("and the side effects?", ["what is FOLFIRI?", "is it used for rectal cancer?"], "rectal"),
        # ... through follow-ups in between, back to the question that set the topic.
        ("how long is it?", ["anal cancer came back: what now?", "what does it involve?"], "anal"),
        ("how long is it?", ["anal cancer drugs?", "what is FOLFIRI used for?"], None),
        # A question saying what it is about keeps its own site, or none.
        ("what drugs are used for rectal cancer?", ["anal cancer drugs?"], "rectal"),
        ("what chemotherapy drugs are used after surgery?", ["anal cancer drugs?"], None),
        ("how long do they give it?", [], None),
    ],
)
def test_conversation_site(question, previous, site):
    assert conversation_subject(question, SUBJECTS, previous) == site


def test_any_collection_declares_its_own_subjects():
    subjects = (
        Subject("breast", r"\bbreast cancers?\b", r"\bbreasts?\b"),
        Subject("lung", r"\blung cancers?\b", r"\blungs?\b"),
    )
    assert question_subject("how is breast cancer treated?", subjects) == "breast"
    assert question_subject("has my breast cancer spread to the lung?", subjects) is None
    assert question_subject("how is anal cancer treated?", subjects) is None
    assert question_subject("how is anal cancer treated?", Profile().subjects) is None
