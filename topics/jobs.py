"""Run a fitted model over a corpus: the trend report and the evaluation against labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import TopicsError
from topics.model import corpus_texts

if TYPE_CHECKING:
    import pandas as pd

    from topics.corpus import Corpus
    from topics.model import Model

Progress = Callable[[str, float | None], None]

BATCH = 2000


def predict_corpus(
    model: Model, frame: pd.DataFrame, progress: Progress | None = None
) -> pd.DataFrame:
    """``model.predict`` over a corpus frame in batches, index aligned with ``frame``."""
    import pandas as pd

    texts = corpus_texts(frame)
    parts = []
    for start in range(0, len(texts), BATCH):
        if progress:
            progress(f"tagging releases {start:,}/{len(texts):,}", start / max(1, len(texts)))
        parts.append(model.predict(texts[start : start + BATCH]))
    if not parts:
        return model.predict([])
    out = pd.concat(parts, ignore_index=True)
    out.index = frame.index
    return out


def build_report(
    model: Model,
    corpus: Corpus,
    *,
    freq: str = "quarter",
    out: str | Path = "reports/trends.html",
    force: bool = False,
    title: str = "Theme trends",
    generated_at: datetime | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Tag every release with the model and write the HTML report and its trend tables.

    Parameters
    ----------
    model : Model
        From :func:`topics.train` or :func:`topics.load`.
    corpus : Corpus
        From :func:`topics.load_corpus`; merged duplicates are counted once, undated releases
        are left out of the trends (both stated in the report).
    freq : {"month", "quarter", "year"}
    out : path
        The HTML file; ``.csv`` and ``.json`` trend tables are written beside it.
    force : bool
        Replace existing files.
    generated_at : datetime, optional
        Timestamp printed in the report (now by default); pass one for byte-identical output.

    Returns
    -------
    dict of str to Path
        ``{"html": ..., "csv": ..., "json": ...}``.
    """
    import pandas as pd

    from topics.report import ReportInputs, write_report

    frame = corpus.frame.reset_index(drop=True)
    predictions = predict_corpus(model, frame, progress)
    theme_ids = model.theme_ids
    probs = pd.DataFrame(
        {t: predictions[f"p_{t}"].to_numpy() for t in theme_ids}, index=frame.index, dtype=float
    )
    decided = pd.DataFrame(
        {t: predictions["themes"].map(lambda ts, t=t: t in ts).to_numpy() for t in theme_ids},
        index=frame.index,
        dtype=bool,
    )
    if model.topic_model is not None:
        topic_ids = predictions["topic"].astype(int)
        info = model.topic_model.topic_info()
        topic_info = pd.DataFrame(
            {
                "topic": info["topic"].astype(int),
                "label": info["label"].astype(str),
                "size": info["size"].astype(int),
                "terms": info["terms"].map(list),
            }
        )
    else:
        topic_ids = pd.Series(-1, index=frame.index, dtype=int)
        topic_info = pd.DataFrame({"topic": [], "label": [], "size": [], "terms": []})
    names = {theme.id: theme.name for theme in model.taxonomy}
    inputs = ReportInputs(
        corpus=frame,
        theme_probs=probs,
        theme_labels=decided,
        theme_names={t: names.get(t, t) for t in theme_ids},
        topics=topic_ids,
        topic_info=topic_info,
        metrics=model.metrics,
        model_info=_model_info(model),
        freq=freq,
        generated_at=generated_at or datetime.now(UTC).replace(microsecond=0),
        title=title,
    )
    if progress:
        progress("computing trends and writing the report", 0.9)
    written = write_report(inputs, Path(out), force=force)
    if progress:
        progress("report written", 1.0)
    return {kind: Path(path) for kind, path in written.items()}


def _model_info(model: Model) -> dict[str, Any]:
    manifest = model.manifest
    return {
        "path": str(model.path) if model.path else None,
        "created": manifest.get("created"),
        "toolkit_version": manifest.get("versions", {}).get("topics"),
        "seed": manifest.get("seed"),
        "corpus": manifest.get("corpus", {}),
        "parameters": manifest.get("parameters", {}),
    }


def evaluate_model(
    model: Model,
    corpus: Corpus,
    *,
    theme_labels: str | Path | None = None,
    label_columns: Sequence[str] = (),
) -> dict[str, dict[str, Any]]:
    """Score a model on a labelled corpus.

    Parameters
    ----------
    model : Model
    corpus : Corpus
        Merged duplicates are left out.
    theme_labels : path, optional
        Gold theme labels (document id or title → theme ids); the themes are scored on the
        documents it covers.
    label_columns : sequence of str
        Columns of the corpus to score the model's classifier for that column against.

    Returns
    -------
    dict
        One metrics dict per scored part (``"themes"``, ``"label:<column>"``, ``"topics"``).
    """
    from topics.classify import evaluate as evaluate_classifier
    from topics.themes import read_labels_file

    frame = corpus.documents()
    texts = corpus_texts(frame)
    results: dict[str, dict[str, Any]] = {}
    if theme_labels is not None:
        if model.themes is None:
            raise TopicsError("this model has no theme classifier", "re-train it with themes")
        gold = read_labels_file(Path(theme_labels), frame, model.taxonomy)
        mask = frame[schema.ID].isin(gold.index).to_numpy()
        covered = [t for t, keep in zip(texts, mask, strict=True) if keep]
        truth = gold.reindex(
            index=frame[schema.ID][mask], columns=model.theme_ids, fill_value=False
        )
        results["themes"] = evaluate_classifier(model.themes, covered, truth.to_numpy(bool))
    for column in label_columns:
        if column not in model.labels:
            raise TopicsError(
                f"the model has no classifier for {column!r} "
                f"(it has: {', '.join(model.labels) or 'none'})",
                f"train one with `topics train --label-column {column}`",
            )
        if column not in frame.columns:
            raise TopicsError(f"the corpus has no column {column!r}", "name the column it has")
        results[f"label:{column}"] = evaluate_classifier(
            model.labels[column], texts, frame[column].tolist()
        )
    if model.topic_model is not None:
        results["topics"] = model.topic_model.score(texts)
    if not results:
        raise TopicsError(
            "nothing to evaluate",
            "pass --theme-labels or --label-column, or use a model with topics",
        )
    return results
