"""Text cleaning shared by every reader: Unicode NFC, control characters, whitespace, stable ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from topics.corpus.schema import document_text

# Control and format characters (C0/C1 controls, zero-width marks, BOMs) except newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u00ad]")
# Every horizontal space, including no-break and ideographic spaces.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_text(value: object) -> str:
    """Normalise a body text: NFC, no control characters, single spaces, at most one blank line.

    Line breaks are kept (paragraphs stay paragraphs); every line is stripped.

    Parameters
    ----------
    value : object
        The raw value (``None`` and NaN give ``""``; other non-strings are converted with ``str``).

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def clean_line(value: object) -> str:
    """Normalise a one-line field (title, category): like :func:`clean_text`, on one line."""
    return " ".join(clean_text(value).split())


def content_id(title: str, text: str) -> str:
    """The stable id of a release: 16 hex digits of the sha256 of its cleaned title and text.

    It depends only on the content, so renaming or moving the file leaves it unchanged, and two
    records with identical content get the same id (they are exact duplicates).
    """
    digest = hashlib.sha256(document_text(title, text).encode("utf-8"))
    return digest.hexdigest()[:16]
