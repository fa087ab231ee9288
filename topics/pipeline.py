"""One call per command: what ``topics ingest``, ``predict`` and ``report`` do, in Python.

``build_report`` = :func:`predict_corpus` (model → :class:`~topics.predictions.Predictions`)
→ :func:`topics.trends.summarize` → :func:`topics.trends.trend_tables` →
:func:`topics.report.write_report`. Each step is public, for users who stop half-way (the
trend tables only) or run a step elsewhere (batches summarised on other machines).
``topics train`` is :func:`topics.train`, ``topics evaluate`` :func:`topics.evaluate_model`
``topics info`` :func:`topics.load` and ``topics themes suggest`` :func:`suggest_for_corpus`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.progress import Progress

if TYPE_CHECKING:
    import pandas as pd

    from topics.corpus import Corpus
    from topics.model import Model
    from topics.predictions import Predictions
    from topics.themes import Taxonomy
    from topics.themes.suggest import Suggestion
    from topics.trends.summary import TrendSummary

#: Where ``topics train`` writes and the other commands read a model by default.
DEFAULT_MODEL = Path("models/default")

#: Releases tagged per call of ``Model.predict`` (bounds the memory of one batch).
BATCH = 2000


def predict_corpus(
    model: Model, frame: pd.DataFrame, progress: Progress | None = None, *, labels: bool = True
) -> Predictions:
    """``model.predict`` over every row of a corpus table, in batches; index aligned with it.

    The label classifiers' context columns (``train --context-columns``) are read from
    ``frame``; a frame without one is a :class:`~topics.errors.CorpusError` naming it.
    """
    from topics.predictions import concat

    texts = schema.model_texts(frame)
    context = model.context_of(frame) if labels else None
    parts = []
    for start in range(0, len(texts), BATCH):
        if progress:
            progress(f"tagging releases {start:,}/{len(texts):,}", start / max(1, len(texts)))
        batch = (
            None if context is None else {c: v[start : start + BATCH] for c, v in context.items()}
        )
        parts.append(
            model.predict(
                texts[start : start + BATCH], context=batch, evidence=False, labels=labels
            )
        )
    if not parts:
        empty = model.predict([], context=context, evidence=False, labels=labels)
        return empty.with_index(frame.index)
    return concat(parts).with_index(frame.index)


def ingest(
    paths: str | Path | Sequence[str | Path] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> Corpus:
    """Read releases into a corpus (:func:`topics.load_corpus`) and write it as Parquet.

    Parameters
    ----------
    paths : path(s), optional
        Files or folders of releases; the bundled seeds when omitted.
    out : path, optional
        Parquet file to write (atomically; its directory is created).
    force : bool
        Replace an existing ``out``; without it an existing file is refused before reading.
    **options
        Keyword arguments of :func:`topics.load_corpus` (columns, encoding, dedup...).

    Returns
    -------
    Corpus
    """
    from topics._paths import check_output
    from topics.corpus import as_corpus

    if out is not None:
        check_output(out, force=force)  # before reading, not after
    corpus = as_corpus(paths, options, progress)
    if out is not None:
        corpus.to_parquet(out, force=True)
    return corpus


def predict(
    texts: Sequence[str] | Corpus,
    *,
    model: Model | str | Path = DEFAULT_MODEL,
    context: Mapping[str, Sequence[str]] | pd.DataFrame | None = None,
) -> Predictions:
    """Tag texts (or every release of a corpus) with a model (a Model or its directory).

    Parameters
    ----------
    texts : sequence of str, or Corpus
        A :class:`~topics.corpus.Corpus` (``topics predict --file releases.csv``) is tagged
        row by row (:func:`predict_corpus`), its context columns read from its table.
    context : mapping of str to sequence of str, or DataFrame, optional
        With texts: one text per text for every context column the model's label classifiers
        read (see :attr:`topics.Model.context_columns`).

    Returns
    -------
    Predictions
        ``.to_frame()`` for one flat table.
    """
    from topics.corpus import Corpus
    from topics.model import as_model

    if isinstance(texts, Corpus):
        return predict_corpus(as_model(model), texts.frame.reset_index(drop=True))
    return as_model(model).predict(texts, context=context)


def build_report(
    model: Model | str | Path = DEFAULT_MODEL,
    corpus: Corpus | str | Path | Sequence[str | Path] | None = None,
    *,
    freq: str = "quarter",
    out: str | Path = "reports/trends.html",
    force: bool = False,
    title: str = "Theme trends",
    generated_at: datetime | None = None,
    theme_labels: str | Path | None = None,
    corpus_options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Tag every release with the model and write the HTML report and its trend tables.

    Parameters
    ----------
    model : Model or path
        From :func:`topics.train` or :func:`topics.load`, or a model directory.
    corpus : Corpus, path(s) or None
        From :func:`topics.load_corpus`, or files to read with it (``corpus_options``); the
        bundled seeds when ``None``. Merged duplicates are counted once, undated releases
        are left out of the trends (both stated in the report).
    freq : {"month", "quarter", "year"}
    out : path
        The HTML file; ``.csv`` and ``.json`` trend tables are written beside it.
    force : bool
        Replace existing files.
    generated_at : datetime, optional
        Timestamp printed in the report (now by default); pass one for byte-identical output.
    theme_labels : path, optional
        Hand-coded releases (``topics label`` export): the model is measured on them and the
        theme shares corrected for its error rates. Without it, the model's own validation
        (``train`` with ``--theme-labels``) is used; with neither, the shares are uncorrected
        and the report says so.
    corpus_options : mapping, optional
        Keyword arguments of :func:`topics.load_corpus` when ``corpus`` is read here.

    Returns
    -------
    dict of str to Path
        ``{"html": ..., "csv": ..., "json": ...}``.
    """
    from topics.corpus import Corpus, as_corpus
    from topics.model import Model, as_model
    from topics.report import check_writable
    from topics.trends import check_freq, summarize

    check_freq(freq)
    check_writable(out, force)
    if progress and not isinstance(model, Model):
        progress("loading the model", 0.0)
    model = as_model(model)
    if progress and not isinstance(corpus, Corpus):
        progress("reading the corpus", 0.05)
    corpus = as_corpus(corpus, corpus_options)
    frame = corpus.frame.reset_index(drop=True)
    predictions = predict_corpus(model, frame, progress)
    if progress:
        progress("computing trends and writing the report", 0.9)
    validation = model_validation(model, corpus, theme_labels)
    summary = explain_representatives(model, frame, summarize(frame, predictions, freq))
    written = report_from_summary(
        summary,
        out,
        manifest=model.manifest,
        model_path=model.path,
        validation=validation,
        title=title,
        generated_at=generated_at,
        force=force,
    )
    if progress:
        progress("report written", 1.0)
    return written


