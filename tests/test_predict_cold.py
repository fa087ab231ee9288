"""`topics predict` from a cold process: the clustering stack stays off the prediction path."""

from __future__ import annotations

import json
import subprocess
import sys

import topics
from topics.corpus import default_seeds

# pydantic: typer 0.29 imports it for every command (0.5-1 s of a cold start), so
# pyproject.toml keeps typer below 0.29
HEAVY = ("bertopic", "umap", "hdbscan", "numba", "plotly", "pynndescent", "pydantic")


def test_predict_imports_no_clustering_library(tmp_path):
    model = topics.train(topics.load_corpus(default_seeds()), seed=0)
    path = model.save(tmp_path / "model")
    code = (
        "import json, sys; from topics.cli import app\n"
        "try:\n"
        f"    app(['predict', '--model', {str(path)!r}, 'Export controls on chips'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
