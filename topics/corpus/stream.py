"""JSON Lines read as a stream: one line at a time, records built batch by batch.

The whole-file reader holds the file's bytes, its decoded text and its list of lines at once
(three copies of a 250 MB file before a record is built). Here the file (``.gz`` too) is read
line by line, every :data:`BATCH` objects become records through the same table reader as
every other format (:func:`topics.corpus.readers.records_from_rows`), and a progress callback
hears the share of the file read.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from topics.errors import CorpusError

#: Objects turned into records together.
BATCH = 20_000


def stream_jsonl(
    path: Path,
    mapping: Any,
    *,
    fix_text: bool,
    progress: Callable[[float], None] | None = None,
) -> Any | None:
    """The records of a UTF-8 JSON Lines file, or ``None`` when it is not UTF-8 or looks binary
    (the whole-file reader then decodes it or says why not).

    Returns
    -------
    FileRecords or None
    """
    from topics.corpus.readers import FileRecords, jsonl_rows, records_from_rows

    try:
        size = max(1, path.stat().st_size)
        raw = path.open("rb")
    except OSError as exc:
        reason = "it is a folder" if path.is_dir() else exc.strerror
        raise CorpusError(f"{path}: cannot read ({reason})", "check the permissions") from exc
    result = FileRecords(path)
    seen_text = False
    with raw:
        compressed = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw) if compressed else raw
        try:
            if b"\x00" in stream.peek(8192)[:8192]:
                return None
            rows: list[dict] = []
            positions: list[int] = []
            rejected: list[tuple[int, str, str]] = []
            for number, row in jsonl_rows(_lines(stream), rejected):
                rows.append(row)
                positions.append(number)
                if len(rows) >= BATCH:
                    _merge(result, records_from_rows(path, rows, positions, [], mapping, fix_text))
                    rows, positions = [], []
                    if progress is not None:
                        progress(min(1.0, raw.tell() / size))
            seen_text = bool(rows or rejected or result.records)
            if rows or not result.records:
                _merge(result, records_from_rows(path, rows, positions, [], mapping, fix_text))
        except UnicodeDecodeError:
            return None
        except (OSError, EOFError) as exc:
            raise CorpusError(f"{path}: damaged gzip file ({exc})", "re-create the file") from exc
    if not seen_text:
        raise CorpusError(f"{path}: the file is empty", "remove it or pass a file with releases")
    result.rejected = sorted(rejected + result.rejected)
    if progress is not None:
        progress(1.0)
    return result


def _lines(stream: Any) -> Iterator[tuple[int, str]]:
    """(1-based line number, decoded line) of a binary stream; a BOM on line 1 is dropped."""
    for number, raw_line in enumerate(stream, start=1):
        line = raw_line.decode("utf-8")
        yield number, line.lstrip("\ufeff") if number == 1 else line


def _merge(result: Any, part: Any) -> None:
    result.records.extend(part.records)
    result.rejected.extend(part.rejected)
    result.warnings.extend(w for w in part.warnings if w not in result.warnings)
    result.columns = result.columns or part.columns
    result.repaired += part.repaired