def report_from_summary(
    summary: TrendSummary,
    out: str | Path,
    *,
    manifest: Mapping[str, Any],
    model_path: str | Path | None = None,
    validation: dict[str, Any] | None = None,
    title: str = "Theme trends",
    generated_at: datetime | None = None,
    force: bool = False,
) -> dict[str, Path]:
    """The report of a :class:`~topics.trends.TrendSummary`: trend tables, then the files.

    The second half of :func:`build_report`, for summaries added up elsewhere (batches, or the
    partitions of :mod:`topics.distributed`); ``manifest`` is the model's (metrics, provenance).
    """
    from topics.report import ReportInfo, write_report
    from topics.trends import trend_tables

    tables = trend_tables(summary, validation=validation)
    info = ReportInfo(
        title=title,
        generated_at=generated_at or datetime.now(UTC).replace(microsecond=0),
        metrics=manifest.get("metrics", {}),
        model_info=_model_info(manifest, model_path),
    )
    written = write_report(tables, Path(out), info=info, force=force)
    return {kind: Path(path) for kind, path in written.items()}


def explain_representatives(model: Model, frame: pd.DataFrame, summary: TrendSummary):
    """The summary with a ``why`` column on its representative releases (phrases and where
    they occur, the text model's strongest words): why each release carries its theme."""
    from dataclasses import replace

    from topics.themes.mapping import describe_evidence

    if model.themes is None or summary.top_overall.empty:
        return summary
    top = summary.top_overall
    position = {str(i): k for k, i in enumerate(frame[schema.ID].astype(str))}
    rows = [position[str(i)] for i in top["id"]]
    evidence = model.themes.explain(schema.model_texts(frame.iloc[rows]))
    why = [
        describe_evidence(found.get(str(theme)))
        for found, theme in zip(evidence, top["series"], strict=True)
    ]
    return replace(summary, top_overall=top.assign(why=why))


def _model_info(manifest: Mapping[str, Any], path: str | Path | None) -> dict[str, Any]:
    return {
        "path": str(path) if path else None,
        "created": manifest.get("created"),
        "toolkit_version": manifest.get("versions", {}).get("topics"),
        "seed": manifest.get("seed"),
        "corpus": manifest.get("corpus", {}),
        "parameters": manifest.get("parameters", {}),
        **_lineage_info(manifest.get("lineage")),
    }


