"""Hashed units of releases and how many releases hold each, in bounded memory.

The counting behind :mod:`topics.corpus.boilerplate`. Every release is cut into *units* (its
lines, every run of :data:`SHINGLE` words, its first and last 1 … :data:`SHINGLE` words), each
hashed to 64 bits with numpy (:func:`hash_chunk`, :func:`units`); a unit counts once per
release (:func:`per_release_unique`), once per sender-salted key and once corpus-wide.

Memory stays bounded (:func:`frequent_units`): releases are processed in blocks of
:data:`CHUNK`, senders together, in two passes. A unit in at least ``T`` of ``M`` counted
releases is in at least ``T · m / M`` of the ``m`` counted releases of some block (pigeonhole),
so pass 1 keeps only the units that reach that share of one block; pass 2 counts those
candidates exactly. Only blocks and candidates are held, never every unit of the corpus, and
the tables are the exact counts of every unit that can reach its threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: Words in a long shingle.
SHINGLE = 8
#: Releases processed together (bounds the memory of the hash arrays; below 2**12).
CHUNK = 1000

_rng = np.random.default_rng(20_06)
#: Odd multipliers, one per word position inside a shingle.
_MULT = (_rng.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) * np.uint64(2)) | np.uint64(1)
#: Salts separating unit kinds: line, shingle, prefix of length j, suffix of length j.
_SALT = _rng.integers(1, 2**63, size=2 + 2 * SHINGLE, dtype=np.uint64)
_LINE, _SHINGLE_SALT = 0, 1
#: Slack on the pigeonhole share (more candidates are harmless; a missed one is not).
_SLACK = 1e-9

Table = tuple[np.ndarray, np.ndarray]


@dataclass
class Chunk:
    """Hashed units of a run of releases (words flattened, with each release's offsets)."""

    words: list[list[str]]  # per release: its words, original case
    line_spans: list[list[tuple[int, int, int]]]  # per release: (first word, end word, hash)
    word_hash: np.ndarray  # uint64, all words of the chunk
    starts: np.ndarray  # int64, offset of each release's first word (length n + 1)


def hash_chunk(texts: Sequence[str]) -> Chunk:
    words: list[list[str]] = []
    line_spans: list[list[tuple[int, int, int]]] = []
    hashes: list[int] = []
    starts = [0]
    for text in texts:
        doc_words: list[str] = []
        spans: list[tuple[int, int, int]] = []
        for line in text.split("\n"):
            lower = line.lower().split()
            if not lower:
                continue
            begin = len(doc_words)
            doc_words.extend(line.split())
            hashes.extend(map(hash, lower))
            spans.append((begin, len(doc_words), hash(" ".join(lower))))
        words.append(doc_words)
        line_spans.append(spans)
        starts.append(starts[-1] + len(doc_words))
    word_hash = np.array(hashes, dtype=np.int64).view(np.uint64)
    return Chunk(words, line_spans, word_hash, np.asarray(starts, dtype=np.int64))


def units(chunk: Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every unit of a chunk: (release index, hash, first word, end word, strictness).

    Strictness multiplies the thresholds: an edge of ``w < SHINGLE`` words must recur
    ``SHINGLE / w`` times as often as a line or a shingle (a release opening with "The" is
    not furniture; one closing with "###" in most releases is).
    """
    n = len(chunk.words)
    h, starts = chunk.word_hash, chunk.starts
    lengths = np.diff(starts)
    doc_of_word = np.repeat(np.arange(n), lengths)
    docs, keys, begins, ends, strict = [], [], [], [], []
    # Lines.
    line_rows = [(d, b, e, k) for d, spans in enumerate(chunk.line_spans) for b, e, k in spans]
    if line_rows:
        arr = np.array([(d, b, e) for d, b, e, _ in line_rows], dtype=np.int64)
        line_keys = np.array([k for *_, k in line_rows], dtype=np.int64).view(np.uint64)
        docs.append(arr[:, 0])
        keys.append(line_keys ^ _SALT[_LINE])
        begins.append(arr[:, 1] + starts[arr[:, 0]])
        ends.append(arr[:, 2] + starts[arr[:, 0]])
        strict.append(np.ones(len(arr)))
    # Shingles and edges, built up one word position at a time.
    acc = np.zeros(len(h), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            width = j + 1
            if j:
                acc[:-j] += h[j:] * _MULT[j]
            else:
                acc += h * _MULT[0]
            for salt, first in ((2 + 2 * j, starts[:-1]), (3 + 2 * j, starts[1:] - width)):
                ok = lengths >= width
                pos = first[ok]
                docs.append(np.flatnonzero(ok))
                keys.append(acc[pos] ^ _SALT[salt])
                begins.append(pos)
                ends.append(pos + width)
                strict.append(np.full(len(pos), SHINGLE / width))
        pos = np.arange(len(h) - SHINGLE + 1) if len(h) >= SHINGLE else np.arange(0)
        pos = pos[(pos + SHINGLE) <= starts[1:][doc_of_word[pos]]] if len(pos) else pos
        docs.append(doc_of_word[pos])
        keys.append(acc[pos] ^ _SALT[_SHINGLE_SALT])
        begins.append(pos)
        ends.append(pos + SHINGLE)
        strict.append(np.ones(len(pos)))
    return (
        np.concatenate(docs).astype(np.int64),
        np.concatenate(keys).astype(np.uint64),
        np.concatenate(begins).astype(np.int64),
        np.concatenate(ends).astype(np.int64),
        np.concatenate(strict),
    )


#: Low bits of a unit key that carry the release index while counting (hashes keep 52 bits).
_DOC_BITS = 12
_HIGH = np.uint64(((1 << 64) - 1) ^ ((1 << _DOC_BITS) - 1))


def per_release_unique(docs: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each (release, unit) once: one sort of keys whose low bits are the release index."""
    unique = _sorted_unique((keys & _HIGH) | docs.astype(np.uint64))
    return (unique & ~_HIGH).astype(np.int64), unique & _HIGH


def corpus_key(keys: np.ndarray) -> np.ndarray:
    """A unit's corpus-wide key: its hash without the low bits."""
    return keys & _HIGH


def sender_key(keys: np.ndarray, sender: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        mixed = sender.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        return (keys ^ mixed) & _HIGH


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    keys = np.sort(keys)  # a plain sort: faster than np.unique's hashing on 64-bit keys
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and how often each occurs."""
    keys = np.sort(keys)
    if not len(keys):
        return keys, np.zeros(0, np.int64)
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[first], np.diff(np.r_[first, len(keys)])


def lookup(table: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    """The count of each key in ``table`` (0 for keys not in it)."""
    values, counts = table
    out = np.zeros(len(keys), dtype=np.int64)
    if not len(values):
        return out
    slot = np.minimum(np.searchsorted(values, keys), len(values) - 1)
    found = values[slot] == keys
    out[found] = counts[slot[found]]
    return out


def frequent_units(
    texts: Sequence[str],
    codes: np.ndarray,
    counted: np.ndarray,
    sender_thresholds: np.ndarray,
    corpus_threshold: float,
    floor: int,
    progress: Callable[[str, float | None], None] | None = None,
) -> tuple[Table, Table]:
    """Exact release counts of the units that can reach their threshold.

    Parameters
    ----------
    texts : sequence of str, length n_texts
    codes : ndarray of int, shape (n_texts,)
        Sender code of each text.
    counted : ndarray of bool, shape (n_texts,)
        Texts that count.
    sender_thresholds : ndarray of float, shape (n_senders,)
        Releases of its sender a sender-salted unit needs.
    corpus_threshold : float
        Releases of the corpus a unit needs.
    floor : int
        Units counted fewer times are left out of the tables.
    progress : callable, optional
        Called with fractions 0 … 2/3 (the last third is the caller's).

    Returns
    -------
    sender_table, corpus_table : (sorted keys, counts)
        For :func:`lookup`; sender keys from :func:`sender_key`, corpus keys masked to 52 bits.
    """
    blocks = counted_blocks(codes, counted)
    per_sender = np.bincount(codes[counted], minlength=len(sender_thresholds))
    total = int(counted.sum())
    found = candidates(
        texts, codes, blocks, per_sender, total, sender_thresholds, corpus_threshold, progress
    )
    totals = candidate_totals(texts, codes, blocks, found, progress)
    return tables(found, totals, floor)


def counted_blocks(codes: np.ndarray, counted: np.ndarray) -> list[np.ndarray]:
    """The counted releases in blocks of at most :data:`CHUNK`, senders together."""
    order = np.argsort(codes, kind="stable")
    order = order[counted[order]]  # only counted releases are hashed here
    return [order[i : i + CHUNK] for i in range(0, len(order), CHUNK)]


def candidates(
    texts: Sequence[str],
    codes: np.ndarray,
    blocks: list[np.ndarray],
    per_sender: np.ndarray,
    total: int,
    sender_thresholds: np.ndarray,
    corpus_threshold: float,
    progress: Callable[[str, float | None], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pass 1: the sorted sender and corpus keys that reach their share of one block.

    ``per_sender`` and ``total`` count the counted releases of the *whole* corpus, so the blocks
    may be any part of it (one machine's partition): the union of every part's candidates holds
    every unit that can reach its threshold.
    """
    total = max(1, total)
    sender_parts, corpus_parts = [], []
    for b, block in enumerate(blocks):
        if progress is not None:
            progress("finding boilerplate", b / max(1, len(blocks)) / 3)
        skeys, keys, sender = _block_keys(texts, block, codes)
        values, counts = _counts(keys)
        corpus_parts.append(values[counts >= corpus_threshold * len(block) / total - _SLACK])
        values, first, counts = np.unique(skeys, return_index=True, return_counts=True)
        of = sender[first]
        in_block = np.bincount(codes[block], minlength=len(sender_thresholds))
        need = sender_thresholds[of] * in_block[of] / np.maximum(per_sender[of], 1)
        sender_parts.append(values[counts >= need - _SLACK])
    return _sorted_unique(_concat(sender_parts)), _sorted_unique(_concat(corpus_parts))


def candidate_totals(
    texts: Sequence[str],
    codes: np.ndarray,
    blocks: list[np.ndarray],
    found: tuple[np.ndarray, np.ndarray],
    progress: Callable[[str, float | None], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pass 2: releases of ``blocks`` holding each candidate (sender, corpus); they add up."""
    sender_candidates, corpus_candidates = found
    sender_totals = np.zeros(len(sender_candidates), np.int64)
    corpus_totals = np.zeros(len(corpus_candidates), np.int64)
    for b, block in enumerate(blocks):
        if progress is not None:
            progress("finding boilerplate", (1 + b / max(1, len(blocks))) / 3)
        skeys, keys, _ = _block_keys(texts, block, codes)
        _add(sender_totals, sender_candidates, skeys)
        _add(corpus_totals, corpus_candidates, keys)
    return sender_totals, corpus_totals


def tables(
    found: tuple[np.ndarray, np.ndarray], totals: tuple[np.ndarray, np.ndarray], floor: int
) -> tuple[Table, Table]:
    """The (sender, corpus) count tables of the candidates counted at least ``floor`` times."""
    return _table(found[0], totals[0], floor), _table(found[1], totals[1], floor)


def _block_keys(
    texts: Sequence[str], block: np.ndarray, codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sender-salted keys, corpus keys and senders of a block's (release, unit) pairs."""
    docs, keys, *_ = units(hash_chunk([texts[i] for i in block]))
    docs, keys = per_release_unique(docs, keys)
    sender = codes[block][docs]
    return sender_key(keys, sender), keys, sender


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, np.uint64)


def _add(totals: np.ndarray, candidates: np.ndarray, keys: np.ndarray) -> None:
    if not len(candidates):
        return
    slot = np.minimum(np.searchsorted(candidates, keys), len(candidates) - 1)
    found = candidates[slot] == keys
    totals += np.bincount(slot[found], minlength=len(candidates))


def _table(keys: np.ndarray, totals: np.ndarray, floor: int) -> Table:
    keep = totals >= floor
    return keys[keep], totals[keep]
