"""Speed and memory of the toolkit's own steps, each beside a baseline measured in the same run.

- ingest: Reuters-21578 through ``topics.load_corpus`` (near-duplicate detection included) vs a
  bare ``pandas.read_json(lines=True)`` of the same file;
- train, save, load and predict on Reuters-21578 and on the seeds: training vs a bare TF-IDF
  ``fit_transform`` of the same texts, load time vs training time, predict throughput on 1,000
  releases vs the bare ``TfidfVectorizer.transform`` throughput on the same texts;
- report: time, peak memory and HTML size of the Reuters report vs the smallest self-contained
  plotly page;
- growth: train and report time and memory at 1k, 3k, 10k and 25k State of the Union paragraphs,
  with the fitted exponent (slope of log cost against log size).

Every measured step runs in a fresh child process (``bench.speed_steps``).
"""

from __future__ import annotations

import json
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import speed_growth
from bench import speed_steps as steps
from bench.harness import (
    error_row,
    in_child,
    log,
    make_row,
    repeat_in_child,
    skipped_row,
    summarize,
)
from bench.runner import REPO

SUITE = "speed"
REUTERS = Path("reuters21578") / "reuters21578.jsonl.gz"
SOTU = Path("sotu") / "sotu_paragraphs.jsonl.gz"
SEEDS = REPO / "seeds"
MB = 1024**2
#: Published context for training time (BERTopic evaluation repository, README of the corpora).
PUBLISHED_TRAIN = "BERTopic-MiniLM 66 s, NMF 34 s, LDA 45 s on 43k tweets (P100 GPU for embeddings)"


@dataclass(frozen=True)
class Plan:
    """Sizes and time budgets of one run (seconds of wall time per step before repeats stop)."""

    reuters_records: int | None  # None: the whole file
    growth_sizes: tuple[int, ...]
    n_predict: int
    budget_fast: float
    budget_slow: float


FULL = Plan(None, (1_000, 3_000, 10_000, 25_000), 1_000, 20.0, 30.0)
QUICK = Plan(1_000, (200, 400, 800), 1_000, 0.0, 0.0)  # one run of each step


def run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict[str, Any]]:
    """Measure every figure of the suite; a missing corpus or a failing step becomes a row.

    Parameters
    ----------
    corpora : Path
        Folder holding ``reuters21578/`` and ``sotu/``.
    quick : bool
        Small samples (1,000 Reuters records, growth at 200/400/800), one run of each step.
    repeats : int
        Runs per figure (a step stops repeating once its runs exceed the plan's time budget;
        in-process repeats such as ``predict`` calls always run ``repeats`` times).

    Returns
    -------
    list of dict
        Rows as described in :mod:`bench.harness`.
    """
    plan = QUICK if quick else FULL
    corpora = Path(corpora)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="topics-bench-") as tmp:
        work = Path(tmp)
        reuters = corpora / REUTERS
        if reuters.is_file():
            rows += _guard("Reuters-21578", _reuters, reuters, plan, repeats, work / "reuters")
        else:
            rows.append(
                skipped_row(SUITE, "ingest, train, load, predict, report: Reuters", reuters)
            )
        rows += _guard("seeds: train, load, predict, report", _seeds, plan, repeats, work / "seeds")
        sotu = corpora / SOTU
        if sotu.is_file():
            rows += _guard(
                "growth",
                speed_growth.run_growth,
                sotu,
                plan.growth_sizes,
                repeats,
                plan.budget_slow,
                work / "growth",
            )
        else:
            rows.append(skipped_row(SUITE, "growth (State of the Union paragraphs)", sotu))
    return rows


def _guard(figure: str, func: Callable[..., list[dict[str, Any]]], *args: Any) -> list[dict]:
    """Run one section; its failure becomes an error row instead of ending the suite."""
    try:
        return func(*args)
    except Exception as exc:
        log(f"{SUITE}: {figure} failed:\n" + "".join(traceback.format_exception(exc)).rstrip())
        return [error_row(SUITE, figure, exc)]


# --- Reuters: ingest, train, save, load, predict, report -----------------------------------------


def _reuters(source: Path, plan: Plan, repeats: int, work: Path) -> list[dict[str, Any]]:
    work.mkdir(parents=True)
    if plan.reuters_records is None:
        records, n = source, steps.count_records(source)
    else:
        records = work / "reuters.jsonl.gz"
        n = steps.write_sample(source, records, plan.reuters_records)
    name = f"Reuters-21578 ({n:,} records)"
    parquet = work / "reuters.parquet"  # written by the ingest step for the later steps
    rows = _guard(f"ingest {name}", _ingest, records, parquet, name, plan, repeats)
    corpus = parquet if parquet.is_file() else records
    rows += _model_steps(corpus, name, _texts(corpus, work, plan.n_predict), plan, repeats, work)
    for row in rows:  # the figures the README quotes: times, throughput, size, training memory
        figure = row["figure"]
        if figure.startswith(("ingest", "train on", "load model", "predict", "report on")) and (
            "peak memory" not in figure or figure.startswith("train on")
        ):
            row["headline"] = True
    return rows


