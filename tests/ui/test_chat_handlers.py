"""The chat handler without a browser: what a session keeps stays bounded."""

from __future__ import annotations

from qa.safety.messages import DISCLAIMER
from qa.serving.live import LivePipeline
from qa.serving.logbook import Logbook
from ui.chat import MAX_TURNS, ChatHandlers, Conversation
from ui.render_text import esc


def handlers_for(built, fake_embedder) -> ChatHandlers:
    settings = built.replace(abstain_min_support=-1.0, db_path=built.ingest.index_dir.parent / "q.db")
    return ChatHandlers(LivePipeline(settings, fake_embedder), Logbook.open(settings))


def test_an_over_long_question_is_refused_and_never_kept_whole(built, fake_embedder):
    handlers = handlers_for(built, fake_embedder)
    limit = handlers.pipeline.settings.abstention.max_question_chars
    question = "what is FOLFIRI " * 10_000  # 160,000 characters, as a script could send
    box, messages, conv = handlers.respond(question, Conversation())
    assert "too long" in messages[-1]["content"]
    assert esc(DISCLAIMER) in messages[-1]["content"]
    assert len(box) == limit  # what fits stays in the box, to edit
    kept = sum(len(m["content"]) for m in conv.messages) + sum(map(len, conv.questions))
    assert kept < 5_000
    assert conv.questions == ()  # not asked, so nothing to follow on from


def test_a_long_conversation_keeps_only_its_latest_turns(built, fake_embedder):
    handlers = handlers_for(built, fake_embedder)
    conv = Conversation()
    for n in range(MAX_TURNS + 7):
        _, messages, conv = handlers.respond(f"What is FOLFIRI used for? ({n})", conv)
    assert len(messages) == len(conv.messages) == len(conv.entries) == 2 * MAX_TURNS
    assert f"({MAX_TURNS + 6})" in messages[-2]["content"]
    assert "(6)" not in messages[0]["content"] and "(7)" in messages[0]["content"]
    # Votes still point at the right log entry after old turns were dropped.
    assert conv.entry_at(len(conv.entries) - 1) is not None


def test_the_question_is_kept_only_while_the_patient_shares_it(built, fake_embedder):
    handlers = handlers_for(built, fake_embedder)
    conv = Conversation()
    for share, question in ((True, "What is FOLFIRI? call 555-123-4567"), (False, "And FOLFOX?")):
        _, _, conv = handlers.respond(question, conv, share)
    shared, unshared = (handlers.logbook.get(e) for e in conv.entries if e is not None)
    assert shared is not None and shared.answer.question == "What is FOLFIRI? call [phone]"
    assert shared.redacted == ("phone",)
    assert unshared is not None and not unshared.question_logged
    # A new conversation starts with sharing off again, and no saved-answers link.
    assert handlers.clear()[-3:] == (False, "", "")


def test_saved_answers_hold_every_question_answer_and_source_and_no_script(built, fake_embedder):
    import base64
    import re

    handlers = handlers_for(built, fake_embedder)
    conv = Conversation()
    questions = ["What is FOLFIRI?", "<script>window.__xss=1</script> and radiation therapy?"]
    for question in questions:
        _, _, conv = handlers.respond(question, conv)
    link = handlers.save_answers(conv)
    data = re.search(r'href="data:text/html;charset=utf-8;base64,([^"]+)"', link)
    assert data and re.search(r'download="my-answers-\d{4}-\d{2}-\d{2}\.html"', link)
    page = base64.b64decode(data.group(1)).decode("utf-8")
    assert esc(questions[0]) in page and esc(questions[1]) in page
    answers = [handlers.pipeline.ask(q) for q in questions]
    for answer in answers:
        for sentence in answer.sentences:
            assert esc(sentence.text) in page
        for citation in answer.citations:
            assert esc(citation.title) in page and esc(citation.publisher) in page
            dates = handlers.pipeline.index.documents[citation.source_id].meta.dates
            assert esc(dates) in page
    assert esc(DISCLAIMER) in page and "Questions for my care team" in page
    assert "<script" not in page.lower() and not re.search(r"\son\w+\s*=", page)
    assert '<details class="qa-cite">' not in page  # every source printed open
    assert "Ask a question first" in handlers.save_answers(Conversation())
