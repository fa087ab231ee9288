"""Theme tagging against careful readers: the hand-coded evaluation set in ``bench/eval/``.

The set (``bench/eval/codebook.md``, ``sample.jsonl``, ``labels.jsonl``) holds real releases from
the shared corpora (US Senate 2006 releases, Reuters-21578 trade/energy/acquisition stories, State
of the Union paragraphs), each theme coded 1 / 0 / "unsure" by reading, split into a ``dev`` and a
``test`` half. Only the dev half was ever looked at while tuning; the test half is scored here.

"Trained on the corpus itself" means: the default taxonomy and a ``ThemeTagger`` fitted on a
sample of the three source corpora (``--quick``: 1,500 documents of each; else 5,000 of each,
drawn with a fixed seed, the evaluation set's releases left out of the draw) plus every release
of the evaluation set, *without* its labels. Then:

- **rules alone**: the phrase rules (salience) of the same default taxonomy, no learning;
- **no gold**: the tagger trained as above, tested on the test half;
- **with gold**: the same corpus, plus the reader's codes of 200 dev-half releases (drawn with a
  fixed seed) as gold labels (they replace the weak labels and calibrate the thresholds), tested
  on the test half.
- **new releases**: the tagger trained on the sample of the source corpora alone, so that the
  evaluation set is as new to it as tomorrow's releases are to a saved model (``topics
  predict``); the other two figures are those of tagging the corpus a model was trained on (the
  report's case), where the text model has seen each release.

Scored per theme on the releases coded 1 or 0 ("unsure" left out of that theme): precision,
recall, F1 (95% bootstrap intervals in the notes), and macro-F1 over the themes with at least
10 positives in the test half. The bars of issue 11 are 0.80 (no gold) and 0.85 (with gold).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench.harness import log, make_row, require_file

SUITE = "themes"
EVAL = Path(__file__).resolve().parent / "eval"
SOURCES = {
    "grimmer_senate_2006": Path("grimmer_senate_2006") / "grimmer_senate_2006.jsonl.gz",
    "reuters21578": Path("reuters21578") / "reuters21578.jsonl.gz",
    "sotu": Path("sotu") / "sotu_paragraphs.jsonl.gz",
}
RULES = "phrase rules alone (default taxonomy, same run)"
N_GOLD = 200
BAR_NO_GOLD, BAR_GOLD = 0.80, 0.85


def run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict[str, Any]]:
    """Measure the suite's figures (quality is deterministic: one run each).

    Raises
    ------
    FileNotFoundError
        A corpus or the evaluation set is missing (names the path).
    """
    results = evaluate(Path(corpora), per_corpus=1_500 if quick else 5_000, split="test")
    return rows(results)


def load_eval(directory: Path = EVAL) -> list[dict[str, Any]]:
    """The coded releases (``sample.jsonl`` joined with ``labels.jsonl`` on ``n``), in order.

    Each has ``n, corpus, id, split, title, text`` and ``themes`` (theme id → 1, 0, "unsure").
    """
    codes = {}
    for line in _lines(require_file(directory / "labels.jsonl")):
        record = json.loads(line)
        codes[record["n"]] = record["themes"]
    releases = []
    for line in _lines(require_file(directory / "sample.jsonl")):
        record = json.loads(line)
        record["themes"] = codes[record["n"]]
        releases.append(record)
    return releases


def gold_matrix(releases: list[dict[str, Any]], themes: list[str]):
    """Codes as floats (1, 0, NaN for "unsure" or not coded), shape (n_releases, n_themes)."""
    import numpy as np

    G = np.full((len(releases), len(themes)), np.nan)
    for i, release in enumerate(releases):
        for j, theme in enumerate(themes):
            value = release["themes"].get(theme)
            if value == 1:  # 1 (or True); "unsure" and missing stay NaN
                G[i, j] = 1.0
            elif value == 0:
                G[i, j] = 0.0
    return G


def evaluate(
    corpora: Path, *, per_corpus: int, split: str, seed: int = 0, eval_dir: Path = EVAL
) -> dict[str, Any]:
    """Fit the rules, the tagger without and with gold, and score them on one half.

    Parameters
    ----------
    corpora : Path
        The shared corpora folder.
    per_corpus : int
        Documents drawn from each source corpus for training.
    split : {"test", "dev"}
        The half scored. Gold labels always come from the dev half; scoring "dev" with gold
        is therefore in-sample and only meant for development.
    eval_dir : Path
        Folder of ``sample.jsonl`` and ``labels.jsonl``.
    """
    import numpy as np

    from topics.classify import ThemeTagger
    from topics.classify.gold import score
    from topics.corpus.schema import document_text
    from topics.themes import default_taxonomy
    from topics.themes.match import matcher_for

    sample = load_eval(eval_dir)
    taxonomy = default_taxonomy()
    themes = taxonomy.ids
    eval_texts = [document_text(r.get("title") or "", r.get("text") or "") for r in sample]
    background = _background(corpora, per_corpus, seed, {(r["corpus"], r["id"]) for r in sample})
    texts = eval_texts + background
    scored = [i for i, r in enumerate(sample) if r.get("split") == split]
    dev_all = [i for i, r in enumerate(sample) if r.get("split") == "dev"]
    rng = np.random.default_rng(seed)
    dev = sorted(rng.choice(dev_all, size=min(N_GOLD, len(dev_all)), replace=False).tolist())
    G_all = gold_matrix(sample, themes)
    truth = G_all[scored]
    log(
        f"themes: training on {len(texts):,} documents ({len(eval_texts)} of the evaluation set, "
        f"unlabelled); scoring {len(scored)} {split} releases"
    )

    results: dict[str, Any] = {
        "n_train": len(texts),
        "n_scored": len(scored),
        "split": split,
        "per_corpus": per_corpus,
    }
    rules = matcher_for(taxonomy).labels([eval_texts[i] for i in scored])
    results["rules"] = score(truth, rules, themes, seed=seed)

    t0 = time.perf_counter()
    tagger = ThemeTagger(taxonomy=taxonomy, random_state=seed).fit(texts)
    results["fit_seconds"] = time.perf_counter() - t0
    predicted = tagger.predict([eval_texts[i] for i in scored])
    results["no_gold"] = score(truth, predicted, themes, seed=seed)

    G = np.full((len(texts), len(themes)), np.nan)
    G[dev] = G_all[dev]
    results["n_gold"] = len(dev)
    with_gold = ThemeTagger(taxonomy=taxonomy, random_state=seed).fit(texts, G)
    predicted = with_gold.predict([eval_texts[i] for i in scored])
    results["gold"] = score(truth, predicted, themes, seed=seed)
    results["gold_cv"] = with_gold.cv_metrics_.get("accuracy")

    unseen = ThemeTagger(taxonomy=taxonomy, random_state=seed).fit(background)
    predicted = unseen.predict([eval_texts[i] for i in scored])
    results["new"] = score(truth, predicted, themes, seed=seed)
    results["n_background"] = len(background)
    return results


def rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Benchmark rows: macro-F1 (headline) and per-theme precision and recall."""
    split = results["split"]
    out = []
    base = results["rules"]
    for key, label, bar in (
        ("no_gold", "no gold labels", BAR_NO_GOLD),
        ("gold", f"{results['n_gold']} gold labels from the dev half", BAR_GOLD),
        ("new", "no gold labels, releases new to the model", None),
    ):
        res = results[key]
        ci = res["macro_f1_ci"]
        trained = (
            f"trained on the {results['n_background']:,} documents of the source corpora alone "
            "(the evaluation set never seen)"
            if key == "new"
            else f"trained on {results['n_train']:,} documents ({results['per_corpus']:,} from "
            "each source corpus + the evaluation set without labels) in "
            f"{results['fit_seconds']:.0f} s"
        )
        out.append(
            make_row(
                SUITE,
                f"macro-F1 on the {split} half, {label}",
                res["macro_f1"],
                baseline=RULES,
                baseline_values=base["macro_f1"],
                published=f"bar ≥ {bar:.2f} (issue 11)" if bar else None,
                note=(
                    f"themes with ≥ 10 positives among {results['n_scored']} {split} releases: "
                    f"{', '.join(res['macro_themes']) or 'none'}; 95% bootstrap CI "
                    + (f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "n/a")
                    + f"; {trained}"
                ),
                headline=True,
            )
        )
    for key, label in (("no_gold", "no gold"), ("gold", "with gold")):
        for theme, entry in results[key]["per_class"].items():
            rule = base["per_class"][theme]
            for measure in ("precision", "recall"):
                ci = entry[f"{measure}_ci"]
                out.append(
                    make_row(
                        SUITE,
                        f"{theme} {measure} ({label}, {split} half)",
                        entry[measure],
                        baseline=RULES,
                        baseline_values=rule[measure],
                        note=(
                            f"{entry['support']} positives of {entry['coded']} coded; "
                            f"{entry['predicted']} tagged (rules: {rule['predicted']}); 95% CI "
                            + (f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "n/a")
                        ),
                    )
                )
    return out


def _background(corpora: Path, per_corpus: int, seed: int, exclude: set) -> list[str]:
    import pandas as pd

    from topics.corpus.schema import document_text

    texts = []
    for name, relative in SOURCES.items():
        path = require_file(corpora / relative)
        log(f"themes: reading {path}")
        frame = pd.read_json(path, lines=True, dtype={"id": str})
        frame = frame[~frame["id"].map(lambda i, n=name: (n, i) in exclude)]
        frame = frame.sample(min(per_corpus, len(frame)), random_state=seed)
        texts += [
            document_text(t if isinstance(t, str) else "", b if isinstance(b, str) else "")
            for t, b in zip(frame["title"], frame["text"], strict=True)
        ]
    return texts


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line.strip()]
