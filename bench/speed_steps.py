"""The measured steps of the speed suite, each run in a fresh child process by ``suite_speed``.

Every function here is module-level (so *spawn* can import it), takes paths and numbers, and
returns a dict of plain numbers. Set-up (reading the corpus a step needs, importing its modules)
happens before :func:`bench.harness.measure` starts; the step itself is what is timed, and its
peak memory is the resident high-water mark reset at its start.
"""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import measure, peak_rss_mb, time_calls

#: Fixed report timestamp, so reports are deterministic and comparable between runs.
REPORT_TIME = datetime(2026, 1, 1, tzinfo=UTC)


# --- plain files (no toolkit needed) ------------------------------------------------------------


def _open_text(path: Path):
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def write_sample(source: Path, target: Path, n: int | None, seed: int = 0) -> int:
    """Copy ``n`` records of a JSON Lines file (all when ``n`` is None or larger), in file order.

    The records are drawn at random with ``seed`` and kept in their original order, so a sample
    spans the corpus's whole date range. Returns the number written.
    """
    with _open_text(source) as fh:
        lines = [line for line in fh if line.strip()]
    if n is not None and n < len(lines):
        keep = sorted(random.Random(seed).sample(range(len(lines)), n))
        lines = [lines[i] for i in keep]
    opener = gzip.open if Path(target).suffix == ".gz" else open
    with opener(target, "wt", encoding="utf-8") as out:
        out.writelines(lines)
    return len(lines)


def count_records(path: Path) -> int:
    """Number of non-empty lines of a JSON Lines file."""
    with _open_text(path) as fh:
        return sum(1 for line in fh if line.strip())


def jsonl_texts(path: Path, limit: int | None = None) -> list[str]:
    """Title and body of each record of a JSON Lines corpus, joined as the models see them."""
    from topics.corpus.schema import document_text

    texts = []
    with _open_text(path) as fh:
        for line in fh:
            if not line.strip():
                continue
            record = json.loads(line)
            texts.append(document_text(record.get("title"), record.get("text")))
            if limit is not None and len(texts) >= limit:
                break
    return texts


def spread_sample(texts: list[str], n: int) -> list[str]:
    """``n`` texts spread evenly over ``texts`` (cycled when there are fewer than ``n``)."""
    if not texts:
        raise ValueError("no texts to sample")
    if len(texts) >= n:
        step = len(texts) / n
        return [texts[int(i * step)] for i in range(n)]
    return [texts[i % len(texts)] for i in range(n)]


