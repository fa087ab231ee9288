"""Every command is one documented library call: the README's table, the CLI and the API agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import topics
from topics.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
runner = CliRunner()

#: command → (module the CLI imports the call from, name of the call in ``topics``)
CALLS = {
    "ingest": ("topics.pipeline", "ingest"),
    "train": ("topics.training", "train"),
    "update": ("topics.updating", "update"),
    "predict": ("topics.pipeline", "predict"),
    "evaluate": ("topics.evaluate", "evaluate_model"),
    "info": ("topics.model", "load"),
    "label": ("topics.annotate", "label_sample"),
    "report": ("topics.pipeline", "build_report"),
    "themes": ("topics.pipeline", "suggest_for_corpus"),
}


def readme_calls() -> dict[str, str]:
    """Command → the first ``topics.<name>(`` of its row in the README's table of commands."""
    readme = (ROOT / "README.md").read_text("utf-8")
    rows = {}
    for line in readme.splitlines():
        match = re.match(r"\| `topics (\w+)[^|]*\|[^|]*\| (.*)\|$", line)
        if match:
            call = re.search(r"`topics\.(\w+)\(", match.group(2))
            assert call, f"README row of `topics {match.group(1)}` names no topics.<call>()"
            rows[match.group(1)] = call.group(1)
    return rows


def test_the_readme_table_names_the_call_of_every_command():
    assert readme_calls() == {command: name for command, (_, name) in CALLS.items()}
    for _, name in CALLS.values():
        assert name in topics.__all__


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("api") / "model"
    topics.train(SEEDS, out=path)
    return path


def _spy(monkeypatch, command: str) -> list:
    module_name, name = CALLS[command]
    module = __import__(module_name, fromlist=[name])
    real = getattr(module, name)
    assert getattr(topics, name) is real  # the README's topics.<name> is what the CLI calls
    calls: list = []

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


@pytest.mark.parametrize("command", list(CALLS))
def test_each_command_makes_its_one_call(command, model_dir, tmp_path, monkeypatch):
    args = {
        "ingest": ["ingest", str(SEEDS), "-o", str(tmp_path / "c.parquet"), "--no-list"],
        "train": ["train", str(SEEDS), "--no-topics", "--out", str(tmp_path / "m"), "-q"],
        "update": ["update", str(model_dir), str(SEEDS), "--out", str(tmp_path / "u"), "-q"],
        "predict": ["predict", "--model", str(model_dir), "Steel safeguard quotas extended"],
        "evaluate": ["evaluate", "--model", str(model_dir), "--json"],  # its topics' NPMI
        "info": ["info", str(model_dir)],
        "label": ["label", "--model", str(model_dir), "--n", "6", "-o", str(tmp_path / "l.html")],
        "report": ["report", "--model", str(model_dir), "-o", str(tmp_path / "r.html"), "-q"],
        "themes": ["themes", "suggest", "--model", str(model_dir), "--top", "2", "-q"],
    }[command]
    calls = _spy(monkeypatch, command)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1


def test_python_calls_give_what_the_commands_write(model_dir, tmp_path):
    corpus = topics.ingest(SEEDS, out=tmp_path / "c.parquet")
    assert topics.load_corpus(tmp_path / "c.parquet").frame.equals(corpus.frame)
    with pytest.raises(topics.TopicsError, match="already exists"):
        topics.ingest(SEEDS, out=tmp_path / "c.parquet")
    tagged = topics.predict(["Steel safeguard quotas extended"], model=model_dir)
    loaded = topics.load(model_dir).predict(["Steel safeguard quotas extended"])
    assert tagged.to_frame().equals(loaded.to_frame())
    with pytest.raises(topics.TopicsError, match="already exists"):
        topics.train(SEEDS, topic_model=False, out=model_dir)  # refused before training
    written = topics.build_report(model_dir, out=tmp_path / "r.html")
    assert written["html"].is_file() and written["csv"].is_file()
