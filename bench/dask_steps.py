"""Steps of the dask suite, each run in a fresh process (module-level, picklable arguments).

Client peak memory is the kernel's high-water mark (``VmHWM``, reset through
``/proc/self/clear_refs``: :func:`bench.harness.measure`) of the process that calls the library;
with a ``LocalCluster`` that process also hosts the scheduler and the nannies, while the workers
are separate processes whose peaks (``ru_maxrss``) are reported beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import scale_steps
from bench.harness import measure

#: Senders of the Senate slice: the ``labels`` column (as in the scale suite).
OPTIONS = {"sender_column": "labels"}


def write_partitions(source: Path, folder: Path, n: int, size: int) -> list[str]:
    """``n`` releases of ``source`` replicated (:func:`bench.scale_steps.write_replicas`) and
    cut into JSONL files of ``size`` releases; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / "all.jsonl"
    scale_steps.write_replicas(source, whole, n)
    paths: list[str] = []
    out = None
    with open(whole, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % size == 0:
                if out is not None:
                    out.close()
                paths.append(str(folder / f"part{len(paths):05d}.jsonl"))
                out = open(paths[-1], "w", encoding="utf-8")  # noqa: SIM115
            out.write(line)
    if out is not None:
        out.close()
    whole.unlink()
    return paths


def train(source: Path, model_dir: Path, n: int) -> dict[str, Any]:
    """A model of the first ``n`` releases of the slice (senders: ``labels``)."""
    import topics

    folder = model_dir.parent / "train"
    paths = write_partitions(source, folder, n, n)
    with measure() as m:
        model = topics.train(topics.load_corpus(paths, **OPTIONS), seed=0)
    model.save(model_dir, force=True)
    for path in paths:
        Path(path).unlink()
    return {"seconds": m.seconds}


def tag_in_process(paths: list[str], model_dir: Path, out: Path, dedup: bool) -> dict[str, Any]:
    """The in-process path: ``load_corpus`` of every file, ``predict_corpus``, one Parquet."""
    import topics
    from topics.pipeline import predict_corpus

    with measure() as m:
        corpus = topics.load_corpus(paths, dedup=dedup, **OPTIONS)
        frame = corpus.frame.reset_index(drop=True)
        tags = predict_corpus(topics.load(model_dir), frame).to_frame()
        tags.insert(0, "id", frame["id"].to_numpy())
        tags.to_parquet(out)
    return {"seconds": m.seconds, "peak_mb": m.peak_mb, "rows": len(frame)}


def tag_on_dask(
    paths: list[str], model_dir: Path, out: Path, dedup: bool, workers: int
) -> dict[str, Any]:
    """``topics.distributed.tag_files`` on a ``LocalCluster`` of ``workers`` single-threaded
    processes started in this process (its start and close are inside the time)."""
    import resource

    from topics.distributed import connect, tag_files

    with measure() as m, connect(n_workers=workers) as client:
        done = tag_files(paths, model=model_dir, out=out, client=client, dedup=dedup, **OPTIONS)
        worker_peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return {
        "seconds": m.seconds,
        "peak_mb": m.peak_mb,
        "rows": done.rows,
        "worker_peak_mb": max(worker_peaks.values()),
    }


def dedup_effect(paths: list[str], model_dir: Path, work: Path, workers: int) -> dict[str, Any]:
    """The duplicate counts and the theme and topic shares per quarter of the report, in one
    process against the cluster (where duplicates are grouped over the files)."""
    import pandas as pd

    import topics
    from topics.distributed import connect, report_files

    with measure() as in_one:
        corpus = topics.load_corpus(paths, **OPTIONS)
        one = topics.build_report(topics.load(model_dir), corpus, out=work / "one" / "t.html")
    with measure() as on_many, connect(n_workers=workers) as client:
        done = report_files(paths, model=model_dir, out=work / "many" / "t.html", client=client,
                            **OPTIONS)  # fmt: skip
    keys = ["kind", "series", "period"]
    a, b = pd.read_csv(one["csv"]), pd.read_csv(done.paths["csv"])
    both = a.merge(b, on=keys, how="outer", suffixes=("_one", "_many")).fillna(0.0)
    diff = (both["share_one"] - both["share_many"]).abs() * 100
    themes = both["kind"] == "theme"
    return {
        "merged_one": corpus.report.merged,
        "merged_many": done.report.merged,
        "near_one": corpus.report.merged_near,
        "near_many": done.report.merged_near,
        "kept_one": corpus.report.kept,
        "kept_many": done.report.kept,
        "max_theme_points": float(diff[themes].max()),
        "max_topic_points": float(diff[~themes].max()),
        "mean_theme_points": float(diff[themes].mean()),
        "files": len(paths),
        "seconds_one": in_one.seconds,
        "seconds_many": on_many.seconds,
    }


def cleanup(paths: list[str]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)