def _size(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- baselines ----------------------------------------------------------------------------------


def read_json_baseline(path: Path) -> dict[str, Any]:
    """Bare ``pandas.read_json(lines=True)`` of a corpus file: the floor for ingest."""
    import pandas as pd

    with measure() as m:
        frame = pd.read_json(path, lines=True)
    return {"seconds": m.seconds, "peak_mb": m.peak_mb, "records": len(frame)}


def tfidf_baseline(train_texts: Path, predict_texts: Path, repeats: int = 3) -> dict[str, Any]:
    """A bare ``TfidfVectorizer``: ``fit_transform`` on the training texts (the floor for train),
    then ``transform`` of the prediction texts ``repeats`` times (the limit for predict).

    ``train_texts`` and ``predict_texts`` are JSON files holding a list of strings.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = json.loads(Path(train_texts).read_text("utf-8"))
    sample = json.loads(Path(predict_texts).read_text("utf-8"))
    vectorizer = TfidfVectorizer()
    with measure() as m:
        vectorizer.fit_transform(docs)
    transform = time_calls(lambda: vectorizer.transform(sample), repeats)
    return {
        "fit_s": m.seconds,
        "fit_peak_mb": m.peak_mb,
        "transform_s": transform,
        "n_predict": len(sample),
    }


def plotly_page_baseline(out: Path) -> dict[str, Any]:
    """The smallest self-contained chart page: one plotly line chart, plotly.js inlined."""
    import plotly.graph_objects as go

    with measure() as m:
        fig = go.Figure(go.Scatter(x=list(range(12)), y=[i % 5 for i in range(12)]))
        fig.write_html(out, include_plotlyjs=True, full_html=True)
    return {"seconds": m.seconds, "peak_mb": m.peak_mb, "html_bytes": _size(out)}


# --- the toolkit's steps ------------------------------------------------------------------------


def ingest(path: Path, save_to: Path | None = None) -> dict[str, Any]:
    """``topics.load_corpus`` of one file or folder, near-duplicate detection included.

    With ``save_to``, the corpus is then written as Parquet (not timed) for the later steps.
    """
    import topics
    from topics.corpus import schema

    with measure() as m:
        corpus = topics.load_corpus(path)
    if save_to is not None:
        corpus.to_parquet(save_to)
    frame = corpus.frame
    return {
        "seconds": m.seconds,
        "peak_mb": m.peak_mb,
        "records": len(frame),
        "documents": len(corpus.documents()),
        "duplicates": int(frame[schema.IS_DUPLICATE].sum()),
        "rejected": len(getattr(corpus.report, "rejected", []) or []),
    }


def sample_corpora(source: Path, out_dir: Path, sizes: list[int], seed: int = 0) -> dict:
    """Ingest ``source`` once and write seeded samples of its documents as Parquet corpora.

    Writes ``docs_<n>.parquet`` for each size (all documents when ``n`` exceeds them), keeping
    the documents in corpus order. Returns ``{size: (path, number of documents)}``.
    """
    import numpy as np

    import topics
    from topics.corpus import Corpus

    corpus = topics.load_corpus(source)
    docs = corpus.documents()
    files = {}
    for size in sizes:
        n = min(size, len(docs))
        rows = np.sort(np.random.default_rng(seed).choice(len(docs), n, replace=False))
        path = Path(out_dir) / f"docs_{size}.parquet"
        Corpus(docs.iloc[rows].reset_index(drop=True), corpus.report).to_parquet(path)
        files[size] = (str(path), n)
    return files


def warm_imports() -> None:
    """Import what training and reporting import lazily, so that a timed step excludes it."""
    import importlib

    for name in ("sklearn", "scipy.sparse", "bertopic", "umap", "hdbscan", "plotly", "jinja2"):
        importlib.import_module(name)
    import topics

    for name in ("load_corpus", "train", "build_report"):
        getattr(topics, name)


def dump_texts(corpus_path: Path, train_out: Path, predict_out: Path, n_predict: int) -> int:
    """Write the corpus's training texts and ``n_predict`` of them (spread, cycled) as JSON."""
    import topics

    texts = topics.load_corpus(corpus_path).texts()
    Path(train_out).write_text(json.dumps(texts), "utf-8")
    Path(predict_out).write_text(json.dumps(spread_sample(texts, n_predict)), "utf-8")
    return len(texts)


def train(corpus_path: Path, model_dir: Path | None = None) -> dict[str, Any]:
    """``topics.train`` in a fresh process (lazy imports included), then ``model.save``."""
    import topics

    corpus = topics.load_corpus(corpus_path)
    with measure() as m:
        model = topics.train(corpus, seed=0)
    result = {"train_s": m.seconds, "train_peak_mb": m.peak_mb, "documents": None}
    result["documents"] = int(model.manifest.get("corpus", {}).get("documents", 0)) or None
    if model_dir is not None:
        with measure() as s:
            model.save(model_dir, force=True)
        result.update(save_s=s.seconds, model_bytes=_size(model_dir))
    return result


def load_predict(
    model_dir: Path, predict_texts: Path, repeats: int = 3, evidence: bool = True
) -> dict[str, Any]:
    """``topics.load`` in a fresh process, then ``predict`` on the texts, ``repeats`` times.

    Importing the libraries (:func:`warm_imports`) is timed apart from loading. The first
    ``predict`` call is timed on its own (``first_predict_s``); the throughput figure is the
    median of the calls after it. ``evidence``: ``Model.predict``'s, also the theme evidence.
    """
    import topics

    texts = json.loads(Path(predict_texts).read_text("utf-8"))
    with measure() as imports:
        warm_imports()
    with measure() as m:
        model = topics.load(model_dir)
    with measure() as first:
        model.predict(texts, evidence=evidence)
    times = time_calls(lambda: model.predict(texts, evidence=evidence), repeats)
    return {
        "import_s": imports.seconds,
        "load_s": m.seconds,
        "load_peak_mb": m.peak_mb,
        "first_predict_s": first.seconds,
        "predict_s": times,
        "predict_peak_mb": peak_rss_mb(),  # since the first call began: the mark was reset then
        "n_predict": len(texts),
    }


def report(model_dir: Path, corpus_path: Path, out_dir: Path, freq: str) -> dict[str, Any]:
    """``topics.build_report`` of a saved model over a corpus (model and corpus loaded first)."""
    import topics

    model = topics.load(model_dir)
    corpus = topics.load_corpus(corpus_path)
    out = Path(out_dir) / "trends.html"
    with measure() as m:
        written = topics.build_report(
            model, corpus, freq=freq, out=out, force=True, generated_at=REPORT_TIME
        )
    html = Path(written.get("html", out))
    return {
        "seconds": m.seconds,
        "peak_mb": m.peak_mb,
        "html_bytes": _size(html),
        "total_bytes": sum(_size(Path(p)) for p in written.values()),
    }


def growth(corpus_path: Path, out_dir: Path, freq: str = "year") -> dict[str, Any]:
    """One size of the growth curve: TF-IDF floor, then train, then report, in one process.

    The libraries are imported before anything is timed (:func:`warm_imports`), so that the
    fitted exponent reflects how the work grows rather than a constant start-up cost.
    ``*_added_mb`` is the growth of the resident set during each step (peak minus start), the
    part that scales with the corpus.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    import topics

    warm_imports()
    corpus = topics.load_corpus(corpus_path)
    texts = corpus.texts()
    with measure() as base:
        TfidfVectorizer().fit_transform(texts)
    with measure() as t:
        model = topics.train(corpus, seed=0)
    with measure() as r:
        topics.build_report(
            model,
            corpus,
            freq=freq,
            out=Path(out_dir) / "trends.html",
            force=True,
            generated_at=REPORT_TIME,
        )
    return {
        "documents": len(texts),
        "tfidf_s": base.seconds,
        "train_s": t.seconds,
        "train_peak_mb": t.peak_mb,
        "train_added_mb": t.peak_mb - t.start_mb,
        "report_s": r.seconds,
        "report_peak_mb": r.peak_mb,
        "report_added_mb": r.peak_mb - r.start_mb,
    }
