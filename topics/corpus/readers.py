"""Reading each format into :class:`RawRecord` objects, and saying how columns were mapped.

Formats, chosen by extension unless ``format=`` is given: seed/plain text (``.txt``, ``.md``),
CSV (``.csv``), TSV (``.tsv``, ``.tab``), JSON (``.json``: an array of objects, an object holding
one, or JSON Lines), JSON Lines (``.jsonl``, ``.ndjson``, also ``.gz``), Parquet (``.parquet``).
Fatal problems (missing path, empty, binary or undecodable file, no text column, a duplicated
header) raise :class:`CorpusError`; a bad record is returned as a rejection instead, and a
file-level concern (no date column...) as a warning at position 0.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from topics.corpus import schema
from topics.corpus.cells import as_text, date_value, is_missing, labels_of
from topics.corpus.clean import clean_line, clean_text
from topics.corpus.seed import (
    RawRecord,
    is_multi_release,
    parse_multi_release,
    parse_single_article,
)
from topics.corpus.sources import decode, format_of, read_bytes, repair_text
from topics.errors import CorpusError

FORMATS = ("txt", "md", "csv", "tsv", "json", "jsonl", "parquet")
#: Column names tried, in order, when a mapping option is not given.
AUTO_COLUMNS = {
    "text": ("text", "body", "content", "contents", "article", "document", "본문", "내용"),
    "title": ("title", "headline", "subject", "heading", "제목"),
    "date": ("date", "published", "published_at", "pub_date", "datetime", "timestamp", "날짜"),
    "category": ("category", "section", "분류"),
    "labels": ("labels", "label", "topics"),
    "id": ("id", "doc_id", "document_id", "uid"),
}
#: Columns of a corpus written by ``topics ingest`` that are recomputed when it is read again.
_DERIVED = {
    schema.ID,
    schema.DATE_PROVENANCE,
    schema.SOURCE,
    schema.POSITION,
    schema.DUP_GROUP,
    schema.IS_DUPLICATE,
    schema.DUP_KIND,
}


@dataclass
class FileRecords:
    """What one file yielded: its records and the records it rejected."""

    path: Path
    records: list[RawRecord] = field(default_factory=list)
    #: (position, field, reason)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    #: (position, field, reason) of records kept despite a problem; position 0: the whole file
    warnings: list[tuple[int, str, str]] = field(default_factory=list)
    #: Role (text, title, date...) → input column, and ``extra`` → the other columns kept
    columns: dict[str, Any] = field(default_factory=dict)
    #: Records whose text had mojibake repaired
    repaired: int = 0


@dataclass
class Mapping:
    """Column-mapping options (``None``: detect from :data:`AUTO_COLUMNS`)."""

    text: str | None = None
    title: str | None = None
    date: str | None = None
    category: str | None = None
    labels: str | None = None
    id: str | None = None
    #: Names for the columns of a CSV/TSV without a header row.
    columns: list[str] | None = None


#: Keys of a JSON object under which a list of records is looked for (``{"records": [...]}``).
RECORD_KEYS = ("records", "data", "items", "documents", "releases", "articles", "rows")


def read_file(
    path: Path,
    mapping: Mapping,
    *,
    encoding: str | None,
    format: str | None,
    fix_text: bool = True,
    progress: Callable[[float], None] | None = None,
) -> FileRecords:
    """Read one file into records, whatever its format.

    With ``fix_text``, mojibake in titles, texts and categories is repaired (ftfy) before
    cleaning, and the repaired records are counted in ``repaired``. UTF-8 JSON Lines are
    streamed (:mod:`topics.corpus.stream`), telling ``progress`` the share of the file read.
    """
    fmt = format or format_of(path) or "txt"
    if fmt not in FORMATS:
        raise CorpusError(f"unknown format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    if fmt == "jsonl" and encoding in (None, "utf-8", "utf8", "UTF-8"):
        from topics.corpus.stream import stream_jsonl

        streamed = stream_jsonl(path, mapping, fix_text=fix_text, progress=progress)
        if streamed is not None:
            return streamed
    data = read_bytes(path)
    if fmt == "parquet":
        return _read_table(path, _read_parquet(path, data), mapping, fix_text=fix_text)
    text = decode(data, path, encoding)
    if fmt in ("txt", "md"):
        return _read_plain(path, text, markdown=fmt == "md", fix_text=fix_text)
    if fmt == "jsonl":
        return _read_jsonl(path, text, mapping, fix_text=fix_text)
    if fmt == "json":
        return _read_json(path, text, mapping, fix_text=fix_text)
    frame = _read_delimited(path, text, fmt, mapping)
    return _read_table(path, frame, mapping, fix_text=fix_text)


def _read_plain(path: Path, text: str, *, markdown: bool, fix_text: bool) -> FileRecords:
    def parse(value: str) -> list[RawRecord]:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if is_multi_release(value):
            return parse_multi_release(value)
        return [parse_single_article(value, markdown=markdown)]

    result = FileRecords(path, records=parse(text))
    fixed = repair_text(text) if fix_text else text
    if fixed != text:
        before, result.records = result.records, parse(fixed)
        changed = sum(
            (a.title, a.text, a.category) != (b.title, b.text, b.category)
            for a, b in zip(before, result.records, strict=False)
        )
        result.repaired = changed + abs(len(before) - len(result.records))
    return result


def _read_parquet(path: Path, data: bytes) -> Any:
    import pandas as pd

    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for a non-Parquet file
        raise CorpusError(
            f"{path}: not a readable Parquet file ({type(exc).__name__})",
            "check the file, or pass --format for a file with a misleading extension",
        ) from exc
    if schema.IS_DUPLICATE in frame.columns and schema.DUP_GROUP in frame.columns:
        frame = frame.drop(columns=[c for c in _DERIVED if c in frame.columns])
    return frame


def _read_delimited(path: Path, text: str, fmt: str, mapping: Mapping) -> Any:
    import csv

    import pandas as pd

    sep = "\t" if fmt == "tsv" else ","
    quoting = csv.QUOTE_NONE if fmt == "tsv" else csv.QUOTE_MINIMAL
    if not mapping.columns:
        _check_header(path, text, sep, quoting)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            header=None if mapping.columns else "infer",
            names=mapping.columns,
            quoting=quoting,
            on_bad_lines="error",
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise CorpusError(
            f"{path}: cannot read as {fmt.upper()} ({str(exc).strip()})",
            "check the delimiter and quoting, or pass --format",
        ) from exc


def _check_header(path: Path, text: str, sep: str, quoting: int) -> None:
    """Refuse a header that names a column twice (pandas would silently rename the second)."""
    import csv

    try:
        header = next(csv.reader(io.StringIO(text), delimiter=sep, quoting=quoting), [])
    except csv.Error:
        return  # pandas reports the malformed file with its own message
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        key = name.strip()
        if key and key in seen:
            raise CorpusError(
                f"{path}: the header names the column {key!r} twice (columns {seen[key]} "
                f"and {number})",
                "rename one of them so that every column name is unique",
            )
        seen.setdefault(key, number)


def _read_json(path: Path, text: str, mapping: Mapping, *, fix_text: bool) -> FileRecords:
    """A JSON array of objects, an object holding one under :data:`RECORD_KEYS`, one object,
    or JSON Lines saved as ``.json``."""
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return _read_jsonl(path, text, mapping, fix_text=fix_text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if stripped.startswith("{"):
            return _read_jsonl(path, text, mapping, fix_text=fix_text)  # one object a line
        raise CorpusError(
            f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})",
            "fix the file, or save it as JSON Lines (.jsonl) so that one bad record does not "
            "stop the others",
        ) from exc
    if isinstance(data, dict):
        key = next((k for k in RECORD_KEYS if isinstance(data.get(k), list)), None)
        if key is not None:
            data = data[key]
        elif any(isinstance(v, list) and v and isinstance(v[0], dict) for v in data.values()):
            keys = [k for k, v in data.items() if isinstance(v, list)]
            raise CorpusError(
                f"{path}: a JSON object whose list of records is under {keys[0]!r}, not one of "
                f"{', '.join(RECORD_KEYS)}",
                'put the records in a top-level array or under "records"',
            )
        else:
            data = [data]
    rows, positions, rejected = [], [], []
    for number, item in enumerate(data, start=1):
        if isinstance(item, dict):
            rows.append(item)
            positions.append(number)
        else:
            rejected.append((number, "json", f"not a JSON object ({type(item).__name__})"))
    return records_from_rows(path, rows, positions, rejected, mapping, fix_text)


def _read_jsonl(path: Path, text: str, mapping: Mapping, *, fix_text: bool) -> FileRecords:
    rejected: list[tuple[int, str, str]] = []
    pairs = list(jsonl_rows(enumerate(text.splitlines(), start=1), rejected))
    rows, positions = [row for _, row in pairs], [number for number, _ in pairs]
    return records_from_rows(path, rows, positions, rejected, mapping, fix_text)


def jsonl_rows(
    lines: Iterable[tuple[int, str]], rejected: list[tuple[int, str, str]]
) -> Iterator[tuple[int, dict]]:
    """(line number, object) of every JSON object line; other lines are added to ``rejected``."""
    for number, line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            rejected.append((number, "json", f"not valid JSON ({exc.msg})"))
            continue
        except RecursionError:
            rejected.append((number, "json", "JSON nested too deeply"))
            continue
        if not isinstance(row, dict):
            rejected.append((number, "json", f"not a JSON object ({type(row).__name__})"))
            continue
        yield number, row


def records_from_rows(
    path: Path,
    rows: list[dict],
    positions: list[int],
    rejected: list[tuple[int, str, str]],
    mapping: Mapping,
    fix_text: bool,
) -> FileRecords:
    import pandas as pd

    if not rows:
        result = FileRecords(path)
    else:
        frame = pd.DataFrame.from_records(rows)
        result = _read_table(path, frame, mapping, positions=positions, fix_text=fix_text)
    result.rejected = sorted(rejected + result.rejected)
    return result


def _resolve(frame: Any, mapping: Mapping, path: Path) -> dict[str, str | None]:
    """Which input column plays each role."""
    columns = [str(c) for c in frame.columns]
    lowered: dict[str, str] = {}
    for c in columns:
        lowered.setdefault(c.lower(), c)
    roles: dict[str, str | None] = {}
    for role, candidates in AUTO_COLUMNS.items():
        given = getattr(mapping, role)
        if given is not None:
            if given not in columns:
                raise CorpusError(
                    f"{path}: no column {given!r} for the {role} (columns found: "
                    f"{', '.join(columns) or 'none'})",
                    f"pass one of them with --{role}-column",
                )
            roles[role] = given
        else:
            roles[role] = next((lowered[c] for c in candidates if c in lowered), None)
    if roles["text"] is None and roles["title"] is None:
        shown = ", ".join(repr(c[:40]) for c in columns[:12]) or "none"
        raise CorpusError(
            f"{path}: no text column (columns found: {shown})",
            "name it with --text-column; for a file without a header row, name the columns "
            "with --columns (e.g. --columns text,split,labels)",
        )
    return roles


def _read_table(
    path: Path,
    frame: Any,
    mapping: Mapping,
    positions: list[int] | None = None,
    *,
    fix_text: bool = True,
) -> FileRecords:
    frame = frame.rename(columns=str)
    roles = _resolve(frame, mapping, path)
    used = {c for c in roles.values() if c is not None}
    extras = [c for c in frame.columns if c not in used]
    result = FileRecords(path, columns={**roles, "extra": extras})
    result.warnings = _mapping_warnings(roles, list(frame.columns))
    repair = repair_text if fix_text else None
    for index, row in enumerate(frame.to_dict("records")):
        position = positions[index] if positions is not None else index + 1
        values: dict[str, str] = {}
        problem = None
        for role, joiner in (("title", " "), ("text", "\n\n"), ("category", "; ")):
            column = roles[role]
            raw, problem = as_text(row[column], joiner) if column else ("", None)
            if problem is not None:
                problem = (position, column, problem)
                break
            values[role] = raw
        if problem is not None:
            result.rejected.append(problem)
            continue
        if repair is not None:
            fixed = {role: repair(value) for role, value in values.items()}
            result.repaired += fixed != values
            values = fixed
        category = clean_line(values["category"])
        source_id = row[roles["id"]] if roles["id"] else None
        result.records.append(
            RawRecord(
                title=clean_line(values["title"]),
                text=clean_text(values["text"]),
                position=position,
                category=category or None,
                date_value=date_value(row[roles["date"]]) if roles["date"] else None,
                labels=labels_of(row[roles["labels"]]) if roles["labels"] else [],
                source_id=None if is_missing(source_id) else str(source_id),
                extras={c: row[c] for c in extras},
            )
        )
    return result


def _mapping_warnings(roles: dict[str, str | None], columns: list[str]) -> list:
    shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
    warnings = []
    if roles["text"] is None:
        reason = (
            f"no text column (columns: {shown}): the records hold only the {roles['title']!r} "
            "column, as title; name the body with --text-column"
        )
        warnings.append((0, "text", reason))
    if roles["date"] is None:
        reason = (
            f"no date column (columns: {shown}): records are dated only from dates stated in "
            "their text; name the column with --date-column"
        )
        warnings.append((0, "date", reason))
    return warnings
