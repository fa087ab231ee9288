"""LabelClassifier's model search, class priors (EM), context blocks and reported metrics."""

from __future__ import annotations

import numpy as np
import pytest

from topics.classify import LabelClassifier, _priors, select
from topics.classify.metrics import confusion_matrix, interval_scores
from topics.errors import TrainingError
from topics.evaluate import evaluate_classifier

SHARED = [
    "the",
    "ministry",
    "said",
    "on",
    "monday",
    "that",
    "korea",
    "and",
    "partners",
    "will",
    "discuss",
    "plans",
]
POOLS = {
    "yes": ["tariff", "quota", "safeguard", "dumping", "duty", "barrier"],
    "no": ["festival", "museum", "concert", "visit", "tourism", "culture"],
}
FIXED = {"features": "words", "C": 1.0, "class_weight": None}


def documents(counts: dict[str, int], seed: int, signal: float = 0.25) -> tuple[list, list]:
    """Texts of 12 words, each word from its class's pool with probability ``signal``."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for label, count in counts.items():
        for _ in range(count):
            own = rng.random(12) < signal
            words = [rng.choice(POOLS[label]) if o else rng.choice(SHARED) for o in own]
            texts.append(" ".join(words))
            labels.append(label)
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], [labels[i] for i in order]


def test_search_is_recorded_and_deterministic(tmp_path):
    texts, labels = documents({"yes": 60, "no": 60}, seed=1)
    kwargs = {"features": "words", "class_weight": None, "random_state": 3}
    a = LabelClassifier(**kwargs).fit(texts, labels)
    b = LabelClassifier(**kwargs).fit(texts, labels)
    assert a.config_ == b.config_ and a.search_ == b.search_
    assert a.config_["C"] in select.C_GRID and a.config_["features"] == "words"
    table = a.search_["table"]
    assert {row["C"] for row in table if row["round"] == 0} == set(select.C_GRID)
    assert {"mean_score", "std_score", "n_documents", "round"} <= set(table[0])
    # the simplest configuration of the last round within one standard error of its best
    final = [row for row in table if row["round"] == max(r["round"] for r in table)]
    top = max(final, key=lambda row: row["mean_score"])
    near = [r for r in final if r["mean_score"] >= top["mean_score"] - top["std_score"] / 3**0.5]
    assert a.config_["C"] == min(r["C"] for r in near)
    metrics = a.cv_metrics_
    assert metrics["method"].startswith("nested 3-fold")
    assert metrics["config"] == a.config_
    assert np.array(metrics["confusion"]["matrix"]).sum() == len(texts)
    low, high = metrics["intervals"]["macro_f1"]
    assert low <= metrics["macro_f1"] <= high
    scored = evaluate_classifier(a, texts, labels)  # `topics evaluate --json` reports the same
    assert np.array(scored["confusion"]["matrix"]).trace() == round(scored["accuracy"] * 120)
    assert set(scored["intervals"]["per_class"]) == {"no", "yes"}
    assert np.array_equal(a.predict_proba(texts), b.predict_proba(texts))
    a.save(tmp_path)
    loaded = LabelClassifier.load(tmp_path)
    assert loaded.config_ == a.config_ and loaded.search_ == a.search_
    assert np.array_equal(loaded.predict_proba(texts), a.predict_proba(texts))


def test_plan_fits_the_budget():
    # the default budget grows with the documents, and with the classes above 20
    assert select.default_budget(2000, 5) == select.default_budget(2000, 20)
    assert select.default_budget(4000, 20) > select.default_budget(2000, 20)
    assert select.default_budget(2000, 90) - 20 == pytest.approx(
        4.5 * (select.default_budget(2000, 20) - 20)
    )
    every = {
        "feature_sets": list(select.FEATURE_SETS),
        "c_grid": select.C_GRID,
        "class_weights": select.CLASS_WEIGHTS,
    }
    roomy = select.plan_search(500, 500 * 300, 4, 1e6, searches=4, fits=4, **every)
    assert roomy.feature_sets == list(select.FEATURE_SETS) and not roomy.notes
    assert roomy.max_resources == 500 and roomy.n_candidates == 30
    tight = select.plan_search(20_000, 20_000 * 2000, 20, 60.0, searches=1, fits=2, **every)
    assert tight.feature_sets == ["words"] and tight.max_resources < 20_000 and tight.notes
    # searching on fewer documents comes before dropping the character n-grams
    middle = select.plan_search(20_000, 20_000 * 2000, 20, 300.0, searches=1, fits=2, **every)
    assert middle.feature_sets == list(select.FEATURE_SETS)
    assert select.MIN_SEARCH_DOCUMENTS <= middle.max_resources < 20_000
    assert middle.estimated_seconds <= 300.0
    assert tight == select.plan_search(20_000, 20_000 * 2000, 20, 60.0, searches=1, fits=2, **every)


def test_search_sample_is_stratified_and_drops_only_unused_columns():
    from scipy import sparse
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(2)
    X = sparse.csr_matrix(rng.random((60, 30)) * (rng.random((60, 30)) < 0.1))
    y = np.asarray(["a", "b", "c"] * 20, dtype=object)
    spans = {"words": (0, 20), "chars": (20, 30)}
    small, y_small, compact = select._sample(X, y, spans, 30, False, 0)
    assert compact["chars"][1] == small.shape[1]
    assert small.shape[0] == 30 and list(np.unique(y_small, return_counts=True)[1]) == [10] * 3
    assert (small.getnnz(axis=0) > 0).all()  # every kept column is used
    used = X.getnnz(axis=0) > 0
    every, y_every, spans_every = select._sample(X, y, spans, 60, False, 0)
    assert every.shape == (60, used.sum()) and (y_every == y).all()
    assert spans_every == {"words": (0, used[:20].sum()), "chars": (used[:20].sum(), used.sum())}
    # an SVM on the used columns decides as one on every column
    narrow = LinearSVC(random_state=0).fit(every, y).decision_function(every)
    assert np.allclose(narrow, LinearSVC(random_state=0).fit(X, y).decision_function(X))


def test_complement_nb_blend_is_sklearns_complement_nb_rescaled():
    from scipy import sparse
    from sklearn.naive_bayes import ComplementNB

    from topics.classify import _linear

    rng = np.random.default_rng(0)
    X = sparse.csr_matrix(rng.random((40, 7)) * (rng.random((40, 7)) < 0.5))
    y = np.arange(40) % 3
    Y = np.stack([y == c for c in range(3)], axis=1)
    coef, intercept = rng.normal(size=(7, 3)), rng.normal(size=3)
    added = _linear.blend_complement_nb(X, Y, coef, intercept) - coef
    reference = ComplementNB(alpha=_linear.NB_ALPHA).fit(X, y).feature_log_prob_.T
    reference = reference - reference.mean(axis=1, keepdims=True)
    scale = added[0, 0] / reference[0, 0]
    assert scale > 0 and np.allclose(added, scale * reference)
    # rescaled so that the naive Bayes scores spread as the SVM's do
    svm = X @ coef + intercept
    nb = X @ added
    centred = lambda s: s - s.mean(axis=1, keepdims=True)  # noqa: E731
    assert np.std(centred(nb)) == pytest.approx(_linear.NB_WEIGHT * np.std(centred(svm)))


def test_multiclass_svms_are_one_liblinear_call_with_absent_classes_kept():
    from scipy import sparse
    from sklearn.svm import LinearSVC

    from topics.classify import _linear

    rng = np.random.default_rng(1)
    X = sparse.csr_matrix(rng.random((30, 6)) * (rng.random((30, 6)) < 0.6))
    y = np.arange(30) % 3
    Y = np.stack([y == c for c in (0, 1, 2, 3)], axis=1)  # class 3 has no document
    kwargs = {"C": 1.0, "class_weight": "balanced", "random_state": 0}
    coef, intercept = _linear.fit_multiclass(X, Y, **kwargs)
    svm = LinearSVC(tol=_linear.MULTICLASS_TOL, **kwargs).fit(X, y)
    assert np.array_equal(coef[:, :3], svm.coef_.T) and np.array_equal(
        intercept[:3], svm.intercept_
    )
    assert not coef[:, 3].any() and intercept[3] < 0
    # two classes: one SVM, mirrored; one class: nothing to learn
    two, two_intercept = _linear.fit_multiclass(X, Y[:, [0, 1]] | Y[:, [2, 2]], **kwargs)
    assert np.array_equal(two[:, 0], -two[:, 1]) and two_intercept[0] == -two_intercept[1]
    lone, lone_intercept = _linear.fit_multiclass(
        X, np.ones((30, 2), bool) & [True, False], **kwargs
    )
    assert not lone.any() and lone_intercept[0] > 0 > lone_intercept[1]


def test_character_blocks_survive_save_and_load(tmp_path):
    texts, labels = documents({"yes": 40, "no": 40}, seed=8)
    model = LabelClassifier(features="words+chars", C=1.0, class_weight=None).fit(texts, labels)
    assert model.block_names_ == ["words", "chars"]
    model.save(tmp_path)
    loaded = LabelClassifier.load(tmp_path)
    probe = [*texts[:10], "tariffs élevés on steel", ""]
    assert np.array_equal(loaded.predict_proba(probe), model.predict_proba(probe))


def test_planted_prior_shift_is_recovered():
    train, train_labels = documents({"yes": 150, "no": 150}, seed=2)
    archive, truth = documents({"yes": 40, "no": 360}, seed=3)
    labels = train_labels + [None] * len(archive)
    plain = LabelClassifier(**FIXED).fit(train + archive, labels)
    adjusted = LabelClassifier(**FIXED, priors="estimate").fit(train + archive, labels)
    assert np.allclose(plain.train_priors_, [0.5, 0.5])
    estimated = dict(zip(adjusted.classes_, adjusted.priors_, strict=True))
    assert estimated["yes"] == pytest.approx(0.1, abs=0.06)
    assert plain.estimate_priors(archive) == pytest.approx(estimated)
    accuracy = {
        name: np.mean(np.asarray(model.predict(archive)) == np.asarray(truth))
        for name, model in (("plain", plain), ("adjusted", adjusted))
    }
    assert accuracy["adjusted"] > accuracy["plain"]
    # the same documents get fewer "yes" decisions: the decision follows the priors
    assert (np.asarray(adjusted.predict(archive)) == "yes").sum() < (
        np.asarray(plain.predict(archive)) == "yes"
    ).sum()
    given = LabelClassifier(**FIXED, priors={"yes": 1, "no": 9}).fit(train, train_labels)
    assert given.priors_ == pytest.approx([0.9, 0.1])  # classes_ order: no, yes
    assert np.allclose(given.predict_proba(archive).sum(axis=1), 1)


def test_prior_errors_are_clear():
    texts, labels = documents({"yes": 20, "no": 20}, seed=4)
    with pytest.raises(TrainingError, match="without a label"):
        LabelClassifier(**FIXED, priors="estimate").fit(texts, labels)
    with pytest.raises(TrainingError, match="do not fit the classes"):
        LabelClassifier(**FIXED, priors={"maybe": 1.0}).fit(texts, labels)
    with pytest.raises(TrainingError, match="no share for"):
        LabelClassifier(**FIXED, priors={"yes": 1.0}).fit(texts, labels)
    with pytest.raises(TrainingError, match="single-label"):
        LabelClassifier(**FIXED, priors="estimate").fit(texts, [[x] for x in labels])


def test_em_priors_by_hand():
    # two documents certain of their class, two undecided: the estimate stays at the truth
    proba = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.5, 0.5]])
    assert _priors.em_priors(proba, np.array([0.5, 0.5])) == pytest.approx([0.5, 0.5])
    skewed = np.array([[0.9, 0.1]] * 9 + [[0.2, 0.8]])
    estimate = _priors.em_priors(skewed, np.array([0.5, 0.5]))
    assert estimate[0] > 0.9 and estimate.sum() == pytest.approx(1)


def test_context_columns_are_separate_blocks(tmp_path):
    noise, labels = documents({"yes": 40, "no": 40}, seed=5, signal=0.0)
    cues, _ = documents({"yes": 40, "no": 40}, seed=5, signal=0.9)
    context = {"before": cues}
    model = LabelClassifier(**FIXED, context_columns=["before"]).fit(noise, labels, context=context)
    assert model.block_names_ == ["words", "context:before"]
    assert model.cv_metrics_["accuracy"] > 0.9
    assert np.mean(np.asarray(model.predict(noise, context=context)) == labels) > 0.9
    model.save(tmp_path)
    loaded = LabelClassifier.load(tmp_path)
    assert loaded.predict(noise, context=context) == model.predict(noise, context=context)
    with pytest.raises(TrainingError, match="no context column 'before'"):
        LabelClassifier(**FIXED, context_columns=["before"]).fit(noise, labels)


def test_interval_and_confusion_by_hand():
    truth = ["a", "a", "b", "b", "b"]
    predicted = ["a", "b", "b", "b", "a"]
    assert confusion_matrix(truth, predicted, ["a", "b"])["matrix"] == [[1, 1], [1, 2]]
    T = np.array([[t == c for c in "ab"] for t in truth])
    P = np.array([[p == c for c in "ab"] for p in predicted])
    intervals = interval_scores(T, P, ["a", "b"])
    low, high = intervals["per_class"]["b"]["recall"]
    assert 0 <= low <= 2 / 3 <= high <= 1
    assert intervals == interval_scores(T, P, ["a", "b"])  # fixed seed


def _labelled_csv(tmp_path, n_labelled: int = 40, n_archive: int = 40) -> str:
    import pandas as pd

    texts, labels = documents({"yes": n_labelled // 2, "no": n_labelled // 2}, seed=6)
    archive, _ = documents({"yes": n_archive // 4, "no": n_archive - n_archive // 4}, seed=7)
    rows = [
        {"title": f"release {i}", "text": t, "stance": y, "before": f"note {y}"}
        for i, (t, y) in enumerate(zip(texts, labels, strict=True))
    ]
    rows += [
        {"title": f"archive {i}", "text": t, "stance": "", "before": "note"}
        for i, t in enumerate(archive)
    ]
    path = tmp_path / "coded.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def test_cli_train_search_priors_and_info(tmp_path):
    import json

    from typer.testing import CliRunner

    from topics.cli import app

    runner = CliRunner()
    data, out = _labelled_csv(tmp_path), tmp_path / "model"
    base = ["train", data, "--label-column", "stance", "--no-topics", "--quiet"]
    bad = runner.invoke(app, [*base, "--out", str(out), "--budget", "soon"])
    assert bad.exit_code == 2 and "--budget" in bad.output
    bad = runner.invoke(app, [*base, "--out", str(out), "--priors", "yes"])
    assert bad.exit_code == 2 and "--priors" in bad.output
    bad = runner.invoke(app, [*base, "--out", str(out), "--context-columns", "after"])
    assert bad.exit_code == 1 and "no context column 'after'" in bad.output
    args = [*base, "--out", str(out), "--budget", "3", "--priors", "estimate"]
    result = runner.invoke(app, [*args, "--context-columns", "before", "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)["manifest"]["metrics"]["label:stance"]
    assert metrics["search"]["budget_seconds"] == 3.0 and metrics["config"]
    assert np.array(metrics["confusion"]["matrix"]).sum() == metrics["n_scored"]
    info = runner.invoke(app, ["info", str(out)])
    assert info.exit_code == 0, info.output
    assert "chosen: features" in info.output and "Confusion" in info.output


def test_default_budget_tries_characters_on_a_large_corpus():
    # 20 Newsgroups' shape (11,314 posts of about 1,800 characters, 20 classes, held-out mode):
    # the default budget leaves room for character n-grams and the whole C grid, searched on a
    # sample
    sets = {"feature_sets": list(select.AUTO_FEATURE_SETS), "c_grid": select.C_GRID}
    single = {"class_weights": select.CLASS_WEIGHTS, "searches": 1, "fits": 2}
    n, length = 11_314, 1_792
    plan = select.plan_search(n, n * length, 20, select.default_budget(n, 20), **sets, **single)
    assert plan.feature_sets == list(select.AUTO_FEATURE_SETS)
    assert plan.c_grid == list(select.C_GRID)
    assert select.MIN_SEARCH_DOCUMENTS <= plan.max_resources < n
    assert plan.estimated_seconds <= plan.budget
    # a small nested corpus (BBC News' shape: 1,780 documents, 5 classes, 4 searches) keeps
    # words only: four searches with characters would cost several times its budget
    nested = {"class_weights": select.CLASS_WEIGHTS, "searches": 4, "fits": 4}
    n, length = 1_780, 2_264
    plan = select.plan_search(n, n * length, 5, select.default_budget(n, 5), **sets, **nested)
    assert plan.feature_sets == ["words"] and plan.max_resources == n
