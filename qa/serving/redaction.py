"""What of a patient's words the logbook may keep: one line of clean text, with e-mail addresses,
record numbers, dates (of birth) and phone numbers replaced by labels; and reasons without the
words they quote from the question unless question logging is on."""

from __future__ import annotations

import re

from qa.text import normalise, squash_spaces

# Longest text kept per field; the chat refuses longer questions anyway.
_MAX_LOGGED_CHARS = 2000

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Order matters: e-mails and labelled numbers before the generic digit patterns eat their parts.
_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), label)
    for pattern, label in (
        (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "[email]"),
        (
            r"\b(?:mrn|medical record|record|patient|hospital|nhs|chart|health card|id)"
            r"(?:\s*(?:number|no\.?|num|#|id))?(?:\s*(?:is|was|:|#))*"
            r"\s*[A-Z]{0,3}\s?\d[\d -]{3,}\d",
            "[record number]",
        ),
        (
            r"\b(?:dob|d\.o\.b\.?|date of birth|born(?: on| in)?)\s*[:,]?\s*"
            r"(?:\d{1,4}[/.\- ]\d{1,2}[/.\- ]\d{1,4}|\d{1,2}(?:st|nd|rd|th)?\s+"
            + _MONTH
            + r",?\s+\d{4}|"
            + _MONTH
            + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4})",
            "[date of birth]",
        ),
        (r"\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b", "[date]"),
        (r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", "[date]"),
        (r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}\b", "[date]"),
        (r"\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b", "[date]"),
        (
            r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)\s?|\d{2,5}[\s.-])"
            r"\d{3,4}[\s.-]?\d{3,4}\b",
            "[phone]",
        ),
        (r"\b[A-Z]{0,3}\d{6,}\b", "[number]"),
    )
)


def clean_for_log(text: str) -> str:
    """One line of plain text: no control, invisible or line-break characters (so a logged
    value cannot forge log lines or hide text), capped in length."""
    return squash_spaces(normalise(text[:_MAX_LOGGED_CHARS]).replace("\n", " "))


# A span a reason quotes in straight quotes ('kowalczyk', "…"): words the reason took from the
# question (the unknown names, a rule's matched words), by the convention every reason follows;
# text of the catalogue's own is quoted in curly quotes (“…”) and kept.
_QUOTED = re.compile(r"(?<!\w)'.+?'(?!\w)|\".+?\"")


def reason_for_log(reason: str, log_questions: bool) -> str:
    """The reason as the logbook keeps it: with question logging off, without the words it
    quotes from the question; with it on, redacted as the question is."""
    if log_questions:
        return redact(reason)
    return clean_for_log(_QUOTED.sub("'…'", reason))


def redact(text: str) -> str:
    """`text` cleaned for the log with e-mail addresses, record numbers, dates (of birth),
    phone numbers and other long numbers replaced by a label."""
    return redact_listing(text)[0]


def redact_listing(text: str) -> tuple[str, tuple[str, ...]]:
    """`redact(text)`, and the kind of each thing replaced, one per replacement (so staff can
    see that a question lost a phone number without seeing the number)."""
    text = clean_for_log(text)
    found: list[str] = []
    for pattern, label in _REDACTIONS:
        text, n = pattern.subn(label, text)
        found += [label.strip("[]")] * n
    return text, tuple(found)
