"""Past one machine: tag and count partitioned corpora on a Dask cluster.

``topics predict PATH... --engine dask --out DIR`` is :func:`tag_files`; ``topics report
--engine dask`` is :func:`report_files`. Both read each input file as one partition on a worker
(:mod:`topics.distributed._ingest`), group exact and near-duplicates over every partition in
passes whose counts add up (:mod:`topics.distributed._near`: the groups and representatives of
one process) and find corpus-level boilerplate in two counting passes
(:mod:`topics.distributed._boilerplate`: the same model texts as in one process), then tag each
partition with the in-process code (:func:`topics.pipeline.predict_corpus`, the model loaded
once per worker) and either write its tags or count it into a trend summary; summaries add up on
the workers (:mod:`topics.distributed._report`). The client holds futures and small tables only.

Dask is imported only here, lazily; without the ``topics[dask]`` extra the functions raise a
:class:`~topics.errors.TopicsError` saying how to install it.
"""

from __future__ import annotations

from topics.distributed._cluster import DASK_HINT, connect
from topics.distributed._report import TERM_SAMPLE, Reported, report_files
from topics.distributed._tag import Tagged, tag_files

__all__ = ["DASK_HINT", "TERM_SAMPLE", "Reported", "Tagged", "connect", "report_files", "tag_files"]