def _model_steps(
    corpus: Path,
    name: str,
    texts: tuple[Path, Path],
    plan: Plan,
    repeats: int,
    work: Path,
    published: str | None = PUBLISHED_TRAIN,
) -> list[dict[str, Any]]:
    """Train, save, load, predict and report on one corpus, beside the bare TF-IDF baseline."""
    train_texts, predict_texts = texts
    base = repeat_in_child(
        steps.tfidf_baseline,
        train_texts,
        predict_texts,
        repeats,
        repeats=repeats,
        budget_s=plan.budget_fast,
        label=f"TF-IDF baseline ({name})",
    )
    model = work / "model"
    trained = _guard(
        f"train on {name}", _train, corpus, model, name, base, plan, repeats, published
    )
    rows = list(trained)
    if model.is_dir():
        rows += _guard(
            f"load and predict ({name})",
            _load_predict,
            model,
            predict_texts,
            name,
            base,
            trained,
            plan,
            repeats,
        )
        rows += _guard(f"report on {name}", _report, model, corpus, name, plan, repeats, work)
    return rows


def _texts(corpus: Path, work: Path, n_predict: int) -> tuple[Path, Path]:
    """The training texts and ``n_predict`` of them to predict on, as JSON lists.

    From the ingested corpus (documents as the models see them) when there is one, else from
    the raw JSON Lines records, so the baselines are measured even when ingest fails.
    """
    train, predict = work / "train.json", work / "predict.json"
    if corpus.suffix == ".parquet" or corpus.is_dir():
        in_child(steps.dump_texts, corpus, train, predict, n_predict)
    else:
        texts = steps.jsonl_texts(corpus)
        train.write_text(json.dumps(texts), "utf-8")
        predict.write_text(json.dumps(steps.spread_sample(texts, n_predict)), "utf-8")
    return train, predict


def _ingest(
    records: Path, parquet: Path, name: str, plan: Plan, repeats: int
) -> list[dict[str, Any]]:
    runs = repeat_in_child(
        steps.ingest,
        records,
        parquet,
        repeats=repeats,
        budget_s=plan.budget_slow,
        label=f"ingest {name}",
    )
    base = repeat_in_child(
        steps.read_json_baseline,
        records,
        repeats=repeats,
        budget_s=plan.budget_fast,
        label="pandas.read_json baseline",
    )
    first = runs[0]
    baseline = "pandas.read_json(lines=True), same file"
    note = (
        f"{first['documents']:,} documents, {first['duplicates']:,} records merged as "
        f"duplicates, {first['rejected']:,} rejected"
    )
    return [
        make_row(
            SUITE,
            f"ingest {name}, near-duplicate detection included",
            [r["seconds"] for r in runs],
            "s",
            baseline=baseline,
            baseline_values=[b["seconds"] for b in base],
            note=note,
        ),
        make_row(
            SUITE,
            f"ingest {name}: peak memory",
            [r["peak_mb"] for r in runs],
            "MiB",
            baseline=baseline,
            baseline_values=[b["peak_mb"] for b in base],
        ),
    ]


def _train(
    corpus: Path,
    model: Path,
    name: str,
    base: list[dict],
    plan: Plan,
    repeats: int,
    published: str | None = None,
) -> list[dict[str, Any]]:
    runs = []
    for i in range(repeats):  # the last run's model is the one kept
        if model.exists():
            _remove(model)
        runs += repeat_in_child(steps.train, corpus, model, repeats=1, label=f"train on {name}")
        if sum(r["train_s"] for r in runs) >= plan.budget_slow and i + 1 < repeats:
            log(f"train on {name}: {len(runs)} run(s) used the {plan.budget_slow:.0f} s budget")
            break
    baseline = "TfidfVectorizer().fit_transform, same texts"
    return [
        make_row(
            SUITE,
            f"train on {name}",
            [r["train_s"] for r in runs],
            "s",
            baseline=baseline,
            baseline_values=[b["fit_s"] for b in base],
            published=published,
            note=f"{runs[0]['documents'] or 0:,} documents after de-duplication; fresh process, "
            "lazy imports and numba compilation included",
        ),
        make_row(
            SUITE,
            f"train on {name}: peak memory",
            [r["train_peak_mb"] for r in runs],
            "MiB",
            baseline=baseline,
            baseline_values=[b["fit_peak_mb"] for b in base],
        ),
        make_row(
            SUITE,
            f"save model ({name})",
            [r["save_s"] for r in runs],
            "s",
            note=f"model directory {runs[-1]['model_bytes'] / MB:.1f} MiB",
        ),
    ]


