"""Updating a model with new releases: topic identity, theme-tag stability, cost vs a retrain.

Reuters-21578 as a stream: a model trained on the stories dated up to 1987-04-30 (17,433
documents) is updated with June 1987 (2,552 stories, one month of news), then with October.

Topic identity, defined on the old releases (those the parent was trained on). Parent topic
``k`` holds the set ``R_k`` of old releases it was fitted with; the updated model assigns each
old release to a stable id (its training assignment, mapped through the lineage). ``k`` keeps
its id when the updated topic holding the most of ``R_k`` is the one with id ``k`` and it holds
at least half of ``R_k``. The share is taken over the parent topics with ``|R_k| ≥ 20`` whose
releases the updated model still groups: at least 20 of ``R_k`` fall in one updated topic
("old topics that still hold ≥ 20 releases"). The mean Jaccard overlap ``|R_k ∩ S_k| / |R_k ∪
S_k|`` of kept topics is printed beside it. Both refit schemes are measured: ``warm`` (the
default, parent embedding kept), ``full`` (embedding, vocabulary and clustering refit from
scratch, seeded with the parent's topics; matched across two embedding spaces) and, as its
baseline, ``fresh`` (the same fresh fit without the seeding: the clustering as it comes).

Theme tags: the share of old releases whose theme tags (decisions) change from the parent to
the updated model, for the default update (no gold labels: tagger kept) and with the theme
tagger refit on old + new releases, self-trained from the phrase rules (``refit_themes=True``).

Cost: the warm update with June (median of ``repeats`` runs) against ``topics.train`` on the
same old + June releases, measured in the same run (one run: it is the slow one).
"""

from __future__ import annotations

import gzip
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import log, make_row, require_file

SUITE = "update"
REUTERS = Path("reuters21578") / "reuters21578.jsonl.gz"
CUTOFF = "1987-04-30"
MIN_RELEASES = 20


def run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict[str, Any]]:
    """Measure every figure of the suite (``quick``: one update run, no full-scheme refit)."""
    import topics

    path = require_file(Path(corpora) / REUTERS)
    with tempfile.TemporaryDirectory(prefix="topics-bench-update-") as tmp:
        old, june, october = _split(path, Path(tmp))
        log(f"{SUITE}: training on {len(old.documents()):,} stories up to {CUTOFF}")
        t0 = time.perf_counter()
        parent = topics.train(old)
        t_parent = time.perf_counter() - t0
        parent.save(Path(tmp) / "parent")
        parent = topics.load(Path(tmp) / "parent")

        times, result = [], None
        for i in range(1 if quick else max(1, repeats)):
            log(f"{SUITE}: warm update with June, run {i + 1}")
            t0 = time.perf_counter()
            result = parent.update(june)
            times.append(time.perf_counter() - t0)
        log(f"{SUITE}: full retrain on old + June (the baseline)")
        t0 = time.perf_counter()
        topics.train(_union(old, june))
        t_full = time.perf_counter() - t0

        rows = [_cost_row(times, t_full, len(june.documents()), t_parent)]
        rows += _identity_rows(parent, result, "warm", "June")
        rows.append(_tags_row(parent, result.model, "default update (tagger kept)"))
        log(f"{SUITE}: update with June, theme tagger refit")
        refit = parent.update(june, refit_themes=True)
        rows.append(_tags_row(parent, refit.model, "theme tagger refit on old + new"))
        if not quick:
            for scheme in ("full", "fresh"):
                log(f"{SUITE}: {scheme}-scheme update with June")
                rows += _identity_rows(parent, parent.update(june, scheme=scheme), scheme, "June")
        log(f"{SUITE}: warm update of the June model with October")
        result.model.save(Path(tmp) / "june")
        june_model = topics.load(Path(tmp) / "june")
        rows += _identity_rows(june_model, june_model.update(october), "warm", "October")
    return rows


def _split(path: Path, tmp: Path):
    """Write the three slices of the stream as JSONL and load them as corpora."""
    import topics

    files = {name: (tmp / f"{name}.jsonl").open("w", encoding="utf-8") for name in ("o", "j", "x")}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            day = (record.get("date") or "")[:10]
            name = "o" if day and day <= CUTOFF else ("j" if day[:7] == "1987-06" else "x")
            files[name].write(line)
    for f in files.values():
        f.close()
    return tuple(topics.load_corpus([tmp / f"{n}.jsonl"]) for n in ("o", "j", "x"))


