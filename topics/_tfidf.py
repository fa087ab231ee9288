"""Word-count and TF-IDF transforms of fitted scikit-learn vectorizers, without a Python step
per term.

``CountVectorizer.transform`` joins every bigram into a string and looks every unigram and
bigram up in its vocabulary in a Python loop: at prediction time that loop was most of the cost
of the theme tagger and of the embedding. :func:`transform` gives the same matrix (same tokens,
stop words, n-grams, counts, dtype, sorted indices, then the vectorizer's own TF-IDF step) with
one dictionary look-up per *token* (by a C-level ``map``), after which unigrams and bigrams are
found with numpy: each vocabulary term is cut into its words once, a bigram is the pair of its
words' ids, looked up by binary search.

It covers word vectorizers of unigrams and bigrams whose tokens cannot hold a space (the token
patterns of :data:`PATTERNS`); any other vectorizer goes through its own ``transform``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

#: Token patterns whose tokens never hold a space (so a vocabulary term "a b" is a bigram):
#: scikit-learn's default, and the tagger's and the topic terms' word patterns.
PATTERNS = frozenset(
    {
        r"(?u)\b\w\w+\b",
        r"(?u)\b[^\W\d_][\w'-]*\b",
        r"(?u)\b[^\W\d_][^\W\d_]+\b",
    }
)


class _Index(NamedTuple):
    vocabulary: dict[str, int]  # the vocabulary it was built from
    parts: dict[str, int]  # word → id (-2: a stop word)
    unigram: np.ndarray  # word id → column, -1 where the word is no term of its own
    pairs: np.ndarray  # sorted keys first * n_words + second of every bigram term
    pair_columns: np.ndarray  # their columns
    n_words: int


_INDEXES: weakref.WeakKeyDictionary[Any, _Index] = weakref.WeakKeyDictionary()


def covered(vectorizer: Any) -> bool:
    """Whether :func:`transform` computes this vectorizer's matrix itself."""
    from sklearn.feature_extraction.text import CountVectorizer

    return (
        isinstance(vectorizer, CountVectorizer)
        and vectorizer.analyzer == "word"
        and vectorizer.tokenizer is None
        and vectorizer.token_pattern in PATTERNS
        and 1 <= vectorizer.ngram_range[0] <= vectorizer.ngram_range[1] <= 2
    )


def transform(vectorizer: Any, texts: Sequence[str]) -> Any:
    """``vectorizer.transform(texts)``, identical, faster for the vectorizers it covers.

    Returns
    -------
    sparse matrix of shape (n_texts, n_terms)
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if isinstance(texts, str) or not covered(vectorizer):
        return vectorizer.transform(texts)
    if isinstance(vectorizer, TfidfVectorizer):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(vectorizer, msg="The TF-IDF vectorizer is not fitted")
        return vectorizer._tfidf.transform(_counts(vectorizer, texts), copy=False)
    return _counts(vectorizer, texts)


def _index(vectorizer: Any) -> _Index:
    vocabulary = vectorizer.vocabulary_
    cached = _INDEXES.get(vectorizer)
    if cached is not None and cached.vocabulary is vocabulary:
        return cached
    parts: dict[str, int] = {}
    terms = [(term.split(" "), column) for term, column in vocabulary.items()]
    for words, _ in terms:
        for word in words:
            parts.setdefault(word, len(parts))
    n_words = len(parts)
    unigram = np.full(n_words, -1, dtype=np.int64)
    pairs, pair_columns = [], []
    for words, column in terms:
        if len(words) == 1:
            unigram[parts[words[0]]] = column
        else:
            pairs.append(parts[words[0]] * n_words + parts[words[1]])
            pair_columns.append(column)
    stop = vectorizer.get_stop_words()
    parts.update(dict.fromkeys(stop or (), -2))  # removed before n-grams are formed
    keys = np.asarray(pairs, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    index = _Index(
        vocabulary, parts, unigram, keys[order], np.asarray(pair_columns, np.int64)[order], n_words
    )
    _INDEXES[vectorizer] = index
    return index


def _counts(vectorizer: Any, texts: Sequence[str]) -> Any:
    """``CountVectorizer.transform`` of a covered vectorizer (see the module docstring)."""
    import scipy.sparse as sp
    from sklearn.utils._sparse import _align_api_if_sparse

    vectorizer._check_vocabulary()
    index = _index(vectorizer)
    get = index.parts.get
    preprocess = vectorizer.build_preprocessor()
    tokenize = vectorizer.build_tokenizer()
    decode = vectorizer.decode
    ids = [
        np.fromiter(map(get, tokenize(preprocess(decode(text))), repeat(-1)), np.int64)
        for text in texts
    ]
    n_texts, n_terms = len(ids), len(index.vocabulary)
    lengths = np.fromiter(map(len, ids), np.int64, n_texts)
    words = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    doc = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
    kept = words != -2  # stop words go before n-grams are formed
    words, doc = words[kept], doc[kept]
    rows, columns = [], []
    low, high = vectorizer.ngram_range
    if low == 1:
        known = words >= 0
        column = index.unigram[words[known]]
        rows.append(doc[known][column >= 0])
        columns.append(column[column >= 0])
    if high == 2 and len(index.pairs) and len(words) > 1:
        first, second = words[:-1], words[1:]
        ok = (doc[:-1] == doc[1:]) & (first >= 0) & (second >= 0)
        keys = first[ok] * index.n_words + second[ok]
        slot = np.minimum(np.searchsorted(index.pairs, keys), len(index.pairs) - 1)
        found = index.pairs[slot] == keys
        rows.append(doc[:-1][ok][found])
        columns.append(index.pair_columns[slot[found]])
    cells, values = np.unique(
        np.concatenate(rows) * n_terms + np.concatenate(columns) if rows else np.zeros(0, np.int64),
        return_counts=True,
    )
    indptr = np.zeros(n_texts + 1, dtype=np.int64)
    np.cumsum(np.bincount(cells // max(n_terms, 1), minlength=n_texts), out=indptr[1:])
    dtype = np.int64 if indptr[-1] > np.iinfo(np.int32).max else np.int32
    X = sp.csr_array(
        (values.astype(np.intc), (cells % max(n_terms, 1)).astype(dtype), indptr.astype(dtype)),
        shape=(n_texts, n_terms),
        dtype=vectorizer.dtype,
    )
    X.has_sorted_indices = True
    if vectorizer.binary:
        X.data.fill(1)
    return _align_api_if_sparse(X)
