"""The manifest of an updated model: its corpus, metrics and lineage (parent, what was added,
when, what was refit)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.releases import GOLD_PREFIX

if TYPE_CHECKING:
    from topics.model import Model


def update_manifest(
    model, new, releases, dates, lineage, refit_info, themes, topic_model, validation
) -> dict:
    from topics.training import _date_range, corpus_fingerprint

    parent = model.manifest
    added_dates = new[schema.DATE]
    corpus = dict(parent.get("corpus", {}))
    sources = {*corpus.get("sources", []), *(str(s) for s in new[schema.SOURCE].dropna())}
    corpus.update(
        fingerprint=corpus_fingerprint(releases),
        documents=len(releases),
        date_range=_date_range(dates),
        sources=sorted(sources)[:50],
    )
    metrics = dict(parent.get("metrics", {}))
    if themes is not model.themes:
        n_gold = int(releases.filter(like=GOLD_PREFIX).notna().any(axis=1).sum())
        metrics["themes"] = {
            **themes.cv_metrics_,
            "gold_documents": n_gold,
            "weak_documents": len(releases) - n_gold,
        }
    metrics["topics"] = topic_model.fit_info_
    history = list(parent.get("lineage", {}).get("history", []))
    entry = {
        "generation": lineage.generation,
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "parent": parent_of(model),
        "added": {
            "releases": len(new),
            "fingerprint": corpus_fingerprint(new),
            "date_range": _date_range(added_dates),
        },
        "refit": refit_info,
        "topics": {
            "active": len(lineage.ids),
            "new": sum(1 for k in lineage.ids if lineage.status(k) == "new"),
            "retired": len(lineage.retired()),
        },
    }
    earlier = {k: v for k, v in parent.get("lineage", {}).items() if k != "history"}
    # A held-out validation measured the parent's theme classifier: it goes when that is refit.
    dropped = {"corpus", "metrics", "lineage"} | (
        {"validation"} if themes is not model.themes else set()
    )
    return {
        **{k: v for k, v in parent.items() if k not in dropped},
        **({} if validation is None else {"validation": validation}),
        "corpus": corpus,
        "metrics": metrics,
        # The latest update, and every earlier one (oldest first) under "history".
        "lineage": {**entry, "history": [*history, earlier] if earlier else history},
    }


def parent_of(model: Model) -> dict[str, Any]:
    """Where the parent model lives and the sha256 of its manifest (which hashes every file)."""
    from topics.persist import MANIFEST, sha256_file

    path = model.path
    digest = None
    if path is not None and (path / MANIFEST).is_file():
        digest = sha256_file(path / MANIFEST)
    return {
        "path": None if path is None else str(path),
        "manifest_sha256": digest,
        "corpus_fingerprint": model.manifest.get("corpus", {}).get("fingerprint"),
        "created": model.manifest.get("created"),
    }
