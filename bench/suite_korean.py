"""Korean releases: topics of Korean headlines and themes of Korean press releases, each beside
the same toolkit with its Korean analysis switched off (the English pipeline the issue started
from), measured in the same run.

- Korean newspaper headlines (2,748 posts of six newspapers, July–August 2017, with their
  ``t.co`` links): the default ``TopicModel`` as ``topics train`` fits it; the largest topic's
  share of the documents (median of seeds), the number of topic labels holding a URL fragment or
  a particle-bearing word form (반도체는, 합니다), and the labels of the five largest topics.
- The Korean fixture releases of the test suite (``tests/fixtures/korean``, hand-coded themes):
  micro-F1 of the default taxonomy's theme matches against the hand-coded themes.

The baseline is the toolkit with :data:`topics.language.HANGUL_SHARE` above 1 (no text is
Korean, so every text goes through the English path: whitespace words with their particles) and,
for the themes, the default taxonomy without its Korean phrases.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bench.harness import in_child, log, make_row, measure, require_file

SUITE = "korean"
HEADLINES = Path("korean_newspapers_twitter") / "korean_newspapers_twitter.jsonl.gz"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "korean"
#: The issue's bar: no topic holds more than this share of the documents.
MAX_SHARE = 0.35


def run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict[str, Any]]:
    """Measure every figure of the suite (``quick``: one seed)."""
    path = require_file(Path(corpora) / HEADLINES)
    seeds = [0] if quick else list(range(max(1, repeats)))
    ours, base = [], []
    for seed in seeds:
        log(f"Korean headlines: seed {seed}, Korean analysis on, in a child process")
        ours.append(in_child(fit_headlines, str(path), seed, True))
        log(f"Korean headlines: seed {seed}, Korean analysis off (baseline)")
        base.append(in_child(fit_headlines, str(path), seed, False))
    log("Korean fixture releases: theme micro-F1")
    themes_ours = in_child(fixture_themes, True)
    themes_base = in_child(fixture_themes, False)
    return [
        *headline_rows(ours, base),
        make_row(
            SUITE,
            f"theme micro-F1 of the default taxonomy on {themes_ours['releases']} Korean "
            "fixture releases",
            themes_ours["micro_f1"],
            baseline="English pipeline, English phrases only",
            baseline_values=themes_base["micro_f1"],
            note=(
                f"Hand-coded themes (tests/fixtures/korean/expected_themes.json, written by the "
                f"author of the Korean phrases: agreement with one reader, not a panel). "
                f"Precision {themes_ours['precision']:.3f}, recall {themes_ours['recall']:.3f}; "
                f"baseline precision {themes_base['precision']:.3f}, recall "
                f"{themes_base['recall']:.3f}."
            ),
            headline=True,
        ),
    ]


def headline_rows(ours: list[dict[str, Any]], base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the headline figures from per-seed results."""
    n = ours[0]["documents"]
    name = f"Korean newspaper headlines ({n:,} posts)"
    baseline = "the same TopicModel, Korean analysis off"
    first = ours[0]
    five = "; ".join(f"{lab} ({share:.1%})" for lab, share in first["largest"])
    five_base = "; ".join(f"{lab} ({share:.1%})" for lab, share in base[0]["largest"])
    return [
        make_row(
            SUITE,
            f"{name}: largest topic's share of the documents",
            [r["largest_share"] for r in ours],
            baseline=baseline,
            baseline_values=[r["largest_share"] for r in base],
            note=(
                f"Bar: ≤ {MAX_SHARE:.0%}. Topics: {[r['topics'] for r in ours]} (baseline "
                f"{[r['topics'] for r in base]}), seeds {list(range(len(ours)))}. Five largest "
                f"topics, seed 0: {five}. Baseline: {five_base}."
            ),
            headline=True,
        ),
        make_row(
            SUITE,
            f"{name}: topic labels with a URL fragment",
            [r["url_labels"] for r in ours],
            baseline=baseline,
            baseline_values=[r["url_labels"] for r in base],
            note="A label word that occurs in the corpus only inside URLs (https, co, goo gl …). "
            f"Seed 0 baseline examples: {base[0]['url_examples'][:5]}.",
        ),
        make_row(
            SUITE,
            f"{name}: topic labels with a particle-bearing word form",
            [r["particle_labels"] for r in ours],
            baseline=baseline,
            baseline_values=[r["particle_labels"] for r in base],
            note="topics.language.carries_particles with the corpus's morphemes as vocabulary. "
            f"Seed 0 baseline examples: {base[0]['particle_examples'][:5]}.",
        ),
        make_row(
            SUITE,
            f"{name}: fit time (embedding, clustering, terms; kiwipiepy analysis included)",
            [r["seconds"] for r in ours],
            "s",
            baseline=baseline,
            baseline_values=[r["seconds"] for r in base],
        ),
    ]


