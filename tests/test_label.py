"""Hand-coding a sample (issue 12): the sampler, the labels file, the page, evaluate, train."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_inputs
from typer.testing import CliRunner

import topics
from topics.annotate import draw_sample, evidence_spans, page_data, render_page, sample_csv
from topics.annotate.sample import allocate, inclusion_probabilities, pareto_draw
from topics.cli import app
from topics.errors import ThemeError
from topics.themes import read_labels, read_labels_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
runner = CliRunner()


# --- the design ------------------------------------------------------------------------------


def test_allocation_gives_every_stratum_one_and_the_rest_by_square_root():
    sizes = np.array([400, 100, 25, 3, 1])
    alloc = allocate(sizes, 40)
    assert alloc.sum() == 40 and (alloc >= 1).all() and (alloc <= sizes).all()
    assert alloc[0] > alloc[1] > alloc[2]  # more where there is more,
    assert alloc[0] / alloc[2] < sizes[0] / sizes[2]  # but less than proportionally
    assert allocate(np.array([2, 3]), 5).tolist() == [2, 3]  # all of a small population


def test_inclusion_probabilities_sum_to_the_allocation_and_cap_at_one():
    size = np.array([1.0, 1.0, 1.0, 20.0, 1.0])
    pi = inclusion_probabilities(size, 3)
    assert pi.sum() == pytest.approx(3) and pi.max() == 1.0 and pi[3] == 1.0
    assert np.allclose(pi[[0, 1, 2, 4]], 0.5)


def test_pareto_draws_have_fixed_size_and_the_target_inclusion_probabilities():
    rng = np.random.default_rng(0)
    size = 1 + 2 * rng.random(30)
    pi = inclusion_probabilities(size, 8)
    hits = np.zeros(30)
    for _ in range(4000):
        drawn = pareto_draw(pi, 8, rng)
        assert len(drawn) == 8 and len(set(drawn)) == 8
        hits[drawn] += 1
    assert np.abs(hits / 4000 - pi).max() < 0.03


def _planted(n_docs: int = 1500, seed: int = 0):
    inputs = synthetic_inputs(n_docs, seed=seed)
    docs = inputs.corpus[~inputs.corpus["is_duplicate"]].reset_index(drop=True)
    keep = ~inputs.corpus["is_duplicate"].to_numpy()
    preds = inputs.predictions()
    from dataclasses import replace

    preds = replace(
        preds,
        theme_probs=preds.theme_probs[keep].reset_index(drop=True),
        theme_labels=preds.theme_labels[keep].reset_index(drop=True),
        topics=None,
        topic_labels=None,
    )
    return docs, preds


def test_sample_is_stratified_seeded_and_weighted():
    docs, preds = _planted()
    sample = draw_sample(docs, preds, 120, seed=3)
    frame = sample.frame
    assert len(frame) == 120 and frame["id"].is_unique
    assert sample.design["strata_by"] == "time and theme"
    drawn = {s["stratum"] for s in sample.design["strata"] if s["drawn"]}
    assert drawn == set(frame["stratum"]) and len(drawn) == len(sample.design["strata"])
    assert np.allclose(frame["weight"], 1 / frame["inclusion"])
    # the weights stand for the population: their sum estimates its size
    assert frame["weight"].sum() == pytest.approx(len(docs), rel=0.15)
    again = draw_sample(docs, preds, 120, seed=3)
    pd.testing.assert_frame_equal(frame, again.frame)
    other = draw_sample(docs, preds, 120, seed=4)
    assert set(other.frame["id"]) != set(frame["id"])
    # uncertain releases are over-sampled
    u_all = (4 * preds.theme_probs * (1 - preds.theme_probs)).max(axis=1)
    assert frame["uncertainty"].mean() > u_all.mean()


def test_weighted_error_rates_of_the_sample_estimate_the_corpus_rates():
    """The sample over-draws rare themes and uncertain releases, where the tagger's recall
    differs: unweighted sensitivities are biased, weighted ones are not."""
    from topics.trends.correct import error_rates

    docs, preds = _planted(3000, seed=1)
    rng = np.random.default_rng(5)
    probs = preds.theme_probs.to_numpy()
    truth = pd.DataFrame(rng.random(probs.shape) < probs, columns=preds.theme_ids)
    everyone = error_rates(truth, preds.theme_labels)
    weighted, unweighted = [], []
    for seed in range(20):
        sample = draw_sample(docs, preds, 300, seed=seed)
        rows = sample.frame["row"].to_numpy()
        t = truth.iloc[rows].reset_index(drop=True)
        y = preds.theme_labels.iloc[rows].reset_index(drop=True)
        weighted.append(error_rates(t, y, sample.frame["weight"].to_numpy()))
        unweighted.append(error_rates(t, y))

    def bias(draws: list) -> float:
        return float(
            np.mean(
                [
                    abs(np.mean([d[k].sensitivity for d in draws]) - everyone[k].sensitivity)
                    for k in everyone
                ]
            )
        )

    assert bias(weighted) < 0.015 and bias(unweighted) > 0.03


def test_too_small_a_sample_drops_time_then_theme_strata():
    docs, preds = _planted(400)
    assert draw_sample(docs, preds, 7).design["strata_by"] in ("theme", "none")
    assert draw_sample(docs, preds, 1).design["strata_by"] == "none"
    assert len(draw_sample(docs, preds, 10_000).frame) == len(docs)


# --- the labels file -------------------------------------------------------------------------


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"id": ["a1", "b2", "c3", "d4"], "title": ["One", "Two", "Three", "Four"]})


def test_labels_file_keeps_unsure_codes_weights_and_skips_uncoded(tmp_path: Path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "id,title,themes,unsure,weight\n"
        "a1,One,trade;energy,,2.5\n"
        "b2,Two,,yes,1\n"
        "c3,Three,energy,trade,4\n"
        "d4,Four,?,,3\n",
        "utf-8",
    )
    gold = read_labels(path, _frame(), ["trade", "energy"])
    assert gold.uncoded == 1 and list(gold.codes.index) == ["a1", "b2", "c3"]
    assert gold.codes.loc["a1"].tolist() == [1.0, 1.0]
    assert gold.codes.loc["b2"].isna().all()
    assert np.isnan(gold.codes.at["c3", "trade"]) and gold.codes.at["c3", "energy"] == 1.0
    assert gold.weights.tolist() == [2.5, 1.0, 4.0] and gold.weighted
    # the bool view used for training leaves unsure releases out
    assert list(read_labels_file(path, _frame(), ["trade", "energy"]).index) == ["a1"]


def test_labels_file_weight_errors_name_the_line(tmp_path: Path):
    path = tmp_path / "labels.csv"
    path.write_text("id,themes,weight\na1,trade,-1\n", "utf-8")
    with pytest.raises(ThemeError, match="line 2: weight must be a positive number"):
        read_labels(path, _frame(), ["trade"])
    path.write_text("id,themes,weight\na1,trade,heavy\n", "utf-8")
    with pytest.raises(ThemeError, match="line 2: weight must be a number"):
        read_labels(path, _frame(), ["trade"])
    path.write_text("id,themes,unsure\na1,trade,fish\n", "utf-8")
    with pytest.raises(ThemeError, match="unknown theme id"):
        read_labels(path, _frame(), ["trade"])


def test_json_labels_carry_unsure_and_weight(tmp_path: Path):
    path = tmp_path / "labels.json"
    path.write_text(
        json.dumps([{"id": "a1", "themes": ["trade"], "unsure": True, "weight": 2}]), "utf-8"
    )
    gold = read_labels(path, _frame(), ["trade"])
    assert gold.codes.isna().all().all() and gold.weights.tolist() == [2.0]


# --- the page --------------------------------------------------------------------------------


def test_evidence_spans_mark_inflected_phrases_without_overlap():
    text = "Critical minerals and critical-mineral supply chains; chips."
    spans = evidence_spans(
        text, {"minerals": ["critical mineral"], "chains": ["supply chain", "chain"]},
        ["minerals", "chains"],
    )  # fmt: skip
    marked = [(text[s:e], j) for s, e, j in spans]
    assert marked == [
        ("Critical minerals", 0), ("critical-mineral", 0), ("supply chains", 1),
    ]  # fmt: skip


def test_page_escapes_everything_and_requests_nothing():
    docs, preds = _planted(300)
    evil = '</script><img src="http://example.com/x" onerror="alert(1)">'
    docs = docs.assign(title=[f"{t} {evil}" for t in docs["title"]])
    sample = draw_sample(docs, preds, 5)
    html = render_page(page_data(sample, {**preds.theme_names, "trade": f"Trade {evil}"}))
    assert evil not in html and "<img" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    block = re.search(
        r'<script type="application/json" id="sample-data">(.*?)</script>', html, re.S
    )
    data = json.loads(block.group(1))
    assert len(data["releases"]) == 5 and data["releases"][0]["title"].endswith(evil)
    assert "Content-Security-Policy" in html


def test_sample_sheet_is_a_labels_file_once_coded(tmp_path: Path):
    docs, preds = _planted(300)
    sample = draw_sample(docs, preds, 6, seed=1)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(sample_csv(sample), "utf-8")
    gold = read_labels(sheet, docs, preds.theme_ids)
    assert gold.uncoded == 6 and len(gold.codes) == 0  # nothing coded yet
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    rows[0]["themes"], rows[1]["themes"] = "trade", ""
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    gold = read_labels(sheet, docs, preds.theme_ids)
    assert gold.uncoded == 4 and len(gold.codes) == 2
    assert gold.weights.tolist() == pytest.approx(sample.frame["weight"].iloc[:2].tolist(), 1e-5)


# --- commands on the seeds -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("label") / "model"
    topics.train(topics.load_corpus(SEEDS), topic_model=False, seed=0).save(path)
    return path


def _code(sheet: Path, out: Path) -> None:
    """Code a sheet: the first suggested theme of each release (so some are missed)."""
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    for i, r in enumerate(rows):
        suggested = [t for t in r["suggested"].split(";") if t]
        r["themes"] = ";".join(suggested[:1])
        r["unsure"] = "yes" if i == 0 else ""
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_label_evaluate_train_report_on_the_seeds(seeds_model: Path, tmp_path: Path):
    sheet, coded = tmp_path / "sheet.csv", tmp_path / "coded.csv"
    result = runner.invoke(
        app, ["label", "--model", str(seeds_model), "--n", "12", "--format", "csv",
              "-o", str(sheet), "--seed", "2", "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"Labels sheet written to {sheet}"
    again = runner.invoke(app, ["label", "--model", str(seeds_model), "-o", str(sheet), "-q"])
    assert again.exit_code == 1 and "already exists" in again.output
    _code(sheet, coded)

    result = runner.invoke(
        app, ["evaluate", "--model", str(seeds_model), "--theme-labels", str(coded), "--json"]
    )
    assert result.exit_code == 0, result.output
    themes = json.loads(result.output)["themes"]
    assert themes["n_documents"] == 11 and themes["unsure"] == 1 and themes["weighted"]
    assert themes["wrong"] and all(r["tagged_wrongly"] for r in themes["wrong"])
    assert all("evidence" in r and r["title"] for r in themes["wrong"])
    some = next(iter(themes["per_class"].values()))
    assert {"precision", "precision_ci", "recall_ci", "f1_ci", "support"} <= set(some)
    text = runner.invoke(
        app, ["evaluate", "--model", str(seeds_model), "--theme-labels", str(coded)]
    )
    assert "Releases it got wrong" in text.output and "bootstrap" in text.output

    trained = tmp_path / "validated"
    result = runner.invoke(
        app, ["train", "--no-topics", "--theme-labels", str(coded), "-o", str(trained), "-q"]
    )
    assert result.exit_code == 0, result.output
    model = topics.load(trained)
    assert model.validation["n_coded"] == 11 and model.validation["weighted"]
    assert model.validation["method"].startswith("held out")
    assert set(model.validation["error_rates"]) == set(model.theme_ids)
    info = runner.invoke(app, ["info", str(trained)])
    assert "Validation: error rates measured on 11 hand-coded releases" in info.output

    out = tmp_path / "report" / "trends.html"
    result = runner.invoke(app, ["report", "-m", str(trained), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert "Theme shares are <strong>corrected</strong>" in page
    assert 'id="accuracy-table"' in page and 'id="show-raw"' in page
    table = pd.read_csv(out.with_suffix(".csv"))
    assert {"share_raw", "raw_lower", "raw_upper", "corrected"} <= set(table.columns)
    assert table.loc[table["kind"] == "theme", "corrected"].any()
    assert not table.loc[table["kind"] == "topic", "corrected"].any()


def test_held_out_validation_never_tags_a_release_with_a_model_that_saw_it():
    """A tagger that only remembers its training releases is perfect in-sample; held out, it
    finds none of the coded positives."""
    from topics.evaluate.validation import held_out_validation

    class Memory:
        def __init__(self, texts: list[str], Y: np.ndarray) -> None:
            self.seen = {t: y for t, y in zip(texts, Y, strict=True)}

        def predict(self, texts: list[str]) -> np.ndarray:
            return np.array([self.seen.get(t, [False]) for t in texts]).reshape(len(texts), 1)

    texts = [f"release {i}" for i in range(40)]
    targets = (np.arange(40) % 2 == 0)[:, None]
    coded_rows = np.arange(0, 40, 4)
    codes = pd.DataFrame({"a": targets[coded_rows, 0].astype(float)})
    record = held_out_validation(
        Memory, texts, targets, coded_rows, codes, None, source="x.csv", folds=5
    )
    rates = record["error_rates"]["a"]
    assert rates["tp"] + rates["fn"] == 10 and rates["sensitivity"] == 0.0
    assert record["n_coded"] == 10 and record["method"].startswith("held out: 5-fold")


def test_bootstrap_scores_point_estimates_intervals_unsure_and_weights():
    from topics.evaluate.validation import bootstrap_scores

    # theme a: 30 coded positives (24 tagged), 70 negatives (7 tagged); b unsure on 10
    truth = np.r_[np.ones(30), np.zeros(70)]
    tagged_a = np.r_[np.ones(24), np.zeros(6), np.ones(7), np.zeros(63)].astype(bool)
    codes = np.column_stack([truth, truth])
    codes[:10, 1] = np.nan
    tagged = np.column_stack([tagged_a, tagged_a])
    scores = bootstrap_scores(codes, tagged, ["a", "b"], seed=1)
    a = scores["per_class"]["a"]
    assert a["precision"] == pytest.approx(24 / 31, abs=1e-4)
    assert a["recall"] == pytest.approx(0.8) and a["support"] == 30 and a["coded"] == 100
    low, high = a["recall_ci"]
    assert low < 0.8 < high and high - low < 0.35
    assert scores["per_class"]["b"]["coded"] == 90 and scores["n_documents"] == 100
    assert not scores["weighted"]
    # weights: the tagged negatives count ten times as much, so precision falls
    weights = np.where(~truth.astype(bool) & tagged_a, 10.0, 1.0)
    weighted = bootstrap_scores(codes, tagged, ["a", "b"], weights, seed=1)
    assert weighted["per_class"]["a"]["precision"] == pytest.approx(24 / 94, abs=1e-4)
    assert weighted["weighted"]


def test_bootstrap_scores_of_nothing_coded_are_empty_not_an_error():
    from topics.evaluate.validation import bootstrap_scores

    scores = bootstrap_scores(np.full((3, 1), np.nan), np.zeros((3, 1), bool), ["a"])
    assert scores["n_documents"] == 0 and scores["per_class"]["a"]["f1_ci"] is None


def test_evaluating_a_sheet_with_nothing_coded_is_a_clear_error(seeds_model: Path, tmp_path):
    sheet = tmp_path / "sheet.csv"
    result = runner.invoke(
        app, ["label", "--model", str(seeds_model), "--n", "3", "--format", "csv",
              "-o", str(sheet), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["evaluate", "--model", str(seeds_model), "--theme-labels", str(sheet)]
    )
    assert result.exit_code == 1 and "no release is coded" in result.output
