"""``term_counts`` reads texts through their whitespace chunks: it must count exactly what
scikit-learn's ``CountVectorizer`` counts with the same pattern and stop words."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

import topics
from topics._chunks import BLOCK
from topics.corpus import schema
from topics.language import term_texts
from topics.trends import term_counts
from topics.trends.terms import TOKEN_PATTERN, _empty_terms


def reference(texts: list[str], groups: pd.DataFrame) -> pd.DataFrame:
    """The counts as ``CountVectorizer.fit_transform`` gives them."""
    names = [str(c) for c in groups.columns]
    texts = term_texts(texts)
    try:
        vectorizer = CountVectorizer(
            stop_words="english", token_pattern=TOKEN_PATTERN, dtype=np.int64
        )
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary
        return _empty_terms()
    per_group = (sparse.csr_matrix(groups.to_numpy(dtype=np.int64)).T @ matrix).tocoo()
    out = pd.DataFrame(
        {
            "group": np.asarray(names, dtype=object)[per_group.row],
            "term": vectorizer.get_feature_names_out()[per_group.col].astype(object),
            "count": per_group.data.astype(np.int64),
        }
    )
    out = out[out["count"] > 0]
    if out.empty:
        return _empty_terms()
    out = out.assign(_g=out["group"].map({g: i for i, g in enumerate(names)}))
    out = out.sort_values(["_g", "term"], kind="stable").drop(columns="_g")
    return out.reset_index(drop=True)


def _groups(n: int, k: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.random((n, k)) < 0.4, columns=[f"g{i}" for i in range(k)])


def test_seed_releases_counted_as_the_vectorizer_counts():
    texts = schema.model_texts(topics.load_corpus("seeds").frame)
    groups = _groups(len(texts), 3, 0)
    pd.testing.assert_frame_equal(term_counts(texts, groups), reference(texts, groups))


def test_words_new_in_later_blocks_are_counted_in_every_group():
    # more texts than one block: the vocabulary grows from block to block
    words = [f"w{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(3 * BLOCK)]
    texts = [f"{words[i]} shared {words[i // 2]}" for i in range(len(words))]
    groups = _groups(len(texts), 4, 1)
    pd.testing.assert_frame_equal(term_counts(texts, groups), reference(texts, groups))


PIECES = st.sampled_from([*"abcAB ΣσςİıßÉé-'\n\t.,1ö한국\u00a0", "the ", " and ", "ab "])
TEXTS = st.lists(PIECES, max_size=25).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=8))
def test_any_texts_counted_as_the_vectorizer_counts(texts):
    groups = _groups(len(texts), 2, len(texts))
    pd.testing.assert_frame_equal(term_counts(texts, groups), reference(texts, groups))
