"""The patient app: the chat (with examples, clear, thumbs up/down) and the sources view."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

import gradio as gr

from qa.answering.pipeline import Pipeline
from qa.profile import Profile
from qa.safety.messages import DISCLAIMER, TOO_LONG
from qa.serving.live import LivePipeline
from qa.serving.logbook import Logbook
from qa.types import Answer, Status
from ui.a11y import ANNOUNCE_ID, spoken_reply
from ui.glossary_render import glossary_html
from ui.render import ERROR_MESSAGE, answer_html, error_html, user_html
from ui.render_text import esc
from ui.save_render import conversation_html, download_link_html, saved_file_name
from ui.sources import sources_tab

log = logging.getLogger(__name__)

# Earlier questions kept per conversation: enough for follow-ups, bounded for long sessions.
_KEPT_QUESTIONS = 10
# Gradio keeps a session's conversation in server memory for an hour and sends it back with
# every reply: the oldest turns go beyond this many (a long consultation is 20-30 questions).
MAX_TURNS = 50
# A question over the length limit is shown back cut to this many characters, never whole.
_ECHO_CHARS = 200

Message = dict[str, str]

SHARE_LABEL = "Let the care team see this question to improve answers."


def share_info(retention_days: int) -> str:
    return (
        "Off unless you tick it, and only for this conversation. Phone and record numbers, "
        f"dates and e-mail addresses are removed first; it is deleted after {retention_days} days."
    )


@dataclass(frozen=True)
class Conversation:
    """One browser session's chat: the messages shown, the user's own questions (for
    follow-ups) and, for each message, the log entry its thumbs up/down refers to."""

    messages: tuple[Message, ...] = ()
    questions: tuple[str, ...] = ()
    entries: tuple[int | None, ...] = ()
    # The latest reply as plain text, for the screen-reader announcement (ui/a11y.py).
    spoken: str = ""
    replies: int = 0

    def add(
        self,
        question: str,
        reply_html: str,
        entry: int | None,
        follow_up: bool = True,
        spoken: str = "",
    ) -> Conversation:
        """The conversation with one more turn; `follow_up=False` for a question that was not
        asked (refused before answering), which later questions cannot follow on from;
        `spoken`: the reply as plain text."""
        return Conversation(
            messages=(
                *self.messages,
                {"role": "user", "content": user_html(question)},
                {"role": "assistant", "content": reply_html},
            )[-2 * MAX_TURNS :],
            questions=(*self.questions, *([question] if follow_up else []))[-_KEPT_QUESTIONS:],
            entries=(*self.entries, None, entry)[-2 * MAX_TURNS :],
            spoken=f"Reply {self.replies + 1}: {spoken}",
            replies=self.replies + 1,
        )

    def entry_at(self, index: int) -> int | None:
        return self.entries[index] if 0 <= index < len(self.entries) else None


@dataclass(frozen=True)
class ChatHandlers:
    """The chat's event handlers: ask the library, render, log. No QA logic here."""

    live: LivePipeline
    logbook: Logbook
    # The example questions shown; None: the collection's own (its profile's chat.examples).
    examples: Sequence[str] | None = None

    @property
    def pipeline(self) -> Pipeline:
        return self.live.pipeline

    @property
    def profile(self) -> Profile:
        return self.pipeline.index.profile

    @property
    def shown_examples(self) -> Sequence[str]:
        return self.profile.examples if self.examples is None else self.examples

    def respond(
        self,
        message: str,
        conv: Conversation,
        share: bool = False,
        request: gr.Request | None = None,
    ) -> tuple[str, list[Message], Conversation]:
        """Answer `message`; `share`: the patient ticked "let the care team see this question"
        (the question's text is kept, redacted, only then or when the operator logs all)."""
        if not message or not message.strip():
            return "", list(conv.messages), conv
        # The rate limit is applied before the queue (ui/guard.py). The browser enforces the
        # length limit too, but a script need not: an over-long question is answered with
        # the limit, shown back cut short, and never stored whole in the session.
        limit = self.pipeline.settings.abstention.max_question_chars
        if len(message) > limit:
            text = TOO_LONG.format(n=len(message), limit=limit)
            refused = Answer(message[:_ECHO_CHARS], Status.REJECTED, text, DISCLAIMER)
            echo = message[:_ECHO_CHARS] + "…"
            conv = conv.add(echo, answer_html(refused), None, False, spoken_reply(refused))
            return message[:limit], list(conv.messages), conv
        # One pipeline for the question and its rendering: a rebuild swapped in meanwhile
        # must not change the documents the citations point into.
        pipeline = self.live.current()
        try:
            answer: Answer | None = pipeline.ask(message, conv.questions)
        except Exception:
            # The patient sees a generic message (with the disclaimer); details go to the log.
            log.exception("answering a chat question failed")
            answer = None
        if answer is None:
            conv = conv.add(message, error_html(DISCLAIMER), None, spoken=ERROR_MESSAGE)
        else:
            index = pipeline.index
            reply = answer_html(answer, index.documents, index.glossary_terms)
            entry = self._record(answer, share is True)
            conv = conv.add(message, reply, entry, spoken=spoken_reply(answer))
        return "", list(conv.messages), conv

    def _record(self, answer: Answer, shared: bool) -> int | None:
        try:
            return self.logbook.record(answer, shared=shared)
        except (sqlite3.Error, OSError):
            log.exception("could not write the logbook %s", self.logbook.path)
            return None

    def vote(self, conv: Conversation, data: gr.LikeData) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        entry = conv.entry_at(index)
        liked = data.liked
        up, down = liked is True or liked == "Like", liked is False or liked == "Dislike"
        if entry is None or not (up or down):
            return
        try:
            self.logbook.vote(entry, up=up)
        except (sqlite3.Error, OSError):
            log.exception("could not store a vote in %s", self.logbook.path)

    def glossary(self) -> str:
        return glossary_html(self.live.current().index.glossary_terms)

    def save_answers(self, conv: Conversation) -> str:
        """The conversation as a printable page, handed to the browser as a download link in
        the reply itself: nothing is written or kept on the server."""
        if not conv.messages:
            return '<p id="qa-save-status">Ask a question first; then you can save the answers.</p>'
        now = time.time()
        page = conversation_html(conv.messages, self.profile.title, now)
        return download_link_html(page, saved_file_name(now))

    @staticmethod
    def clear() -> tuple[str, list[Message], Conversation, bool, str, str]:
        """A new conversation, with sharing off again (consent is given per conversation), and
        neither the saved-answers link nor the last reply read out left in the page for the next
        person at this computer."""
        return "", [], Conversation(), False, "", ""


