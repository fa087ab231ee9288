"""``topics report --engine dask``: the trend report from counts added up on the cluster.

Every partition is tagged and counted into a :class:`~topics.trends.TrendSummary` on its worker
(:func:`topics.trends.summarize`: per-period theme and topic counts, category counts, the
highest-probability releases per theme and period, the latest releases per topic); the summaries
add up in a tree on the workers (:func:`topics.trends.combine_summaries`) and only the total
reaches the client, which writes the report exactly as :func:`topics.build_report` does
(:func:`topics.pipeline.report_from_summary`).

What the client holds is bounded whatever the corpus size: counts grow with periods × series,
representatives are the top few per series and period, and the distinguishing terms are counted
on a bounded sample: the :data:`TERM_SAMPLE` documents with the smallest content ids (a uniform
sample, the same on any cluster). A corpus of at most that many documents is counted whole, and
its report is the in-process one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import TopicsError
from topics.progress import Progress, noop

if TYPE_CHECKING:
    from distributed import Client

    from topics.corpus import Corpus, IngestReport
    from topics.distributed._worker import ModelRef
    from topics.trends import TrendSummary

#: Documents whose words are counted for the distinguishing terms.
TERM_SAMPLE = 20_000


@dataclass
class Reported:
    """What :func:`report_files` wrote: the files (``html``, ``csv``, ``json``) and the account
    of the corpus read."""

    paths: dict[str, Path]
    report: IngestReport


def summarize_partition(
    corpus: Corpus, index: int, ref: ModelRef, freq: str, cutoff: int | None
) -> TrendSummary:
    """One partition tagged and counted, its representatives explained (as in one process)."""
    from topics.distributed._ingest import id_numbers
    from topics.distributed._worker import worker_model
    from topics.pipeline import explain_representatives, predict_corpus
    from topics.trends import summarize

    model = worker_model(ref)
    frame = corpus.frame.reset_index(drop=True)
    predictions = predict_corpus(model, frame, labels=False)
    sample = None if cutoff is None else id_numbers(frame[schema.ID]) <= cutoff
    summary = summarize(frame, predictions, freq, term_rows=sample)
    return explain_representatives(model, frame, summary)


def combine(*parts: TrendSummary) -> TrendSummary:
    """Summaries of partitions, added up (:func:`topics.trends.combine_summaries`)."""
    from topics.trends import combine_summaries

    return combine_summaries(parts)


def report_files(
    paths: Sequence[str | Path],
    *,
    model: str | Path,
    freq: str = "quarter",
    out: str | Path = "reports/trends.html",
    force: bool = False,
    title: str = "Theme trends",
    generated_at: datetime | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    timeout: float | None = None,
    term_sample: int = TERM_SAMPLE,
    progress: Progress | None = None,
    **corpus_options: Any,
) -> Reported:
    """Write the trend report of partitioned files, tagged and counted on a Dask cluster.

    Parameters
    ----------
    paths : sequence of str or Path
        Files, folders or globs; each file is one partition.
    model : path
        A model directory every worker can read.
    freq, out, force, title, generated_at
        As in :func:`topics.build_report`; the theme shares are corrected with the model's own
        validation when it has one.
    scheduler, client, timeout
        As in :func:`topics.distributed.tag_files`.
    term_sample : int
        Documents counted for the distinguishing terms (a uniform sample by content id).
    **corpus_options
        Keyword arguments of :func:`topics.load_corpus`.

    Returns
    -------
    Reported
    """
    from topics.distributed._cluster import connect, gather, submit_each, tree
    from topics.distributed._corpus import corpus_on
    from topics.distributed._ingest import kept_ids, partition_files, smallest
    from topics.distributed._worker import model_ref
    from topics.persist import read_manifest
    from topics.pipeline import report_from_summary
    from topics.report import check_writable
    from topics.trends import check_freq

    if term_sample < 1:
        raise TopicsError(f"term_sample={term_sample}", "count the terms of 1 document or more")
    report = progress or noop
    check_freq(freq)
    check_writable(out, force)
    files = partition_files(paths, corpus_options.get("format"))
    ref = model_ref(model)
    with connect(scheduler, client=client) as active:
        parts, account = corpus_on(active, files, corpus_options, timeout=timeout, progress=report)
        report("choosing the sample for the terms", 0.3)
        ids = submit_each(active, kept_ids, parts, "topics-kept")
        (sample,) = gather(
            active, [tree(active, partial(smallest, term_sample), ids, "topics-sample")], timeout
        )
        cutoff = int(sample[-1]) if len(sample) >= term_sample else None
        report(f"tagging and counting {len(parts)} partitions", 0.4)
        counted = submit_each(active, summarize_partition, parts, "topics-count", ref, freq, cutoff)
        del parts, ids  # a partition is freed on its worker once counted
        (summary,) = gather(active, [tree(active, combine, counted, "topics-combine")], timeout)
    report("writing the report", 0.9)
    manifest = read_manifest(Path(ref[0]), verify=False)
    written = report_from_summary(
        summary,
        out,
        manifest=manifest,
        model_path=ref[0],
        validation=manifest.get("validation"),
        title=title,
        generated_at=generated_at,
        force=force,
    )
    report("report written", 1.0)
    return Reported(paths=written, report=account)
