"""Word-count and TF-IDF transforms of fitted scikit-learn vectorizers, without a Python step
per term.

``CountVectorizer.transform`` runs its token pattern over every text, joins every bigram into a
string and looks every unigram and bigram up in its vocabulary in a Python loop: at prediction
time that was most of the cost of the theme tagger and of the embedding. :func:`transform`
gives the same matrix (same tokens, stop words, n-grams, counts, dtype, sorted indices, then the
vectorizer's own TF-IDF step) from the texts' whitespace chunks (:mod:`topics._chunks`, shared
with the other components of a prediction): the pattern runs once per *distinct* chunk (the
word ids of a chunk are kept for the next batch), the word ids of every token come out of numpy
indexing, and unigrams and bigrams are found with numpy: each vocabulary term is cut into its
words once, a bigram is the pair of its words' ids, looked up in a hash table (a pandas
``Index`` of the pairs of the vocabulary's bigrams).

It covers word vectorizers of unigrams and bigrams whose tokens cannot hold a space (the token
patterns of :data:`PATTERNS`); any other vectorizer goes through its own ``transform``.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

from topics._chunks import BLOCK, BREAK, ChunkCache, Chunks, chunks_of, runs

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
    pairs: Any  # pandas Index of the keys first * n_words + second of every bigram term
    pair_columns: np.ndarray  # their columns
    n_words: int
    cache: ChunkCache  # chunk → its word ids


_INDEXES: weakref.WeakKeyDictionary[Any, _Index] = weakref.WeakKeyDictionary()
#: Below this many texts a vectorizer without an index transforms them itself: building the
#: index takes longer (0.3 s for a vocabulary of 100,000 terms) than reading a few texts,
#: and a single ``topics predict "text"`` would pay it for nothing.
FEW = 100


def spread(texts: Sequence[str], k: int) -> list[str]:
    """At most ``k`` of ``texts``, evenly spaced (first and last included); all if fewer.

    What a vocabulary is fitted on in a large corpus (every text then goes through
    :func:`transform`): the corpus's order (dates, senders) is covered evenly, with no seed.
    """
    if len(texts) <= k:
        return list(texts)
    return [texts[i] for i in np.linspace(0, len(texts) - 1, k).astype(int)]


def covered(vectorizer: Any) -> bool:
    """Whether :func:`transform` computes this vectorizer's matrix itself."""
    from sklearn.feature_extraction.text import CountVectorizer

    return (
        isinstance(vectorizer, CountVectorizer)
        and vectorizer.analyzer == "word"
        and vectorizer.input == "content"
        and vectorizer.tokenizer is None
        and vectorizer.token_pattern in PATTERNS
        and 1 <= vectorizer.ngram_range[0] <= vectorizer.ngram_range[1] <= 2
    )


def indexed(vectorizer: Any, n_texts: int) -> bool:
    """Whether to read ``n_texts`` texts through the vectorizer's index: it is covered, and
    its index is built already or worth building (:data:`FEW`)."""
    return covered(vectorizer) and (n_texts >= FEW or _built(vectorizer) is not None)


def _built(vectorizer: Any) -> _Index | None:
    """The vectorizer's index, if built for its current vocabulary."""
    cached = _INDEXES.get(vectorizer)
    vocabulary = getattr(vectorizer, "vocabulary_", None)
    return cached if cached is not None and cached.vocabulary is vocabulary else None


