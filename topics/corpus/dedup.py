"""Exact and near-duplicate grouping, without comparing every pair in Python.

Exact duplicates share their content id. Near-duplicates are found on word 3-gram *shingles*:
each document becomes a binary row of its shingles (:func:`shingle_matrix`), and the shingle
counts shared by every pair come from sparse matrix products, computed in chunks of rows. Two
documents are near-duplicates when the *containment* of the smaller in the larger,

    |shingles(A) ∩ shingles(B)| / min(|shingles(A)|, |shingles(B)|),

reaches the threshold, so a short release about an event matches the long release it summarises.
Shingles found in very many documents (standard phrases) are left out of the products: they are
evidence of a shared style, not of a shared event, and would make the product dense.

Candidates are then confirmed on the words of the shorter release (see :func:`_confirm`), which
separates templated series from true duplicates.

On the seeds the three short/long pairs score 0.53–0.60 (idf² word containment 0.78–0.87, all
numbers shared), and the closest distinct releases (two releases about the same MSP meeting in
Toronto) 0.17; the default threshold is 0.4.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from topics.progress import Progress

if TYPE_CHECKING:
    from scipy import sparse

_TOKEN = re.compile(r"\w+")
#: E-mail style quoted lines ("> ...") repeat another message: they are not evidence that a
#: reply duplicates it, so they are left out of the comparison.
_QUOTED = re.compile(r"^[ \t]*(?:>|\|>|:(?=\s|$)).*$\n?", re.MULTILINE)
# Odd multipliers that mix three word hashes into one 3-gram key (int64 arithmetic wraps).
_P1 = np.int64(0x9E3779B97F4A7C15 - 2**64)
_P2 = np.int64(0x632BE59BD9B4E019)

NEAR_THRESHOLD = 0.4
#: Share (idf²-weighted) of the shorter document's words that the longer one must contain.
WORD_THRESHOLD = 0.7
#: Share of the shorter document's numbers that the longer one must contain.
NUMBER_THRESHOLD = 0.75
#: Documents with fewer shingles than this are only ever exact duplicates.
MIN_SHINGLES = 8
#: Near-duplicates must be dated within this many days of each other (undated: no limit).
NEAR_WINDOW_DAYS = 14
#: Rows of the pair product computed at once are chosen to give about this many entries.
_BUDGET = 1_000_000
#: Shingles in more documents than ``min(MAX_DF, max(MIN_DF_CAP, n // 100))`` are ignored.
MAX_DF = 100
MIN_DF_CAP = 20


def exact_groups(ids: Sequence[str]) -> np.ndarray:
    """Index of the first record with the same id, for every record; shape (n_records,)."""
    first: dict[str, int] = {}
    return np.array([first.setdefault(doc_id, i) for i, doc_id in enumerate(ids)], dtype=np.int64)


def near_pairs(
    texts: Sequence[str],
    days: np.ndarray | None = None,
    *,
    threshold: float = NEAR_THRESHOLD,
    window_days: float | None = NEAR_WINDOW_DAYS,
    max_df: int | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of near-duplicate documents.

    Parameters
    ----------
    texts : sequence of str, length n_documents
        Documents (title and text), already free of exact duplicates.
    days : ndarray of shape (n_documents,), optional
        Dates as days (float, NaN when undated); pairs further apart than ``window_days`` are
        not near-duplicates.
    threshold : float
        Minimum containment, in (0, 1].
    window_days : float, optional
        ``None`` for no date limit.
    max_df : int, optional
        Shingles in more documents than this are ignored (default: 1% of the documents,
        at least :data:`MIN_DF_CAP`, at most :data:`MAX_DF`).
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    left, right : ndarray of shape (n_pairs,)
        Indices with ``left < right``.
    score : ndarray of shape (n_pairs,)
        Their containment.
    """
    n = len(texts)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if n < 2:
        return empty
    texts = unquoted(texts)
    tokens = token_hashes(texts)
    matrix = shingle_matrix(texts, tokens=tokens)
    sizes = np.diff(matrix.indptr).astype(np.float64)
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    cap = df_cap(n) if max_df is None else max_df
    lefts, rights, scores = [], [], []
    for rows, cols, counts in shared_counts(matrix, df, cap, sizes >= MIN_SHINGLES, progress):
        good, score = passing(rows, cols, counts, sizes, days, threshold, window_days)
        lefts.append(rows[good])
        rights.append(cols[good])
        scores.append(score[good])
    left, right, score = np.concatenate(lefts), np.concatenate(rights), np.concatenate(scores)
    if len(left):
        good = _confirm(tokens, left, right)
        left, right, score = left[good], right[good], score[good]
    if progress is not None:
        progress("finding near-duplicates", 1.0)
    return left, right, score


