"""Texts cut once at whitespace, the one tokenization every component of a prediction shares.

Every tokenizer of the toolkit finds tokens that hold no whitespace (the TF-IDF word patterns of
the tagger, the label classifiers and the embedding; the phrase matcher's word stems), and its
preprocessing (lower-casing, accent stripping, NFKC, dropping possessives) changes each character
on its own, so whitespace stays whitespace and nothing joins across it. A text's tokens are
therefore the tokens of its whitespace-separated *chunks*, one after the other, and the title,
lead and body of the phrase matcher are runs of chunks too (:mod:`topics.themes.match`).

:class:`Chunks` cuts a batch of texts once (``str.split``) and numbers the distinct chunks; a
component analyses each distinct chunk once (:meth:`Chunks.values`, with a cache per component
that outlives the batch: :class:`ChunkCache`), and the tokens of every text come out of numpy
indexing: no Python step per word. The chunks a component has not seen are analysed together
where it can (:func:`runs`): joined by a line break (whitespace, so inside no chunk) into one
string that its normalisation and pattern read in one call each, then cut back at the breaks.
Hangul texts are the exception: their morphemes depend on the whole text
(:mod:`topics.language`), so the components analyse those texts whole.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Sequence
from itertools import chain, compress, count, pairwise, repeat
from typing import Any

import numpy as np

#: Texts cut at a time by a component given a whole corpus and no chunks (bounds the memory).
BLOCK = 2_000
#: Distinct chunks a component remembers between batches before it starts afresh.
CACHE_SIZE = 200_000
#: What joins the chunks a component analyses together (see :func:`runs`).
BREAK = "\n"


class ChunkCache:
    """What one component made of each chunk it has seen (bounded: cleared when full).

    ``analyse`` analyses one chunk; ``analyse_many``, when given, the chunks not seen yet all
    at once (a list of tuples, one per chunk, as ``analyse`` would give them; ``None``: it
    cannot, and ``analyse`` reads them one by one).
    """

    def __init__(
        self,
        analyse: Callable[[str], Sequence[Any]],
        size: int = CACHE_SIZE,
        analyse_many: Callable[[list[str]], list[tuple[Any, ...]] | None] | None = None,
    ) -> None:
        self.analyse = analyse
        self.size = size
        self.analyse_many = analyse_many
        self.items: dict[str, tuple[Any, ...]] = {}

    def lookup(self, chunks: Sequence[str]) -> list[tuple[Any, ...]]:
        """The analysis of each chunk, as a tuple."""
        found = list(map(self.items.get, chunks))
        missing = list(compress(count(), map(operator.is_, found, repeat(None))))
        if len(self.items) + len(missing) > self.size:
            self.items.clear()  # only the new chunks count: the ones seen stay while they fit
        new = list(map(chunks.__getitem__, missing))
        made = self.analyse_many(new) if self.analyse_many is not None and new else None
        if made is None:
            made = [tuple(self.analyse(chunk)) for chunk in new]
        for i, chunk, value in zip(missing, new, made, strict=True):
            found[i] = self.items[chunk] = value
        return found


def runs(items: Sequence[Any], values: Sequence[Any], n: int) -> list[tuple[Any, ...]] | None:
    """``values`` cut into ``n`` runs where ``items`` (aligned with them) hold :data:`BREAK`.

    ``items``: what a component read in the :data:`BREAK`-joined text of ``n`` chunks (tokens
    and the breaks, in order); ``values``: what it makes of each item. Gives the values of each
    chunk's tokens, a tuple per chunk, or ``None`` when ``items`` holds other than ``n - 1``
    breaks (the component's normalisation added or dropped one: analyse them one by one).
    """
    cuts = list(compress(count(), map(BREAK.__eq__, items)))
    if len(cuts) != n - 1:
        return None
    return [tuple(values[a + 1 : b]) for a, b in pairwise([-1, *cuts, len(values)])]


class Chunks:
    """A batch of texts cut at whitespace once (see the module docstring).

    Parameters
    ----------
    texts : sequence of str, length n_texts

    Attributes
    ----------
    texts : list of str
    distinct : list of str
        Distinct chunks, in order of first occurrence.
    ids : ndarray of int64, shape (n_chunks,)
        The chunks of every text, one after the other, as indices into ``distinct``.
    bounds : ndarray of int64, shape (n_texts + 1,)
        Text ``i`` is ``ids[bounds[i]:bounds[i + 1]]``.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        split = [t.split() for t in self.texts]
        lengths = np.fromiter(map(len, split), np.int64, len(split))
        self.bounds = np.zeros(len(split) + 1, np.int64)
        np.cumsum(lengths, out=self.bounds[1:])
        import pandas as pd

        # numbered in order of first occurrence (a hash table in C, not a dict per chunk)
        codes, distinct = pd.factorize(np.array(list(chain.from_iterable(split)), dtype=object))
        self.distinct = distinct.tolist()
        self.ids = np.asarray(codes, dtype=np.int64)
        self._memo: dict[Hashable, Any] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def memo(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per batch for ``key`` (shared by the components)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def values(self, cache: ChunkCache, dtype: Any = np.int64) -> tuple[np.ndarray, np.ndarray]:
        """A component's values of every token, and where each chunk's values start.

        Returns
        -------
        values : ndarray of shape (n_values,)
            The analysis of every chunk of every text (``cache``), one after the other.
        starts : ndarray of int64, shape (n_chunks + 1,)
            Chunk ``c`` (a position in :attr:`ids`) holds ``values[starts[c]:starts[c + 1]]``;
            text ``i`` holds ``values[starts[bounds[i]]:starts[bounds[i + 1]]]``.
        """
        found = cache.lookup(self.distinct)
        flat, where, starts = self.spread(found, dtype)
        return flat[where], starts

    def spread(
        self, found: Sequence[Sequence[Any]], dtype: Any = np.int64
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The values of each distinct chunk (``found``, in :attr:`distinct` order), laid out
        over every chunk of every text.

        Returns
        -------
        flat : ndarray of shape (n_distinct_values,)
            The values of the distinct chunks, one chunk after the other.
        where : ndarray of int64, shape (n_values,)
            Every value of every chunk of every text, as a position in ``flat`` (so an array
            aligned with ``flat`` is spread over the texts by ``array[where]``).
        starts : ndarray of int64, shape (n_chunks + 1,)
            As for :meth:`values`.
        """
        sizes = np.fromiter(map(len, found), np.int64, len(found))
        flat = np.fromiter(chain.from_iterable(found), dtype, int(sizes.sum()))
        offsets = np.zeros(len(found) + 1, np.int64)
        np.cumsum(sizes, out=offsets[1:])
        n = sizes[self.ids]
        starts = np.zeros(len(self.ids) + 1, np.int64)
        np.cumsum(n, out=starts[1:])
        shift = np.repeat(offsets[self.ids] - starts[:-1], n)
        return flat, shift + np.arange(int(starts[-1]), dtype=np.int64), starts

    def per_text(self, starts: np.ndarray) -> np.ndarray:
        """Values per text, from the ``starts`` of :meth:`values`: int64 of shape (n_texts,)."""
        return np.diff(starts[self.bounds])


def chunks_of(texts: Sequence[str], chunks: Chunks | None) -> Chunks:
    """``chunks`` when it cuts exactly ``texts`` (the same strings), else a fresh cut."""
    same = chunks is not None and len(chunks.texts) == len(texts)
    if same and all(map(_same, chunks.texts, texts)):
        return chunks
    return Chunks(texts)


def _same(a: str, b: str) -> bool:
    return a is b or a == b
