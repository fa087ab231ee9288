"""Partitions of a corpus on the workers: read, their content ids, accounted.

Each input file is one partition, read on a worker by :func:`topics.load_corpus` (cleaning,
dates, ids, language) without de-duplication. Every partition sends its distinct content ids
(8 bytes each) to a tree reduction that keeps, for each id, the first partition holding it
(:func:`first_holders`): the start of the duplicate grouping over every file
(:mod:`topics.distributed._near`).
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.corpus import schema
from topics.errors import CorpusError

if TYPE_CHECKING:
    from topics.corpus import Corpus, IngestReport

#: Duplicate groups each partition keeps in its account (the counts are always whole).
GROUPS_KEPT = 20


def partition_files(paths: Sequence[str | Path], format: str | None = None) -> list[Path]:
    """Files named by ``paths``: files, folders (searched as ``topics ingest`` does) or globs.

    Raises
    ------
    CorpusError
        A glob that matches nothing, a missing path, a folder without releases.
    """
    from topics.corpus.sources import find_files

    if not paths:
        raise CorpusError("no input path given", "pass files, folders or globs of releases")
    named: list[str] = []
    for raw in map(str, paths):
        if glob.has_magic(raw):
            matched = sorted(glob.glob(raw, recursive=True))
            if not matched:
                raise CorpusError(f"{raw}: the pattern matches no file", "check the pattern")
            named += matched
        else:
            named.append(raw)
    return find_files(named, format)


def read_partition(path: Path, index: int, options: dict[str, Any]) -> Corpus:
    """One file as a corpus, without de-duplication or boilerplate removal yet (both need every
    file: :mod:`topics.distributed._near`, :mod:`topics.distributed._boilerplate`)."""
    from topics.corpus import load_corpus

    return load_corpus([path], **{**options, "boilerplate": False, "dedup": False})


def distinct_ids(corpus: Corpus, index: int) -> tuple[np.ndarray, np.ndarray]:
    """The partition's distinct content ids (as uint64), each with the partition's index."""
    ids = np.unique(id_numbers(corpus.frame[schema.ID]))
    return ids, np.full(len(ids), index, dtype=np.int64)


def id_numbers(ids: Any) -> np.ndarray:
    """Content ids (16 hex digits) as uint64."""
    return np.array([int(str(i), 16) for i in ids], dtype=np.uint64)


def first_holders(*parts: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Merge (ids, partition) tables: each id once, with the lowest partition index."""
    ids = np.concatenate([p[0] for p in parts])
    where = np.concatenate([p[1] for p in parts])
    order = np.lexsort((where, ids))
    ids, where = ids[order], where[order]
    first = np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, bool)
    return ids[first], where[first]


def kept_ids(corpus: Corpus, index: int) -> np.ndarray:
    """Content ids (uint64) of the partition's documents (merged duplicates left out)."""
    frame = corpus.frame
    return id_numbers(frame.loc[~frame[schema.IS_DUPLICATE].astype(bool), schema.ID])


def smallest(k: int, *parts: np.ndarray) -> np.ndarray:
    """The ``k`` smallest values of the parts, sorted (a mergeable bottom-k sample)."""
    both = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
    if len(both) > k:
        both = np.partition(both, k - 1)[:k]
    return np.sort(both)


def account(corpus: Corpus, index: int) -> IngestReport:
    """The partition's account, its list of duplicate groups cut to :data:`GROUPS_KEPT`."""
    from copy import copy

    report = copy(corpus.report)
    report.duplicate_groups = report.duplicate_groups[:GROUPS_KEPT]
    return report


def merge_accounts(reports: Sequence[IngestReport], boilerplate: dict) -> IngestReport:
    """One account of every partition: counts added up, problems listed whole."""
    from topics.corpus import IngestReport

    merged = IngestReport(boilerplate=boilerplate)
    dates_min = [r.date_min for r in reports if r.date_min]
    dates_max = [r.date_max for r in reports if r.date_max]
    for r in reports:
        merged.files += r.files
        merged.rejected += r.rejected
        merged.warnings += r.warnings
        merged.columns.update(r.columns)
        merged.duplicate_groups += r.duplicate_groups
        for key in ("records_read", "kept", "merged_exact", "merged_near", "repaired", "undated"):
            setattr(merged, key, getattr(merged, key) + getattr(r, key))
        for key, value in r.provenance.items():
            merged.provenance[key] = merged.provenance.get(key, 0) + value
        for key, value in r.languages.items():
            merged.languages[key] = merged.languages.get(key, 0) + value
    merged.languages = dict(sorted(merged.languages.items(), key=lambda kv: (-kv[1], kv[0])))
    merged.date_min = min(dates_min) if dates_min else None
    merged.date_max = max(dates_max) if dates_max else None
    merged.duplicate_groups = merged.duplicate_groups[:GROUPS_KEPT]
    return merged
