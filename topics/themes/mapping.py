"""Which themes a topic carries: a theme only when enough of the topic's releases carry it.

A topic gets a theme when at least :data:`MIN_TOPIC_SHARE` of its releases (and at least
:data:`MIN_TOPIC_RELEASES` of them) are tagged with that theme by the theme tagger. Otherwise the
topic has no theme, a valid answer: a topic about children's health coverage or a cluster of
campaign tweets is about none of the taxonomy's themes, however close its words come to one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Share of a topic's releases that must carry a theme for the topic to carry it.
MIN_TOPIC_SHARE = 0.3
#: ...and the fewest such releases.
MIN_TOPIC_RELEASES = 2


def topic_themes(
    topic_ids: Sequence[int],
    decided: np.ndarray,
    theme_ids: Sequence[str],
    n_topics: int,
    *,
    min_share: float = MIN_TOPIC_SHARE,
    min_releases: int = MIN_TOPIC_RELEASES,
) -> list[list[list]]:
    """Themes of each topic with the share of its releases carrying them.

    Parameters
    ----------
    topic_ids : sequence of int, length n_releases
        Topic of each training release (-1: outlier, ignored).
    decided : ndarray of bool, shape (n_releases, n_themes)
        Theme decisions of the same releases.
    theme_ids : sequence of str
    n_topics : int

    Returns
    -------
    list, length n_topics
        Per topic, ``[theme_id, share]`` pairs with ``share ≥ min_share`` and at least
        ``min_releases`` releases, highest share first; ``[]`` = no theme.
    """
    topic_ids = np.asarray(topic_ids, dtype=int)
    decided = np.asarray(decided, dtype=bool)
    out = []
    for k in range(n_topics):
        members = topic_ids == k
        n = int(members.sum())
        if not n:
            out.append([])
            continue
        counts = decided[members].sum(axis=0)
        shares = counts / n
        keep = np.flatnonzero((shares >= min_share) & (counts >= min_releases))
        order = keep[np.argsort(-shares[keep], kind="stable")]
        out.append([[str(theme_ids[j]), round(float(shares[j]), 4)] for j in order])
    return out


def describe_evidence(entry: dict | None) -> str:
    """One line saying why a release carries a theme, from :meth:`ThemeTagger.explain`.

    E.g. ``“anti-dumping” in the title; “tariff” ×2 in the body; words: imports, duties``.
    """
    if not entry:
        return ""
    parts = []
    for hit in entry.get("hits", []):
        times = f" ×{hit['count']}" if hit["count"] > 1 else ""
        parts.append(f"“{hit['phrase']}”{times} in the {hit['where']}")
    if entry.get("words"):
        parts.append("words: " + ", ".join(entry["words"]))
    if not parts:
        return ""
    return "; ".join(parts)