def _lineage_info(lineage: dict | None) -> dict[str, Any]:
    """The latest update of an updated model (parent, what was added, when), for the report."""
    if not lineage:
        return {}
    return {
        "update": {
            "generation": lineage.get("generation"),
            "updated": lineage.get("updated"),
            "parent": (lineage.get("parent") or {}).get("path"),
            "added releases": (lineage.get("added") or {}).get("releases"),
            "added dates": (lineage.get("added") or {}).get("date_range"),
            "topics": lineage.get("topics"),
        }
    }


def model_validation(
    model: Model, corpus: Corpus, theme_labels: str | Path | None = None
) -> dict[str, Any] | None:
    """The error rates a report corrects with: measured on ``theme_labels``, else the model's.

    When the labels are the very ones the model was trained with (same coded releases), a
    measurement on them would be optimistic: the model's held-out validation is kept instead.
    """
    from topics.evaluate.validation import coded_fingerprint, measure, validation_record
    from topics.themes import read_labels

    own = model.validation
    if theme_labels is None:
        return own
    documents = corpus.documents()
    gold = read_labels(Path(theme_labels), documents, model.taxonomy.ids)
    fingerprint = coded_fingerprint(gold.codes.index)
    if own is not None and own.get("fingerprint") == fingerprint:
        return own
    _, rates = measure(model, documents, gold)
    return validation_record(
        rates,
        source=Path(theme_labels).name,
        n_coded=int(gold.codes.notna().any(axis=1).sum()),
        weighted=gold.weighted,
        method="the report's model tagged the coded releases (they must not be ones it was "
        "trained on)",
        fingerprint=fingerprint,
    )


def suggest_for_corpus(
    corpus: Any = None,
    *,
    model: Any = None,
    themes: Any = None,
    themes_mode: str = "extend",
    top: int = 15,
    min_releases: int = 3,
    corpus_options: dict[str, Any] | None = None,
) -> tuple[Taxonomy, dict[str, list[Suggestion]], dict[str, int]]:
    """Phrases that distinguish each theme's releases in a corpus (merged duplicates counted once).

    :func:`topics.themes.suggest_phrases` over the releases, tagged by a model or the phrase rules.

    Parameters
    ----------
    corpus : Corpus, path, sequence of paths or None
        The releases (read with :func:`topics.load_corpus`; the bundled seeds when ``None``).
    model : Model or path, optional
        Tag the releases with this model (and use its taxonomy) instead of the phrase rules.
    themes : Taxonomy or path, optional
        Without a model: a taxonomy file to extend (or replace) the default taxonomy with.
    themes_mode : {"extend", "replace"}
    corpus_options : dict, optional
        Keyword arguments of :func:`topics.load_corpus` when the corpus is read here.

    Returns
    -------
    taxonomy : Taxonomy
    suggestions : dict of str to list of Suggestion
    releases : dict of str to int
        Releases carrying each theme.
    """
    from topics.corpus import as_corpus
    from topics.errors import ThemeError
    from topics.model import as_model
    from topics.themes.match import matcher_for
    from topics.themes.suggest import suggest_phrases
    from topics.themes.taxonomy import Taxonomy, default_taxonomy

    if themes_mode not in ("extend", "replace"):
        raise ThemeError(f"unknown themes_mode {themes_mode!r}", 'use "extend" or "replace"')
    corpus = as_corpus(corpus, corpus_options)
    frame = corpus.documents()
    texts = schema.model_texts(frame)
    titles = [t if isinstance(t, str) and t.strip() else "(untitled)" for t in frame[schema.TITLE]]
    if model is not None:
        fitted = as_model(model)
        taxonomy = fitted.taxonomy
        tagged = fitted.predict(texts, evidence=False, labels=False).theme_labels[taxonomy.ids]
        tagged = tagged.to_numpy()
    else:
        taxonomy = default_taxonomy()
        if themes is not None:
            extra = themes if isinstance(themes, Taxonomy) else Taxonomy.from_file(themes)
            taxonomy = taxonomy.merge(extra, mode=themes_mode)
        tagged = matcher_for(taxonomy).labels(texts)
    import numpy as np

    found = suggest_phrases(
        texts, taxonomy, tagged, titles=titles, top=top, min_releases=min_releases
    )
    counts = {t: int(n) for t, n in zip(taxonomy.ids, np.asarray(tagged).sum(axis=0), strict=True)}
    return taxonomy, found, counts