def _spoken(conv: Conversation) -> str:
    """The latest reply for the live region: plain text, escaped (it is shown as HTML)."""
    return esc(conv.spoken)


def banner_html() -> str:
    return (
        f'<div class="qa-banner" role="note"><strong>Please note:</strong> {esc(DISCLAIMER)}</div>'
    )


def build_patient_app(handlers: ChatHandlers, max_question_chars: int) -> gr.Blocks:
    app = gr.Blocks(title=handlers.profile.title, analytics_enabled=False)
    with app:
        gr.HTML(banner_html(), elem_id="qa-banner")
        # Outside the tabs, so that it speaks from either (ui/a11y.py).
        announce = gr.HTML("", elem_id=ANNOUNCE_ID)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                _chat_tab(handlers, max_question_chars, announce)
            with gr.Tab("Sources", id="sources"):
                pipeline = handlers.pipeline
                sources_tab(
                    pipeline.index, False, pipeline.settings.serving.stale_after_years, announce
                )
            with gr.Tab("Glossary", id="glossary"):
                words = gr.HTML(elem_id="qa-glossary")
        # Read from the index being served, so that a rebuild's new terms show on the next visit.
        app.load(handlers.glossary, None, words, api_visibility="private", queue=False)
    return app


def _chat_tab(handlers: ChatHandlers, max_question_chars: int, announce: gr.HTML) -> None:
    conv = gr.State(Conversation())
    chatbot = gr.Chatbot(
        label="Conversation",
        elem_id="qa-chat",
        height=480,
        # Messages are built by ui.render with every outside text escaped; the sanitizer stays
        # on as a second fence, custom tags are not let through, no LaTeX, no share button.
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        buttons=["copy"],
        feedback_options=("Like", "Dislike"),
        placeholder=(
            f"Ask about {handlers.profile.scope}. Answers are quoted from trusted documents, "
            "with their sources."
        ),
    )
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            label="Your question",
            placeholder="Type your question and press Enter",
            lines=1,
            max_lines=3,
            max_length=max_question_chars,
            scale=4,
            min_width=200,
            elem_id="qa-question",
            autofocus=True,
        )
        send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="qa-send")
    share = gr.Checkbox(
        label=SHARE_LABEL,
        value=False,
        info=share_info(handlers.logbook.retention_days),
        elem_id="qa-share",
    )
    with gr.Row():
        save = gr.Button("Save these answers", size="sm", elem_id="qa-save")
        clear = gr.Button("Clear conversation", size="sm", elem_id="qa-clear")
    saved = gr.HTML(elem_id="qa-save-link")
    gr.Markdown(
        "**Example questions** — select one to ask it:", elem_classes=["qa-examples-title"]
    )
    with gr.Row():
        buttons = [
            gr.Button(text, size="sm", elem_classes=["qa-example"], min_width=120)
            for text in handlers.shown_examples
        ]
    outputs = [question, chatbot, conv]
    asked = [
        question.submit(handlers.respond, [question, conv, share], outputs, api_name="ask"),
        send.click(handlers.respond, [question, conv, share], outputs, api_visibility="private"),
        # A button's value is its label, so the example text is the question asked.
        *(
            b.click(handlers.respond, [b, conv, share], outputs, api_visibility="private")
            for b in buttons
        ),
    ]
    for event in asked:
        event.then(_spoken, conv, announce, api_visibility="private", queue=False)
    save.click(handlers.save_answers, conv, saved, api_visibility="private", queue=False)
    cleared = [*outputs, share, saved, announce]
    clear.click(handlers.clear, None, cleared, api_visibility="private", queue=False)
    chatbot.clear(handlers.clear, None, cleared, api_visibility="private", queue=False)
    chatbot.like(handlers.vote, [conv], None, api_visibility="private")
