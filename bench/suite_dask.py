"""Dask: tagging 10k, 100k and 1M releases in one process and on a 2-worker LocalCluster (issue 16).

The corpus is the 2006 Senate slice replicated as in the scale suite (replica ``r``: id
``<id>#r<r>``, date shifted by ``r`` years; :func:`bench.scale_steps.write_replicas`), cut into
JSONL files of :data:`PARTITION` releases, read with de-duplication off (it would fold the
replicas back) and the senders in ``labels``. The model is trained on the slice's first
:data:`TRAIN` releases. At every size, in the same run:

- in one process: ``load_corpus`` of every file, ``predict_corpus``, the tags to Parquet;
- on Dask: ``topics.distributed.tag_files`` on a ``LocalCluster(2 workers, 1 thread each)``
  started by the client process (start and close counted), tags to partitioned Parquet.

Throughput is releases per second of wall time, start to end (reading included). Client peak
memory is the ``VmHWM`` of the calling process (see :mod:`bench.dask_steps`). The in-process
run at 1M is skipped when the 100k run extrapolates past :data:`IN_PROCESS_LIMIT` seconds (the
row says so). Duplicates grouped over files on the cluster are checked against one process on
the slice itself, de-duplication on, in 10 files: the records merged and the largest difference
of a theme or topic × quarter share in the report (0 when the groups are the same).

``--quick``: 2,000 and 6,000 releases in files of 1,000. ``--up-to N``: the sizes up to N. The
duplicate check runs first, and the figures so far are kept after each size.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench import dask_steps as steps
from bench.harness import error_row, in_child, log, make_row, require_file
from bench.suite_scale import SENATE, Keep

SUITE = "dask"
SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (2_000, 6_000)
PARTITION = 5_000
QUICK_PARTITION = 1_000
TRAIN = 5_000
WORKERS = 2
#: Seconds a run may take (extrapolated linearly from the size before it), in one process
#: and on the cluster: a size past it is not run, and its row says so.
IN_PROCESS_LIMIT = 25 * 60
CLUSTER_LIMIT = 40 * 60
SLICE = 19_325


def run(
    corpora: Path,
    *,
    quick: bool = False,
    repeats: int = 3,
    up_to: int | None = None,
    keep: Keep | None = None,
) -> list[dict[str, Any]]:
    """Measure every figure of the suite (see the module docstring).

    ``up_to``: the largest size tagged (sizes above it are left out). ``keep(rows, done)`` is
    called with the figures so far after each size, so a stopped run leaves them.
    """
    keep = keep or (lambda rows, done: None)
    source = require_file(corpora / SENATE)
    work = Path(tempfile.mkdtemp(prefix="topics-dask-"))
    rows: list[dict[str, Any]] = []
    try:
        model = work / "model"
        log("dask: training the model")
        in_child(steps.train, source, model, 1_000 if quick else TRAIN)
        sizes, partition = (QUICK_SIZES, QUICK_PARTITION) if quick else (SIZES, PARTITION)
        sizes = tuple(n for n in sizes if up_to is None or n <= up_to)
        rows += _dedup_rows(source, work, model, quick)
        keep(rows, "the duplicate groups, no size tagged yet")
        measured: dict[int, dict[str, Any]] = {}
        for n in sizes:
            try:
                measured[n] = _one_size(source, work, model, n, partition, measured)
            except Exception as exc:
                rows.append(error_row(SUITE, f"tagging throughput, {n:,} releases", exc))
                continue
            rows += _size_rows(n, measured[n], partition)
            keep(rows + _flat_row(measured), f"sizes up to {n:,} of {', '.join(map(str, sizes))}")
        rows += _flat_row(measured)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def _one_size(
    source: Path, work: Path, model: Path, n: int, partition: int, before: dict[int, dict]
) -> dict[str, Any]:
    log(f"dask: {n:,} releases")
    folder = work / f"n{n}"
    ran = [m["dask"] for m in before.values()]
    if ran:
        last = max(ran, key=lambda r: r["rows"])
        expected = last["seconds"] * n / last["rows"]
        if expected > CLUSTER_LIMIT:
            raise RuntimeError(
                f"not run: {expected / 60:.0f} min extrapolated on the cluster from "
                f"{last['rows']:,} releases (limit {CLUSTER_LIMIT / 60:.0f} min on this machine)"
            )
    paths = in_child(steps.write_partitions, source, folder, n, partition)
    out: dict[str, Any] = {"files": len(paths)}
    out["dask"] = in_child(steps.tag_on_dask, paths, model, folder / "tags", False, WORKERS)
    log(f"dask: {n:,} on the cluster: {out['dask']}")
    previous = [m["local"] for m in before.values() if m.get("local")]
    if previous:
        last = max(previous, key=lambda r: r["rows"])
        out["extrapolated_s"] = last["seconds"] * n / last["rows"]
    if out.get("extrapolated_s", 0) <= IN_PROCESS_LIMIT:
        out["local"] = in_child(steps.tag_in_process, paths, model, folder / "tags.parquet", False)
        log(f"dask: {n:,} in one process: {out['local']}")
    shutil.rmtree(folder, ignore_errors=True)
    return out


def _size_rows(n: int, r: dict[str, Any], partition: int) -> list[dict[str, Any]]:
    label = f"{n:,} Senate releases ({r['files']} files of {min(n, partition):,})"
    local = r.get("local")
    dask = r["dask"]
    skipped = (
        ""
        if local
        else f"; in-process run not made: {r['extrapolated_s'] / 60:.0f} min extrapolated "
        f"from the size before (limit {IN_PROCESS_LIMIT / 60:.0f} min)"
    )
    per_s = n / dask["seconds"]
    return [
        make_row(
            SUITE,
            f"tagging throughput, {label}, LocalCluster(2 workers)",
            per_s,
            "releases/s",
            baseline="one process, same files, same run",
            baseline_values=n / local["seconds"] if local else None,
            note=f"{dask['seconds']:.0f} s wall, cluster start and close included"
            + (f"; in one process {local['seconds']:.0f} s" if local else "")
            + skipped,
            headline=n == max(SIZES),
        ),
        make_row(
            SUITE,
            f"client peak memory, {label}",
            dask["peak_mb"],
            "MB",
            baseline="one process (its whole peak), same run",
            baseline_values=local["peak_mb"] if local else None,
            note=f"VmHWM of the client process (it hosts the scheduler and nannies); "
            f"worker peak {dask['worker_peak_mb']:.0f} MB (ru_maxrss)" + skipped,
            headline=n == max(SIZES),
        ),
    ]


def _flat_row(measured: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    if len(measured) < 2:
        return []
    small, large = sorted(measured)[-2:]
    a, b = measured[small]["dask"]["peak_mb"], measured[large]["dask"]["peak_mb"]
    return [
        make_row(
            SUITE,
            f"client peak memory growth, {small:,} → {large:,} releases",
            b / a,
            "×",
            note=f"{a:.0f} MB → {b:.0f} MB for {large // small}× the releases (flat: ≈ 1)",
        )
    ]


def _dedup_rows(source: Path, work: Path, model: Path, quick: bool) -> list[dict[str, Any]]:
    figure = "duplicates grouped over files on the cluster: difference from one process"
    n = 3_000 if quick else SLICE
    try:
        folder = work / "slice"
        paths = in_child(steps.write_partitions, source, folder, n, -(-n // 10))
        r = in_child(steps.dedup_effect, paths, model, folder, WORKERS)
    except Exception as exc:
        return [error_row(SUITE, figure, exc)]
    log(f"dask: de-duplication effect {r}")
    return [
        make_row(
            SUITE,
            f"{figure}, largest theme × quarter share difference, 2006 slice in {r['files']} files",
            r["max_theme_points"],
            "points",
            baseline="one process (near-duplicates across the whole corpus)",
            baseline_values=0.0,
            note=f"read, grouped, tagged and counted in {r['seconds_many']:.0f} s on the cluster "
            f"(start and close included) vs {r['seconds_one']:.0f} s in one process; "
            f"merged duplicates {r['merged_many']:,} on the cluster vs {r['merged_one']:,} "
            f"in one process (near: {r['near_many']:,} vs {r['near_one']:,}); releases counted "
            f"{r['kept_many']:,} vs {r['kept_one']:,}; mean theme × quarter difference "
            f"{r['mean_theme_points']:.3f} points; largest topic × quarter difference "
            f"{r['max_topic_points']:.2f} points",
        )
    ]
