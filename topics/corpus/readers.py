"""Finding input files, decoding them, and reading each format into :class:`RawRecord` objects.

Formats, chosen by extension unless ``format=`` is given: seed/plain text (``.txt``, ``.md``),
CSV (``.csv``), TSV (``.tsv``, ``.tab``), JSON Lines (``.jsonl``, ``.ndjson``, also ``.gz``),
Parquet (``.parquet``). Fatal problems (missing path, empty, binary or undecodable file, no text
column) raise :class:`CorpusError`; a bad record is returned as a rejection instead.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from topics.corpus import schema
from topics.corpus.clean import clean_line, clean_text
from topics.corpus.seed import (
    RawRecord,
    is_multi_release,
    parse_multi_release,
    parse_single_article,
)
from topics.errors import CorpusError

FORMATS = ("txt", "md", "csv", "tsv", "jsonl", "parquet")
_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
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


def find_files(paths: Iterable[str | Path], format: str | None = None) -> list[Path]:
    """Expand files and folders into a sorted list of input files.

    Folders are searched recursively for files with a known extension (hidden files skipped).

    Raises
    ------
    CorpusError
        If a path does not exist or a folder holds no readable file.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CorpusError(f"{path}: no such file or folder", "check the path")
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and (format is not None or _format_of(p) is not None)
            )
            if not found:
                raise CorpusError(
                    f"{path}: the folder holds no file of a known format",
                    "add .txt/.md/.csv/.tsv/.jsonl[.gz]/.parquet files, or pass --format",
                )
            files.extend(found)
        else:
            files.append(path)
    return files


def _format_of(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def read_file(
    path: Path, mapping: Mapping, *, encoding: str | None, format: str | None
) -> FileRecords:
    """Read one file into records, whatever its format."""
    fmt = format or _format_of(path) or "txt"
    if fmt not in FORMATS:
        raise CorpusError(f"unknown format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    data = _read_bytes(path)
    if fmt == "parquet":
        return _read_table(path, _read_parquet(path, data), mapping)
    text = decode(data, path, encoding)
    if fmt in ("txt", "md"):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        result = FileRecords(path)
        if is_multi_release(text):
            result.records = parse_multi_release(text)
        else:
            result.records = [parse_single_article(text, markdown=fmt == "md")]
        return result
    if fmt == "jsonl":
        return _read_jsonl(path, text, mapping)
    return _read_table(path, _read_delimited(path, text, fmt, mapping), mapping)


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})", "check the permissions") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise CorpusError(f"{path}: damaged gzip file ({exc})", "re-create the file") from exc
    if not data.strip():
        raise CorpusError(f"{path}: the file is empty", "remove it or pass a file with releases")
    return data


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """Decode file bytes: the given encoding (strict), else UTF-8 (BOM or not), else detected.

    Raises
    ------
    CorpusError
        For a binary file, an unknown encoding name, or bytes invalid in the chosen encoding.
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    codec = None
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError as exc:
            raise CorpusError(
                f"unknown encoding {encoding!r}", "use e.g. utf-8, cp949 or euc-kr"
            ) from exc
    if not utf16 and not (codec or "").startswith(("utf-16", "utf-32")) and b"\x00" in data[:8192]:
        raise CorpusError(
            f"{path}: looks like a binary file, not text",
            "pass text files (.txt, .csv, .jsonl, ...) or a Parquet file",
        )
    if codec is not None:
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise CorpusError(
                f"{path}: line {line}, byte {exc.start}: not valid {encoding} ({exc.reason})",
                "pass the file's real encoding with --encoding (e.g. cp949), or omit it to detect",
            ) from exc
    if utf16:
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp949", "euc_kr", "utf_8", "cp1252", "latin_1"]).best()
    if best is None:
        raise CorpusError(
            f"{path}: cannot detect the text encoding",
            "pass it with --encoding (e.g. cp949, euc-kr, utf-8)",
        )
    return str(best)


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
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            header=None if mapping.columns else "infer",
            names=mapping.columns,
            quoting=csv.QUOTE_NONE if fmt == "tsv" else csv.QUOTE_MINIMAL,
            on_bad_lines="error",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise CorpusError(
            f"{path}: cannot read as {fmt.upper()} ({str(exc).strip()})",
            "check the delimiter and quoting, or pass --format",
        ) from exc


def _read_jsonl(path: Path, text: str, mapping: Mapping) -> FileRecords:
    import pandas as pd

    rows, positions, rejected = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            rejected.append((number, "json", f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(row, dict):
            rejected.append((number, "json", "not a JSON object"))
            continue
        rows.append(row)
        positions.append(number)
    frame = pd.DataFrame(rows) if rows else pd.DataFrame({"text": []})
    result = _read_table(path, frame, mapping, positions=positions)
    result.rejected = rejected + result.rejected
    return result


def _resolve(frame: Any, mapping: Mapping, path: Path) -> dict[str, str | None]:
    """Which input column plays each role."""
    columns = [str(c) for c in frame.columns]
    lowered = {c.lower(): c for c in columns}
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
    path: Path, frame: Any, mapping: Mapping, positions: list[int] | None = None
) -> FileRecords:
    roles = _resolve(frame, mapping, path)
    frame = frame.rename(columns=str)
    used = {c for c in roles.values() if c is not None}
    extras = [c for c in frame.columns if c not in used]
    result = FileRecords(path)
    rows = frame.to_dict("records")
    for index, row in enumerate(rows):
        position = positions[index] if positions is not None else index + 1
        title = clean_line(row[roles["title"]]) if roles["title"] else ""
        text = clean_text(row[roles["text"]]) if roles["text"] else ""
        category = clean_line(row[roles["category"]]) if roles["category"] else ""
        source_id = row[roles["id"]] if roles["id"] else None
        result.records.append(
            RawRecord(
                title=title,
                text=text,
                position=position,
                category=category or None,
                date_value=row[roles["date"]] if roles["date"] else None,
                labels=_labels(row[roles["labels"]]) if roles["labels"] else [],
                source_id=None if _is_missing(source_id) else str(source_id),
                extras={c: row[c] for c in extras},
            )
        )
    return result


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _labels(value: object) -> list[str]:
    """Gold labels from a list, an array, a JSON list in a string, or a ``|``/``;`` list."""
    if value is None:
        return []
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [clean_line(v) for v in value if not _is_missing(v) and clean_line(v)]
    if _is_missing(value):
        return []
    text = str(value).strip()
    if text.startswith("["):
        try:
            return _labels(json.loads(text))
        except json.JSONDecodeError:
            pass
    for sep in ("|", ";"):
        if sep in text:
            return [clean_line(v) for v in text.split(sep) if clean_line(v)]
    return [clean_line(text)] if clean_line(text) else []