def unquoted(texts: Sequence[str]) -> list[str]:
    """The texts without their e-mail style quoted lines (what near-duplicates are found on)."""
    return [_QUOTED.sub("", text) if ">" in text else text for text in texts]


def df_cap(n: int) -> int:
    """Shingles in more of ``n`` documents than this are left out of the pair products."""
    return min(MAX_DF, max(MIN_DF_CAP, n // 100))


def shared_counts(
    matrix: sparse.csr_matrix,
    df: np.ndarray,
    cap: int,
    eligible: np.ndarray,
    progress: Progress | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Informative shingles shared by every pair of eligible documents, in chunks of rows.

    Parameters
    ----------
    matrix : scipy.sparse.csr_matrix of shape (n_documents, n_shingles)
        Binary document × shingle rows (:func:`shingle_matrix`).
    df : ndarray of shape (n_shingles,)
        Documents holding each shingle (of the whole corpus); shingles with ``2 <= df <= cap``
        are informative.
    eligible : ndarray of bool, shape (n_documents,)
        Documents compared (the others still count in ``df``).

    Yields
    ------
    rows, cols, counts : ndarray of shape (n_pairs,)
        Pairs with ``rows < cols`` sharing at least one informative shingle, and how many.
    """
    from scipy import sparse

    n = matrix.shape[0]
    informative = (df >= 2) & (df <= cap)
    keep = informative[matrix.indices]
    matrix = sparse.csr_matrix(
        (matrix.data[keep], matrix.indices[keep], _indptr(keep, matrix.indptr)),
        shape=matrix.shape,
    )
    matrix = sparse.diags(eligible.astype(np.float32)) @ matrix
    transposed = matrix.T.tocsr()
    # Each row's share of the product is the sum of its shingles' document frequencies.
    cost = np.asarray(matrix @ df.astype(np.float64)).ravel()
    for start, stop in pairwise(_chunks(cost, _BUDGET)):
        if progress is not None:
            progress("finding near-duplicates", start / n)
        shared = (matrix[start:stop] @ transposed).tocoo()
        rows = shared.row.astype(np.int64) + start
        cols = shared.col.astype(np.int64)
        upper = rows < cols
        yield rows[upper], cols[upper], shared.data[upper].astype(np.float64)


def passing(
    rows: np.ndarray,
    cols: np.ndarray,
    counts: np.ndarray,
    sizes: np.ndarray,
    days: np.ndarray | None,
    threshold: float,
    window_days: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Which pairs reach the containment ``threshold`` within the date window, and their
    containment (``counts`` over the smaller shingle count in ``sizes``)."""
    score = counts / np.minimum(sizes[rows], sizes[cols])
    good = score >= threshold
    if days is not None and window_days is not None:
        gap = np.abs(days[rows] - days[cols])
        good &= ~(gap > window_days)  # NaN (undated) passes
    return good, score


def _confirm(
    tokens: tuple[np.ndarray, np.ndarray, np.ndarray], left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Keep candidate pairs whose shorter document's rare words and numbers are in the longer.

    Templated series (daily money-market notes, prime-rate changes by different banks) share
    most 3-grams but differ in the names and figures; a short and a long release about one event
    share those. Two checks, on the shorter document A of each pair and the longer B:

    * idf²-weighted word containment: sum of idf² over A's words found in B, over the sum over
      all of A's words, at least :data:`WORD_THRESHOLD` (rare words weigh most);
    * number containment: at least :data:`NUMBER_THRESHOLD` of A's distinct tokens holding a
      digit are in B (all pass when A has none).

    Returns
    -------
    ndarray of bool, shape (n_pairs,)
    """
    flat, lengths, number_hashes = tokens
    n = len(lengths)
    unigrams, vocabulary = unigram_matrix(flat, lengths)
    df = np.bincount(unigrams.indices, minlength=unigrams.shape[1])
    numeric = np.isin(vocabulary, number_hashes)
    return contained(unigrams, lengths, left, right, word_weights(df, n), numeric)


def unigram_matrix(flat: np.ndarray, lengths: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Binary document × word matrix of flattened token hashes (:func:`token_hashes`), and the word
    hash of every column."""
    from scipy import sparse

    columns, vocabulary = _factorize(flat, uniques=True)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    unigrams = sparse.csr_matrix(
        (np.ones(len(flat), dtype=np.float64), (rows, columns.ravel())),
        shape=(len(lengths), len(vocabulary)),
    )
    unigrams.sum_duplicates()
    unigrams.data[:] = 1.0
    return unigrams, vocabulary


def word_weights(df: np.ndarray, n: int) -> np.ndarray:
    """idf² of words held by ``df`` of ``n`` documents."""
    return (np.log((n + 1) / (df + 1)) + 1) ** 2


def contained(
    unigrams: sparse.csr_matrix,
    lengths: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    numeric: np.ndarray,
) -> np.ndarray:
    """The two checks of :func:`_confirm` on rows ``left`` and ``right`` of ``unigrams``, given
    every column's ``weight`` and whether it is a number (bool); ``lengths`` in tokens."""
    numeric = numeric.astype(np.float64)
    shorter = np.where(lengths[left] <= lengths[right], left, right)
    longer = np.where(lengths[left] <= lengths[right], right, left)
    a, b = unigrams[shorter], unigrams[longer]
    weighted = a.multiply(weight[None, :]).tocsr()
    total = np.asarray(weighted.sum(axis=1)).ravel()
    shared = np.asarray(weighted.multiply(b).sum(axis=1)).ravel()
    word_ok = shared >= WORD_THRESHOLD * total
    numbers = a.multiply(numeric[None, :]).tocsr()
    n_numbers = np.asarray(numbers.sum(axis=1)).ravel()
    n_shared = np.asarray(numbers.multiply(b).sum(axis=1)).ravel()
    number_ok = n_shared >= NUMBER_THRESHOLD * n_numbers
    return word_ok & number_ok


def token_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes of the lower-cased word tokens of every text, flattened; count per text; and the
    hashes of the tokens that hold a digit.

    Python's string hash: equal words, equal values, and only equality matters here (a 64-bit
    collision between two different words is the only way a result could change). The token
    strings themselves are not kept, which keeps memory flat on large corpora.
    """
    hashes, numbers = [], []
    for text in texts:
        words = _TOKEN.findall(text.lower())
        hashes.append(np.fromiter(map(hash, words), dtype=np.int64, count=len(words)))
        numbers.extend(hash(w) for w in words if not w.isalpha())
    lengths = np.fromiter(map(len, hashes), dtype=np.int64, count=len(hashes))
    flat = np.concatenate(hashes) if hashes else np.zeros(0, np.int64)
    return flat, lengths, np.unique(np.asarray(numbers, dtype=np.int64))


def shingle_matrix(
    texts: Sequence[str], *, tokens: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
) -> sparse.csr_matrix:
    """Binary document × shingle matrix of word 3-grams (lower-cased ``\\w+`` tokens).

    Each 3-gram gets an int64 key mixed from its words' hashes, and the keys are numbered with
    ``pandas.factorize``: equal shingles share a column (distinct ones could only share one
    through a 64-bit collision).

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_documents, n_shingles), float32
    """
    from scipy import sparse

    flat, lengths, _ = token_hashes(texts) if tokens is None else tokens
    keys, rows = shingle_keys(flat, lengths)
    columns = _factorize(keys)
    matrix = sparse.csr_matrix(
        (np.ones(len(keys), dtype=np.float32), (rows, columns.ravel())),
        shape=(len(texts), int(columns.max()) + 1 if len(columns) else 1),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def shingle_keys(flat: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The int64 key of every word 3-gram of flattened token hashes, and its document's row
    (repeated 3-grams repeated)."""
    if len(flat) < 3:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    with np.errstate(over="ignore"):
        keys = (flat[:-2] * _P1 + flat[1:-1]) * _P2 + flat[2:]
    owner = np.repeat(np.arange(len(lengths)), lengths)
    ends = np.cumsum(lengths)
    position = np.arange(len(flat)) - np.repeat(ends - lengths, lengths)
    # a 3-gram starting at position p is inside its document when p + 2 < its length
    valid = (position + 2 < lengths[owner])[:-2]
    return keys[valid], owner[:-2][valid]


def _factorize(values: np.ndarray, uniques: bool = False):
    """Number equal values 0, 1, 2, ... (hash-based, no sort); optionally return the uniques."""
    import pandas as pd

    codes, found = pd.factorize(values)
    codes = codes.astype(np.int64)
    return (codes, np.asarray(found)) if uniques else codes


def _chunks(cost: np.ndarray, budget: float) -> list[int]:
    """Row boundaries ``[0, ..., n]`` so that each chunk's summed cost stays near ``budget``."""
    cumulative = np.cumsum(cost)
    bounds = [0]
    while bounds[-1] < len(cost):
        start = bounds[-1]
        spent = cumulative[start - 1] if start else 0.0
        stop = int(np.searchsorted(cumulative, spent + budget, side="right"))
        bounds.append(min(len(cost), max(stop, start + 1)))
    return bounds


def _indptr(keep: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    counts = np.concatenate([[0], np.cumsum(keep)])
    return counts[indptr]


def connected_groups(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of every node of the pair graph; shape (n,)."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    graph = sparse.coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels
