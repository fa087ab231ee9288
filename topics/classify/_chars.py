"""Character n-grams inside word boundaries (``analyzer="char_wb"``) without a Python step per
n-gram of every text.

scikit-learn's ``char_wb`` analyzer cuts every word of every text into its n-grams in Python
(on 20 Newsgroups' 11,314 posts, 2–5-grams: 29 s of a 2-core machine). A ``char_wb`` n-gram
never crosses a word (a run of non-whitespace), so a text's counts are the sum of its words'
counts: ``texts × words`` (counts of each distinct word) times ``words × n-grams`` (the n-grams
of each distinct word, cut once). :func:`fit_transform` and :func:`transform` give the matrix of
``TfidfVectorizer.fit_transform`` / ``transform`` (same vocabulary, column order, counts and
TF-IDF step: the vectorizer's own, fitted as scikit-learn fits it), and leave the vectorizer as
scikit-learn's ``fit`` would (``vocabulary_``, ``idf_``), so it is saved and used as before.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

#: What the ``char_wb`` analyzer collapses before splitting a text into words.
_WHITE_SPACES = re.compile(r"\s\s+")


def covered(vectorizer: Any) -> bool:
    """Whether this module computes the vectorizer's matrices (a ``char_wb`` TF-IDF with idf)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.analyzer == "char_wb"
        and vectorizer.input == "content"
        and vectorizer.preprocessor is None
        and vectorizer.max_features is None
        and vectorizer.use_idf
    )


def fit_transform(vectorizer: Any, texts: Sequence[str]) -> Any:
    """``vectorizer.fit_transform(texts)`` for a :func:`covered` vectorizer, identical (with
    sorted indices).

    Raises
    ------
    ValueError
        As scikit-learn does: no n-gram at all, or none left after ``min_df``/``max_df``.
    """
    if not covered(vectorizer):
        return vectorizer.fit_transform(texts)
    from scipy import sparse

    words, index = _word_counts(vectorizer, texts)
    types = list(index)
    low, high = vectorizer.ngram_range
    alphabet = np.unique(_points(types)[0])
    bits = _alphabet_bits(alphabet, high)
    if bits is None:
        grams: dict[str, int] = {}
        counts = (words @ _gram_counts(vectorizer, index, grams, grow=True)).tocsr()
        terms = sorted(grams)
        order = np.empty(len(terms), dtype=np.int64)
        order[[grams[t] for t in terms]] = np.arange(len(terms))
        counts.indices = order.take(counts.indices).astype(counts.indices.dtype)
    else:
        found = _codes(types, low, high, alphabet, bits)
        unique, column = np.unique(found.codes, return_inverse=True)
        parts = sparse.csr_matrix(
            (np.ones(len(column), dtype=np.int64), (found.rows, column)),
            shape=(len(types), len(unique)),
        )
        counts = (words @ parts).tocsr()
    if counts.shape[1] == 0:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    high_df = vectorizer.max_df if isinstance(vectorizer.max_df, int) else vectorizer.max_df * n
    low_df = vectorizer.min_df if isinstance(vectorizer.min_df, int) else vectorizer.min_df * n
    if high_df < low_df:
        raise ValueError("max_df corresponds to < documents than min_df")
    kept = np.flatnonzero((df <= high_df) & (df >= low_df))
    if len(kept) == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    counts = counts[:, kept]
    counts.sort_indices()
    if bits is None:
        kept_terms = [terms[k] for k in kept.tolist()]
    else:
        kept_terms = _decode(unique[kept], alphabet, bits, high)
    vectorizer.vocabulary_ = dict(zip(kept_terms, range(len(kept)), strict=True))
    counts = _finish_counts(vectorizer, counts)
    tfidf = _transformer(vectorizer).fit(counts)
    vectorizer.idf_ = tfidf.idf_
    return tfidf.transform(counts, copy=False)


