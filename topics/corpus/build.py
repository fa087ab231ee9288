"""From records read to the corpus table: dates, ids, duplicate groups, dtypes, the report."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from topics.corpus import schema
from topics.corpus.clean import content_id, is_press_header, split_korean_release
from topics.corpus.dates import resolve_date
from topics.corpus.dedup import connected_groups, exact_groups, near_pairs
from topics.corpus.readers import FileRecords
from topics.corpus.report import IngestReport
from topics.errors import CorpusError
from topics.language import detect_language
from topics.progress import Progress

NO_TEXT = "no text: the title and the text are empty"
ONLY_FURNITURE = "no text: only press-release furniture (보도자료 header, contacts, attachments)"


def build_frame(
    results: list[FileRecords],
    report: IngestReport,
    *,
    dedup: bool,
    near_threshold: float,
    near_window_days: float | None,
    infer_dates: bool,
    progress: Progress | None,
) -> pd.DataFrame:
    """Assemble the corpus frame and fill ``report`` (counts, problems, groups)."""
    columns: dict[str, list[Any]] = {c: [] for c in schema.COLUMNS}
    extras: list[dict[str, Any]] = []
    for result in results:
        source = str(result.path)
        report.records_read += len(result.records) + len(result.rejected)
        report.rejected.extend((source, p, f, r) for p, f, r in result.rejected)
        report.warnings.extend((source, p, f, r) for p, f, r in result.warnings)
        report.repaired += result.repaired
        if result.columns:
            report.columns[source] = result.columns
        for record in result.records:
            if not record.title and not record.text:
                report.rejected.append((source, record.position, "text", NO_TEXT))
                continue
            document = schema.document_text(record.title, record.text)
            date, provenance, problem = resolve_date(record.date_value, document, infer_dates)
            title, text, furniture = split_korean_release(record.title, record.text)
            if not title and not text:
                report.rejected.append((source, record.position, "text", ONLY_FURNITURE))
                continue
            if problem is not None:
                report.warnings.append(
                    (source, record.position, "date", f"{problem}; the record is kept undated")
                )
            columns[schema.ID].append(content_id(title, text))
            columns[schema.DATE].append(date)
            columns[schema.DATE_PROVENANCE].append(provenance)
            columns[schema.TITLE].append(title)
            columns[schema.TEXT].append(text)
            columns[schema.LANGUAGE].append(detect_language(schema.document_text(title, text)))
            category = None if is_press_header(record.category) else record.category
            columns[schema.CATEGORY].append(category)
            columns[schema.LABELS].append(list(record.labels))
            columns[schema.SOURCE].append(source)
            columns[schema.POSITION].append(record.position)
            row_extras = {**furniture, **record.extras}
            if record.source_id is not None:
                row_extras[schema.SOURCE_ID] = record.source_id
            extras.append(row_extras)
    order = {name: number for number, name in enumerate(report.files)}
    report.rejected.sort(key=lambda p: (order.get(p[0], -1), p[1]))
    report.warnings.sort(key=lambda p: (order.get(p[0], -1), p[1]))
    if not extras:
        raise CorpusError(
            f"no release found in {', '.join(report.files)}"
            + (f" ({len(report.rejected)} records rejected)" if report.rejected else ""),
            "check that the files hold releases and the column options name the text",
        )
    frame = pd.DataFrame(
        {
            schema.ID: pd.array(columns[schema.ID], dtype="str"),
            schema.DATE: pd.to_datetime(pd.Series(columns[schema.DATE], dtype=object)).astype(
                "datetime64[ns]"
            ),
            schema.DATE_PROVENANCE: pd.array(columns[schema.DATE_PROVENANCE], dtype="str"),
            schema.TITLE: pd.array(columns[schema.TITLE], dtype="str"),
            schema.TEXT: pd.array(columns[schema.TEXT], dtype="str"),
            schema.LANGUAGE: pd.array(columns[schema.LANGUAGE], dtype="str"),
            schema.CATEGORY: pd.array(columns[schema.CATEGORY], dtype="string"),
            schema.LABELS: pd.Series(columns[schema.LABELS], dtype=object),
            schema.SOURCE: pd.array(columns[schema.SOURCE], dtype="str"),
            schema.POSITION: pd.array(columns[schema.POSITION], dtype="int64"),
        }
    )
    _group(frame, dedup, near_threshold, near_window_days, progress)
    frame = frame[schema.COLUMNS]
    if any(extras):
        more = pd.DataFrame(extras, index=frame.index)
        more.columns = [f"input_{c}" if c in schema.COLUMNS else str(c) for c in more.columns]
        frame = pd.concat([frame, more], axis=1)
    summarise(frame, report)
    return frame


def _group(
    frame: pd.DataFrame,
    dedup: bool,
    threshold: float,
    window: float | None,
    progress: Progress | None,
) -> None:
    """Fill ``dup_group``, ``is_duplicate`` and ``dup_kind`` in place."""
    n = len(frame)
    ids = frame[schema.ID].to_numpy(dtype=object)
    if not dedup:
        frame[schema.DUP_GROUP] = pd.array(ids, dtype="str")
        frame[schema.IS_DUPLICATE] = np.zeros(n, dtype=bool)
        frame[schema.DUP_KIND] = pd.array([None] * n, dtype="string")
        return
    first = exact_groups(list(ids))
    unique = np.flatnonzero(first == np.arange(n))
    texts = [
        schema.document_text(t, b)
        for t, b in zip(
            frame[schema.TITLE].to_numpy()[unique],
            frame[schema.TEXT].to_numpy()[unique],
            strict=True,
        )
    ]
    dates = frame[schema.DATE].to_numpy()
    left, right, _ = near_pairs(
        texts, as_days(dates[unique]), threshold=threshold, window_days=window, progress=progress
    )
    representative = representatives(first, left, right, document_lengths(frame), dates)
    set_groups(frame, ids[representative], representative != np.arange(n))


def as_days(dates: np.ndarray) -> np.ndarray:
    """Dates (datetime64) as float days since the epoch, NaN when undated."""
    days = dates.astype("datetime64[s]").astype(np.float64) / 86400.0
    days[np.isnat(dates)] = np.nan
    return days


def document_lengths(frame: pd.DataFrame) -> np.ndarray:
    """Characters of every record's document text (title and text)."""
    return np.array(
        [
            len(schema.document_text(t, b))
            for t, b in zip(frame[schema.TITLE], frame[schema.TEXT], strict=True)
        ],
        dtype=np.int64,
    )


