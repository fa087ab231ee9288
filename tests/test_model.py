"""Train → save → load: one safe directory that predicts the same (issue 5)."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import topics
from topics.cli import app
from topics.errors import ModelFormatError, TopicsError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
runner = CliRunner()


@pytest.fixture(scope="module")
def seed_corpus():
    return topics.load_corpus(SEEDS)


@pytest.fixture(scope="module")
def seed_model(seed_corpus, tmp_path_factory):
    model = topics.train(seed_corpus, seed=0)
    model.save(tmp_path_factory.mktemp("models") / "seeds")
    return model


def _texts(corpus) -> list[str]:
    from topics.corpus.schema import model_texts

    return model_texts(corpus.frame)


def test_round_trip_on_seeds_is_identical(seed_model, seed_corpus):
    texts = [*_texts(seed_corpus), "Korea and Canada sign a critical minerals MOU"]
    before = seed_model.predict(texts).to_frame()
    loaded = topics.load(seed_model.path)
    after = loaded.predict(texts).to_frame()
    pd.testing.assert_frame_equal(before, after, check_exact=True)
    assert loaded.manifest["corpus"]["fingerprint"] == seed_model.manifest["corpus"]["fingerprint"]
    assert loaded.metrics == seed_model.metrics


def test_predict_columns(seed_model):
    frame = seed_model.predict(
        ["Export controls on semiconductor equipment were tightened."]
    ).to_frame()
    assert {"themes", "topic", "topic_label"} <= set(frame.columns)
    probs = frame[[c for c in frame.columns if c.startswith("p_")]]
    assert probs.shape[1] == len(seed_model.theme_ids)
    assert ((probs >= 0) & (probs <= 1)).all().all()


def test_manifest_is_complete(seed_model, seed_corpus):
    manifest = json.loads((seed_model.path / "manifest.json").read_text())
    keys = ("schema_version", "versions", "created", "seed", "corpus", "parameters", "metrics")
    assert set(keys) | {"files"} <= set(manifest)
    assert manifest["corpus"]["documents"] == len(seed_corpus.documents())
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in manifest["files"].values())
    assert {"taxonomy", "themes", "topic_model"} <= set(manifest["components"])


def test_nothing_on_the_load_path_unpickles(seed_model):
    suffixes = {p.suffix for p in seed_model.path.rglob("*") if p.is_file()}
    # Parquet (the training releases, read with pyarrow, pandas metadata ignored) holds data only.
    assert suffixes <= {".json", ".npz", ".parquet"}, suffixes


def test_tampered_model_is_refused(seed_model, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(seed_model.path, copy)
    victim = next(p for p in sorted(copy.rglob("*")) if p.suffix == ".npz")
    victim.write_bytes(victim.read_bytes()[: len(victim.read_bytes()) // 2])
    with pytest.raises(ModelFormatError, match="tampered or truncated"):
        topics.load(copy)


def test_save_refuses_to_overwrite(seed_model):
    with pytest.raises(TopicsError, match="already exists"):
        seed_model.save(seed_model.path)


def test_topics_over_time(seed_model, seed_corpus):
    table = seed_model.topics_over_time(seed_corpus, freq="year")
    assert len(table) > 0


def test_readme_python_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block, "the README has no python example"
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    exec(compile(block.group(1), "README.md", "exec"), {})


def test_cli_train_info_predict(tmp_path):
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", str(SEEDS), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"Model written to {out}"
    result = runner.invoke(app, ["train", str(SEEDS), "--out", str(out), "--quiet"])
    assert result.exit_code == 1 and "--force" in result.output
    info = runner.invoke(app, ["info", str(out)])
    assert info.exit_code == 0, info.output
    assert "Themes" in info.output and "Topics" in info.output
    pred = runner.invoke(
        app, ["predict", "--model", str(out), "--json", "Rare earth supply chains with Mongolia"]
    )
    assert pred.exit_code == 0, pred.output
    records = json.loads(pred.stdout)
    assert records[0]["text"] == "Rare earth supply chains with Mongolia"
    assert "critical_minerals" in records[0]["themes"]


def _synthetic_corpus(tmp_path: Path, n: int = 400) -> Path:
    rng = random.Random(3)
    vocab = {
        "minerals": "lithium nickel cobalt graphite rare earth mine refining reserves stockpile",
        "chips": "semiconductor wafer foundry memory chip fab lithography packaging design",
        "tariffs": "tariff quota safeguard steel dumping duty countervailing measure import",
        "energy": "nuclear reactor hydrogen grid power plant electricity lng renewable",
    }
    rows = []
    for i in range(n):
        theme = list(vocab)[i % 4]
        words = vocab[theme].split()
        body = " ".join(rng.choice(words) for _ in range(40))
        rows.append(
            {
                "title": f"{theme} release {i}",
                "text": f"The ministry said {body}.",
                "date": f"202{i % 4}-{1 + i % 12:02d}-15",
                "category": theme,
            }
        )
    path = tmp_path / "synthetic.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_one_class_label_column_says_so(seed_corpus):
    with pytest.raises(TopicsError, match="only one class"):
        topics.train(seed_corpus, label_columns=["category"], topic_model=False)


def test_round_trip_on_a_larger_corpus(tmp_path):
    corpus = topics.load_corpus(_synthetic_corpus(tmp_path))
    model = topics.train(corpus, label_columns=["category"], seed=1)
    texts = _texts(corpus)[:200]
    before = model.predict(texts).to_frame()
    model.save(tmp_path / "m")
    after = topics.load(tmp_path / "m").predict(texts).to_frame()
    pd.testing.assert_frame_equal(before, after, check_exact=True)
    assert (before["category"] == corpus.frame["category"][:200].to_numpy()).mean() > 0.9


def test_cli_evaluate_and_stdin_predict(tmp_path):
    data = _synthetic_corpus(tmp_path, n=120)
    out = tmp_path / "model"
    args = ["train", str(data), "--out", str(out), "--label-column", "category", "--quiet"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["evaluate", str(data), "--model", str(out), "--label-column", "category", "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["label:category"]["accuracy"] > 0.9
    assert 0 < scores["topics"]["diversity"] <= 1
    result = runner.invoke(
        app, ["predict", "--model", str(out), "--json"], input="lithium cobalt refining\n"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["category"] == "minerals"


def test_cli_custom_taxonomy_replaces_the_default(tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text(
        '[[themes]]\nid = "steel"\nname = "Steel"\ndescription = "Steel trade"\n'
        'include = ["steel", "safeguard"]\n\n'
        '[[themes]]\nid = "chips"\nname = "Chips"\ndescription = "Semiconductors"\n'
        'include = ["semiconductor", "chip"]\n'
    )
    out = tmp_path / "model"
    args = ["train", str(SEEDS), "--out", str(out), "--themes", str(themes)]
    result = runner.invoke(app, [*args, "--themes-mode", "replace", "--no-topics", "--quiet"])
    assert result.exit_code == 0, result.output
    assert topics.load(out).theme_ids == ["steel", "chips"]
    broken = tmp_path / "broken.toml"
    broken.write_text('[[themes]]\nid = "x"\n')
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "b"), "--themes", str(broken)])
    assert result.exit_code == 1
    assert "broken.toml" in result.output and "name" in result.output
