"""Phrase-rule scores of a batch of texts from their whitespace chunks (:mod:`topics._chunks`).

The stems of a text are the stems of its chunks, one after the other (stemming and its
normalisation never join or split across whitespace), and the title, lead and body
(:func:`topics.themes.match.sections`) are runs of chunks: the first paragraph when it has at
most ``TITLE_WORDS`` whitespace words, then ``LEAD_WORDS`` of them, then the rest. So the stems
of each distinct chunk are computed once (and kept for the next batch), and numpy lays them out
over the whole batch at once (:meth:`Chunks.spread`): the stems of every text one after the
other, where each section starts and ends in them, and where the first stems of phrases are
(flagged once per distinct chunk): no Python step per word. A section's stems and first-stem
positions are then slices. The same matches, salience and counts as :meth:`ThemeMatcher.hits`
on each text (property-tested); Hangul texts, whose morphemes depend on the whole text, go
through :meth:`ThemeMatcher.hits`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from topics._chunks import BREAK, Chunks, runs
from topics.language import has_hangul
from topics.themes._find import first_positions

if TYPE_CHECKING:
    from topics.themes.match import Hit, ThemeMatcher

#: The sections of a text, in order.
SECTIONS = ("title", "lead", "body")


def theme_hits(
    rules: Sequence, index: dict[str, tuple[int, ...]], literal: set[int], parts: Iterable
) -> list[list[Hit]]:
    """Include matches of every theme by section. ``parts`` gives ``(where, stems, raw,
    starts)``: ``starts`` the positions of first stems in ``stems`` (``None``: found here)."""
    from topics.themes.match import Hit

    out: list[list[Hit]] = [[] for _ in rules]
    for where, words, raw, starts in parts:
        if starts is None:
            starts, _ = first_positions(words, index)
        own: dict[int, list[int]] = {}  # each theme's own starts: it looks at no other
        for p in starts:
            for j in index[words[p]]:
                own.setdefault(j, []).append(p)
        for j in sorted(own.keys() | literal):
            phrases = rules[j].matches(words, own.get(j), raw)
            for phrase in dict.fromkeys(phrases):
                out[j].append(Hit(phrase, where, phrases.count(phrase)))
    return out


def chunk_stems(chunks: list[str]) -> list[tuple[str, ...]] | None:
    """:func:`~topics.themes.match.stems` of each of many chunks, as tuples, the chunks
    without Hangul normalised and cut in one go (joined by line breaks:
    :func:`topics._chunks.runs`).

    The same stems as one chunk at a time: NFKC composes nothing with a line break and
    reorders combining marks only up to it (class 0); the possessive and acronym patterns and
    the word pattern match no line break and their ``\\b`` sees it as the end of the text; each
    word is lower-cased alone. Chunks with Hangul (analysed into morphemes) go one by one.
    """
    from topics.themes.match import _ACRONYM_PLURAL, _POSSESSIVE, _WORD, _stem, stems

    hangul = list(map(has_hangul, chunks))
    plain = [chunk for chunk, h in zip(chunks, hangul, strict=True) if not h]
    if not plain:
        return None
    text = unicodedata.normalize("NFKC", BREAK.join(plain))
    words = re.findall(
        _WORD.pattern + "|" + BREAK, _ACRONYM_PLURAL.sub(r"\1", _POSSESSIVE.sub("", text))
    )
    found = runs(words, list(map(_stem, map(str.lower, words))), len(plain))
    if found is None:
        return None
    if not any(hangul):
        return found
    made = iter(found)
    return [tuple(stems(c)) if h else next(made) for c, h in zip(chunks, hangul, strict=True)]


def section_sizes(text: str, n_chunks: int) -> tuple[int, int]:
    """Chunks of the title and of the lead of a text of ``n_chunks`` chunks (body: the rest)."""
    from topics.themes.match import LEAD_WORDS, TITLE_WORDS

    if not n_chunks:
        return 0, 0
    head, sep, _ = text.strip().partition("\n\n")
    title = len(head.split(None, TITLE_WORDS))  # at most TITLE_WORDS + 1 pieces
    if title > TITLE_WORDS:
        title, rest = 0, n_chunks
    else:
        rest = n_chunks - title if sep else 0
    return title, min(rest, LEAD_WORDS)


def scores(matcher: ThemeMatcher, chunks: Chunks) -> tuple[list[list[float]], list[list[int]]]:
    """Salience and include matches per text and theme (see :meth:`ThemeMatcher.scores`)."""
    from topics.themes.match import _salience, sections

    rules, index, literal = matcher._rules_for(False)
    korean = list(map(has_hangul, chunks.texts))
    laid = Laid(chunks, matcher.chunk_stems.lookup(chunks.distinct), index, korean)
    raw = None
    if literal:  # literal phrases are found in the section's NFKC text (chunks joined by spaces)
        distinct = chunks.distinct

        def raw(ids: list[int]) -> str:
            return unicodedata.normalize("NFKC", " ".join(map(distinct.__getitem__, ids)))

    salience, counts = [], []
    for i, text in enumerate(chunks.texts):
        if korean[i]:
            parts = sections(text)
            per_theme = matcher.hits(text, parts)
            body_words = len(parts["body"].split())
        else:
            per_theme = theme_hits(rules, index, literal, laid.parts(i, raw))
            body_words = laid.body_words(i)
        salience.append([_salience(h, body_words) for h in per_theme])
        counts.append([sum(hit.count for hit in h) for h in per_theme])
    return salience, counts


class Laid:
    """The stems of a batch laid out over its texts, cut into sections (see the module
    docstring).

    Attributes
    ----------
    words : list of str
        The stems of every text, one text after the other.
    firsts : list of int
        Where the first stems of phrases are, each relative to the start of its section.
    chunk_cuts, word_cuts, first_cuts : list of list of int, one per text
        Where the title, lead and body start and end (4 cuts each) in the text's chunks, in
        ``words`` and in ``firsts``.
    """

    def __init__(
        self, chunks: Chunks, found: list, index: dict[str, tuple[int, ...]], korean: list[bool]
    ) -> None:
        self.chunks = chunks
        flat, where, starts = chunks.spread(found, object)
        is_first = np.fromiter(map(index.__contains__, flat), bool, len(flat))
        first_at = np.flatnonzero(is_first[where])
        self.words = flat[where].tolist()
        n_chunks = np.diff(chunks.bounds).tolist()
        sizes = np.zeros((len(chunks), 2), np.int64)
        for i, (text, n) in enumerate(zip(chunks.texts, n_chunks, strict=True)):
            if not korean[i]:
                sizes[i] = section_sizes(text, n)
        first = chunks.bounds[:-1]
        cuts = np.stack([first, first + sizes[:, 0], first + sizes.sum(axis=1), chunks.bounds[1:]])
        word_cuts = starts[cuts.T]
        section_starts = word_cuts[:, :3].ravel()  # non-decreasing: an empty section shares
        owner = np.searchsorted(section_starts, first_at, side="right") - 1  # its next one's
        self.firsts = (first_at - section_starts[owner]).tolist()
        self.chunk_cuts = cuts.T.tolist()
        self.word_cuts = word_cuts.tolist()
        self.first_cuts = np.searchsorted(first_at, word_cuts).tolist()

    def body_words(self, i: int) -> int:
        """Whitespace words of text ``i``'s body."""
        return self.chunk_cuts[i][3] - self.chunk_cuts[i][2]

    def parts(self, i: int, raw: Callable[[list[int]], str] | None) -> Iterator[tuple]:
        """``(where, stems, raw, starts)`` of each section of text ``i``; ``raw`` makes a
        section's NFKC text from its chunk ids (``None``: no literal phrase to look for)."""
        c, w, f = self.chunk_cuts[i], self.word_cuts[i], self.first_cuts[i]
        ids = self.chunks.ids[c[0] : c[3]].tolist() if raw is not None else []
        for k, where in enumerate(SECTIONS):
            text = "" if raw is None else raw(ids[c[k] - c[0] : c[k + 1] - c[0]])
            yield where, self.words[w[k] : w[k + 1]], text, self.firsts[f[k] : f[k + 1]]


def as_arrays(salience: list, counts: list, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The lists of :func:`scores` as arrays of shape (n_texts, k)."""
    return (
        np.asarray(salience, dtype=float).reshape(len(salience), k),
        np.asarray(counts, dtype=np.int64).reshape(len(counts), k),
    )
