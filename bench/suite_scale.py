"""Scale: 100,000 real press releases, clean topics, in minutes, in a few GB (issue 14).

On the 2006 Senate slice (``grimmer_senate_2006``, 19,325 releases of 100 offices; senders =
the ``labels`` column) and on that slice replicated to 100,000 releases (replica ``r``: id
``<id>#r<r>``, date shifted by ``r`` years, ingested without de-duplication, which would fold
the copies back; see :mod:`bench.scale_steps`):

- sender labels: share of the 30 largest topics whose label is a sender's name, state, staff or
  furniture (:mod:`bench.sender_labels`), today's path (stored text, no senders) beside the new
  one, in the same run;
- boilerplate: share of words left out of the model texts;
- ingest time and peak memory against reading the same JSONL with ``json.loads``;
- train time, peak memory and time per step at each size, with growth exponents, against a bare
  TF-IDF + linear SVM on the same texts;
- report time and peak memory on 66,000 releases;
- prediction throughput against a bare ``TfidfVectorizer.transform`` of the same texts, on
  2006 releases the process has not predicted before, each set right after the bare transform;
- ``topics predict "text"`` cold against ``python -c "import pandas, sklearn.svm"``.

Every step runs in a fresh process. Sizes 1,000, 10,000, 30,000 and 100,000; ``--quick``: 1,000
and 3,000; ``--up-to N``: the sizes up to N. The figures so far are kept after each size.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench import scale_steps as steps
from bench import speed_steps
from bench.harness import error_row, fit_exponent, in_child, log, make_row, require_file

SUITE = "scale"
SENATE = Path("grimmer_senate_2006") / "grimmer_senate_2006.jsonl.gz"
SIZES = (1_000, 10_000, 30_000, 100_000)
QUICK_SIZES = (1_000, 3_000)
REPORT_SIZE = 66_000
N_PREDICT = 5_000

#: ``keep(rows, done)``: the figures measured so far, and what they cover.
Keep = Callable[[list[dict[str, Any]], str], None]


def run(
    corpora: Path,
    *,
    quick: bool = False,
    repeats: int = 3,
    up_to: int | None = None,
    keep: Keep | None = None,
) -> list[dict[str, Any]]:
    """Measure every figure of the suite (see the module docstring).

    ``up_to``: the largest size trained on (sizes above it are left out). ``keep(rows, done)``
    is called with the figures so far after the slice's figures and after each size.
    """
    keep = keep or (lambda rows, done: None)
    sizes = tuple(n for n in (QUICK_SIZES if quick else SIZES) if up_to is None or n <= up_to)
    source = require_file(corpora / SENATE)
    work = Path(tempfile.mkdtemp(prefix="topics-scale-"))
    rows: list[dict[str, Any]] = []
    try:
        slice_parquet = work / "senate2006.parquet"
        slice_ingest = in_child(steps.ingest, source, slice_parquet, True)
        bp = slice_ingest["boilerplate"]
        rows.append(
            make_row(
                SUITE,
                "boilerplate left out of the model texts, 2006 slice",
                100 * bp["share_removed"],
                "% of words",
                note=f"{bp['words_removed']:,} words in {bp['documents']:,} releases, "
                f"{bp['units']:,} recurring units, counted per {bp['sender_column']}",
            )
        )
        if not quick:
            rows += _sender_rows(slice_parquet)
        keep(rows, "the 2006 slice's figures, no size trained yet")
        pool = work / "pool.json"  # fresh texts to predict: the slice's distinct releases
        in_child(steps.write_texts, slice_parquet, pool)
        first = list(rows)
        for n, grown in _growth(source, work, sizes, repeats, pool):
            rows = first + grown
            keep(rows, f"sizes up to {n:,} of {', '.join(f'{k:,}' for k in sizes)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def _sender_rows(corpus: Path) -> list[dict[str, Any]]:
    try:
        before = in_child(steps.sender_labels, corpus, False)
        after = in_child(steps.sender_labels, corpus, True)
    except Exception as exc:
        return [error_row(SUITE, "sender labels among the 30 largest topics", exc)]
    log(f"sender labels before: {json.dumps(before['examples'])[:2000]}")
    log(f"sender labels after: {json.dumps(after['examples'])[:2000]}")
    return [
        make_row(
            SUITE,
            "sender labels among the 30 largest topics, 2006 slice",
            100 * after["share"],
            "%",
            baseline="today's path (stored text, no senders), same run",
            baseline_values=100 * before["share"],
            note=f"bar ≤ 10%; {after['flagged']} of them flagged one-sender; not counting "
            f"flagged topics {100 * after['share_unflagged']:.0f}%; {after['n_topics']} topics "
            f"(before: {before['n_topics']}); topic model fit {after['seconds']:.0f} s",
            headline=True,
        )
    ]


def _growth(
    source: Path, work: Path, sizes: tuple[int, ...], repeats: int, pool: Path
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """After each size: that size and the rows of every size so far, with the growth exponents
    among the sizes measured."""
    rows: list[dict[str, Any]] = []
    measured: dict[int, dict[str, Any]] = {}
    for n in sizes:
        label = f"{n:,} Senate releases" + (" (2006 slice replicated)" if n > 19_325 else "")
        try:
            measured[n] = _one_size(source, work, n, repeats, pool)
        except Exception as exc:
            rows.append(error_row(SUITE, f"train, {label}", exc))
        else:
            rows += _size_rows(measured[n], label, repeats, last=n == max(sizes))
        yield n, rows + _exponents(measured)


def _size_rows(r: dict[str, Any], label: str, repeats: int, last: bool) -> list[dict[str, Any]]:
    rows = [
        make_row(
            SUITE,
            f"ingest, {label}",
            r["ingest"]["seconds"],
            "s",
            baseline="json.loads of every line, same run",
            baseline_values=r["read"]["seconds"],
            note=f"peak {r['ingest']['peak_mb']:.0f} MB for a "
            f"{r['ingest']['file_mb']:.0f} MB file (baseline peak "
            f"{r['read']['peak_mb']:.0f} MB)",
        ),
        make_row(
            SUITE,
            f"train, {label}",
            r["train"]["seconds"],
            "s",
            baseline="bare TF-IDF + linear SVM, same texts, same run",
            baseline_values=r["baseline"]["seconds"],
            note="steps: "
            + ", ".join(f"{k} {v:.0f} s" for k, v in r["train"]["steps"].items())
            + f"; CPU {r['train']['cpu_seconds']:.0f} s: "
            + ", ".join(f"{k} {cpu:.0f} s" for k, (_, cpu) in r["train"]["parts"].items())
            + (
                "; UMAP's compiled functions loaded from numba's cache"
                if r["train"].get("umap_cached")
                else "; UMAP's functions compiled in this run (no numba cache yet)"
            ),
            headline=last,
        ),
        make_row(
            SUITE,
            f"train peak memory, {label}",
            r["train"]["peak_mb"],
            "MB",
            baseline="bare TF-IDF + linear SVM",
            baseline_values=r["baseline"]["peak_mb"],
            headline=last,
        ),
        make_row(
            SUITE,
            f"predict throughput, {label} model",
            r["predict"]["per_s"],
            "texts/s",
            baseline="bare TfidfVectorizer.transform, same texts, right before",
            baseline_values=r["predict"]["tfidf_per_s"],
            note=f"ratio {r['predict']['ratio']:.2f} (bar ≥ 0.5; median over {repeats} "
            f"sets of {r['predict']['n']:,} 2006 releases never predicted before, each "
            "beside the bare transform); without evidence, as a corpus is tagged; first "
            f"call {r['predict']['first_per_s']:.0f} texts/s; with evidence "
            f"{r['predict']['evidence_per_s']:.0f} texts/s",
        ),
    ]
    if "report" in r:
        rows.append(
            make_row(
                SUITE,
                f"report, {REPORT_SIZE:,} releases",
                r["report"]["seconds"],
                "s",
                note=f"peak {r['report']['peak_mb']:.0f} MB (bars: 30 s, 2 GB)",
                headline=True,
            )
        )
    if "cold" in r:
        rows.append(
            make_row(
                SUITE,
                'topics predict "text", cold process',
                r["cold"]["predict"],
                "s",
                baseline='python -c "import pandas, sklearn.svm"',
                baseline_values=r["cold"]["baseline"],
                note="bar ≤ 1.5× the baseline",
            )
        )
    return rows


def _exponents(measured: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if len(measured) >= 2:
        ns = sorted(measured)
        for key in ("themes", "topic model"):
            costs = [measured[n]["train"]["steps"].get(key, 0.0) for n in ns]
            if all(c > 0 for c in costs):
                rows.append(
                    make_row(
                        SUITE,
                        f"growth exponent, train step {key!r}",
                        fit_exponent(ns, costs),
                        "",
                        note=f"sizes {', '.join(map(str, ns))}; 1 = linear",
                    )
                )
        rows.append(
            make_row(
                SUITE,
                "growth exponent, train",
                fit_exponent(ns, [measured[n]["train"]["seconds"] for n in ns]),
                "",
                note=f"sizes {', '.join(map(str, ns))}; CPU time: "
                f"{fit_exponent(ns, [measured[n]['train']['cpu_seconds'] for n in ns]):.2f}",
            )
        )
        rows += _part_exponents(measured, ns)
    return rows


def _part_exponents(measured: dict[int, dict[str, Any]], ns: list[int]) -> list[dict[str, Any]]:
    """Growth exponent of the CPU time of every part of train measured at every size."""
    parts = [set(measured[n]["train"]["parts"]) for n in ns]
    rows = []
    for part in measured[ns[-1]]["train"]["parts"]:
        if part == "done" or not all(part in p for p in parts):
            continue
        costs = [measured[n]["train"]["parts"][part][1] for n in ns]
        if all(c > 0.5 for c in costs):  # below half a second, the exponent is noise
            rows.append(
                make_row(
                    SUITE,
                    f"growth exponent, CPU time of {part!r}",
                    fit_exponent(ns, costs),
                    "",
                    note=f"sizes {', '.join(map(str, ns))}: "
                    + ", ".join(f"{c:.0f}" for c in costs)
                    + f" CPU s; largest part at {ns[-1]:,}: {_largest(measured[ns[-1]])}",
                )
            )
    return rows


def _largest(r: dict[str, Any]) -> str:
    parts = {k: v for k, v in r["train"]["parts"].items() if k != "done"}
    name = max(parts, key=lambda k: parts[k][1])
    return f"{name} ({parts[name][1]:.0f} CPU s)"


def _one_size(source: Path, work: Path, n: int, repeats: int, pool: Path) -> dict[str, Any]:
    log(f"scale: {n:,} releases")
    jsonl = work / f"senate_{n}.jsonl"
    in_child(steps.write_replicas, source, jsonl, n)
    corpus = work / f"senate_{n}.parquet"
    out: dict[str, Any] = {
        "read": in_child(steps.read_lines_baseline, jsonl),
        "ingest": in_child(steps.ingest, jsonl, corpus, n <= 19_325),
    }
    model = work / f"model_{n}"
    out["baseline"] = in_child(steps.tfidf_svm_baseline, corpus)
    out["train"] = in_child(steps.train, corpus, model)
    train_texts, predict_texts = work / f"train_{n}.json", work / f"predict_{n}.json"
    in_child(speed_steps.dump_texts, corpus, train_texts, predict_texts, N_PREDICT)
    fresh = in_child(steps.predict_fresh, model, train_texts, pool, N_PREDICT, repeats)
    k = fresh["n"]
    out["predict"] = {
        "n": k,
        "per_s": k / statistics.median(fresh["predict_s"]),
        "tfidf_per_s": k / statistics.median(fresh["bare_s"]),
        "ratio": statistics.median(
            b / p for b, p in zip(fresh["bare_s"], fresh["predict_s"], strict=True)
        ),
        "first_per_s": k / fresh["first_s"],
        "evidence_per_s": (k // 10) / statistics.median(fresh["evidence_s"]),
    }
    if n >= REPORT_SIZE:
        report_corpus = work / f"senate_{REPORT_SIZE}.parquet"
        report_jsonl = work / f"senate_{REPORT_SIZE}.jsonl"
        in_child(steps.write_replicas, source, report_jsonl, REPORT_SIZE)
        in_child(steps.ingest, report_jsonl, report_corpus, False)
        done = in_child(speed_steps.report, model, report_corpus, work / "report", "quarter")
        out["report"] = {"seconds": done["seconds"], "peak_mb": done["peak_mb"]}
    out["cold"] = in_child(steps.cold_predict, model, repeats)
    for path in (jsonl, train_texts, predict_texts):
        path.unlink(missing_ok=True)
    return out
