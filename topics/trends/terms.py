"""Distinguishing terms of themes and periods (weighted log-odds, Monroe et al. 2008).

Term counts are summed per group (a theme, a period) into a long table ``group, term, count``;
tables from separate batches add up with :func:`combine_term_counts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.errors import TopicsError
from topics.language import term_texts

if TYPE_CHECKING:
    import pandas as pd

#: Words of two or more letters (any script); digits and punctuation are not terms.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
TERM_COLUMNS = ["group", "term", "count"]


def term_counts(texts: Sequence[str], groups: pd.DataFrame) -> pd.DataFrame:
    """Count terms per group of documents.

    Tokens are lower-cased words of two or more letters, English stop words removed (scikit-learn's
    list); the vocabulary is not learnt, so counts from different batches are comparable.

    Parameters
    ----------
    texts : sequence of str, length n_docs
    groups : DataFrame of shape (n_docs, n_groups), bool
        ``True`` where a document belongs to a group (column name = group id); groups may overlap.

    Returns
    -------
    DataFrame with columns ``group``, ``term``, ``count`` (non-zero counts only), sorted by group
    (column order) then term.
    """
    import pandas as pd

    if len(texts) != len(groups):
        raise TopicsError(
            f"term_counts: {len(texts)} texts for {len(groups)} group rows",
            "pass one group row per text, in the same order",
        )
    names = [str(c) for c in groups.columns]
    # Korean as morphemes, URLs and e-mail addresses left out (topics.language)
    texts = term_texts(["" if t is None or t != t else str(t) for t in texts])
    vocab, per_group = _group_counts(texts, groups.to_numpy(dtype=np.int64))
    if not per_group.nnz:  # no text, or only stop words
        return _empty_terms()
    out = pd.DataFrame(
        {
            "group": np.asarray(names, dtype=object)[per_group.row],
            "term": np.asarray(vocab, dtype=object)[per_group.col],
            "count": per_group.data.astype(np.int64),
        }
    )
    out = out[out["count"] > 0]
    order = {g: i for i, g in enumerate(names)}
    out = out.assign(_g=out["group"].map(order)).sort_values(["_g", "term"], kind="stable")
    return out.drop(columns="_g").reset_index(drop=True)


def _group_counts(texts: list[str], member: np.ndarray) -> tuple[list[str], Any]:
    """Every term's count per group: the terms (in order of first occurrence) and a sparse
    COO array of shape (n_groups, n_terms).

    What ``CountVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN)`` counts, read
    through the texts' whitespace chunks (:mod:`topics._chunks`): each distinct chunk is
    lower-cased and matched once (the chunks new to a block in one pattern call), every token
    gets its word's id by numpy indexing, a block of texts at a time.
    """
    import re

    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from topics._chunks import BLOCK, BREAK, ChunkCache, Chunks, runs

    vocab: list[str] = []
    ids: dict[str, int] = dict.fromkeys(ENGLISH_STOP_WORDS, -1)
    ids[BREAK] = -1

    def word_id(word: str) -> int:
        found = ids.get(word)
        if found is None:
            found = ids[word] = len(vocab)
            vocab.append(word)
        return found

    find = re.compile(TOKEN_PATTERN + "|" + BREAK).findall

    def analyse_many(chunks: list[str]) -> list[tuple[int, ...]] | None:
        items = find(BREAK.join(chunks).lower())
        return runs(items, list(map(word_id, items)), len(chunks))

    cache = ChunkCache(lambda chunk: map(word_id, find(chunk.lower())), analyse_many=analyse_many)
    parts = []
    for start in range(0, len(texts), BLOCK):
        chunks = Chunks(texts[start : start + BLOCK])
        words, starts = chunks.values(cache)
        doc = np.repeat(np.arange(len(chunks)), chunks.per_text(starts))
        kept = words >= 0
        # repeated (text, word) pairs are summed by the sparse array
        block = sparse.coo_array(
            (np.ones(int(kept.sum()), np.int64), (doc[kept], words[kept])),
            shape=(len(chunks), len(vocab)),
        )
        parts.append((sparse.csr_array(member[start : start + BLOCK]).T @ block.tocsr()).tocoo())
    shape = (member.shape[1], len(vocab))
    if not parts:
        return vocab, sparse.coo_array(shape, dtype=np.int64)
    total = sparse.coo_array(
        (
            np.concatenate([p.data for p in parts]),
            (np.concatenate([p.row for p in parts]), np.concatenate([p.col for p in parts])),
        ),
        shape=shape,
    )
    total.sum_duplicates()  # a group's counts from every block
    return vocab, total


def _empty_terms() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "group": pd.Series([], dtype=str),
            "term": pd.Series([], dtype=str),
            "count": pd.Series([], dtype=np.int64),
        }
    )


def combine_term_counts(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add up term count tables from separate batches (same group ids)."""
    import pandas as pd

    tables = list(tables)
    if not tables:
        raise TopicsError("combine_term_counts: no tables given", "pass at least one table")
    both = pd.concat(tables, ignore_index=True)
    order = list(dict.fromkeys(both["group"]))
    out = both.groupby(["group", "term"], sort=False, as_index=False)["count"].sum()
    out = out.assign(_g=out["group"].map({g: i for i, g in enumerate(order)}))
    out = out.sort_values(["_g", "term"], kind="stable").drop(columns="_g")
    return out.reset_index(drop=True)


