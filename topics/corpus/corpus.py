"""``load_corpus``: files in, one clean, dated, de-duplicated table out; and the :class:`Corpus`."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.corpus.dedup import NEAR_THRESHOLD, NEAR_WINDOW_DAYS
from topics.corpus.readers import FORMATS, Mapping, read_file
from topics.corpus.report import IngestReport
from topics.corpus.sources import find_files
from topics.errors import CorpusError
from topics.progress import Progress

if TYPE_CHECKING:
    import pandas as pd

_METADATA_KEY = b"topics.corpus"
SOURCE_ID = schema.SOURCE_ID


class Corpus:
    """A corpus of releases: the table (:attr:`frame`) and the account of its ingest.

    Parameters
    ----------
    frame : pandas.DataFrame
        The columns of :data:`schema.COLUMNS` in that order, then any extra input columns.
        Merged duplicates are rows too (``is_duplicate`` true); rejected records are not.
    report : IngestReport, optional
    """

    def __init__(self, frame: pd.DataFrame, report: IngestReport | None = None) -> None:
        self.frame = frame
        self.report = report if report is not None else IngestReport()

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return f"Corpus({len(self.frame)} records, {len(self.documents())} documents)"

    def documents(self) -> pd.DataFrame:
        """The frame without merged duplicates (one row per document), index reset."""
        frame = self.frame[~self.frame[schema.IS_DUPLICATE].astype(bool)]
        return frame.reset_index(drop=True)

    def texts(self) -> list[str]:
        """The text models see, for each row of :meth:`documents` (:func:`schema.model_texts`)."""
        return schema.model_texts(self.documents())

    def to_parquet(self, path: str | Path, *, force: bool = True) -> Path:
        """Write the frame to a Parquet file, with the ingest report in its metadata.

        Written to a temporary sibling and renamed, so a failed write leaves no half file; the
        parent directory is created. With ``force=False`` an existing file is an error.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(path)
        if not force and path.exists():
            raise CorpusError(f"{path} already exists", "pass --force (force=True) to replace it")
        table = pa.Table.from_pandas(self.frame, preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata[_METADATA_KEY] = json.dumps(
            {"report": self.report.to_dict()}, ensure_ascii=False, default=str
        ).encode("utf-8")
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table.replace_schema_metadata(metadata), tmp)
            tmp.replace(path)
        except OSError as exc:
            raise CorpusError(
                f"{path}: cannot write ({exc.strerror or exc})",
                "check the free space and the permissions",
            ) from exc
        finally:
            tmp.unlink(missing_ok=True)
        return path

    @classmethod
    def read_parquet(cls, path: str | Path) -> Corpus:
        """Read a corpus written by :meth:`to_parquet` (frame and report identical).

        Raises
        ------
        CorpusError
            If the file is missing, not Parquet, or not a corpus written by ``topics ingest``.
        """
        import pyarrow.parquet as pq

        path = Path(path)
        try:
            table = pq.read_table(path)
        except FileNotFoundError as exc:
            raise CorpusError(f"{path}: no such file", "run `topics ingest` first") from exc
        except Exception as exc:
            raise CorpusError(
                f"{path}: not a readable Parquet file ({type(exc).__name__})",
                "write the corpus again with `topics ingest`",
            ) from exc
        metadata = (table.schema.metadata or {}).get(_METADATA_KEY)
        if metadata is None:
            raise CorpusError(
                f"{path}: a Parquet file, but not a corpus written by `topics ingest`",
                "ingest it first: topics ingest FILE -o corpus.parquet",
            )
        frame = table.to_pandas()
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = [_plain(v) for v in frame[column]]
        report = IngestReport.from_dict(json.loads(metadata)["report"])
        return cls(frame, report)


def _plain(value: Any) -> Any:
    """Arrays that Parquet gives back for list cells, as lists again."""
    if hasattr(value, "tolist") and not isinstance(value, str) and getattr(value, "ndim", 0) == 1:
        return [_plain(v) for v in value.tolist()]
    return value


def is_corpus_file(path: Path) -> bool:
    """Whether ``path`` is a Parquet corpus written by ``topics ingest``."""
    if not path.is_file() or path.suffix.lower() not in (".parquet", ".pq"):
        return False
    import pyarrow.parquet as pq

    try:
        return _METADATA_KEY in (pq.read_schema(path).metadata or {})
    except Exception:
        return False


