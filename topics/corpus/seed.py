"""The ministry's plain-text formats, exactly as the seed files hold them.

Multi-release files
    Records separated by a line holding a lone ``-``. After the separator: an optional category
    line (``FTA/Economic Cooperation``), a title line, the body, and a trailing
    ``dateYYYY-MM-DD``. A first line is a *category* only when it is short (at most
    :data:`CATEGORY_MAX_WORDS` words, :data:`CATEGORY_MAX_CHARS` characters, no sentence
    punctuation at its end) **and** the next line is a title (short, not a sentence) **and** a body
    follows that title. A record with only a title line and a body has no category.

Single-article files
    A headline, optional section labels above it (``Analysis``), the body, and web boilerplate:
    share buttons, "This post is also available in…", footnote marks and footnotes, bylines,
    "Similar Posts". The boilerplate is kept out of the text; a section label becomes the category.

Parsers return :class:`RawRecord` objects with cleaned fields; dates are left to the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from topics.corpus.clean import clean_line, clean_text

CATEGORY_MAX_WORDS = 6
CATEGORY_MAX_CHARS = 60
TITLE_MAX_CHARS = 250

_SEPARATOR = re.compile(r"^[ \t]*-[ \t]*$", re.MULTILINE)
_DATE_MARK = re.compile(r"(?:^|\s)date[ \t]*(\d{4}-\d{1,2}-\d{1,2})[ \t]*$")
#: A line ending like a sentence (Korean declaratives end in 다 even without a full stop).
_SENTENCE_END = re.compile(r"[.!?;:…。\"”’'다]$")
#: At most this many short trailing lines (bylines, affiliations) are dropped.
TRAILER_MAX_LINES = 5
_FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]")
_FOOTNOTE_LINE = re.compile(r"^\[\d{1,3}\]")

#: Section labels a news site prints above a headline.
SECTION_LABELS = frozenset(
    s.lower()
    for s in (
        "Analysis",
        "Opinion",
        "Commentary",
        "Editorial",
        "Interview",
        "News",
        "Feature",
        "Column",
        "Perspective",
        "Report",
        "Review",
        "Brief",
        "Briefing",
        "Press Release",
        "Policy Brief",
        "Op-Ed",
        "Blog",
        "Insight",
        "Insights",
        "Research",
        "Explainer",
    )
)
#: Lines that are nothing but share buttons (any language the seeds show).
_SHARE_WORDS = frozenset(
    [
        "share",
        "paylaş",
        "tweet",
        "facebook",
        "twitter",
        "x",
        "linkedin",
        "whatsapp",
        "telegram",
        "email",
        "e-mail",
        "print",
        "pinterest",
        "reddit",
        "copy",
        "link",
        "on",
        "this:",
        "share:",
        "공유",
        "공유하기",
        "인쇄",
    ]
)
_BOILERPLATE_PREFIXES = (
    "this post is also available in",
    "this article is also available in",
    "also available in:",
    "share this",
    "click to share",
    "print this",
    "posted by",
    "written by",
    "photo:",
    "image:",
)
#: A line holding one of these ends the article: everything after it is site navigation.
_END_MARKERS = frozenset(
    s.lower()
    for s in (
        "Similar Posts",
        "Related Posts",
        "Related Articles",
        "Related",
        "You may also like",
        "Read more",
        "Read More",
        "More from this author",
        "Recent Posts",
        "Leave a Reply",
        "Comments",
        "Tags",
        "관련기사",
    )
)


@dataclass
class RawRecord:
    """One release as read from a file, before dates, ids and de-duplication."""

    title: str
    text: str
    position: int
    category: str | None = None
    date_value: object = None  # an explicit date (str or datetime) or None
    labels: list[str] = field(default_factory=list)
    source_id: str | None = None
    extras: dict[str, object] = field(default_factory=dict)


def is_multi_release(text: str) -> bool:
    """Whether ``text`` is in the multi-release format (records separated by lone ``-`` lines)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    if lines[0] == "-" and len(lines) > 1:
        return True
    separators = sum(1 for line in lines if line == "-")
    dated = sum(1 for line in lines if _DATE_MARK.search(line))
    return separators >= 1 and dated >= 1


