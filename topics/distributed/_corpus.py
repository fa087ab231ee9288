"""The corpus on the cluster: partitions read, de-duplicated and cleaned of boilerplate.

The client holds futures and a few small tables (senders, the account), never the releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.corpus.dedup import NEAR_THRESHOLD, NEAR_WINDOW_DAYS
from topics.distributed import _boilerplate as bp
from topics.distributed import _ingest as ingest
from topics.distributed._cluster import gather, submit_each, tree
from topics.distributed._near import group_on
from topics.progress import Progress, noop

if TYPE_CHECKING:
    from distributed import Client, Future

    from topics.corpus import IngestReport


def corpus_on(
    client: Client,
    files: Sequence[Path],
    options: dict[str, Any],
    *,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> tuple[list[Future], IngestReport]:
    """Read ``files`` (:func:`~topics.distributed._ingest.partition_files`) on the cluster as
    :func:`topics.load_corpus` reads them in one process.

    Returns
    -------
    partitions : list of Future
        One :class:`~topics.corpus.Corpus` per file, on the workers, in file order.
    report : IngestReport
        The account of every partition together.
    """
    from topics.corpus.boilerplate import BoilerplateSummary

    report = progress or noop
    options = dict(options)
    boilerplate = options.pop("boilerplate", True)
    sender_column = options.pop("sender_column", None)
    report(f"reading {len(files)} partitions", 0.0)
    parts = submit_each(client, ingest.read_partition, files, "topics-read", options)
    if options.get("dedup", True):
        report("grouping duplicates", 0.05)
        threshold = options.get("near_threshold", NEAR_THRESHOLD)
        window = options.get("near_window_days", NEAR_WINDOW_DAYS)
        parts = group_on(client, parts, threshold, window, timeout)
    summary = BoilerplateSummary(enabled=False).to_dict()
    if boilerplate:
        report("counting recurring boilerplate", 0.1)
        parts, summary = _strip(client, parts, sender_column or schema.SOURCE, timeout)
    accounts = gather(client, submit_each(client, ingest.account, parts, "topics-account"), timeout)
    return parts, ingest.merge_accounts(accounts, summary)


def _strip(
    client: Client, parts: list[Future], column: str, timeout: float | None
) -> tuple[list[Future], dict[str, Any]]:
    """The two counting passes and the removal (see :mod:`topics.distributed._boilerplate`)."""
    senders = submit_each(client, bp.sender_counts, parts, "topics-senders", column)
    counts = gather(client, senders, timeout)
    plan = bp.Plan(bp.merge_counts(counts), column)
    found = tree(
        client, bp.union, submit_each(client, bp.candidates, parts, "topics-candidates", plan),
        "topics-union",
    )  # fmt: skip
    counted = tree(
        client, bp.add, submit_each(client, bp.totals, parts, "topics-totals", plan, found),
        "topics-add",
    )  # fmt: skip
    tables = client.submit(bp.count_tables, found, counted, key=f"topics-tables-{found.key}")
    stripped = submit_each(client, bp.strip, parts, "topics-strip", plan, tables)
    parts = [client.submit(itemgetter(0), s, key=f"topics-stripped-{s.key}") for s in stripped]
    removals = [client.submit(itemgetter(1), s, key=f"topics-removed-{s.key}") for s in stripped]
    (removed,) = gather(client, [tree(client, bp.merge, removals, "topics-removed")], timeout)
    return parts, bp.summary(removed, plan)