def load_corpus(
    paths: str | Path | Sequence[str | Path],
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    date_column: str | None = None,
    category_column: str | None = None,
    labels_column: str | None = None,
    id_column: str | None = None,
    columns: Sequence[str] | None = None,
    encoding: str | None = None,
    format: str | None = None,
    dedup: bool = True,
    near_threshold: float = NEAR_THRESHOLD,
    near_window_days: float | None = NEAR_WINDOW_DAYS,
    infer_dates: bool = True,
    boilerplate: bool = True,
    sender_column: str | None = None,
    fix_text: bool = True,
    progress: Progress | None = None,
) -> Corpus:
    """Read releases from files and folders into a clean, dated, de-duplicated :class:`Corpus`.

    Parameters
    ----------
    paths : str, Path or a sequence of them
        Files or folders: seed/plain ``.txt``/``.md``, CSV, TSV, JSON Lines (``.gz`` too),
        Parquet. A single Parquet file written by ``topics ingest`` is read back as it is.
    text_column, title_column, date_column, category_column, labels_column, id_column : str
        Input columns for each role; by default detected (``text``/``body``/``content``,
        ``title``/``headline``, ``date``, ``category``, ``labels``/``label``/``topics``, ``id``).
        The input's id is kept in the extra column ``source_id``; ``id`` is always the content id.
    columns : sequence of str, optional
        Names for the columns of a CSV/TSV without a header row (e.g. ``["text", "split",
        "labels"]`` for OCTIS's ``corpus.tsv``).
    encoding : str, optional
        Text encoding of every file (strict). Default: UTF-8 with or without BOM, else detected
        (CP949/EUC-KR and others).
    format : str, optional
        One of ``txt``, ``md``, ``csv``, ``tsv``, ``json``, ``jsonl``, ``parquet``; default: by
        extension (``.json`` holds an array of objects, an object with a ``"records"`` array, or
        JSON Lines).
    dedup : bool
        Group exact and near duplicates (``False``: every record is its own group).
    near_threshold : float
        Minimum word-3-gram containment of the shorter release in the longer one.
    near_window_days : float, optional
        Near-duplicates must be dated this close (undated records: no limit); ``None``: no limit.
    infer_dates : bool
        Take a full date stated in the text when the record has no explicit date.
    boilerplate : bool
        Leave lines and long word runs that recur across many releases (contact blocks, "###",
        navigation, disclaimers) out of the text models see (:mod:`topics.corpus.boilerplate`);
        the stored title and text keep them. ``report.boilerplate`` says how much was removed.
    sender_column : str, optional
        Column naming each release's sender (e.g. the office), by which recurring furniture is
        counted; default ``"source"``, the file a release came from.
    fix_text : bool
        Repair mojibake left by an earlier wrong decoding (``canâ€™t`` → ``can’t``) with ftfy;
        the repaired records are counted in ``report.repaired``.
    progress : callable, optional
        ``progress(message, fraction)`` for long work.

    Returns
    -------
    Corpus

    Raises
    ------
    CorpusError
        Missing path, empty, binary or undecodable file, no text column, no record at all.

    Notes
    -----
    Per-record problems never stop the ingest:

    * a record whose title and text are both empty is *rejected* (``report.rejected``: source,
      position, field, reason);
    * a date value that cannot be read keeps the record, undated (``missing``, not guessed from
      the text), with a *warning* (``report.warnings``) naming the value;
    * a text or title that is a JSON object is *rejected*; a list of strings is joined
      (paragraphs for the text);
    * an input column named like a corpus column (``source``, ``position``...) is kept as
      ``input_<name>``; which column was read for each role is in ``report.columns``, and a
      file without a date or text column gets a file-level warning (position 0).

    ``records_read == kept + merged_exact + merged_near + len(rejected)`` always holds.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise CorpusError("no input path given", "pass files or folders of releases")
    if format is not None and format not in FORMATS:
        raise CorpusError(f"unknown format {format!r}", f"use one of: {', '.join(FORMATS)}")
    if not 0 < near_threshold <= 1:
        raise CorpusError(f"near_threshold={near_threshold} is not in (0, 1]", "use e.g. 0.4")
    if len(paths) == 1 and format is None and is_corpus_file(paths[0]):
        return _boilerplate_again(
            Corpus.read_parquet(paths[0]), boilerplate, sender_column, progress
        )
    mapping = Mapping(
        text=text_column,
        title=title_column,
        date=date_column,
        category=category_column,
        labels=labels_column,
        id=id_column,
        columns=list(columns) if columns else None,
    )
    files = find_files(paths, format)
    from topics.corpus.build import build_frame

    report = IngestReport(files=[str(f) for f in files])
    results = []
    for number, path in enumerate(files):
        within = None
        if progress is not None:
            progress(f"reading {path.name}", number / len(files))

            def within(fraction: float, number: int = number, name: str = path.name) -> None:
                progress(f"reading {name} ({fraction:.0%})", (number + fraction) / len(files))

        results.append(
            read_file(
                path, mapping, encoding=encoding, format=format, fix_text=fix_text, progress=within
            )
        )
    frame = build_frame(
        results,
        report,
        dedup=dedup,
        near_threshold=near_threshold,
        near_window_days=near_window_days,
        infer_dates=infer_dates,
        progress=progress,
    )
    from topics.corpus.boilerplate import BoilerplateSummary, remove_boilerplate

    if boilerplate:
        report.boilerplate = remove_boilerplate(frame, sender_column, progress).to_dict()
    else:
        report.boilerplate = BoilerplateSummary(enabled=False).to_dict()
    if progress is not None:
        progress("corpus ready", 1.0)
    return Corpus(frame, report)


def _boilerplate_again(
    corpus: Corpus, boilerplate: bool, sender_column: str | None, progress: Progress | None
) -> Corpus:
    """A corpus read back from Parquet, its model texts as the options ask."""
    from topics.corpus.boilerplate import BoilerplateSummary, remove_boilerplate

    frame, report = corpus.frame, corpus.report
    stored = report.boilerplate.get("sender_column") if report.boilerplate.get("enabled") else None
    if not boilerplate:
        if schema.MODEL_TEXT in frame.columns:
            corpus.frame = frame.drop(columns=[schema.MODEL_TEXT])
        report.boilerplate = BoilerplateSummary(enabled=False).to_dict()
    elif stored is None or (sender_column is not None and sender_column != stored):
        report.boilerplate = remove_boilerplate(frame, sender_column, progress).to_dict()
    return corpus


__all__ = ["SOURCE_ID", "Corpus", "IngestReport", "load_corpus"]