def transform(vectorizer: Any, texts: Sequence[str], chunks: Chunks | None = None) -> Any:
    """``vectorizer.transform(texts)``, identical, faster for the vectorizers it covers.

    ``chunks``: the texts already cut (:class:`topics._chunks.Chunks`), shared with the other
    components of a prediction.

    Returns
    -------
    sparse matrix of shape (n_texts, n_terms)
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if isinstance(texts, str) or not indexed(vectorizer, len(texts)):
        return vectorizer.transform(texts)
    if isinstance(vectorizer, TfidfVectorizer):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(vectorizer, msg="The TF-IDF vectorizer is not fitted")
        return vectorizer._tfidf.transform(_counts(vectorizer, texts, chunks), copy=False)
    return _counts(vectorizer, texts, chunks)


def _index(vectorizer: Any) -> _Index:
    cached = _built(vectorizer)
    if cached is not None:
        return cached
    vocabulary = vectorizer.vocabulary_
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
    import pandas as pd

    preprocess, tokenize = vectorizer.build_preprocessor(), vectorizer.build_tokenizer()
    get = parts.get  # no reference to the vectorizer: the index is kept weakly by it
    index = _Index(
        vocabulary,
        parts,
        unigram,
        pd.Index(np.asarray(pairs, dtype=np.int64)),  # unique keys: looked up by hashing
        np.asarray(pair_columns, np.int64),
        n_words,
        ChunkCache(
            lambda chunk: map(get, tokenize(preprocess(chunk)), repeat(-1)),
            analyse_many=_word_ids_of_many(vectorizer, get),
        ),
    )
    _INDEXES[vectorizer] = index
    return index


def _word_ids_of_many(vectorizer: Any, get: Callable) -> Callable | None:
    """The word ids of many chunks read at once (:func:`topics._chunks.runs`): one
    preprocessing and one pattern call over the chunks joined by line breaks.

    Only for scikit-learn's own preprocessing (lower-casing, accent stripping), which changes a
    line break into nothing else and reads no character beyond one: a capital sigma is made
    final by the letters around it, but a line break stops that look (it is neither cased nor
    case-ignorable), as the end of a chunk does; NFKD decomposes each character alone and
    reorders combining marks only up to a character of class 0, which a line break is. The
    covered token patterns match no line break, and their ``\\b`` sees it as the end of the
    text. ``None`` for any other preprocessing: each chunk is then read alone.
    """
    if vectorizer.preprocessor is not None or vectorizer.strip_accents not in (
        None,
        "ascii",
        "unicode",
    ):
        return None
    preprocess = vectorizer.build_preprocessor()
    find = re.compile(vectorizer.token_pattern + "|" + BREAK).findall  # (?u) stays first

    def analyse_many(chunks: list[str]) -> list[tuple[int, ...]] | None:
        items = find(preprocess(BREAK.join(chunks)))
        return runs(items, list(map(get, items, repeat(-1))), len(chunks))

    return analyse_many


def _counts(vectorizer: Any, texts: Sequence[str], chunks: Chunks | None = None) -> Any:
    """``CountVectorizer.transform`` of a covered vectorizer (see the module docstring)."""
    import scipy.sparse as sp
    from sklearn.utils._sparse import _align_api_if_sparse

    vectorizer._check_vocabulary()
    index = _index(vectorizer)
    texts = list(texts)
    n_texts, n_terms = len(texts), len(index.vocabulary)
    if chunks is not None:
        blocks = [_cells(vectorizer, index, chunks_of(texts, chunks), 0)]
    else:  # a block at a time: the chunks of a whole corpus would not fit in memory
        blocks = [
            _cells(vectorizer, index, Chunks(texts[start : start + BLOCK]), start)
            for start in range(0, n_texts, BLOCK)
        ]
    cells = np.concatenate([b[0] for b in blocks]) if blocks else np.zeros(0, np.int64)
    values = np.concatenate([b[1] for b in blocks]) if blocks else np.zeros(0, np.int64)
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


def token_ids(vectorizer: Any, chunks: Chunks) -> tuple[np.ndarray, np.ndarray]:
    """The vectorizer's word ids of every token of every text, and their number per text.

    Ids are those of the vectorizer's index: -1 for a word it does not know, -2 for a stop
    word. Computed once per batch of chunks (:meth:`Chunks.memo`).
    """
    index = _index(vectorizer)

    def make() -> tuple[np.ndarray, np.ndarray]:
        words, starts = chunks.values(index.cache)
        return words, chunks.per_text(starts)

    return chunks.memo(("token_ids", id(index)), make)


def has_unigram(vectorizer: Any, chunks: Chunks) -> np.ndarray:
    """Bool ndarray of shape (n_texts,): whether a text has a token that is one of the
    vectorizer's terms (what :func:`topics._vocabulary.known_texts` asks)."""
    vectorizer._check_vocabulary()
    index = _index(vectorizer)
    words, lengths = token_ids(vectorizer, chunks)
    doc = np.repeat(np.arange(len(chunks), dtype=np.int64), lengths)
    hit = np.zeros(len(words), dtype=bool)
    known = words >= 0
    hit[known] = index.unigram[words[known]] >= 0
    return np.bincount(doc[hit], minlength=len(chunks)) > 0


def _cells(vectorizer: Any, index: _Index, chunks: Chunks, first_row: int):
    """Sorted ``row * n_terms + column`` of a batch's non-zero counts, and the counts."""
    words, lengths = token_ids(vectorizer, chunks)
    n_texts, n_terms = len(chunks), len(index.vocabulary)
    doc = np.repeat(np.arange(first_row, first_row + n_texts, dtype=np.int64), lengths)
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
        slot = index.pairs.get_indexer(first[ok] * index.n_words + second[ok])
        found = slot >= 0
        rows.append(doc[:-1][ok][found])
        columns.append(index.pair_columns[slot[found]])
    return np.unique(
        np.concatenate(rows) * n_terms + np.concatenate(columns) if rows else np.zeros(0, np.int64),
        return_counts=True,
    )