def _english_only() -> None:
    """Switch the Korean analysis off in this (child) process: every text takes the English path."""
    import topics.language as language

    language.HANGUL_SHARE = 2.0


def fit_headlines(path: str, seed: int, korean: bool) -> dict[str, Any]:
    """Child step: load the headlines as ``topics ingest`` does, fit the default topic model."""
    import topics
    from topics.language import CONTACT_PATTERN, analysed_texts, carries_particles
    from topics.topic_model import TopicModel

    if not korean:
        _english_only()
    corpus = topics.load_corpus(path)
    texts = corpus.texts()
    with measure() as m:
        model = TopicModel(random_state=seed).fit(texts)
    info = model.topic_info()
    sizes = info["size"].to_numpy()
    order = sizes.argsort()[::-1]
    in_urls, outside = set(), set()
    for text in texts:
        for url in CONTACT_PATTERN.findall(text):
            in_urls.update(w.lower() for w in re.findall(r"[^\W\d_]+", url))
        outside.update(w.lower() for w in re.findall(r"[^\W\d_]+", CONTACT_PATTERN.sub(" ", text)))
    url_words = in_urls - outside
    vocabulary = {w for t in analysed_texts_korean(texts, analysed_texts) for w in t.split()}
    labels = [str(lab) for lab in info["label"]]
    url_labels = [lab for lab in labels if set(re.findall(r"[^\W\d_]+", lab.lower())) & url_words]
    particle_labels = [
        lab for lab in labels if any(carries_particles(w, vocabulary) for w in _words(lab))
    ]
    return {
        "documents": len(texts),
        "topics": len(info),
        "largest_share": float(sizes.max() / sizes.sum()),
        "largest": [(labels[i], float(sizes[i] / sizes.sum())) for i in order[:5]],
        "url_labels": len(url_labels),
        "url_examples": url_labels,
        "particle_labels": len(particle_labels),
        "particle_examples": particle_labels,
        "seconds": m.seconds,
    }


def analysed_texts_korean(texts: list[str], analysed_texts: Any) -> list[str]:
    """The morphemes of the texts with the Korean analysis on, whatever this process's setting
    (the vocabulary a particle-bearing form is judged against)."""
    import topics.language as language

    saved = language.HANGUL_SHARE
    language.HANGUL_SHARE = 0.3
    try:
        return analysed_texts(texts)
    finally:
        language.HANGUL_SHARE = saved


def _words(label: str) -> list[str]:
    return [w for part in label.split(",") for w in part.split()]


def fixture_themes(korean: bool) -> dict[str, Any]:
    """Child step: micro-F1 of the default taxonomy's matches on the Korean fixture releases."""
    import topics
    from topics.corpus import schema
    from topics.language import has_hangul
    from topics.themes import Taxonomy, default_taxonomy, weak_labels

    taxonomy = default_taxonomy()
    if not korean:
        _english_only()
        data = {"schema_version": 1, "themes": []}
        for theme in taxonomy:
            data["themes"].append(
                {
                    "id": theme.id,
                    "name": theme.name,
                    "description": theme.description,
                    "include": [p for p in theme.include if not has_hangul(p)],
                    "exclude": [p for p in theme.exclude if not has_hangul(p)],
                    "min_hits": theme.min_hits,
                }
            )
        taxonomy = Taxonomy.from_dict(data)
    want = json.loads((FIXTURES / "expected_themes.json").read_text("utf-8"))
    corpus = topics.load_corpus(FIXTURES / "releases")
    frame = corpus.documents()
    labels = weak_labels(corpus.texts(), taxonomy)
    tp = fp = fn = 0
    for i, source in enumerate(frame[schema.SOURCE]):
        found = {t for t in labels.columns if labels.iloc[i][t]}
        gold = set(want[Path(source).name])
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    return {
        "releases": len(frame),
        "micro_f1": 2 * tp / (2 * tp + fp + fn),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }
