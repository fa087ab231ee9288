"""Context columns at prediction time: a label classifier trained with ``--context-columns``
reads them when it predicts (Model.predict, the corpus pipeline, topics predict on a table,
topics evaluate), gives the same answers after a save and load, and names a missing column."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import topics
from topics.cli import app
from topics.errors import CorpusError
from topics.pipeline import predict_corpus

# The release itself says nothing about its stance: only the note before it does.
WORDS = ["ministry", "minister", "korea", "partners", "discuss", "plans", "export", "industry"]
WORDS += ["energy", "meeting", "investment", "agreement", "cooperation", "growth", "supply"]
CUES = {"yes": "tariff quota safeguard dumping duty", "no": "festival museum concert tourism"}


def _table(n: int, seed: int, *, flip: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stance = rng.choice(["yes", "no"], size=n)
    cue = [CUES[("no" if s == "yes" else "yes") if flip else s] for s in stance]
    return pd.DataFrame(
        {
            "id": [f"r{seed}-{i}" for i in range(n)],
            "title": [" ".join(rng.choice(WORDS, size=4)) for _ in range(n)],
            "text": [" ".join(rng.choice(WORDS, size=25)) for _ in range(n)],
            "date": "2024-01-02",
            "stance": stance,
            "before": cue,
        }
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("context")
    train_csv = root / "train.csv"
    _table(60, seed=1).to_csv(train_csv, index=False)
    model = topics.train(
        train_csv,
        label_columns=["stance"],
        context_columns=["before"],
        topic_model=False,
        budget=3,
        out=root / "model",
    )
    return root, model


def test_the_context_decides_and_survives_save_and_load(trained):
    root, model = trained
    new = _table(40, seed=2)
    texts = [f"{t}. {b}" for t, b in zip(new["title"], new["text"], strict=True)]
    said = model.predict(texts, context={"before": new["before"]}, evidence=False)
    assert np.mean(np.asarray(said.labels["stance"]) == new["stance"].to_numpy()) > 0.95
    # the same release with the other note: the other stance
    flipped = model.predict(texts, context={"before": _table(40, 2, flip=True)["before"]})
    assert np.mean(np.asarray(flipped.labels["stance"]) != new["stance"].to_numpy()) > 0.95
    loaded = topics.load(root / "model")
    again = loaded.predict(texts, context=new[["before"]], evidence=False)
    assert again.labels["stance"] == said.labels["stance"]
    np.testing.assert_array_equal(again.label_probs["stance"], said.label_probs["stance"])
    assert loaded.context_columns == ["before"]


def test_a_missing_context_column_is_named(trained):
    root, model = trained
    with pytest.raises(CorpusError, match=r"'stance'.*no context column 'before'"):
        model.predict(["a release"])
    assert model.predict(["a release"], labels=False).labels == {}
    frame = topics.load_corpus(_csv(root, _table(5, 3).drop(columns="before"))).frame
    with pytest.raises(CorpusError, match=r"lacks\.csv: no column 'before'.*--context-columns"):
        predict_corpus(model, frame)


def _csv(root, table: pd.DataFrame, name: str = "lacks.csv"):
    path = root / name
    table.to_csv(path, index=False)
    return path


def test_the_pipeline_and_evaluate_read_the_corpus_context(trained):
    root, model = trained
    new = _table(30, seed=4)
    corpus = topics.load_corpus(_csv(root, new, "new.csv"))
    tagged = predict_corpus(model, corpus.frame)
    assert np.mean(np.asarray(tagged.labels["stance"]) == new["stance"].to_numpy()) > 0.95
    scores = topics.evaluate_model(model, corpus, label_columns=["stance"])["label:stance"]
    assert scores["accuracy"] > 0.95 and scores["n_documents"] == 30


def test_cli_predicts_a_table_with_its_context(trained):
    root, _ = trained
    new = _table(12, seed=5)
    path = root / "table.jsonl"
    new.to_json(path, orient="records", lines=True)
    runner = CliRunner()
    model = ["--model", str(root / "model")]
    result = runner.invoke(
        app, ["predict", "--file", str(path), *model, "--id-column", "id", "--json"]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["source_id"] for r in records] == new["id"].tolist()
    assert [r["stance"] for r in records] == new["stance"].tolist()
    assert "12" in result.stderr  # the corpus accounting goes to stderr beside --json
    shown = runner.invoke(app, ["predict", "--file", str(path), *model])
    assert shown.exit_code == 0 and "stance" in shown.stdout
    lacking = _csv(root, new.drop(columns="before"), "lacking.csv")
    bad = runner.invoke(app, ["predict", "--file", str(lacking), *model])
    assert bad.exit_code == 1
    assert "lacking.csv: no column 'before'" in bad.output
    plain = runner.invoke(app, ["predict", "some release", *model])
    assert plain.exit_code == 1 and "no context column 'before'" in plain.output


def test_the_report_reads_the_context_or_names_the_missing_column(trained, tmp_path):
    root, model = trained
    dated = _table(20, seed=6).assign(date=pd.date_range("2023-01-01", periods=20, freq="MS"))
    written = topics.build_report(model, _csv(root, dated, "dated.csv"), out=tmp_path / "r.html")
    assert written["html"].is_file()
    lacking = _csv(root, dated.drop(columns="before"), "undated-context.csv")
    with pytest.raises(CorpusError, match=r"undated-context\.csv: no column 'before'"):
        topics.build_report(model, lacking, out=tmp_path / "s.html")


def test_evaluate_and_info_json_carry_the_confusion_and_name_unknown_classes(trained):
    root, _ = trained
    new = _table(20, seed=7)
    new.loc[0, "stance"] = "maybe"  # a class the model never learned
    path = _csv(root, new, "scored.csv")
    runner = CliRunner()
    model = ["--model", str(root / "model")]
    result = runner.invoke(
        app, ["evaluate", str(path), *model, "--label-column", "stance", "--json"]
    )
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)["label:stance"]
    assert scored["confusion"]["kind"] == "multiclass"
    assert scored["confusion"]["classes"] == ["no", "yes"]
    assert np.array(scored["confusion"]["matrix"]).sum() == 19  # "maybe" is not a model class
    assert "maybe" in scored["left_out"]
    info = runner.invoke(app, ["info", str(root / "model"), "--json"])
    kept = json.loads(info.stdout)["metrics"]["label:stance"]
    assert np.array(kept["confusion"]["matrix"]).sum() == kept["n_scored"]
    assert kept["left_out"] == {}
