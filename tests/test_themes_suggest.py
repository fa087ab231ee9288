"""`topics themes suggest`, topics → themes with a floor, the report's evidence and accuracy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from topics.cli import app
from topics.themes import Taxonomy, suggest_phrases, topic_themes
from topics.themes.mapping import describe_evidence

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

TAXONOMY = Taxonomy.from_dict({"themes": [{"id": "steel", "name": "Steel", "include": ["tariff"]}]})


def _texts() -> list[str]:
    steel = [f"Tariff on steel {i}\n\nThe smelter and furnace workers protest." for i in range(6)]
    other = [f"Garden show {i}\n\nRoses and tulips in the park, a smelter." for i in range(6)]
    return steel + other


def test_suggest_ranks_words_of_the_themes_releases_and_skips_known_phrases():
    found = suggest_phrases(_texts(), TAXONOMY, min_releases=3)["steel"]
    phrases = [s.phrase for s in found]
    assert phrases[0] in {"furnace", "workers", "furnace workers", "workers protest", "protest"}
    assert "tariff" not in phrases and not any("tariff" in p for p in phrases)
    assert "roses" not in phrases
    best = found[0]
    assert best.releases == 6 and best.elsewhere == 0 and best.score > 0
    assert best.examples[0].startswith("Tariff on steel")
    smelter = next((s for s in found if s.phrase == "smelter"), None)
    assert smelter is None or smelter.score < best.score  # everywhere: not distinctive
    assert json.dumps(best.to_dict())


def test_suggest_with_given_tags_and_nothing_to_compare():
    tagged = np.zeros((12, 1), dtype=bool)
    assert suggest_phrases(_texts(), TAXONOMY, tagged) == {"steel": []}
    assert suggest_phrases([], TAXONOMY) == {"steel": []}


def test_themes_suggest_command(tmp_path):
    result = runner.invoke(app, ["themes", "suggest", "--top", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "protectionism (Protectionism and trade barriers):" in result.output
    assert "train with --themes FILE" in result.output
    as_json = runner.invoke(app, ["themes", "suggest", "--top", "2", "--json", "--quiet"])
    data = json.loads(as_json.output)
    assert set(data) >= {"protectionism", "energy"}
    assert all(len(v["phrases"]) <= 2 for v in data.values())
    assert data["protectionism"]["releases"] >= 1


def test_themes_suggest_has_help_and_is_in_the_readme():
    result = runner.invoke(app, ["themes", "suggest", "-h"])
    assert result.exit_code == 0 and "Example:" in result.output
    readme = (ROOT / "README.md").read_text("utf-8")
    assert re.search(r"topics themes suggest\b", readme)


def test_topic_gets_a_theme_only_above_the_floor():
    topics = [0, 0, 0, 0, 1, 1, 1, 1, -1]
    decided = np.zeros((9, 2), dtype=bool)
    decided[[0, 1, 2], 0] = True  # 3 of 4 releases of topic 0
    decided[4, 1] = True  # 1 of 4 of topic 1: below the floor
    decided[8, 1] = True  # an outlier: ignored
    mapped = topic_themes(topics, decided, ["a", "b"], 3)
    assert mapped == [[["a", 0.75]], [], []]


def test_describe_evidence_is_one_readable_line():
    entry = {
        "hits": [
            {"phrase": "tariff", "where": "title", "count": 1},
            {"phrase": "dumping", "where": "body", "count": 2},
        ],
        "words": ["imports", "duties"],
    }
    assert describe_evidence(entry) == (
        "“tariff” in the title; “dumping” ×2 in the body; words: imports, duties"
    )
    assert describe_evidence(None) == "" == describe_evidence({"hits": [], "words": []})


def test_report_says_why_and_that_accuracy_is_unmeasured(tmp_path):
    model_dir = tmp_path / "model"
    trained = runner.invoke(app, ["train", "--out", str(model_dir), "--no-topics", "--quiet"])
    assert trained.exit_code == 0, trained.output
    assert "accuracy not measured" in trained.output
    assert "1.000" not in trained.output
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--model", str(model_dir), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "accuracy not measured" in html
    assert "Why this release carries the theme: “" in html
    predicted = runner.invoke(
        app, ["predict", "Canada tightens its steel TRQ", "--model", str(model_dir), "--json"]
    )
    (record,) = json.loads(predicted.output)
    assert record["themes"] == ["protectionism"]
    assert record["theme_evidence"]["protectionism"]["hits"][0]["where"] == "title"