def weighted_log_odds(
    counts: pd.DataFrame,
    background: pd.Series,
    *,
    prior_size: float | None = None,
    top: int = 10,
    min_count: int = 2,
) -> pd.DataFrame:
    """Terms that distinguish each group from the rest, by weighted log-odds.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words", eq. 16 and 22: with an informative Dirichlet
    prior ``alpha_w = prior_size * background_w / N_background``, the log-odds ratio of term ``w``
    between group ``i`` and the rest ``j`` (background minus the group) is
    ``delta = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a0 - y_jw -
    a_w))``, its variance ``1 / (y_iw + a_w) + 1 / (y_jw + a_w)``, and terms are ranked by the
    z-score ``delta / sqrt(variance)``.

    Parameters
    ----------
    counts : DataFrame
        Term counts per group (``group, term, count``), e.g. from :func:`term_counts`.
    background : Series
        Term counts of the whole corpus the groups are drawn from (index: term).
    prior_size : float, optional
        ``a0``, the weight of the prior in tokens; defaults to the background size (the prior
        is the background counts themselves).
    top : int
        Terms kept per group.
    min_count : int
        A term must occur at least this often in the group to be listed.

    Returns
    -------
    DataFrame with columns ``group``, ``term``, ``count``, ``log_odds``, ``z``: the ``top`` terms
    per group with positive z, strongest first.
    """
    import pandas as pd

    columns = ["group", "term", "count", "log_odds", "z"]
    background = background[background > 0].astype(float)
    n_bg = float(background.sum())
    if not len(counts) or n_bg == 0:
        return pd.DataFrame({c: [] for c in columns})
    a0 = float(prior_size) if prior_size else n_bg
    frame = counts[counts["term"].isin(background.index)].copy()
    frame["y_bg"] = frame["term"].map(background).to_numpy(dtype=float)
    frame["alpha"] = a0 * frame["y_bg"] / n_bg
    n_group = frame.groupby("group", sort=False)["count"].transform("sum").to_numpy(dtype=float)
    y_i = frame["count"].to_numpy(dtype=float)
    y_j = np.maximum(frame["y_bg"].to_numpy() - y_i, 0.0)
    n_j = np.maximum(n_bg - n_group, 0.0)
    alpha = frame["alpha"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((y_i + alpha) / (n_group + a0 - y_i - alpha)) - np.log(
            (y_j + alpha) / (n_j + a0 - y_j - alpha)
        )
        z = delta / np.sqrt(1.0 / (y_i + alpha) + 1.0 / (y_j + alpha))
    frame["log_odds"] = delta
    frame["z"] = z
    frame = frame[(frame["count"] >= min_count) & np.isfinite(frame["z"]) & (frame["z"] > 0)]
    order = {g: i for i, g in enumerate(dict.fromkeys(counts["group"]))}
    frame = frame.assign(_g=frame["group"].map(order))
    frame = frame.sort_values(["_g", "z", "term"], ascending=[True, False, True], kind="stable")
    frame = frame.groupby("group", sort=False).head(top)
    return frame[columns].reset_index(drop=True)


def distinguishing_terms(
    counts: pd.DataFrame, freq: str, top: int
) -> tuple[dict[str, list[dict]], list[dict]]:
    """Weighted log-odds terms per theme (vs all releases) and per period (vs all dated ones).

    Parameters
    ----------
    counts : DataFrame
        Term counts (``group, term, count``) with groups ``theme:<id>``, ``period:<period>``,
        ``all`` and ``dated``, as in :class:`topics.trends.TrendSummary`.

    Returns
    -------
    by_theme : dict of theme id to list of ``{"term", "count", "z"}``
    by_period : list of ``{"label", "terms"}``, most recent period first
    """
    import pandas as pd

    from topics.trends.counts import FREQS
    from topics.trends.records import period_label

    group = counts["group"].astype(str)
    is_theme = group.str.startswith("theme:")
    is_period = group.str.startswith("period:")
    background_all = counts[counts["group"] == "all"].set_index("term")["count"]
    background_dated = counts[counts["group"] == "dated"].set_index("term")["count"]

    def listing(frame: pd.DataFrame) -> dict[str, list[dict]]:
        return {
            str(g): [
                {"term": str(t), "count": int(c), "z": float(z)}
                for t, c, z in zip(part["term"], part["count"], part["z"], strict=True)
            ]
            for g, part in frame.groupby("group", sort=False)
        }

    theme_terms = listing(weighted_log_odds(counts[is_theme], background_all, top=top))
    theme_terms = {k.removeprefix("theme:"): v for k, v in theme_terms.items()}
    period_terms = listing(weighted_log_odds(counts[is_period], background_dated, top=top))
    keys = sorted({g.removeprefix("period:") for g in counts.loc[is_period, "group"]})
    by_period = [
        {
            "label": period_label(pd.Period(key, freq=FREQS[freq]), freq),
            "terms": period_terms.get(f"period:{key}", []),
        }
        for key in reversed(keys)
    ]
    return theme_terms, by_period
