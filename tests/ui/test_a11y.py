"""What the live region reads for each kind of reply (ui/a11y.py)."""

from __future__ import annotations

from qa.types import Answer, AnswerSentence, Citation, Status
from ui.a11y import spoken_reply
from ui.chat import Conversation


def test_an_answer_is_read_as_its_sentences_and_sources():
    sentences = (AnswerSentence("Surgery can remove it.", 1, 1, 1, 1, item=True),)
    cite = Citation(1, "guide", "A guide", "Pub", "patients", "", "q", 0, 1)
    answer = Answer("q", Status.ANSWERED, "- Surgery can remove it. [1]", "D.", sentences, (cite,))
    said = spoken_reply(answer)
    assert said.startswith("Surgery can remove it.") and "- " not in said
    assert "Sources: 1, A guide." in said


def test_an_escalation_is_read_with_what_to_do_first():
    answer = Answer("q", Status.ESCALATED, "Call 999 now.", "D.", escalation="emergency")
    assert spoken_reply(answer).startswith("Emergency — call for help now. Call 999 now")


def test_each_reply_is_numbered_so_the_same_words_are_read_again():
    conv = Conversation().add("a", "<p>x</p>", None, spoken="Not in my sources.")
    conv = conv.add("a", "<p>x</p>", None, spoken="Not in my sources.")
    assert conv.spoken == "Reply 2: Not in my sources."
