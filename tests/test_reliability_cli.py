"""Issue 18, the command line: every failure is `Error: what — what to do`, exit 1, and
outputs are checked before the work starts (one test per case of the issue)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import topics.training
from topics.cli import app

runner = CliRunner()
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
#: A place no one can write to, root included (a read-only file system).
READ_ONLY = Path("/sys/topics-read-only-test")


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "small"
    result = runner.invoke(app, ["train", "--no-topics", "-q", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and " — " in result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output


def _no_training(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("the training started before the output was checked")

    monkeypatch.setattr(topics.training, "train", fail)


# --- 12 ---


def test_mistyped_theme_id_in_theme_labels_is_a_clear_error(tmp_path):
    labels = tmp_path / "gold.csv"
    corpus = topics.load_corpus(SEEDS)
    doc = corpus.frame["id"][0]
    labels.write_text(f"id,themes\n{doc},critical_minerls\n", "utf-8")
    result = runner.invoke(
        app, ["train", "--no-topics", "-q", "--theme-labels", str(labels), "--out",
              str(tmp_path / "m")],
    )  # fmt: skip
    _one_line_error(result, "unknown theme id(s) 'critical_minerls'", "critical_minerals")


# --- 13 ---


def test_train_out_in_a_read_only_place_fails_before_training(monkeypatch):
    _no_training(monkeypatch)
    result = runner.invoke(app, ["train", "-q", "--out", str(READ_ONLY / "model")])
    _one_line_error(result, "cannot write in /sys")


def test_train_out_below_a_file_fails_before_training(tmp_path, monkeypatch):
    _no_training(monkeypatch)
    (tmp_path / "plain").write_text("x")
    result = runner.invoke(app, ["train", "-q", "--out", str(tmp_path / "plain" / "model")])
    _one_line_error(result, "is a file, not a folder")


def test_ingest_out_onto_a_folder_is_an_error(tmp_path):
    result = runner.invoke(app, ["ingest", str(SEEDS), "-q", "-o", str(tmp_path)])
    _one_line_error(result, f"{tmp_path} is a folder")


def test_ingest_out_into_a_read_only_folder_is_an_error():
    result = runner.invoke(app, ["ingest", str(SEEDS), "-q", "-o", str(READ_ONLY / "c.parquet")])
    _one_line_error(result, "cannot write in /sys")


def test_report_out_in_a_read_only_place_is_an_error(small_model):
    result = runner.invoke(
        app, ["report", "-m", str(small_model), "-q", "-o", str(READ_ONLY / "trends.html")]
    )
    _one_line_error(result, "cannot write in /sys")


# --- 14 ---


def _topics(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "topics", *args], capture_output=True, text=True, **kwargs
    )


def test_predict_with_closed_stdin_is_an_error():
    code = "import os, runpy, sys; os.close(0); sys.argv = ['topics', 'predict']; "
    code += "runpy.run_module('topics', run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Error: no text to tag: standard input is closed")
    assert "Traceback" not in result.stderr


def test_predict_json_to_a_full_disk_is_an_error(small_model):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "topics", "predict", "-m", str(small_model), "--json", "x"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 1
    assert result.stderr == (
        "Error: standard output: No space left on device — check the path, the free space "
        "and the permissions\n"
    )


def test_predict_invalid_utf8_on_stdin_is_refused_like_a_file(small_model, tmp_path):
    data = b"steel quotas\n" + b"caf\xe9 tariffs\n"
    result = runner.invoke(app, ["predict", "-m", str(small_model), "--json"], input=data)
    _one_line_error(result, "standard input: line 2, byte 16: not valid UTF-8")
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    result = runner.invoke(app, ["predict", "-m", str(small_model), "--file", str(path)])
    _one_line_error(result, f"{path}: line 2, byte 16: not valid UTF-8")


def test_negative_seed_is_a_usage_error(monkeypatch):
    _no_training(monkeypatch)
    result = runner.invoke(app, ["train", "--seed", "-1", "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Invalid value for '--seed'" in result.output


def test_negative_seed_in_the_library_is_a_training_error():
    from topics.errors import TrainingError

    with pytest.raises(TrainingError, match="seed=-1"):
        topics.training.train(topics.load_corpus(SEEDS), seed=-1, topic_model=False)