def transform(vectorizer: Any, texts: Sequence[str]) -> Any:
    """``vectorizer.transform(texts)`` for a fitted :func:`covered` vectorizer, identical."""
    if isinstance(texts, str) or not covered(vectorizer):
        return vectorizer.transform(texts)
    from scipy import sparse

    if getattr(vectorizer, "vocabulary_", None) is None:
        vectorizer._validate_vocabulary()
    vocabulary = vectorizer.vocabulary_
    words, index = _word_counts(vectorizer, texts)
    coded = _vocabulary_codes(vectorizer)
    if coded is None:
        parts = _gram_counts(vectorizer, index, vocabulary, grow=False)
    else:
        low, high = vectorizer.ngram_range
        found = _codes(list(index), low, high, coded.alphabet, coded.bits)
        at = np.minimum(np.searchsorted(coded.codes, found.codes), len(coded.codes) - 1)
        hit = coded.codes[at] == found.codes
        parts = sparse.csr_matrix(
            (np.ones(int(hit.sum()), dtype=np.int64), (found.rows[hit], coded.columns[at[hit]])),
            shape=(len(index), len(vocabulary)),
        )
    counts = (words @ parts).tocsr()
    counts.sort_indices()
    counts = _finish_counts(vectorizer, counts)
    tfidf = _transformer(vectorizer)
    tfidf.idf_ = vectorizer.idf_
    return tfidf.transform(counts, copy=False)


def _transformer(vectorizer: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(
        norm=vectorizer.norm,
        use_idf=True,
        smooth_idf=vectorizer.smooth_idf,
        sublinear_tf=vectorizer.sublinear_tf,
    )


class _Vocabulary(NamedTuple):
    vocabulary: dict[str, int]  # the vocabulary it was coded from
    alphabet: np.ndarray
    bits: int
    codes: np.ndarray  # sorted codes of its terms
    columns: np.ndarray  # their columns


_VOCABULARIES: weakref.WeakKeyDictionary[Any, _Vocabulary] = weakref.WeakKeyDictionary()


def _vocabulary_codes(vectorizer: Any) -> _Vocabulary | None:
    """The vectorizer's terms coded as :func:`_codes` codes them (kept per vectorizer), or
    ``None`` when they cannot be."""
    vocabulary = vectorizer.vocabulary_
    kept = _VOCABULARIES.get(vectorizer)
    if kept is not None and kept.vocabulary is vocabulary:
        return kept
    high = vectorizer.ngram_range[1]
    terms = list(vocabulary)
    if not terms or max(map(len, terms)) > high or any("\x00" in t for t in terms):
        return None  # (numpy's strings would lose a NUL)
    points = np.array(terms, dtype=f"<U{high}").view(np.uint32).reshape(len(terms), high)
    alphabet = np.unique(points[points > 0])
    bits = _alphabet_bits(alphabet, high)
    if bits is None:
        return None
    ranks = np.where(points > 0, np.searchsorted(alphabet, points) + 1, 0).astype(np.int64)
    codes = np.zeros(len(terms), dtype=np.int64)
    for j in range(high):
        codes |= ranks[:, j] << (bits * (high - 1 - j))
    order = np.argsort(codes, kind="stable")
    columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms))
    kept = _Vocabulary(vocabulary, alphabet, bits, codes[order], columns[order])
    _VOCABULARIES[vectorizer] = kept
    return kept


def _word_counts(vectorizer: Any, texts: Sequence[str]) -> tuple[Any, dict[str, int]]:
    """``texts × distinct words`` counts (words as the analyzer cuts them), and word → column."""
    from scipy import sparse

    preprocess = vectorizer.build_preprocessor()
    decode = vectorizer.decode
    index: dict[str, int] = {}
    ids: list[int] = []
    indptr = [0]
    for text in texts:
        cut = _WHITE_SPACES.sub(" ", preprocess(decode(text))).split()
        ids.extend([index.setdefault(w, len(index)) for w in cut])
        indptr.append(len(ids))
    columns = np.asarray(ids, dtype=np.int64)
    matrix = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.int64), columns, np.asarray(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, len(index)),
    )
    matrix.sum_duplicates()
    return matrix, index


