"""Duplicate groups over partitions: the same groups, representatives and counts as one process.

In one process (:func:`topics.corpus.build.build_frame`) the records' content ids give the exact
groups; the first record of every id is compared with the others on word 3-gram shingles
(:func:`topics.corpus.dedup.near_pairs`), whose document frequencies over the whole corpus
decide which shingles count, and candidate pairs are confirmed on idf²-weighted words, idf over
the whole corpus too; connected pairs form the groups and
:func:`topics.corpus.build.representatives` picks each group's representative. Here the same
numbers are computed partition by partition (each file is one partition, read without
de-duplication):

0. every partition sends its distinct content ids; a tree keeps the first partition holding
   each id (:func:`~topics.distributed._ingest.first_holders`), so a partition knows which of
   its records are the first of their id in the whole corpus (the compared documents, numbered
   in read order as in one process);
1. *signatures*: every partition hashes its compared documents into their distinct shingle
   keys (:func:`topics.corpus.dedup.token_hashes`, :func:`~topics.corpus.dedup.shingle_keys`),
   split into buckets by key, and counts the documents holding each of its words;
2. *shuffle on shingle keys*: bucket ``b`` gathers every partition's keys of bucket ``b`` (so
   each key's document frequency is whole) and counts the informative shingles shared by each
   pair (:func:`~topics.corpus.dedup.shared_counts`), split again by pair;
3. every pair bucket adds up its pairs' counts over the shingle buckets and keeps those that
   reach the containment threshold in the date window (:func:`~topics.corpus.dedup.passing`);
4. the documents of the candidate pairs send their words; the partitions count them over all
   their documents (document frequencies add up) and the pairs are confirmed
   (:func:`~topics.corpus.dedup.contained`) with the corpus-wide idf²;
5. one task takes every record's content id, length and date (24 bytes a record) and the
   confirmed pairs and groups them (:func:`topics.corpus.build.representatives`); every
   partition then marks its merged records (:func:`topics.corpus.build.set_groups`).

The client holds futures and a few integers per partition. A compared document's signature
is its distinct shingles (17 bytes each: key, document, eligibility), about as many as its
words; the partition's word counts come on top (16 bytes a distinct word). Buckets are as many
as partitions, so a bucket task holds about one partition's signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from topics.corpus import schema
from topics.distributed import _ingest as ingest
from topics.distributed._cluster import gather, submit_each, tree

if TYPE_CHECKING:
    from distributed import Client, Future

    from topics.corpus import Corpus

Holders = tuple[np.ndarray, np.ndarray]
Pairs = tuple[np.ndarray, np.ndarray]
_EMPTY = np.zeros(0, np.int64)


@dataclass
class Signature:
    """What pass 1 keeps of a partition's compared documents (numbered from 0 in the partition).

    Attributes
    ----------
    sizes, days : ndarray of shape (n_compared,)
        Distinct shingles of every document; its date in days (NaN when undated).
    buckets : list of (keys, documents, eligible)
        Its distinct (shingle key, document) pairs by bucket (``key % n_buckets``), and whether
        the document has enough shingles to be compared.
    words, word_df : ndarray
        Its distinct word hashes (sorted) and how many of its documents hold each.
    """

    sizes: np.ndarray
    days: np.ndarray
    buckets: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    words: np.ndarray
    word_df: np.ndarray


def compared(corpus: Corpus, index: int, holders: Holders) -> np.ndarray:
    """Rows of the partition that are the first record of their id in the whole corpus."""
    from topics.corpus.dedup import exact_groups

    numbers = ingest.id_numbers(corpus.frame[schema.ID])
    ids, where = holders
    slot = np.minimum(np.searchsorted(ids, numbers), max(0, len(ids) - 1))
    held_here = (ids[slot] == numbers) & (where[slot] == index)
    first = exact_groups(numbers.tolist()) == np.arange(len(numbers))
    return np.flatnonzero(first & held_here)


def _texts(corpus: Corpus, rows: np.ndarray) -> list[str]:
    from topics.corpus.dedup import unquoted

    frame = corpus.frame
    titles, texts = frame[schema.TITLE].to_numpy(), frame[schema.TEXT].to_numpy()
    return unquoted([schema.document_text(titles[i], texts[i]) for i in rows])


def signature(corpus: Corpus, index: int, holders: Holders, n_buckets: int) -> Signature:
    """Pass 1: the shingle keys of the partition's compared documents, by bucket, and its word
    document frequencies."""
    from topics.corpus.build import as_days
    from topics.corpus.dedup import MIN_SHINGLES, shingle_keys, token_hashes, unigram_matrix

    rows = compared(corpus, index, holders)
    flat, lengths, _ = token_hashes(_texts(corpus, rows))
    keys, docs = shingle_keys(flat, lengths)  # docs ascending
    codes = _factorize(keys)
    # each (document, shingle) once, documents still ascending (first occurrences kept)
    _, first = np.unique(docs * (int(codes.max(initial=-1)) + 1) + codes, return_index=True)
    first.sort()
    docs, keys = docs[first], keys[first]
    sizes = np.bincount(docs, minlength=len(rows)).astype(np.float64)
    eligible = sizes[docs] >= MIN_SHINGLES
    buckets = _split((keys, docs, eligible), keys % n_buckets, n_buckets)
    unigrams, vocabulary = unigram_matrix(flat, lengths)
    df = np.bincount(unigrams.indices, minlength=unigrams.shape[1])
    order = np.argsort(vocabulary)
    days = as_days(corpus.frame[schema.DATE].to_numpy()[rows])
    return Signature(sizes, days, buckets, vocabulary[order], df[order])


def doc_table(*parts: Signature) -> tuple[np.ndarray, np.ndarray]:
    """Sizes and days of every compared document, in corpus order (16 bytes a document)."""
    return np.concatenate([p.sizes for p in parts]), np.concatenate([p.days for p in parts])


def bucket_piece(part: Signature, b: int, offset: int) -> tuple[np.ndarray, ...]:
    """One bucket of a partition's signature, documents numbered in the whole corpus."""
    keys, docs, eligible = part.buckets[b]
    return keys, docs + offset, eligible


