"""The shape stays straight: no module under topics/ imports from a step later in the flow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "topics"

#: The flow, one rank per step: a module may import from its own step and earlier ones only.
#: Rank 0 is shared infrastructure every step may use (language: the one tokenizer;
#: _vocabulary: the answer for texts a model has no words for; _tfidf: vectorizer
#: transforms without a Python step per term; _replace: atomic directory
#: swaps; _manifest: what a model manifest is).
#: ``predictions`` (the type) comes before ``model``, which returns it; ``trends`` needs only
#: predictions; ``evaluate`` uses the trend statistics (error rates) and the model;
#: ``releases`` (what a model was trained on) and ``lineage`` (stable topic ids) are parts of a
#: model; ``training`` measures the tagger with ``evaluate``; ``updating`` refits a model as
#: ``training`` fits it; ``pipeline`` and ``annotate`` run a model over a corpus, and
#: ``distributed`` runs the pipeline's steps on a Dask cluster; ``cli`` is the shell over all.
LAYERS = [
    [
        "errors",
        "progress",
        "language",
        "_io",
        "_paths",
        "_safe",
        "_replace",
        "_vocabulary",
        "_manifest",
        "_chunks",
        "_stem",
        "_tfidf",
        "persist",
    ],
    ["corpus"],
    ["themes", "embed"],
    ["classify", "topic_model"],
    ["predictions", "releases", "lineage"],
    ["model"],
    ["trends"],
    ["evaluate"],
    ["training", "updating"],
    ["report"],
    ["pipeline", "annotate", "distributed"],
    ["cli"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
#: The backward imports allowed, each with its reason: (module, imported module) → why.
BACKWARD = {
    ("model.py", "topics.updating"): "Model.update, the method form of topics.update (issue 15): "
    "a lazy import in that one method, the model's own code does not use it",
}
#: The package's entry points: the lazy public API and ``python -m topics``.
ENTRY_POINTS = {"__init__", "__main__"}


def step(module: str) -> str:
    """``topics.trends.summary`` → ``trends``."""
    return module.split(".")[1]


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``topics.*`` module imported by a file (top level, in functions, type-only too)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.startswith("topics.")]
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "_seeds")


def test_every_step_has_a_rank():
    steps = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in modules()}
    assert steps - ENTRY_POINTS <= set(RANK), sorted(steps - ENTRY_POINTS - set(RANK))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_from_a_later_step(path: Path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if own in ENTRY_POINTS:
        return
    rel = path.relative_to(PACKAGE).as_posix()
    later = [
        f"line {line}: {name} ({step(name)} comes after {own})"
        for line, name in imports(path)
        if RANK.get(step(name), -1) > RANK[own] and (rel, name) not in BACKWARD
    ]
    assert not later, "\n".join(later)


MAX_LINES = 400


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_400_lines(path: Path):
    rel = path.relative_to(PACKAGE).as_posix()
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{rel}: {lines} lines; split it by role"


def test_the_check_catches_a_backward_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from topics.report import render_html\n", "utf-8")
    assert [step(name) for _, name in imports(probe)] == ["report"]
    assert RANK["report"] > RANK["trends"]
