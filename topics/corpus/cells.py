"""What a table cell holds, as the readers take it: text, a date value, gold labels.

A cell may be a string, a number, a list (a JSON array, a Parquet list), an object, bytes or
missing (None, NaN, NaT); each function says what it makes of each.
"""

from __future__ import annotations

import json

from topics.corpus.clean import clean_line


def as_text(value: object, joiner: str) -> tuple[str, str | None]:
    """A field's value as one string, and why it cannot be one (``None`` when it can).

    Lists (JSON arrays, Parquet list cells) are joined with ``joiner``; objects are refused.
    """
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()  # numpy arrays and scalars
    if isinstance(value, str):
        return value, None
    if isinstance(value, dict):
        keys = ", ".join(map(str, list(value)[:5])) or "none"
        return "", f"a JSON object (keys: {keys}), not text"
    if isinstance(value, list | tuple):
        parts = []
        for item in value:
            if isinstance(item, dict | list | tuple):
                return "", "a list holding objects or lists, not text"
            if not is_missing(item) and str(item).strip():
                parts.append(str(item))
        return joiner.join(parts), None
    if isinstance(value, bytes | bytearray):
        return "", "binary data, not text"
    if is_missing(value):
        return "", None
    return str(value), None


def date_value(value: object) -> object:
    """A date cell as the date reader takes it (a list or object is kept as its JSON)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def labels_of(value: object) -> list[str]:
    """Gold labels from a list, an array, a JSON list in a string, or a ``|``/``;`` list."""
    if value is None:
        return []
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [clean_line(v) for v in value if not is_missing(v) and clean_line(v)]
    if is_missing(value):
        return []
    text = str(value).strip()
    if text.startswith("["):
        try:
            return labels_of(json.loads(text))
        except json.JSONDecodeError:
            pass
    for sep in ("|", ";"):
        if sep in text:
            return [clean_line(v) for v in text.split(sep) if clean_line(v)]
    return [clean_line(text)] if clean_line(text) else []
