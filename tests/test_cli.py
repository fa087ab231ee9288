"""The command line: instant help, every command documented, errors mapped to one line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from topics.cli import app

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ["ingest", "train", "update", "predict", "evaluate", "info", "report", "label"]
runner = CliRunner()


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from topics.cli import app; "
        "heavy = [m for m in ('pandas', 'numpy', 'sklearn', 'bertopic', 'umap', 'hdbscan', "
        "'plotly', 'scipy', 'rich.progress') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_m_topics_help():
    out = subprocess.run(
        [sys.executable, "-m", "topics", "--help"], capture_output=True, text=True, check=True
    )
    for command in COMMANDS:
        assert command in out.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [command, "-h"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    readme = (ROOT / "README.md").read_text("utf-8")
    assert re.search(rf"topics {command}\b", readme), f"`topics {command}` is not in the README"


def test_missing_model_is_one_line_error(tmp_path):
    result = runner.invoke(app, ["info", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "nope" in result.output
    assert "Traceback" not in result.output


def test_bad_option_is_usage_error():
    result = runner.invoke(app, ["report", "--freq", "fortnight"])
    assert result.exit_code == 2


def test_public_api_is_complete():
    import topics

    assert sorted(topics.__all__) == sorted(topics._EXPORTS)
    for name in topics.__all__:
        assert getattr(topics, name) is not None
