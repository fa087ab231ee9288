"""Steps of the scale suite, each run in a fresh process (module-level, picklable arguments).

The 100,000-release corpus is the 2006 Senate slice (19,325 releases) replicated: replica ``r``
of a release gets the id ``<id>#r<r>`` and its date shifted by ``r`` years. Replicas are exact
copies of the text, so they are ingested with de-duplication off (it would merge them back).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.harness import measure, peak_rss_mb, reset_peak_rss


def write_replicas(source: Path, target: Path, n: int) -> int:
    """Write ``n`` releases of ``source`` (cycled, replicas re-dated and re-numbered) as JSONL."""
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    written = 0
    with open(target, "w", encoding="utf-8") as out:
        while written < n:
            replica, index = divmod(written, len(rows))
            row = dict(rows[index])
            if replica:
                row["id"] = f"{row['id']}#r{replica}"
                if row.get("date"):
                    day = date.fromisoformat(row["date"][:10])
                    row["date"] = day.replace(year=day.year + replica).isoformat()
            out.write(json.dumps(row) + "\n")
            written += 1
    return written


def ingest(source: Path, target: Path, dedup: bool, boilerplate: bool = True) -> dict[str, Any]:
    """``load_corpus`` (senders: the ``labels`` column) then ``to_parquet``; time and peak."""
    import topics

    with measure() as m:
        corpus = topics.load_corpus(
            source, dedup=dedup, boilerplate=boilerplate, sender_column="labels"
        )
    corpus.to_parquet(target)
    return {
        "seconds": m.seconds,
        "peak_mb": m.peak_mb,
        "documents": len(corpus.documents()),
        "boilerplate": corpus.report.boilerplate,
        "file_mb": Path(source).stat().st_size / 1e6,
    }


def read_lines_baseline(source: Path) -> dict[str, Any]:
    """The plainest reader: every line of the file through ``json.loads`` into a list."""
    reset_peak_rss()
    t0 = time.perf_counter()
    with open(source, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return {"seconds": time.perf_counter() - t0, "peak_mb": peak_rss_mb(), "rows": len(rows)}


def train(corpus: Path, model_dir: Path) -> dict[str, Any]:
    """``topics.train`` with the time of every step (from its progress messages), then save.

    ``steps``: wall seconds of the top-level steps; ``parts``: wall and CPU seconds of every
    step and sub-step (``"topic model: clustering"``), CPU time being what a loaded machine
    does not inflate.
    """
    import topics

    frame = topics.load_corpus(corpus)
    umap_cached = umap_cache_entries() > 1  # umap-learn ships one function cached
    marks: list[tuple[str, str, float, float]] = []

    def note(message: str, fraction: float | None = None) -> None:
        step = _step_name(message)  # sub-step messages (None) stay in the step they are in
        if step is None and not marks:
            return
        top = step if step is not None else marks[-1][0]
        part = _part_name(top, message)
        if not marks or marks[-1][:2] != (top, part):
            marks.append((top, part, time.perf_counter(), time.process_time()))

    with measure() as m:
        cpu = time.process_time()
        model = topics.train(frame, seed=0, progress=note)
        cpu = time.process_time() - cpu
    marks.append(("done", "done", time.perf_counter(), time.process_time()))
    steps: dict[str, float] = {}
    parts: dict[str, list[float]] = {}
    for (key, part, start, cpu_start), (_, _, stop, cpu_stop) in itertools.pairwise(marks):
        steps[key] = steps.get(key, 0.0) + stop - start
        wall_cpu = parts.setdefault(part, [0.0, 0.0])
        wall_cpu[0] += stop - start
        wall_cpu[1] += cpu_stop - cpu_start
    model.save(model_dir, force=True)
    return {
        "seconds": m.seconds,
        "cpu_seconds": cpu,
        "peak_mb": m.peak_mb,
        "steps": steps,
        "parts": parts,
        "documents": model.manifest["corpus"]["documents"],
        "umap_cached": umap_cached,
    }


def umap_cache_entries() -> int:
    """numba cache indexes beside umap-learn's modules (found without importing umap)."""
    import importlib.util

    spec = importlib.util.find_spec("umap")
    if spec is None or spec.origin is None:
        return 0
    return len(list((Path(spec.origin).parent / "__pycache__").glob("*.nbi")))


#: Sub-step messages of :func:`topics.train` → the part of the step they open.
_PARTS = {
    "matching the taxonomy's phrases": "rules",
    "extracting features (taxonomy phrases hidden)": "features",
    "fitting the final text model": "final text model",
    "Embedding documents": "embedding",
    "Building the term vocabulary": "term vocabulary",
    "Clustering": "clustering (UMAP, HDBSCAN)",
    "Reassigning outliers and describing topics": "describing topics",
    "Topic model fitted": "topic themes",
}


def _part_name(step: str, message: str) -> str:
    """``"step: part"`` for a sub-step message (``"themes: text model folds"``), else the step."""
    if message.startswith("text model, round"):
        return f"{step}: text model folds"
    part = _PARTS.get(message)
    return f"{step}: {part}" if part else step


def _step_name(message: str) -> str | None:
    """The train step a progress message of :func:`topics.train` opens (None: a sub-step)."""
    if message == "reading the corpus":
        return "reading"
    if "theme tagger" in message or "measuring the tagger" in message:
        return "themes"
    if "classifier for" in message:
        return "labels"
    if message == "fitting the topic model":
        return "topic model"
    if message == "tagging the training releases":
        return "tagging"
    if message in ("done", "saving the model"):
        return "done"
    return None