def _load_predict(
    model: Path,
    predict_texts: Path,
    name: str,
    base: list[dict],
    trained: list[dict],
    plan: Plan,
    repeats: int,
) -> list[dict[str, Any]]:
    runs = repeat_in_child(
        steps.load_predict,
        model,
        predict_texts,
        repeats,
        repeats=repeats,
        budget_s=plan.budget_fast,
        label=f"load and predict ({name})",
    )
    n = runs[0]["n_predict"]
    train_s = next((r["value"] for r in trained if r["figure"].startswith("train on")), None)
    throughput = [n / t for r in runs for t in r["predict_s"]]
    transform = [n / t for b in base for t in b["transform_s"]]
    return [
        make_row(
            SUITE,
            f"load model ({name})",
            [r["load_s"] for r in runs],
            "s",
            baseline="training time, same run",
            baseline_values=train_s,
            note="fresh process, libraries already imported",
        ),
        make_row(
            SUITE,
            f"import the libraries before loading ({name})",
            [r["import_s"] for r in runs],
            "s",
            note="paid once per process before the first load: sklearn, bertopic, umap, "
            "hdbscan, plotly, jinja2",
        ),
        make_row(
            SUITE,
            f"load model ({name}): peak memory",
            [r["load_peak_mb"] for r in runs],
            "MiB",
        ),
        make_row(
            SUITE,
            f"predict {n:,} releases ({name})",
            throughput,
            "docs/s",
            baseline="bare TfidfVectorizer.transform, same texts",
            baseline_values=transform,
            note="ratio = how close predict is to the bare vectorizer's limit; first call "
            f"{summarize([r['first_predict_s'] for r in runs]).median:.2f} s",
        ),
        make_row(
            SUITE,
            f"predict {n:,} releases ({name}): peak memory",
            [r["predict_peak_mb"] for r in runs],
            "MiB",
        ),
    ]


def _report(
    model: Path, corpus: Path, name: str, plan: Plan, repeats: int, work: Path
) -> list[dict[str, Any]]:
    out = work / "report"
    out.mkdir(exist_ok=True)
    runs = repeat_in_child(
        steps.report,
        model,
        corpus,
        out,
        "month",
        repeats=repeats,
        budget_s=plan.budget_slow,
        label=f"report on {name}",
    )
    page = work / "plotly.html"
    base = repeat_in_child(
        steps.plotly_page_baseline,
        page,
        repeats=repeats,
        budget_s=plan.budget_fast,
        label="plotly page baseline",
    )
    baseline = "one plotly chart, plotly.js inlined"
    return [
        make_row(
            SUITE,
            f"report on {name}, freq=month",
            [r["seconds"] for r in runs],
            "s",
            baseline=baseline,
            baseline_values=[b["seconds"] for b in base],
            note="tagging every release with the model included",
        ),
        make_row(
            SUITE,
            f"report on {name}: HTML size",
            [r["html_bytes"] / MB for r in runs],
            "MiB",
            baseline=baseline,
            baseline_values=[b["html_bytes"] / MB for b in base],
            note=f"with the CSV/JSON trend tables {runs[-1]['total_bytes'] / MB:.1f} MiB",
        ),
        make_row(
            SUITE,
            f"report on {name}: peak memory",
            [r["peak_mb"] for r in runs],
            "MiB",
            baseline=baseline,
            baseline_values=[b["peak_mb"] for b in base],
        ),
    ]


# --- seeds --------------------------------------------------------------------------------------


def _seeds(plan: Plan, repeats: int, work: Path) -> list[dict[str, Any]]:
    if not SEEDS.is_dir():
        return [skipped_row(SUITE, "seeds: train, load, predict, report", SEEDS)]
    work.mkdir(parents=True)
    train_texts, predict_texts = _texts(SEEDS, work, plan.n_predict)
    n_docs = len(json.loads(train_texts.read_text("utf-8")))
    name = f"seeds ({n_docs} documents)"
    texts = (train_texts, predict_texts)
    rows = _model_steps(SEEDS, name, texts, plan, repeats, work, published=None)
    return [r for r in rows if "peak memory" not in r["figure"]]


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path)
