"""Text cleaning shared by every reader: Unicode NFC, control characters, whitespace, stable ids."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from topics.corpus.schema import document_text

# Control and format characters (C0/C1 controls, zero-width marks, BOMs) except newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u00ad]")
# Every horizontal space, including no-break and ideographic spaces.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_BLANK_RUNS = re.compile(r"\n{3,}")
# An HTML character reference with its semicolon ("&lt;", "&#39;", "&#x2019;"); the forms
# without one are left alone, so "R&D" and "AT&T" stay as they are.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def clean_text(value: object) -> str:
    """Normalise a body text: HTML character references decoded, NFC, no control characters,
    single spaces, at most one blank line.

    Line breaks are kept (paragraphs stay paragraphs); every line is stripped. Feeds and exports
    often carry escaped text ("&lt;택시운전사&gt;", "Q&amp;A"); a reference is decoded once, as
    a browser would show it, and an unknown one ("&nosuch;") is left as it is.

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
    text = _ENTITY.sub(_decode, str(value))
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _decode(match: re.Match) -> str:
    return html.unescape(match.group())


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


#: Furniture of a Korean press release, by the word its line starts with, and the corpus field
#: (column) that keeps it. The lines are taken out of the text the models see.
KOREAN_FURNITURE = (
    ("press_release_time", r"보도\s*시점|보도\s*일시|보도\s*일자|엠바고"),
    ("press_distributed", r"배포\s*일시|배포\s*시점|배포"),
    ("press_department", r"담당\s*부서|담당\s*과|소관\s*부서"),
    ("press_contacts", r"책임자|담당자|문의(?:\s*처)?|연락처|☎"),
    ("press_attachments", r"붙임|첨부"),
)
_LEAD = r"^[\s\[<(|※○□■▣◇◆·-]*"
_FURNITURE_LINE = re.compile(
    _LEAD + r"(?:" + "|".join(f"(?P<{field}>{words})" for field, words in KOREAN_FURNITURE) + r")"
    r"(?![가-힣])"
)
#: Header lines that are furniture as a whole ("보도자료", "[보도참고자료]", "설명자료").
_HEADER_LINE = re.compile(_LEAD + r"(?:보도\s*(?:참고\s*)?자료|참고\s*자료|설명\s*자료)[\s\]>)|]*$")
#: The closing line "이 자료에 대하여 더욱 자세한 내용을 원하시면 … 연락주시기 바랍니다."
_CONTACT_SENTENCE = re.compile(r"자세한\s*내용.{0,80}(?:연락|문의)")
_NUMBERED = re.compile(r"^\s*(?:\d+|[①-⑳])[.)]?\s")


def split_korean_furniture(text: str) -> tuple[str, dict[str, str]]:
    """Take the furniture of a Korean press release out of its text.

    Header lines ("보도자료"), the release and distribution times (보도시점, 배포일시), the
    department, responsible and contact lines with their phone numbers (담당 부서, 책임자,
    담당자, 문의), the closing "자세한 내용은 … 연락주시기 바랍니다" and the list of attachments
    (붙임, with its numbered items) are furniture: they say nothing about the release's subject.
    A text without such lines (any English text) comes back unchanged.

    Returns
    -------
    text : str
        The text without its furniture lines.
    fields : dict of str to str
        Furniture kept as fields of the corpus (:data:`KOREAN_FURNITURE`), lines of one field
        joined by " / "; only the fields found.
    """
    if not text or _HANGUL_FURNITURE.search(text) is None:
        return text, {}
    kept: list[str] = []
    fields: dict[str, list[str]] = {}
    in_attachments = False
    for line in text.split("\n"):
        if in_attachments and _NUMBERED.match(line):
            fields["press_attachments"].append(line.strip())
            continue
        in_attachments = False
        match = _FURNITURE_LINE.match(line)
        if match is not None:
            field = match.lastgroup or "press_contacts"
            fields.setdefault(field, []).append(line.strip())
            in_attachments = field == "press_attachments"
        elif _CONTACT_SENTENCE.search(line):
            fields.setdefault("press_contacts", []).append(line.strip())
        elif not _HEADER_LINE.match(line):
            kept.append(line)
    body = _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()
    return body, {field: " / ".join(lines) for field, lines in fields.items()}


_HANGUL_FURNITURE = re.compile(r"보도|배포|담당|책임자|문의|연락|붙임|첨부|자료|엠바고|☎|소관")


def is_press_header(line: str | None) -> bool:
    """Whether a line is a Korean press-release header as a whole ("보도자료", "[보도참고자료]"):
    furniture, not a category or a title."""
    return bool(line) and _HEADER_LINE.match(line) is not None


def split_korean_release(title: str, text: str) -> tuple[str, str, dict[str, str]]:
    """:func:`split_korean_furniture` on a record, with its title.

    A plain-text release often starts with its furniture, so the reader takes "보도자료" (or a
    release line) for the title; then the first line left after the furniture is the title.

    Returns
    -------
    title, text : str
    fields : dict of str to str
    """
    if title and (_HEADER_LINE.match(title) or _FURNITURE_LINE.match(title)):
        body, fields = split_korean_furniture(f"{title}\n{text}")
        first, _, rest = body.partition("\n")
        return clean_line(first), rest.strip(), fields
    body, fields = split_korean_furniture(text)
    return title, body, fields