def _union(a, b):
    import pandas as pd

    from topics.corpus import Corpus

    return Corpus(pd.concat([a.frame, b.frame], ignore_index=True))


def _cost_row(times: list[float], t_full: float, n_new: int, t_parent: float) -> dict[str, Any]:
    ratio = statistics.median(times) / t_full
    return make_row(
        SUITE,
        f"update with one month ({n_new:,} June 1987 stories): time / full retrain",
        ratio,
        "",
        baseline="topics.train on old + June, same run (= 1.0)",
        baseline_values=1.0,
        published="issue 15 bar: ≤ 0.20",
        note=f"update median {statistics.median(times):.1f} s over {len(times)} run(s) "
        f"({', '.join(f'{t:.1f}' for t in times)}); full retrain {t_full:.1f} s (one run); "
        f"training the parent on the old stories took {t_parent:.1f} s",
        headline=True,
    )


def identity(parent, result) -> dict[str, Any]:
    """Topic identity of an update, as defined in the module docstring."""
    import numpy as np

    n_old = len(parent.releases)
    before = parent.lineage.stable(parent.topic_model.labels_)
    after = result.model.lineage.stable(result.model.topic_model.labels_[:n_old])
    eligible = kept = 0
    overlaps = []
    for k in sorted(set(before.tolist())):
        members = before == k
        if members.sum() < MIN_RELEASES:
            continue
        holders, counts = np.unique(after[members], return_counts=True)
        best = int(np.argmax(counts))
        if counts[best] < MIN_RELEASES:
            continue
        eligible += 1
        if holders[best] == k and counts[best] * 2 >= members.sum():
            kept += 1
            union = (members | (after == k)).sum()
            overlaps.append(float(counts[best] / union))
    return {
        "eligible": eligible,
        "kept": kept,
        "share": kept / eligible if eligible else None,
        "jaccard": float(np.mean(overlaps)) if overlaps else None,
    }


def _identity_rows(parent, result, scheme: str, month: str) -> list[dict[str, Any]]:
    ident = identity(parent, result)
    lineage = result.model.lineage
    new = [f"{k}: {lineage.topics[k]['label']} ({lineage.topics[k]['size']})" for k in result.new]
    return [
        make_row(
            SUITE,
            f"{scheme} update with {month}: old topics (≥ {MIN_RELEASES} releases) keeping "
            "their id",
            ident["share"],
            "",
            baseline="issue 15 bar",
            baseline_values=0.90,
            note=f"{ident['kept']} of {ident['eligible']} kept; mean Jaccard overlap of kept "
            f"topics {ident['jaccard'] if ident['jaccard'] is None else round(ident['jaccard'], 3)}"
            f"; {len(result.matched)} matched, {len(result.new)} new, {len(result.retired)} "
            f"retired (ids {result.retired[:20]}); new topics: {'; '.join(new) or 'none'}"
            f"{_refit_note(result.refit.get('topics', {}))}",
            headline=scheme == "warm" and month == "June",
        )
    ]


def _refit_note(info: dict[str, Any]) -> str:
    """What the warm refit found: novel releases, candidate topics, topics dropped."""
    if info.get("scheme") == "fresh":
        return f"; the fresh fit has {info['fresh_topics']} topics"
    found = (
        f"{info['novel_releases']} novel releases"
        if "novel_releases" in info
        else f"fresh fit of {info['fresh_topics']} topics"
    )
    return (
        f"; {found}, {info['candidate_topics']} candidate topics, {info['dropped_topics']} "
        f"dropped, {info['iterations']} iterations"
    )


def _tags_row(parent, updated, what: str) -> dict[str, Any]:
    import numpy as np

    texts = parent.releases.table["text"].tolist()
    before, _ = parent.themes.predict_with_proba(texts)
    after, _ = updated.themes.predict_with_proba(texts)
    changed = np.any(np.asarray(before) != np.asarray(after), axis=1)
    return make_row(
        SUITE,
        f"old stories whose theme tags changed: {what}",
        float(changed.mean()),
        "",
        baseline="issue 15 bar: unchanged unless gold labels change them (0)",
        baseline_values=0.0,
        note=f"{int(changed.sum()):,} of {len(texts):,} stories; no gold labels in the update",
    )
