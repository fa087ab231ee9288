"""Dates: explicit values from a date field, and dates stated in the text of a release.

A date is only ever *inferred* from the text when the text states a full date with its year
("On 17 April 2025", "March 5, 2024", "2025-04-17", "2025년 4월 17일"); a day and month without a
year ("On 20 October") establishes nothing, and the record stays undated (``missing``).
Korean press dates are read too: "2025. 3. 17.(월)", "2025.03.17", "2025년 3월 17일"; the
release line of a Korean release ("보도시점 2025.03.17 11:00", see :data:`RELEASE_LINE`) dates it
ahead of any date in its text, with the time of day.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"

#: Dates in running text are found from their year: every 4-digit year is a candidate, then
#: the words just before it ("17 April", "April 17,") or just after it ("-04-17", "년 4월 17일")
#: decide. Scanning for years first is ~10x faster than one big pattern over long texts.
_YEAR_AT = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_BEFORE = (
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+$", re.IGNORECASE), "dm"),
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+$", re.IGNORECASE), "md"),
)
_AFTER = (
    re.compile(r"-(\d{1,2})-(\d{1,2})(?!\d)"),
    re.compile(r"\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"),
    # Korean press style: "2025. 3. 17.(월)", "2025.3.17.", "2025.03.17 11:00"
    re.compile(r"\.\s*(\d{1,2})\.\s*(\d{1,2})\."),
    re.compile(r"\.(\d{1,2})\.(\d{1,2})(?![\d.])"),
)
#: The release line of a Korean press release: "보도시점 2025. 3. 17.(월) 11:00", "배포일시 …".
RELEASE_LINE = re.compile(
    r"^[\s\[<(|※○□■-]*(?P<key>보도\s*시점|보도\s*일시|보도\s*일자|배포\s*일시|배포\s*시점|배포|엠바고)"
    r"\s*[:：|]?\s*(?P<value>.+)$",
    re.MULTILINE,
)
_CLOCK = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*[:시]\s*([0-5]\d)?")
#: Only the lead of a release is searched for its date: releases state the event's date up front
#: ("On 17 April 2025, ..."), while dates further down are usually history ("the 2019 agreement
#: signed on 5 March 2019") and would date the release wrongly.
LEAD_CHARS = 1000

#: Explicit dates must fit pandas' ``datetime64[ns]`` (1677-09-21 to 2262-04-11).
_MIN_YEAR, _MAX_YEAR = 1678, 2261

#: Formats tried, in order, for an explicit date value that is not ISO 8601.
_FORMATS = (
    "%d-%b-%Y %H:%M:%S.%f",  # Reuters-21578: 26-FEB-1987 15:01:01.79
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y. %m. %d",
    "%Y.%m.%d.",
    "%Y%m%d",
    "%a, %d %b %Y %H:%M:%S %z",
)


def parse_date(value: object) -> dt.datetime | None:
    """Parse an explicit date value (a date field); ``None`` when it cannot be read.

    Accepts ``datetime``/``date`` objects, pandas timestamps, ISO 8601 strings and a few common
    formats. Time zones are dropped (the wall-clock time is kept).

    Raises
    ------
    ValueError
        If ``value`` is a non-empty string that is not a date (the message says why).
    """
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp (NaT is caught by the != test above)
        if value != value:
            return None
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return _check(value.replace(tzinfo=None))
    if isinstance(value, dt.date):
        return _check(dt.datetime(value.year, value.month, value.day))
    text = str(value).strip()
    if not text:
        return None
    return _check(_read(text))


def _read(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=None)
        except ValueError:
            continue
    found = infer_date(text) if len(text) <= 40 else None
    if found is None:
        raise ValueError(f"cannot read {text[:60]!r} as a date")
    return found


def _check(value: dt.datetime) -> dt.datetime:
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise ValueError(f"year {value.year} is out of range ({_MIN_YEAR}–{_MAX_YEAR})")
    return value


def infer_date(text: str) -> dt.datetime | None:
    """The first full date (day, month and year) stated in ``text``, or ``None``.

    Parameters
    ----------
    text : str
        Title and body of one release.

    Returns
    -------
    datetime or None
        ``None`` when no date with a year is stated (a bare "On 20 October" is not enough).
    """
    for match in _YEAR_AT.finditer(text):
        year = match.group(1)
        before = text[max(0, match.start() - 32) : match.start()]
        for pattern, order in _BEFORE:
            found = pattern.search(before)
            if found is not None:
                date = _from_groups((*found.groups(), year), order + "y")
                if date is not None:
                    return date
        after = text[match.end() : match.end() + 16]
        for pattern in _AFTER:
            found = pattern.match(after)
            if found is not None:
                date = _from_groups((year, *found.groups()), "ymd")
                if date is not None:
                    return date
    return None


def release_time(line: str) -> dt.datetime | None:
    """Date and time of a Korean release line's value ("2025. 3. 17.(월) 11:00" → 11:00 on
    17 March 2025, "오후 2시 30분" → 14:30); the date alone when no time follows it; ``None``
    without a full date."""
    date = infer_date(line)
    if date is None:
        return None
    year = _YEAR_AT.search(line)
    tail = line[year.end() :] if year is not None else line
    clock = _CLOCK.search(tail)
    if clock is None:
        return date
    hour = int(clock.group(1))
    if hour < 12 and "오후" in tail[: clock.start()]:
        hour += 12
    return date.replace(hour=hour, minute=int(clock.group(2) or 0))


def _from_groups(groups: tuple[str, ...], order: str) -> dt.datetime | None:
    parts = dict(zip(order, groups, strict=True))
    month = parts["m"]
    month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
    try:
        return _check(dt.datetime(int(parts["y"]), month_number, int(parts["d"])))
    except ValueError:
        return None


def resolve_date(
    value: object, text: str, infer: bool
) -> tuple[dt.datetime | None, str, str | None]:
    """The date of one record, its provenance, and the problem with its date value if any.

    An explicit ``value`` that reads as a date gives ``"explicit"``; one that does not leaves
    the record ``"missing"`` with the reason (the text is not searched: an unreadable date is
    reported, not replaced by a guess). Without a value, a full date stated in ``text`` gives
    ``"inferred"`` (when ``infer``), else ``"missing"``. Only the lead of the text (its first
    :data:`LEAD_CHARS` characters after the title) is searched.
    """
    if value is not None:
        try:
            found = parse_date(value)
        except ValueError as exc:
            return None, "missing", str(exc)
        if found is not None:
            return found, "explicit", None
    if infer:
        lead = text[:LEAD_CHARS]
        # the embargo (보도시점) dates a release before its distribution time (배포일시)
        lines = sorted(RELEASE_LINE.finditer(lead), key=lambda m: not m["key"].startswith("보도"))
        found = next(filter(None, (release_time(m["value"]) for m in lines)), None)
        found = found or infer_date(lead)
        if found is not None:
            return found, "inferred", None
    return None, "missing", None