def bucket_counts(
    n_docs: int, n_out: int, *pieces: tuple[np.ndarray, ...]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pass 2: informative shingles of the bucket shared by every pair, split by pair code
    (``left * n_docs + right``) into ``n_out`` parts."""
    from scipy import sparse

    from topics.corpus.dedup import df_cap, shared_counts

    keys = np.concatenate([p[0] for p in pieces])
    docs = np.concatenate([p[1] for p in pieces])
    eligible = np.concatenate([p[2] for p in pieces])
    codes, counts = [_EMPTY], [np.zeros(0)]
    if len(keys):
        columns = _factorize(keys)
        # the pieces are in partition order, each in document order: docs ascend, and so do
        # their codes (rows < cols is kept)
        numbers, rows = np.unique(docs, return_inverse=True)
        n_columns = int(columns.max()) + 1
        matrix = sparse.csr_matrix(
            (np.ones(len(keys), np.float32), (rows, columns)), shape=(len(numbers), n_columns)
        )
        df = np.bincount(columns, minlength=n_columns)
        row_eligible = np.zeros(len(numbers), bool)
        row_eligible[rows] = eligible
        for left, right, shared in shared_counts(matrix, df, df_cap(n_docs), row_eligible):
            codes.append(numbers[left] * n_docs + numbers[right])
            counts.append(shared)
    code, count = np.concatenate(codes), np.concatenate(counts)
    return _split((code, count), code % n_out, n_out)


def _split(arrays: tuple[np.ndarray, ...], part: np.ndarray, n: int) -> list[tuple]:
    """``arrays`` cut by ``part`` (0 to ``n - 1``), their order kept within each part."""
    if n <= 2**16:
        part = part.astype(np.uint16)  # a stable sort of 16-bit keys is a radix sort
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(n + 1))
    ordered = [a[order] for a in arrays]
    return [tuple(a[i:j] for a in ordered) for i, j in pairwise(bounds)]


def _factorize(values: np.ndarray) -> np.ndarray:
    """Codes 0, 1, 2, ... of equal values (hash-based, no sort)."""
    import pandas as pd

    return pd.factorize(values)[0].astype(np.int64)


def candidate_pairs(
    table: tuple[np.ndarray, np.ndarray],
    n_docs: int,
    threshold: float,
    window: float | None,
    *pieces: tuple[np.ndarray, np.ndarray],
) -> Pairs:
    """Pass 3: each pair's shared shingles added up over the buckets; the pairs passing."""
    from topics.corpus.dedup import passing

    codes, inverse = np.unique(np.concatenate([p[0] for p in pieces]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([p[1] for p in pieces]))
    left, right = codes // n_docs, codes % n_docs
    sizes, days = table
    good, _ = passing(left, right, counts, sizes, days, threshold, window)
    return left[good], right[good]


def concat_pairs(*parts: Pairs) -> Pairs:
    return np.concatenate([_EMPTY, *(p[0] for p in parts)]), np.concatenate(
        [_EMPTY, *(p[1] for p in parts)]
    )


def candidate_words(
    corpus: Corpus, index: int, holders: Holders, offset: int, pairs: Pairs
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pass 4: the word hashes of the partition's documents in a candidate pair (corpus
    numbers, flattened tokens, token counts, hashes of tokens holding a digit)."""
    from topics.corpus.dedup import token_hashes

    rows = compared(corpus, index, holders)
    numbers = offset + np.arange(len(rows))
    wanted = np.isin(numbers, np.concatenate(pairs))
    flat, lengths, digits = token_hashes(_texts(corpus, rows[wanted]))
    return numbers[wanted], flat, lengths, digits


def vocabulary(*parts: tuple[np.ndarray, ...]) -> np.ndarray:
    """Distinct word hashes of the candidate documents, sorted."""
    return np.unique(np.concatenate([_EMPTY, *(p[1] for p in parts)]))


def word_df(part: Signature, index: int, words: np.ndarray) -> np.ndarray:
    """The partition's documents holding each of ``words`` (sorted hashes)."""
    slot = np.minimum(np.searchsorted(part.words, words), max(0, len(part.words) - 1))
    found = part.words[slot] == words if len(part.words) else np.zeros(len(words), bool)
    return np.where(found, part.word_df[slot] if len(part.words) else 0, 0)


def add(*parts: np.ndarray) -> np.ndarray:
    return np.sum(parts, axis=0)


def confirm(
    pairs: Pairs, n_docs: int, words: np.ndarray, df: np.ndarray, *parts: tuple[np.ndarray, ...]
) -> Pairs:
    """Pass 4, the end: the candidate pairs whose shorter document's rare words and numbers are
    in the longer (:func:`topics.corpus.dedup.contained`, idf² over the whole corpus)."""
    from topics.corpus.dedup import contained, unigram_matrix, word_weights

    left, right = pairs
    if not len(left):
        return pairs
    # partitions in order, documents in order in each: the numbers are sorted
    numbers = np.concatenate([p[0] for p in parts])
    flat = np.concatenate([p[1] for p in parts])
    lengths = np.concatenate([p[2] for p in parts])
    unigrams, columns = unigram_matrix(flat, lengths)
    weight = word_weights(df[np.searchsorted(words, columns)], n_docs)
    numeric = np.isin(columns, np.concatenate([_EMPTY, *(p[3] for p in parts)]))
    ok = contained(
        unigrams,
        lengths,
        np.searchsorted(numbers, left),
        np.searchsorted(numbers, right),
        weight,
        numeric,
    )
    return left[ok], right[ok]


def records(corpus: Corpus, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every record's content id (uint64), length and date: what picks representatives."""
    from topics.corpus.build import document_lengths

    frame = corpus.frame
    return (
        ingest.id_numbers(frame[schema.ID]),
        document_lengths(frame),
        frame[schema.DATE].to_numpy().astype("datetime64[ns]"),
    )


def decide(pairs: Pairs, *parts: tuple[np.ndarray, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pass 5: every record's representative id and whether it is merged, by partition."""
    from topics.corpus.build import representatives
    from topics.corpus.dedup import exact_groups

    ids = np.concatenate([p[0] for p in parts])
    first = exact_groups(ids.tolist())
    length = np.concatenate([p[1] for p in parts])
    dates = np.concatenate([p[2] for p in parts])
    representative = representatives(first, *pairs, length, dates)
    merged = representative != np.arange(len(ids))
    bounds = np.cumsum([0] + [len(p[0]) for p in parts])
    return [(ids[representative[a:b]], merged[a:b]) for a, b in pairwise(bounds)]


def mark(corpus: Corpus, index: int, decided: list[tuple[np.ndarray, np.ndarray]]) -> Corpus:
    """The partition with its merged records marked and its account recomputed."""
    from copy import deepcopy

    from topics.corpus import Corpus
    from topics.corpus.build import set_groups, summarise

    rep_ids, merged = decided[index]
    frame = corpus.frame.copy()
    set_groups(frame, np.array([f"{int(i):016x}" for i in rep_ids], dtype=object), merged)
    report = deepcopy(corpus.report)
    summarise(frame, report)
    return Corpus(frame, report)


def group_on(
    client: Client,
    parts: list[Future],
    threshold: float,
    window: float | None,
    timeout: float | None,
) -> list[Future]:
    """The partitions with their duplicates grouped over the whole corpus (passes 0–5)."""
    ids = submit_each(client, ingest.distinct_ids, parts, "topics-ids")
    holders = tree(client, ingest.first_holders, ids, "topics-holders")
    n_buckets = len(parts)
    signatures = submit_each(client, signature, parts, "topics-signature", holders, n_buckets)
    sizes = gather(client, [client.submit(_count, s) for s in signatures], timeout)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    n_docs = int(offsets[-1])
    table = client.submit(doc_table, *signatures, key=f"topics-doctable-{holders.key}")
    shingle_buckets = [
        client.submit(
            bucket_counts,
            n_docs,
            n_buckets,
            *(
                client.submit(bucket_piece, s, b, offsets[i], key=f"topics-piece-{b}-{s.key}")
                for i, s in enumerate(signatures)
            ),
            key=f"topics-bucket-{b}-{holders.key}",
        )
        for b in range(n_buckets)
    ]
    candidates = [
        client.submit(
            candidate_pairs,
            table,
            n_docs,
            threshold,
            window,
            *(client.submit(itemgetter(k), s) for s in shingle_buckets),
            key=f"topics-pairs-{k}-{holders.key}",
        )
        for k in range(n_buckets)
    ]
    pairs = client.submit(concat_pairs, *candidates, key=f"topics-candidates-{holders.key}")
    del shingle_buckets, candidates
    words = [
        client.submit(candidate_words, p, i, holders, offsets[i], pairs, key=f"topics-cw-{p.key}")
        for i, p in enumerate(parts)
    ]
    vocab = client.submit(vocabulary, *words, key=f"topics-vocab-{holders.key}")
    df = tree(
        client, add, submit_each(client, word_df, signatures, "topics-wdf", vocab), "topics-df"
    )
    confirmed = client.submit(confirm, pairs, n_docs, vocab, df, *words)
    del signatures, table, words
    rows = submit_each(client, records, parts, "topics-records")
    decided = client.submit(decide, confirmed, *rows, key=f"topics-decide-{holders.key}")
    return submit_each(client, mark, parts, "topics-mark", decided)


def _count(part: Signature) -> int:
    return len(part.sizes)
