"""``train``: fit the theme classifier, label classifiers and topic model on a corpus.

One call does what ``topics train`` does: read the corpus when given paths, combine the
taxonomy with a themes file, read gold theme labels, refuse an existing output before the long
fit, train, and save.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import TrainingError
from topics.model import Model
from topics.progress import Progress, noop, scaled

if TYPE_CHECKING:
    import pandas as pd

    from topics.classify import LabelClassifier, ThemeTagger
    from topics.corpus import Corpus
    from topics.themes import Taxonomy


def corpus_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 over the sorted document ids: the same releases give the same fingerprint."""
    digest = hashlib.sha256()
    for doc_id in sorted(frame[schema.ID].astype(str)):
        digest.update(doc_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def train(
    corpus: Corpus | str | Path | Sequence[str | Path] | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    themes: Taxonomy | str | Path | None = None,
    themes_mode: str = "extend",
    gold_themes: pd.DataFrame | str | Path | None = None,
    label_columns: Sequence[str] = (),
    topic_model: bool = True,
    n_topics: int | str = "auto",
    seed: int = 0,
    budget: float | str = "auto",
    context_columns: Sequence[str] = (),
    priors: str | dict[str, float] | None = None,
    out: str | Path | None = None,
    force: bool = False,
    corpus_options: Mapping[str, Any] | None = None,
    sender_column: str | None = None,
    progress: Progress | None = None,
) -> Model:
    """Fit the theme classifier, one classifier per label column, and the topic model.

    Parameters
    ----------
    corpus : Corpus, path(s) or None
        From :func:`topics.load_corpus`, or files to read with it (``corpus_options``); the
        bundled seeds when ``None``. Merged duplicates are left out of training.
    taxonomy : Taxonomy, optional
        Themes to tag; the default taxonomy when omitted.
    themes : Taxonomy or path of a taxonomy file (TOML), optional
        Themes that ``themes_mode="extend"`` adds to (or redefines in) ``taxonomy``, or that
        ``"replace"`` uses instead.
    themes_mode : {"extend", "replace"}
    gold_themes : DataFrame, shape (n_documents, n_themes), GoldLabels or path, optional
        Hand-coded theme labels indexed by document id (1 / 0 / NaN for "unsure"), or a labels
        file (CSV/JSON: document id or title → theme ids, read with
        :func:`topics.themes.read_labels`). They override the weak labels and set each theme's
        threshold; documents without a row are trained from the phrase rules. The tagger's error
        rates are measured on them by held-out cross-fitting (sampling weights of a
        :class:`GoldLabels` kept) and stored as the model's ``validation``: reports then correct
        their shares.
    label_columns : sequence of str
        Categorical columns of the corpus to learn (``"category"``, ``"labels"``, an extra column).
    topic_model : bool
        Fit the topic model too.
    n_topics : int or "auto"
        Number of topics; ``"auto"`` adapts it to the corpus.
    seed : int
        Reaches every random component.
    budget : "auto" or float
        Seconds each label classifier may plan to spend on its model search.
    context_columns : sequence of str
        Text columns of the corpus each label classifier adds as separate feature blocks.
    priors : None, "estimate" or mapping of class to share
        Class priors of the label classifiers (see :class:`~topics.classify.LabelClassifier`);
        ``"estimate"`` estimates them on the corpus' documents without a label.
    sender_column : str, optional
        Column naming each release's sender (the office, the agency): the topic model keeps
        terms explained by the senders out of topic labels and flags one-sender topics
        (:mod:`topics.topic_model._senders`). Default: the column boilerplate was counted by
        at ingest, else ``"source"`` (the file).
    out : path, optional
        Save the model there (:meth:`Model.save`); an existing path is refused before training
        unless ``force``.
    force : bool
        Replace an existing model at ``out``.
    corpus_options : mapping, optional
        Keyword arguments of :func:`topics.load_corpus` when ``corpus`` is read here.
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    Model
        Saved at ``out`` when given (``model.path``).
    """
    import numpy as np
    import pandas as pd

    from topics.classify import LabelClassifier, ThemeTagger
    from topics.corpus import as_corpus
    from topics.persist import check_writable
    from topics.themes import Taxonomy, default_taxonomy, read_labels, topic_themes
    from topics.topic_model import TopicModel

    if not 0 <= int(seed) < 2**32:
        raise TrainingError(f"seed={seed} is not in 0 … 2**32-1", "pass a non-negative seed")
    progress = progress or noop
    if out is not None:
        check_writable(out, force)
    if themes_mode not in ("extend", "replace"):
        raise TrainingError(f"unknown themes_mode {themes_mode!r}", 'use "extend" or "replace"')
    progress("reading the corpus", 0.0)
    corpus = as_corpus(corpus, corpus_options)
    taxonomy = taxonomy or default_taxonomy()
    if themes is not None:
        extra = themes if isinstance(themes, Taxonomy) else Taxonomy.from_file(Path(themes))
        taxonomy = taxonomy.merge(extra, mode=themes_mode)
    if isinstance(gold_themes, str | Path):
        gold_themes = read_labels(Path(gold_themes), corpus.frame, taxonomy.ids)
    frame = corpus.documents()
    if len(frame) == 0:
        raise TrainingError("the corpus has no documents to train on", "check `topics ingest`")
    texts = schema.model_texts(frame)
    dates = frame[schema.DATE]
    sender_column = _sender_column(corpus, frame, sender_column)

    gold = None
    n_gold = 0
    coded = gold_themes
    if coded is not None and not hasattr(coded, "columns"):  # GoldLabels: unsure codes = NaN
        gold_themes = coded.codes
    ids = pd.Index(frame[schema.ID].astype(str))
    if gold_themes is not None:
        gold = gold_themes.reindex(columns=taxonomy.ids).astype(float).reindex(ids).to_numpy()
        n_gold = int(np.isfinite(gold).any(axis=1).sum())

    progress("training the theme tagger", 0.05)
    theme_classifier = ThemeTagger(random_state=seed, taxonomy=taxonomy).fit(
        texts, gold, progress=scaled(progress, 0.05, 0.3)
    )
    validation = None
    if n_gold:
        progress("measuring the tagger on the coded releases (held-out folds)", 0.3)
        targets = pd.DataFrame(gold, index=ids, columns=taxonomy.ids)
        validation = _validate(theme_classifier, coded, targets, texts, seed)
    metrics: dict[str, Any] = {
        "themes": {
            **theme_classifier.cv_metrics_,
            "gold_documents": n_gold,
            "weak_documents": len(texts) - n_gold,
        }
    }

    labels: dict[str, LabelClassifier] = {}
    for i, column in enumerate(label_columns):
        progress(
            f"training the classifier for {column!r}", 0.3 + 0.1 * i / max(1, len(label_columns))
        )
        if column not in frame.columns:
            raise TrainingError(
                f"the corpus has no column {column!r} "
                f"(it has: {', '.join(map(str, frame.columns))})",
                "name one of those columns with --label-column",
            )
        missing = [c for c in context_columns if c not in frame.columns]
        if missing:
            raise TrainingError(
                f"the corpus has no context column {missing[0]!r} "
                f"(it has: {', '.join(map(str, frame.columns))})",
                "name one of those columns with --context-columns",
            )
        try:
            clf = LabelClassifier(
                budget=budget,
                context_columns=tuple(context_columns),
                priors=priors,
                random_state=seed,
            ).fit(
                texts,
                frame[column].tolist(),
                context={c: frame[c].tolist() for c in context_columns},
                progress=scaled(progress, 0.3, 0.45),
            )
        except TrainingError as exc:
            raise TrainingError(f"label column {column!r}: {exc.message}", exc.hint) from exc
        labels[column] = clf
        metrics[f"label:{column}"] = {**clf.cv_metrics_, "search": clf.search_}

    fitted_topics = None
    if topic_model:
        progress("fitting the topic model", 0.45)
        fitted_topics = TopicModel(
            n_topics=n_topics,
            random_state=seed,
            themes={theme.id: list(theme.include) for theme in taxonomy},
        )
        fitted_topics.fit(
            texts,
            progress=scaled(progress, 0.45, 0.95),
            senders=frame[sender_column].tolist(),
        )
    # the tagger's answer for every training release: for the topics' themes, and kept with
    # the releases (Releases.tags) so that a report on this corpus need not tag it again
    progress("tagging the training releases", 0.95 if topic_model else 0.45)
    decided, proba = theme_classifier.predict_with_proba(texts)
    if fitted_topics is not None:
        # a topic carries a theme only when enough of its releases do ("no theme" is valid)
        fitted_topics.topic_themes_ = topic_themes(
            fitted_topics.labels_, decided, taxonomy.ids, fitted_topics.n_topics_
        )
        metrics["topics"] = fitted_topics.fit_info_

    progress("done", 1.0)
    manifest = {
        "seed": seed,
        "corpus": {
            "fingerprint": corpus_fingerprint(frame),
            "documents": len(frame),
            "records": len(corpus.frame),
            "ingest": corpus.report.counts(),
            "date_range": _date_range(dates),
            "sources": sorted({Path(s).name for s in corpus.frame[schema.SOURCE].astype(str)})[:50],
        },
        "parameters": {
            "taxonomy_themes": len(taxonomy),
            "label_columns": list(label_columns),
            "label_budget": budget,
            "context_columns": list(context_columns),
            "label_priors": priors,
            "topic_model": bool(topic_model),
            "n_topics": n_topics,
            "sender_column": sender_column,
        },
        "metrics": metrics,
    }
    if validation is not None:
        manifest["validation"] = validation
    from topics.lineage import TopicLineage
    from topics.releases import release_table

    releases = release_table(  # kept with the model for topics.update
        ids.tolist(),
        dates,
        frame[schema.TITLE].tolist(),
        texts,
        pd.DataFrame(np.nan if gold is None else gold, index=ids, columns=taxonomy.ids),
        frame[sender_column].tolist(),
        {column: frame[column].tolist() for column in label_columns},
        {column: frame[column].tolist() for column in context_columns if label_columns},
        None if fitted_topics is None else fitted_topics.__dict__.pop("training_embeddings_"),
    )
    lineage = None if fitted_topics is None else TopicLineage.root(fitted_topics, dates)
    model = Model(
        taxonomy, theme_classifier, labels, fitted_topics, manifest, None, releases, lineage
    )
    model.releases = replace(releases, tags=_stored_tags(model, texts, decided, proba))
    if out is not None:
        progress("saving the model", 0.98)
        model.save(out, force=force)
    return model


def _stored_tags(model: Model, texts: list[str], decided: Any, proba: Any) -> dict[str, Any]:
    """``Model._tag``'s answer for each training release (:data:`topics.releases.TAG_ARRAYS`):
    the tagger's, the nearest centroid of each stored embedding, and the unknown texts."""
    import numpy as np

    from topics._vocabulary import known_texts, vocabularies

    topic_number = np.full(len(texts), -1, dtype=np.int64)
    if model.topic_model is not None:
        from topics.topic_model._cluster import nearest

        topic_number = nearest(model.releases.embeddings, model.topic_model.centroids_)
    unknown = ~known_texts(vocabularies(model), texts)
    return {"decided": decided, "proba": proba, "topic_number": topic_number, "unknown": unknown}


def _validate(themes: ThemeTagger, coded: Any, targets: pd.DataFrame, texts: list[str], seed: int):
    """Held-out error rates of the theme tagger on the coded releases (see ``train``):
    unfitted copies of ``themes`` (same settings) are refitted without each fold's codes.

    ``targets`` holds the gold codes of every release (NaN where not coded)."""
    from sklearn.base import clone

    from topics.evaluate.validation import held_out_validation

    if hasattr(coded, "columns"):  # a plain bool frame: every code sure, equal weights
        codes, weights, source = coded.astype(float), None, "gold labels"
    else:
        codes, source = coded.codes, coded.path.name
        weights = coded.weights if coded.weighted else None
    codes = codes.reindex(columns=targets.columns)
    codes = codes[codes.index.isin(targets.index)]
    rows = targets.index.get_indexer(codes.index)

    def fit(train_texts: list[str], G: Any) -> ThemeTagger:
        return clone(themes).fit(train_texts, G)

    return held_out_validation(
        fit,
        texts,
        targets.to_numpy(dtype=float),
        rows,
        codes,
        None if weights is None else weights.reindex(codes.index).to_numpy(dtype=float),
        source=source,
        seed=seed,
    )


def _sender_column(corpus: Corpus, frame: pd.DataFrame, column: str | None) -> str:
    """The column naming senders: ``column``, else the one boilerplate was counted by."""
    if column is None:
        column = corpus.report.boilerplate.get("sender_column") or schema.SOURCE
    if column not in frame.columns:
        raise TrainingError(
            f"the corpus has no column {column!r} (it has: {', '.join(map(str, frame.columns))})",
            "name one of those columns with --sender-column",
        )
    return column


def _date_range(dates: pd.Series) -> list[str] | None:
    valid = dates.dropna()
    if valid.empty:
        return None
    return [valid.min().date().isoformat(), valid.max().date().isoformat()]
