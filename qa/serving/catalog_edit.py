"""Edits to `catalog.toml` that keep everything else in it: staff change one document's entry,
add one or remove one, and the comments, furniture patterns and other entries stay as written.

Each function takes the file's text and returns the new text; the caller checks the result
with the catalogue reader before writing it atomically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

HEADER = "[[document]]"
# The fields staff edit from the Documents tab; furniture and subject stay hand-written.
EDITABLE = ("title", "publisher", "audience", "dates")
_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and no line break survives."""
    return json.dumps(" ".join(value.split()), ensure_ascii=False)


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) line ranges of each [[document]] table."""
    starts = [i for i, line in enumerate(lines) if line.strip() == HEADER]
    ends = [*starts[1:], len(lines)]
    return list(zip(starts, ends, strict=True))


def _block_of(lines: list[str], doc_id: str) -> tuple[int, int] | None:
    for first, end in _blocks(lines):
        for line in lines[first:end]:
            key = _KEY.match(line)
            value = line.split("=", 1)[1].strip() if key else ""
            if key and key.group(1) == "id" and value == toml_string(doc_id):
                return first, end
    return None


def set_fields(text: str, doc_id: str, fields: Mapping[str, str]) -> str:
    """`text` with `doc_id`'s entry holding `fields` (added when the entry lacks one); a new
    entry is appended when there is none."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not an editable catalogue field: {', '.join(sorted(unknown))}")
    lines = text.splitlines()
    found = _block_of(lines, doc_id)
    if found is None:
        body = [HEADER, f"id = {toml_string(doc_id)}"]
        body += [f"{k} = {toml_string(v)}" for k, v in fields.items()]
        gap = [""] if lines and lines[-1].strip() else []
        return "\n".join([*lines, *gap, *body]) + "\n"
    first, end = found
    block = lines[first:end]
    missing = dict(fields)
    for i, line in enumerate(block):
        key = _KEY.match(line)
        if key and key.group(1) in missing:
            block[i] = f"{key.group(1)} = {toml_string(missing.pop(key.group(1)))}"
    # New keys go after the id line, before any comment or array that follows.
    at = next(i for i, line in enumerate(block) if (k := _KEY.match(line)) and k.group(1) == "id")
    block[at + 1 : at + 1] = [f"{k} = {toml_string(v)}" for k, v in missing.items()]
    return "\n".join([*lines[:first], *block, *lines[end:]]) + "\n"


def remove_entry(text: str, doc_id: str) -> str:
    """`text` without `doc_id`'s entry (unchanged when it has none)."""
    lines = text.splitlines()
    found = _block_of(lines, doc_id)
    if found is None:
        return text
    first, end = found
    return "\n".join([*lines[:first], *lines[end:]]).rstrip("\n") + "\n"