def representatives(
    first: np.ndarray, left: np.ndarray, right: np.ndarray, length: np.ndarray, dates: np.ndarray
) -> np.ndarray:
    """The record representing every record's duplicate group; shape (n_records,).

    ``first`` is :func:`~topics.corpus.dedup.exact_groups` of the records; ``left``/``right``
    pair near-duplicates by their rank among the first records of each id. A group is an
    exact group or a connected set of near pairs; its representative is the longest document,
    then a dated one, the earliest date, the first read.
    """
    n = len(first)
    unique = np.flatnonzero(first == np.arange(n))
    component = connected_groups(len(unique), left, right)
    slot = np.empty(n, dtype=np.int64)
    slot[unique] = np.arange(len(unique))
    group = component[slot[first]]  # group label of every record
    undated = np.isnat(dates)
    date_key = np.where(
        undated, np.iinfo(np.int64).max, dates.astype("datetime64[ns]").astype(np.int64)
    )
    order = np.lexsort((np.arange(n), date_key, undated, -length, group))
    ordered_groups = group[order]
    starts = np.r_[True, ordered_groups[1:] != ordered_groups[:-1]]
    representative = np.empty(n, dtype=np.int64)
    representative[order] = order[starts][np.cumsum(starts) - 1]
    return representative


def set_groups(frame: pd.DataFrame, rep_ids: np.ndarray, is_dup: np.ndarray) -> None:
    """Fill ``dup_group`` (the representative's id), ``is_duplicate`` and ``dup_kind`` in place
    (``exact`` when a merged record has its representative's id, else ``near``)."""
    ids = frame[schema.ID].to_numpy(dtype=object)
    kind = np.where(~is_dup, None, np.where(rep_ids == ids, "exact", "near"))
    frame[schema.DUP_GROUP] = pd.array(rep_ids, dtype="str")
    frame[schema.IS_DUPLICATE] = is_dup
    frame[schema.DUP_KIND] = pd.array(kind, dtype="string")


def _most(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def summarise(frame: pd.DataFrame, report: IngestReport) -> None:
    """Fill the report's counts, dates and duplicate groups from a grouped corpus frame."""
    kind = frame[schema.DUP_KIND]
    report.merged_exact = int((kind == "exact").sum())
    report.merged_near = int((kind == "near").sum())
    docs = frame[~frame[schema.IS_DUPLICATE]]
    report.kept = len(docs)
    counts = docs[schema.DATE_PROVENANCE].value_counts()
    report.provenance = {p: int(counts.get(p, 0)) for p in schema.PROVENANCES}
    languages = docs[schema.LANGUAGE].value_counts()
    report.languages = dict(sorted(((str(k), int(v)) for k, v in languages.items()), key=_most))
    report.undated = int(docs[schema.DATE].isna().sum())
    dated = docs[schema.DATE].dropna()
    report.date_min = dated.min().date().isoformat() if len(dated) else None
    report.date_max = dated.max().date().isoformat() if len(dated) else None
    report.duplicate_groups = []
    members = frame[frame[schema.IS_DUPLICATE]]
    if members.empty:
        return
    fields = [schema.ID, schema.TITLE, schema.SOURCE, schema.POSITION]
    reps = {r[schema.ID]: _describe(r) for r in docs[fields].to_dict("records")}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in members[[*fields, schema.DUP_GROUP, schema.DUP_KIND]].to_dict("records"):
        groups.setdefault(row[schema.DUP_GROUP], []).append(
            {**_describe(row), "kind": str(row[schema.DUP_KIND])}
        )
    report.duplicate_groups = [
        {"representative": reps[rep_id], "members": group}
        for rep_id, group in groups.items()
        if rep_id in reps  # a part of a corpus: the representative may be in another part
    ]


def _describe(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row[schema.ID]),
        "title": str(row[schema.TITLE]),
        "source": str(row[schema.SOURCE]),
        "position": int(row[schema.POSITION]),
    }