def parse_multi_release(text: str) -> list[RawRecord]:
    """Split a multi-release file into records (position = 1-based record number)."""
    records = []
    blocks = _SEPARATOR.split(text)
    position = 0
    for block in blocks:
        lines = [clean_line(line) for line in block.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        position += 1
        records.append(_parse_release(lines, position))
    return records


def _parse_release(lines: list[str], position: int) -> RawRecord:
    date_value = None
    match = _DATE_MARK.search(lines[-1])
    if match:
        date_value = match.group(1)
        rest = lines[-1][: match.start()].strip()
        lines = [*lines[:-1], rest] if rest else lines[:-1]
    category = None
    if len(lines) >= 3 and _is_category(lines[0]) and _is_title(lines[1]):
        category, lines = lines[0], lines[1:]
    title = lines[0] if lines else ""
    body = "\n\n".join(lines[1:])
    return RawRecord(
        title=title,
        text=clean_text(body),
        position=position,
        category=category,
        date_value=date_value,
    )


def _is_category(line: str) -> bool:
    return (
        len(line) <= CATEGORY_MAX_CHARS
        and len(line.split()) <= CATEGORY_MAX_WORDS
        and not _SENTENCE_END.search(line)
        and not line[0].isdigit()
    )


def _is_title(line: str) -> bool:
    return len(line) <= TITLE_MAX_CHARS and not line.endswith(".")


def parse_single_article(text: str, *, markdown: bool = False) -> RawRecord:
    """Read a file holding one article: section labels, headline, body; boilerplate removed."""
    lines = [clean_line(line) for line in text.splitlines()]
    if markdown:
        lines = [re.sub(r"^#{1,6}\s+", "", line) for line in lines]
    # Everything after an end marker ("Similar Posts") is site navigation.
    for index, line in enumerate(lines):
        if line.lower().rstrip(":") in _END_MARKERS and any(lines[:index]):
            lines = lines[:index]
            break
    lines = [line for line in lines if line and not _is_boilerplate(line)]
    date_value = None
    kept = []
    for line in lines:
        match = _DATE_MARK.search(line)
        if match and date_value is None:
            date_value = match.group(1)
            line = line[: match.start()].strip()
        if line:
            kept.append(line)
    lines = kept
    category = None
    while len(lines) >= 2 and _is_section_label(lines[0], lines[1]):
        category = lines[0] if category is None else category
        lines = lines[1:]
    title = ""
    if len(lines) > 1 and _is_title(lines[0]):
        title, lines = lines[0], lines[1:]
    # Bylines and affiliations trail the article: short lines that are not sentences.
    trailer = 0
    while (
        len(lines) > 1
        and trailer < TRAILER_MAX_LINES
        and len(lines[-1]) <= 200
        and not _SENTENCE_END.search(lines[-1])
    ):
        lines.pop()
        trailer += 1
    body = "\n\n".join(_FOOTNOTE_MARK.sub("", line).strip() for line in lines)
    return RawRecord(
        title=title, text=clean_text(body), position=1, category=category, date_value=date_value
    )


def _is_boilerplate(line: str) -> bool:
    lowered = line.lower()
    if _FOOTNOTE_LINE.match(line):
        return True
    if lowered.startswith(_BOILERPLATE_PREFIXES):
        return True
    words = lowered.replace("|", " ").split()
    return 0 < len(words) <= 4 and all(word in _SHARE_WORDS for word in words)


def _is_section_label(line: str, following: str) -> bool:
    if line.lower() in SECTION_LABELS:
        return True
    return (
        len(line.split()) <= 2
        and len(line) <= 30
        and _is_title(following)
        and not (_SENTENCE_END.search(line))
    )