def _gram_counts(vectorizer: Any, index: dict[str, int], grams: dict, *, grow: bool) -> Any:
    """``distinct words × n-grams`` counts; new n-grams join ``grams`` only when ``grow``."""
    from scipy import sparse

    low, high = vectorizer.ngram_range
    rows: list[int] = []
    columns: list[int] = []
    for row, word in enumerate(index):
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            cut = [padded[i : i + n] for i in range(max(1, length - n + 1))]
            if grow:
                found = [grams.setdefault(g, len(grams)) for g in cut]
            else:
                found = [grams[g] for g in cut if g in grams]
            columns.extend(found)
            rows.extend([row] * len(found))
            if length <= n:  # a short word counts once, at its shortest n
                break
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int64), (np.asarray(rows, dtype=np.int64), columns)),
        shape=(len(index), len(grams)),
    )
    return matrix


class _Codes(NamedTuple):
    """Every n-gram of every distinct word as one integer (see :func:`_codes`)."""

    rows: np.ndarray  # the word of each n-gram
    codes: np.ndarray  # its code


def _alphabet_bits(alphabet: np.ndarray, high: int) -> int | None:
    """Bits per character of a code (character ranks from 1, 0 ends a short n-gram), or
    ``None`` when ``high`` characters do not fit in 63 bits, or NUL is a character (numpy would
    cut it from the end of a decoded n-gram)."""
    bits = max(1, int(len(alphabet) + 1).bit_length())
    if bits * high > 63 or (len(alphabet) and alphabet[0] == 0):
        return None
    return bits


def _codes(words: Sequence[str], low: int, high: int, alphabet: np.ndarray, bits: int) -> _Codes:
    """The ``char_wb`` n-grams of ``words`` (padded with a space each side), coded so that codes
    sort as the n-grams do: characters as their rank in ``alphabet`` (sorted code points; a
    character outside it gets ``len(alphabet) + 1``), first character in the highest bits."""
    points, lengths = _points(words)
    ranks = np.searchsorted(alphabet, points).astype(np.int64) + 1
    outside = np.flatnonzero(
        (ranks > len(alphabet)) | (alphabet[np.minimum(ranks - 1, len(alphabet) - 1)] != points)
    )
    ranks[outside] = len(alphabet) + 1
    starts = np.cumsum(lengths) - lengths
    rows, codes = [], []
    for n in range(low, high + 1):
        # a word makes n-grams at n if it made no short one before (scikit-learn's rule)
        making = np.flatnonzero(lengths >= n) if n > low else np.arange(len(words))
        count = np.maximum(1, lengths[making] - n + 1)
        word = np.repeat(making, count)
        first = np.repeat(starts[making], count)
        first += np.arange(len(word)) - np.repeat(np.cumsum(count) - count, count)
        size = np.minimum(n, lengths[word])
        code = np.zeros(len(word), dtype=np.int64)
        for j in range(n):
            inside = j < size
            code[inside] |= ranks[first[inside] + j] << (bits * (high - 1 - j))
        rows.append(word)
        codes.append(code)
    return _Codes(np.concatenate(rows), np.concatenate(codes))


def _points(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the words padded with a space each side, end to end; padded lengths."""
    padded = "".join(f" {w} " for w in words)
    points = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter((len(w) + 2 for w in words), dtype=np.int64, count=len(words))
    return points, lengths


def _decode(codes: np.ndarray, alphabet: np.ndarray, bits: int, high: int) -> list[str]:
    """The n-grams of ``codes`` (see :func:`_codes`)."""
    table = np.r_[np.uint32(0), alphabet.astype(np.uint32)]
    mask = (1 << bits) - 1
    points = np.stack(
        [table[(codes >> (bits * (high - 1 - j))) & mask] for j in range(high)], axis=1
    )
    return np.ascontiguousarray(points).view(f"<U{high}").ravel().tolist()


def _finish_counts(vectorizer: Any, counts: Any) -> Any:
    counts = counts.astype(vectorizer.dtype)
    if vectorizer.binary:
        counts.data.fill(1)
    return counts
