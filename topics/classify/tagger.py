"""Theme tagger: the taxonomy's phrases by salience, plus a text model that learns beyond them.

How a release gets a theme
--------------------------
1. **Phrase rule** (:mod:`topics.themes.match`): the salience of the theme's phrases (title,
   lead or body; density; distinct phrases; excludes). ``p_rule = s / (s + min_salience)``, so
   a release exactly at the rule's threshold has ``p_rule = 0.5``; with fewer than ``min_hits``
   matches it is scaled down by ``hits / min_hits``.
2. **Text model**, trained on the corpus itself: TF-IDF words and bigrams *with every taxonomy
   phrase hidden* (a term containing a phrase is dropped from the vocabulary), one linear SVM
   per theme, Platt-calibrated on held-out folds. It learns the vocabulary that goes with a
   theme, so a release about cheap imports and retaliation is found without the word "tariff".
   Labels start from the rules (rule positives positive, releases without a phrase negative,
   passing mentions left out); then ``n_rounds - 1`` rounds of self-training (as in Newsmap and
   seeded topic models): held-out ``p ≥ expand_above`` become positives, ``p < expand_below``
   negatives, the rest is left out, and the model is fitted again. A theme with fewer than
   ``min_text_positives`` rule positives gets no text model (too little to learn).
3. **Combination**: a release the phrase rule tags keeps the theme; the text model adds those
   whose noisy-or ``1 - (1 - p_rule)(1 - p_text)`` reaches ``threshold`` (0.97, chosen on the
   dev half of ``bench/eval``). It never vetoes the rule: on releases it never saw it tells a
   subject from a mention too poorly (dev macro-F1 0.69 with vetoes, 0.81 without, rules 0.80).
   A theme without a text model is its phrase rule alone. Gold labels (at least ``min_gold``
   positives and negatives for a theme) replace the weak ones in training (weight
   ``gold_weight``) and set the cut that maximises F1 on the gold releases.

:attr:`ThemeTagger.cv_metrics_` holds the held-out *agreement of the text model with the phrase
rules* (never called accuracy) and, only with gold labels, precision/recall/F1 on held-out gold
releases with bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from topics.classify import _linear
from topics.classify._base import LinearTextModel, as_texts
from topics.classify._self_training import (
    expand,
    fit_rows,
    gold_matrix,
    noisy_or,
    restrict,
    rule_scores,
    thresholds_for,
)
from topics.classify.gold import gold_metrics, rule_agreement
from topics.errors import TrainingError
from topics.progress import Progress, noop

if TYPE_CHECKING:
    from topics.themes import Taxonomy

#: Corpora smaller than this get no text model: too little to learn words from.
MIN_TEXT_DOCUMENTS = 200
#: Stopping tolerance of the text model's SVMs (scikit-learn's default 1e-4): on 19,325 Senate
#: releases its dual solver needed up to 717 passes at 1e-4 and 57 at 1e-2, for decisions that
#: differ by at most 0.004 (correlation 0.9999998); the passes grew with the corpus.
SVM_TOL = 1e-2
#: Tokens of the text model: a letter, then letters, digits, hyphens or apostrophes.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'-]*\b"
#: Text-model terms shown as evidence per theme.
EVIDENCE_WORDS = 5


class ThemeTagger(LinearTextModel):
    """Weakly supervised multi-label theme tagger (see the module docstring).

    Parameters
    ----------
    taxonomy : Taxonomy, optional
        The themes; the default taxonomy when omitted.
    C : float
        SVM regularisation of the text model.
    ngram_range : (int, int)
        Word n-grams of the text model.
    min_df : int, float or "auto"
        ``"auto"``: 2 from 200 documents on, else 1.
    max_features : int, optional
        Most frequent terms kept (before the phrases are hidden).
    sublinear_tf : bool
    class_weight : {None, "balanced"}
    cv : int
        Folds of the held-out predictions (fewer on small corpora).
    n_rounds : int
        Fits of the text model: 1 = rule labels only, 2 = one round of self-training, ...
    expand_above, expand_below : float
        Self-training: held-out text probabilities above which a release becomes a positive,
        below which a negative.
    min_text_positives : int
        Rule (or gold) positives a theme needs to get a text model; corpora under
        ``MIN_TEXT_DOCUMENTS`` (200) releases get none.
    threshold : float
        Cut on the combined probability above which a release the phrase rule does not tag
        gets the theme (a theme without a text model: 0.5, the rule's own cut).
    gold_weight : float
        Weight of a gold-labelled release in training the text model.
    min_gold : int
        Gold positives and negatives a theme needs for its cut to be chosen on them (20).
    random_state : int

    Attributes
    ----------
    classes_ : ndarray of str, shape (n_themes,)
    thresholds_ : ndarray of shape (n_themes,)
        Thresholds on the combined probability.
    text_model_ : ndarray of bool, shape (n_themes,)
        Whether the theme has a text model.
    cv_metrics_ : dict
        See :func:`topics.classify.gold.rule_agreement` and
        :func:`topics.classify.gold.gold_metrics`.
    """

    _kind = "theme_tagger"

    @classmethod
    def _format(cls) -> str:
        return "topics.theme_tagger"

    def __init__(
        self,
        *,
        taxonomy: Taxonomy | None = None,
        C: float = 0.5,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float | str = "auto",
        max_features: int | None = 200_000,
        sublinear_tf: bool = True,
        class_weight: str | None = "balanced",
        cv: int = 5,
        n_rounds: int = 2,
        expand_above: float = 0.9,
        expand_below: float = 0.2,
        min_text_positives: int = 20,
        threshold: float = 0.97,
        gold_weight: float = 3.0,
        min_gold: int = 20,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            C=C,
            ngram_range=ngram_range,
            min_df=min_df,
            max_features=max_features,
            sublinear_tf=sublinear_tf,
            class_weight=class_weight,
            cv=cv,
            random_state=random_state,
        )
        self.taxonomy = taxonomy
        self.n_rounds = n_rounds
        self.expand_above = expand_above
        self.expand_below = expand_below
        self.min_text_positives = min_text_positives
        self.threshold = threshold
        self.gold_weight = gold_weight
        self.min_gold = min_gold

    # -- fitting ------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        gold: Any = None,
        *,
        progress: Progress | None = None,
    ) -> ThemeTagger:
        """Fit on the corpus itself, with optional gold labels.

        Parameters
        ----------
        texts : sequence of str, length n_documents
        gold : array-like of shape (n_documents, n_themes), optional
            1/0 (or True/False) where a reader coded the theme, NaN where not (a release left
            uncoded, or coded "unsure" for that theme). Columns in taxonomy order; a DataFrame
            is aligned by its column names.
        progress : callable, optional
            ``progress(message, fraction)``.

        Returns
        -------
        self

        Raises
        ------
        TrainingError
            Fewer than 4 documents, gold labels of the wrong shape, bad parameters.
        """
        from topics.themes import default_taxonomy

        progress = progress or noop
        texts = as_texts(texts)
        n = len(texts)
        n_splits = self._check_params(n)
        if not isinstance(self.n_rounds, int) or self.n_rounds < 1:
            raise TrainingError(f"n_rounds must be a whole number ≥ 1, got {self.n_rounds!r}")
        taxonomy = self.taxonomy or default_taxonomy()
        self.taxonomy_ = taxonomy
        G = gold_matrix(gold, n, taxonomy.ids)

        progress("matching the taxonomy's phrases", 0.0)
        rule_p, rule = rule_scores(taxonomy, texts)
        weak = np.where(rule, 1.0, np.where(rule_p == 0, 0.0, np.nan))
        known = np.where(np.isnan(G), weak, G)
        weights = np.where(np.isnan(G), 1.0, float(self.gold_weight))
        positives = np.maximum(rule.sum(axis=0), (np.nan_to_num(G) == 1).sum(axis=0))
        self.text_model_ = (positives >= self.min_text_positives) & (n >= MIN_TEXT_DOCUMENTS)

        progress("extracting features (taxonomy phrases hidden)", 0.05)
        X = self._fit_features(texts)
        folds = _linear.multilabel_folds(n, n_splits, self.random_state)
        p_text = np.zeros((n, len(taxonomy)))
        for r in range(self.n_rounds):
            if r:
                known = expand(known, G, rule, p_text, self.expand_above, self.expand_below)
            p_text = self._held_out(X, known, weights, folds, progress, r)

        progress("fitting the final text model", 0.9)
        self.coef_, self.intercept_ = self._fit_text(X, known, weights)
        self.platt_ = self._platt_
        decision = np.where(rule, 1.0, noisy_or(rule_p, p_text))  # a rule's tag is kept
        self.thresholds_, held_out = thresholds_for(
            decision, G, folds, self.text_model_, self.threshold, self.min_gold
        )
        self.classes_ = np.asarray(taxonomy.ids, dtype=object)
        decided = decision >= self.thresholds_
        self.cv_metrics_ = {
            "basis": "gold labels" if np.isfinite(G).any() else "phrase rules only",
            "n_documents": n,
            "n_folds": n_splits,
            "agreement_with_rules": rule_agreement(
                rule,
                p_text >= 0.5,
                taxonomy.ids,
                left_out={
                    t: f"no text model (fewer than {self.min_text_positives} rule positives, "
                    f"or a corpus under {MIN_TEXT_DOCUMENTS} releases): the phrase rules alone"
                    for t, on in zip(taxonomy.ids, self.text_model_, strict=True)
                    if not on
                },
            ),
            "beyond_rules": {
                t: int((decided[:, j] & ~rule[:, j]).sum()) for j, t in enumerate(taxonomy.ids)
            },
            "rule_tagged": {t: int(rule[:, j].sum()) for j, t in enumerate(taxonomy.ids)},
            "text_model": {t: bool(v) for t, v in zip(taxonomy.ids, self.text_model_, strict=True)},
            "thresholds": {
                t: float(v) for t, v in zip(taxonomy.ids, self.thresholds_, strict=True)
            },
            "method": "phrase salience + self-trained tf-idf linear svm (phrases hidden), "
            f"{self.n_rounds} round(s); rule tags kept, others by noisy-or cut at "
            f"{self.threshold} or on gold labels",
            **gold_metrics(G, held_out, taxonomy.ids, self.random_state),
        }
        progress("done", 1.0)
        return self

    def _fit_features(self, texts: list[str]) -> Any:
        from topics.language import analysed_texts
        from topics.themes.mask import phrase_masker

        texts = analysed_texts(texts)  # Korean as morphemes, as _features does at prediction
        params = self.get_params()
        vectorizer = _linear.make_vectorizer(params, len(texts))
        # words only: numbers and dates (a title's year, a release's date) are not themes
        vectorizer.set_params(stop_words="english", token_pattern=TOKEN_PATTERN)
        X = _linear.vectorize(vectorizer, texts, _linear.FIT_AT_MOST)
        keep = phrase_masker(self.taxonomy_).keep(vectorizer.get_feature_names_out())
        self.vectorizer_ = restrict(vectorizer, keep)
        from sklearn.preprocessing import normalize

        return normalize(X[:, np.flatnonzero(keep)])

    def _fit_text(self, X: Any, labels: np.ndarray, weights: np.ndarray) -> tuple[Any, Any]:
        from sklearn.svm import LinearSVC

        k, seed = labels.shape[1], self.random_state
        coef, intercept = np.zeros((X.shape[1], k)), np.full(k, -1.0)
        for j in np.flatnonzero(self.text_model_):
            rows, y, w, cw = fit_rows(labels[:, j], weights[:, j], self.class_weight, seed + j)
            if y.all() or not y.any():
                continue
            svm = LinearSVC(
                C=self.C, class_weight=cw, tol=SVM_TOL, max_iter=5000, random_state=seed
            )
            svm.fit(X[rows], y, sample_weight=w)
            coef[:, j], intercept[j] = svm.coef_[0], svm.intercept_[0]
        return coef, intercept

    def _held_out(self, X, labels, weights, folds, progress, round_) -> np.ndarray:
        """Held-out text probabilities of every release; sets ``_platt_``."""
        scores = np.zeros(labels.shape)
        for f, (train, test) in enumerate(folds):
            progress(
                f"text model, round {round_ + 1}/{self.n_rounds}, fold {f + 1}/{len(folds)}",
                0.05 + 0.85 * (round_ * len(folds) + f) / (self.n_rounds * len(folds)),
            )
            coef, intercept = self._fit_text(X[train], labels[train], weights[train])
            scores[test] = _linear.decision(X[test], coef, intercept)
        platt = np.zeros((2, labels.shape[1]))
        platt[1] = -20.0  # no text model: p_text ≈ 0
        for j in np.flatnonzero(self.text_model_):
            rows = np.flatnonzero(~np.isnan(labels[:, j]))
            platt[:, j] = _linear.fit_platt(scores[rows, j : j + 1], labels[rows, j : j + 1] == 1)[
                :, 0
            ]
        self._platt_ = platt
        return _linear.sigmoid(scores, platt)

    # -- prediction ---------------------------------------------------------------------------

    def _parts(self, texts: Sequence[str], chunks: Any = None) -> tuple[np.ndarray, ...]:
        check_is_fitted(self, "coef_")
        texts = as_texts(texts)
        rule_p, rule = rule_scores(self.taxonomy_, texts, chunks)
        return rule_p, rule, self._calibrated(texts, chunks)

    def predict_proba(self, texts: Sequence[str], chunks: Any = None) -> np.ndarray:
        """Probability of each theme, (n_texts, n_themes); ``chunks``: :mod:`topics._chunks`."""
        rule_p, _, p_text = self._parts(texts, chunks)
        return noisy_or(rule_p, p_text)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Themes at or above their threshold, bool ndarray of shape (n_texts, n_themes)."""
        return self.predict_with_proba(texts)[0]

    def predict_with_proba(self, texts: Sequence[str], chunks: Any = None) -> tuple[Any, Any]:
        """(tags, probabilities): tagged where the phrase rule tags or ``proba ≥ thresholds_``."""
        rule_p, rule, p_text = self._parts(texts, chunks)
        proba = noisy_or(rule_p, p_text)
        return rule | (proba >= self.thresholds_), proba

    def explain(self, texts: Sequence[str]) -> list[dict[str, dict[str, Any]]]:
        """Per text, the evidence of every theme it is tagged with or has a phrase of.

        Returns
        -------
        list of dict, length n_texts
            Theme id → ``tagged`` (bool), ``probability``, ``p_rule``, ``p_text``,
            ``salience``, ``hits`` (``{"phrase", "where", "count"}``, ``where`` in title, lead,
            body) and ``words`` (the text model's strongest terms in this text).
        """
        from topics.themes.match import matcher_for

        texts = as_texts(texts)
        rule_p, rule, p_text = self._parts(texts)
        proba = noisy_or(rule_p, p_text)
        X = self._features(texts)
        names = self.vectorizer_.get_feature_names_out()
        matcher = matcher_for(self.taxonomy_)
        out = []
        for i, text in enumerate(texts):
            rules = matcher.explain(text)
            row = X[i]
            record = {}
            for j, theme in enumerate(self.classes_):
                tagged = bool(rule[i, j] or proba[i, j] >= self.thresholds_[j])
                if not tagged and theme not in rules:
                    continue
                contribution = row.multiply(self.coef_[:, j]).tocsr()
                order = np.argsort(-contribution.data)[:EVIDENCE_WORDS]
                words = [
                    str(names[contribution.indices[o]]) for o in order if contribution.data[o] > 0
                ]
                found = rules.get(theme, {})
                record[str(theme)] = {
                    "tagged": tagged,
                    "probability": round(float(proba[i, j]), 4),
                    "p_rule": round(float(rule_p[i, j]), 4),
                    "p_text": round(float(p_text[i, j]), 4),
                    "salience": found.get("salience", 0.0),
                    "hits": found.get("hits", []),
                    "words": words,
                }
            out.append(record)
        return out

    # -- persistence ----------------------------------------------------------------------------

    def _extra_meta(self) -> dict[str, Any]:
        # the default taxonomy as it was at fit time; a given taxonomy is saved as a parameter
        default = None if self.taxonomy is not None else self.taxonomy_.to_dict()
        return {
            "default_taxonomy_": default,
            "text_model_": [bool(v) for v in self.text_model_],
        }

    def _set_extra_meta(self, meta: dict[str, Any]) -> None:
        from topics.themes import Taxonomy

        default = meta["default_taxonomy_"]
        self.taxonomy_ = (
            self.taxonomy
            if default is None
            else Taxonomy.from_dict(default, source="theme tagger (default taxonomy)")
        )
        self.text_model_ = np.asarray(meta["text_model_"], dtype=bool)
