"""``topics predict --engine dask``: every release of partitioned files tagged on the cluster."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.progress import Progress, noop

if TYPE_CHECKING:
    from distributed import Client

    from topics.corpus import Corpus, IngestReport
    from topics.distributed._worker import ModelRef

#: Columns of the corpus written beside the tags (then ``Predictions.to_frame()``'s columns).
CORPUS_COLUMNS = [schema.ID, schema.DATE, schema.LANGUAGE, schema.IS_DUPLICATE, schema.DUP_GROUP]
PART = "part-{:05d}.parquet"


@dataclass
class Tagged:
    """What :func:`tag_files` wrote.

    Attributes
    ----------
    out : Path
        The directory of ``part-NNNNN.parquet`` files, one per input file, in input order.
    files : list of Path
        The input files (partition ``i`` is ``files[i]``).
    rows : int
        Releases tagged (merged duplicates included, marked ``is_duplicate``).
    report : IngestReport
        The account of the read, as ``topics ingest`` prints it.
    """

    out: Path
    files: list[Path]
    rows: int
    report: IngestReport


def tag_partition(corpus: Corpus, index: int, ref: ModelRef, out: str) -> int:
    """Tag one partition with the in-process code (:func:`topics.pipeline.predict_corpus`) and
    write it as ``part-<index>.parquet`` (atomically: a retried task replaces, never adds)."""
    import pandas as pd

    from topics.distributed._worker import worker_model
    from topics.pipeline import predict_corpus

    frame = corpus.frame.reset_index(drop=True)
    tags = predict_corpus(worker_model(ref), frame).to_frame()
    write_part(pd.concat([frame[CORPUS_COLUMNS], tags], axis=1), Path(out), index)
    return len(frame)


def write_part(frame: Any, out: Path, index: int) -> Path:
    """Write one partition's table to ``out/part-<index>.parquet`` through a temporary file."""
    import uuid

    import pyarrow as pa
    import pyarrow.parquet as pq

    target = out / PART.format(index)
    tmp = out / f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def tag_files(
    paths: Sequence[str | Path],
    *,
    model: str | Path,
    out: str | Path,
    scheduler: str | None = None,
    client: Client | None = None,
    force: bool = False,
    timeout: float | None = None,
    progress: Progress | None = None,
    **corpus_options: Any,
) -> Tagged:
    """Tag every release of partitioned files on a Dask cluster; write partitioned Parquet.

    Parameters
    ----------
    paths : sequence of str or Path
        Files, folders or globs (``releases/*.jsonl.gz``); each file is one partition, read as
        :func:`topics.load_corpus` reads it.
    model : path
        A model directory every worker can read (loaded once per worker, hash-checked).
    out : path
        Directory to write ``part-NNNNN.parquet`` into: ``id, date, language, is_duplicate,
        dup_group`` and the columns of :meth:`topics.Predictions.to_frame` (``themes``,
        ``p_<theme>``, ``topic``, ``topic_label``, labels, ``unknown``).
    scheduler : str, optional
        Address of a running scheduler; default: a ``LocalCluster`` sized to the machine.
    client : distributed.Client, optional
        Your own client instead (left open).
    force : bool
        Replace the parts of an existing ``out``.
    timeout : float, optional
        Seconds to wait for the cluster before giving up (default: no limit).
    **corpus_options
        Keyword arguments of :func:`topics.load_corpus` (columns, dedup, boilerplate...).

    Returns
    -------
    Tagged
    """
    from topics._paths import check_output
    from topics.distributed._cluster import connect, gather, submit_each
    from topics.distributed._corpus import corpus_on
    from topics.distributed._ingest import partition_files
    from topics.distributed._worker import model_ref

    report = progress or noop
    out = Path(out).resolve()
    check_output(out, force=force, folder=True)
    files = partition_files(paths, corpus_options.get("format"))
    ref = model_ref(model)
    with connect(scheduler, client=client) as active:
        parts, account = corpus_on(active, files, corpus_options, timeout=timeout, progress=report)
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("part-*.parquet"):
            old.unlink()
        report(f"tagging {len(parts)} partitions", 0.3)
        done = submit_each(active, tag_partition, parts, "topics-tag", ref, str(out))
        del parts  # a partition is freed on its worker once tagged
        rows = sum(gather(active, done, timeout))
    report("tags written", 1.0)
    return Tagged(out=out, files=files, rows=rows, report=account)
