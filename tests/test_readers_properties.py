"""Property tests of every reader (issue 18): whatever the bytes, encoding or shape of a file,
``load_corpus`` either accounts for every record (read = kept + merged + rejected, each
rejection naming the file and the record) or raises a :class:`CorpusError` naming the file.
Never another exception."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import topics
from topics.cli import app
from topics.errors import CorpusError

SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
EXTENSIONS = [".txt", ".md", ".csv", ".tsv", ".json", ".jsonl", ".jsonl.gz", ".parquet"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp949", "euc-kr",
             "latin-1", "cp1252", "utf-32"]  # fmt: skip
COLUMN_NAMES = ["text", "title", "date", "body", "headline", "when", "category", "labels", "id",
                "source", "position", "", "Text", "x"]  # fmt: skip
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6)  # fmt: skip


def _check(path: Path, **options) -> None:
    """The invariant every reader keeps (see the module docstring)."""
    try:
        corpus = topics.load_corpus(path, **options)
    except CorpusError as exc:
        assert str(path) in str(exc), str(exc)
        return
    report = corpus.report
    assert report.records_read == report.kept + report.merged + len(report.rejected)
    assert len(corpus.frame) == report.kept + report.merged
    for source, position, field, reason in report.rejected:
        assert source == str(path) and position >= 1 and field and reason
    for source, position, field, reason in report.warnings:
        assert source == str(path) and position >= 0 and field and reason


def _write(suffix: str, data: bytes) -> tuple[tempfile.TemporaryDirectory, Path]:
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / f"input{suffix}"
    path.write_bytes(data)
    return folder, path


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from(EXTENSIONS))
def test_random_bytes_are_read_or_refused_naming_the_file(data, suffix):
    folder, path = _write(suffix, data)
    with folder:
        _check(path)


@SETTINGS
@given(
    texts=st.lists(TEXT, min_size=1, max_size=6),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".txt", ".csv", ".jsonl"]),
    declare=st.booleans(),
)
def test_random_encodings_are_read_or_refused_naming_the_file(texts, encoding, suffix, declare):
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["title", "text"])
        writer.writerows([[t, t] for t in texts])
        text = buffer.getvalue()
    elif suffix == ".jsonl":
        text = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    else:
        text = "\n-\n".join(texts)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    folder, path = _write(suffix, data)
    with folder:
        _check(path, encoding=encoding if declare else None)


@st.composite
def csv_files(draw) -> str:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=5))
    rows = draw(st.lists(st.lists(TEXT, min_size=0, max_size=len(header) + 1), max_size=8))
    buffer = io.StringIO()
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@SETTINGS
@given(text=csv_files(), suffix=st.sampled_from([".csv", ".tsv"]))
def test_random_csv_shapes_keep_the_accounting(text, suffix):
    folder, path = _write(suffix, text.encode("utf-8"))
    with folder:
        _check(path)


@st.composite
def jsonl_files(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["record", "record", "record", "junk", "array", "blank"]))
        if kind == "record":
            keys = draw(st.lists(st.sampled_from(COLUMN_NAMES), max_size=4, unique=True))
            lines.append(json.dumps({k: draw(VALUES) for k in keys}, ensure_ascii=False))
        elif kind == "junk":
            lines.append(draw(TEXT).replace("\n", " "))
        elif kind == "array":
            lines.append(json.dumps(draw(st.lists(VALUES, max_size=3))))
        else:
            lines.append("")
    return "\n".join(lines)


@SETTINGS
@given(text=jsonl_files(), suffix=st.sampled_from([".jsonl", ".json", ".ndjson"]))
def test_random_jsonl_shapes_keep_the_accounting(text, suffix):
    folder, path = _write(suffix, text.encode("utf-8"))
    with folder:
        _check(path)


@SETTINGS
@given(
    items=st.lists(st.one_of(VALUES, st.fixed_dictionaries({"text": VALUES, "title": VALUES})),
                   max_size=8),
    wrap=st.booleans(),
)  # fmt: skip
def test_random_json_arrays_keep_the_accounting(items, wrap):
    payload = {"records": items} if wrap else items
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    folder, path = _write(".json", gzip.compress(data) if len(items) % 2 else data)
    with folder:
        _check(path)


@settings(max_examples=15, deadline=None, database=None)
@given(text=jsonl_files())
def test_ingest_never_shows_a_traceback(text):
    folder, path = _write(".jsonl", text.encode("utf-8"))
    with folder:
        result = CliRunner().invoke(app, ["ingest", str(path), "-q"])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        if result.exit_code == 1:
            assert result.output.startswith("Error: ") and str(path) in result.output
