"""The app's theme and CSS. Kept in Python so it ships with the package without package-data
rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gradio as gr


def theme() -> gr.themes.Base:
    """Gradio's default theme with colours that meet WCAG 2.2 AA contrast (4.5:1 for text):
    its orange buttons, accent and tab labels (2.8:1 on white), light grey help and placeholder
    text (1.9:1) and red buttons (3.8:1) fail. Dark mode gets light shades of the same colours
    (docs/accessibility.md)."""
    import gradio as gr

    return gr.themes.Default(primary_hue="blue", neutral_hue="slate").set(
        color_accent="*primary_700",
        color_accent_soft="*primary_50",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_600",
        button_primary_text_color="white",
        # "Stop" buttons (remove a document): red-700 and red-800, not red-500 (3.8:1).
        button_cancel_background_fill="#b91c1c",
        button_cancel_background_fill_hover="#991b1b",
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
        block_info_text_color="*neutral_600",
        block_info_text_color_dark="*neutral_300",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
        link_text_color="*primary_700",
        link_text_color_dark="*primary_300",
    )


CSS = """
/* Nothing may push the page wider than a 390-px phone: long words and URLs wrap. */
.qa-reply, .qa-user, .qa-document, .qa-entry { overflow-wrap: anywhere; word-break: break-word; }
.qa-table-wrap { max-width: 100%; overflow-x: auto; }
.qa-table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
.qa-table th, .qa-table td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left;
  vertical-align: top; }
.qa-banner { border: 2px solid #b45309; background: #fffbeb; color: #451a03; padding: 8px 12px;
  border-radius: 8px; font-size: 0.95em; }
.qa-disclaimer { font-size: 0.85em; color: #57534e; border-top: 1px solid #e7e5e4;
  margin-top: 8px; padding-top: 6px; }
.qa-kicker { font-weight: 700; margin-bottom: 4px; }
.qa-notice { font-style: italic; }
.qa-readas { font-size: 0.9em; }
.qa-ref { font-weight: 700; }
.qa-sources-title { font-weight: 600; font-size: 0.95em; margin: 8px 0 4px; }
.qa-cite summary { cursor: pointer; padding: 2px 0; }
.qa-passage { margin: 4px 0 8px; padding-left: 8px; border-left: 3px solid #a8a29e; }
.qa-passage mark, .qa-doc-text mark { background: #fde047; color: #1c1917; }
.qa-text mark { background: #fef3c7; color: #1c1917; padding: 0 1px; }
.qa-passage-text + .qa-passage-text { margin-top: 0.6em; }
.qa-items { margin: 0.3em 0 0.3em 1.2em; padding: 0; }
.qa-pro { display: inline-block; font-size: 0.8em; background: #e0e7ff; color: #1e3a8a;
  border-radius: 4px; padding: 0 4px; }
.qa-abstained, .qa-rejected { border-left: 4px solid #64748b; padding-left: 8px;
  background: #f1f5f9; color: #1e293b; }
.qa-escalated { border: 3px solid #b91c1c; background: #fef2f2; color: #7f1d1d; padding: 8px;
  border-radius: 8px; font-size: 1.1em; }
.qa-escalated .qa-kicker { color: #b91c1c !important; font-size: 1.2em;
  text-transform: uppercase; }
/* Urgent (the cancer team's 24-hour line) is amber; emergency and crisis stay red. */
.qa-escalated.qa-level-urgent { border-color: #b45309; background: #fffbeb; color: #451a03; }
.qa-escalated.qa-level-urgent .qa-kicker { color: #92400e !important; }
.qa-caution { border: 2px solid #b45309; background: #fffbeb; color: #451a03; padding: 6px 8px;
  border-radius: 6px; margin: 0 0 8px; }
.qa-error { border-left: 4px solid #b45309; padding-left: 8px; }
.qa-doc-text { white-space: normal; max-height: 60vh; overflow-y: auto; }
.qa-entry h4 { margin: 12px 0 4px; }
.qa-hit { border: 1px solid #e7e5e4; border-radius: 6px; padding: 6px; margin: 6px 0; }
.qa-stale { color: #92400e; font-size: 0.9em; }
/* A hard word in a reply: a disclosure inside the sentence (ui/glossary_render.py). */
details.qa-term { display: inline; }
details.qa-term > summary { display: inline; cursor: pointer; list-style: none; color: #1e3a8a;
  text-decoration: underline dotted 2px; text-underline-offset: 3px; }
details.qa-term > summary::-webkit-details-marker { display: none; }
/* A closed <details> still lays out its (hidden) content as a block, which broke the sentence
   after the word; the content box is removed until the word is opened. "(?)" is decoration:
   its alternative text is empty, the summary's hidden hint says what it does. */
details.qa-term:not([open])::details-content { display: none; }
details.qa-term > summary::after { content: " (?)" / ""; font-size: 0.8em; }
.qa-term-hint { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
details.qa-term[open] > summary { background: #dbeafe; }
.qa-term-def { display: block; margin: 4px 0 6px; padding: 6px 8px; border-left: 3px solid #1d4ed8;
  background: #eff6ff; color: #1c1917; }
.qa-term-source { font-style: normal; font-size: 0.9em; color: #44403c; }
.qa-glossary dt { font-weight: 700; margin-top: 10px; }
.qa-glossary dd { margin: 2px 0 0 1em; }
/* The live region (ui/a11y.py): read by screen readers, not shown. */
#qa-announce { position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden !important; clip-path: inset(50%) !important; white-space: nowrap;
  margin: -1px !important; padding: 0 !important; border: 0 !important; }
/* Focus is always visible (WCAG 2.4.7), whatever Gradio's components draw themselves. */
.gradio-container :is(a, button, summary, input, textarea, select, [tabindex]):focus-visible {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px !important; }
/* Gradio fades its chat messages to 80 % opacity, which takes grey text below 4.5:1. */
#qa-chat .message-content .prose { opacity: 1 !important; }
/* Dark mode (Gradio follows the system's setting). The coloured boxes keep their light
   background, so everything in them keeps their dark text wherever they are shown: Gradio's
   dark theme would otherwise paint their bold text light on light, and the escalation's message
   was unreadable. Text outside them gets light shades. */
:is(.qa-banner, .qa-escalated, .qa-caution, .qa-abstained, .qa-rejected, .qa-term-def)
  :is(p, strong, b, em, span, q, cite) { color: inherit !important; }
.qa-term-def .qa-term-source { color: #44403c !important; }
.dark .qa-disclaimer { color: #d6d3d1; border-top-color: #57534e; }
.dark .qa-escalated .qa-disclaimer, .dark .qa-abstained .qa-disclaimer,
  .dark .qa-rejected .qa-disclaimer { color: #44403c; }
.dark details.qa-term > summary { color: #bfdbfe; }
.dark details.qa-term[open] > summary { background: #1e3a8a; }
.dark .qa-glossary .qa-term-source { color: #d6d3d1; }
.dark .qa-stale { color: #fcd34d; }
/* Printing the chat: the whole conversation, without the controls around it. */
@media print {
  #qa-chat, #qa-chat * { height: auto !important; max-height: none !important;
    overflow: visible !important; }
  #qa-question, #qa-send, #qa-clear, #qa-share, #qa-save, #qa-save-link, .qa-example,
  .qa-examples-title, [role="tablist"] { display: none !important; }
}
"""