def tfidf_svm_baseline(corpus: Path) -> dict[str, Any]:
    """Bare TF-IDF + one linear SVM (sender = the largest sender) on the same texts."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    import topics

    frame = topics.load_corpus(corpus).documents()
    texts = topics.load_corpus(corpus).texts()
    senders = np.asarray([str(v) for v in frame["labels"]])
    values, counts = np.unique(senders, return_counts=True)
    y = senders == values[np.argmax(counts)]
    with measure() as m:
        X = TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform(texts)
        LinearSVC().fit(X, y)
    return {"seconds": m.seconds, "peak_mb": m.peak_mb}


def write_texts(corpus: Path, target: Path) -> int:
    """The model texts of a corpus's documents, as a JSON list (the pool of fresh texts)."""
    import topics

    texts = topics.load_corpus(corpus).texts()
    Path(target).write_text(json.dumps(texts), "utf-8")
    return len(texts)


def predict_fresh(
    model_dir: Path, train_texts: Path, pool: Path, n: int, repeats: int = 3
) -> dict[str, Any]:
    """Prediction throughput on texts this process has not seen, beside a bare
    ``TfidfVectorizer.transform`` (fitted on the model's training texts) of the same texts.

    ``pool`` (a JSON list of texts) is shuffled and cut into ``repeats + 1`` sets of ``n``:
    the first warms up (imports, first calls: ``first_s``), then each set is transformed by
    the bare vectorizer and predicted by the model (without evidence, as a corpus is tagged)
    one right after the other, so that both see the same load, then its first ``n // 10``
    texts with evidence. No set is predicted twice: what the model keeps from one batch to
    the next (the chunks it analysed, :mod:`topics._chunks`) helps only as it would when
    tagging a corpus.
    """
    import random

    from sklearn.feature_extraction.text import TfidfVectorizer

    import topics
    from bench.speed_steps import warm_imports

    warm_imports()
    texts = json.loads(Path(pool).read_text("utf-8"))
    random.Random(0).shuffle(texts)
    n = min(n, len(texts) // (repeats + 1))
    sets = [texts[i * n : (i + 1) * n] for i in range(repeats + 1)]
    bare = TfidfVectorizer().fit(json.loads(Path(train_texts).read_text("utf-8")))
    model = topics.load(model_dir)
    t0 = time.perf_counter()
    model.predict(sets[0], evidence=False)
    out: dict[str, Any] = {"n": n, "first_s": time.perf_counter() - t0}
    bare.transform(sets[0])
    model.predict(sets[0][: n // 10], evidence=True)
    marks = []
    for batch in sets[1:]:
        t0 = time.perf_counter()
        bare.transform(batch)
        t1 = time.perf_counter()
        model.predict(batch, evidence=False)
        t2 = time.perf_counter()
        model.predict(batch[: n // 10], evidence=True)
        marks.append((t1 - t0, t2 - t1, time.perf_counter() - t2))
    out["bare_s"], out["predict_s"], out["evidence_s"] = (list(m) for m in zip(*marks, strict=True))
    return out


def cold_predict(model_dir: Path, repeats: int = 3) -> dict[str, Any]:
    """Wall time of ``topics predict "text"`` and of ``import pandas, sklearn.svm``, cold.

    Cold as a user's installed copy is: a fresh process whose modules' bytecode was written
    before (one untimed run of each command first, with ``PYTHONDONTWRITEBYTECODE`` unset;
    with it set, every run would compile every module of both commands again).
    """
    predict = [sys.executable, "-m", "topics", "predict", "--model", str(model_dir)]
    predict.append("Senator urges funds for levee repairs after the hurricane")
    baseline = [sys.executable, "-c", "import pandas, sklearn.svm"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for command in (baseline, predict):
        subprocess.run(command, check=True, capture_output=True, env=env)
    out: dict[str, list[float]] = {"predict": [], "baseline": []}
    for _ in range(repeats):
        for key, command in (("baseline", baseline), ("predict", predict)):
            t0 = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            out[key].append(time.perf_counter() - t0)
    return out


def sender_labels(corpus: Path, new: bool) -> dict[str, Any]:
    """Fit the topic model on the 2006 slice and run the sender-label check on it.

    ``new=False`` is today's path on the same releases: the stored text (no boilerplate
    removal) and no senders given to the topic model.
    """
    import topics
    from bench.sender_labels import sender_label_check
    from topics.corpus import schema
    from topics.themes import default_taxonomy
    from topics.topic_model import TopicModel

    loaded = topics.load_corpus(corpus, boilerplate=new)
    docs = loaded.documents()
    stored = [schema.document_text(t, b) for t, b in zip(docs.title, docs.text, strict=True)]
    senders = [str(v[0]) if len(v) else "" for v in docs["labels"]]
    themes = {theme.id: list(theme.include) for theme in default_taxonomy()}
    with measure() as m:
        model = TopicModel(random_state=0, themes=themes).fit(
            schema.model_texts(docs), senders=senders if new else None
        )
    info = model.topic_info()
    result = sender_label_check(info, stored, senders)
    result["seconds"] = m.seconds
    result["n_topics"] = int(model.n_topics_)
    result["largest"] = info.sort_values("size", ascending=False)["label"].head(30).tolist()
    return result
