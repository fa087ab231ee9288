"""Phrase-rule scores of a batch of texts from their whitespace chunks (:mod:`topics._chunks`).

The stems of a text are the stems of its chunks, one after the other (stemming and its
normalisation never join or split across whitespace), and the title, lead and body
(:func:`topics.themes.match.sections`) are runs of chunks: the first paragraph when it has at
most ``TITLE_WORDS`` whitespace words, then ``LEAD_WORDS`` of them, then the rest. So the stems
of each distinct chunk are computed once (and kept for the next batch), each section's stems
are the concatenation of its chunks', and the first stems of phrases are found by a C-level
scan (``compress``): no Python step per word. The same matches, salience and counts as
:meth:`ThemeMatcher.hits` on each text (property-tested); Hangul texts, whose morphemes depend
on the whole text, go through :meth:`ThemeMatcher.hits`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from topics._chunks import Chunks
from topics.language import has_hangul
from topics.themes._find import first_positions

if TYPE_CHECKING:
    from topics.themes.match import Hit, ThemeMatcher


def theme_hits(
    rules: Sequence, index: dict[str, tuple[int, ...]], literal: set[int], parts: Iterable
) -> list[list[Hit]]:
    """Include matches of every theme by section: ``parts`` gives ``(where, stems, raw)``."""
    from topics.themes.match import Hit

    out: list[list[Hit]] = [[] for _ in rules]
    for where, words, raw in parts:
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
    found = matcher.chunk_stems.lookup(chunks.distinct)
    raw = None
    if literal:  # literal phrases are found in the section's NFKC text (chunks joined by spaces)
        distinct = chunks.distinct

        def raw(ids: list[int]) -> str:
            return unicodedata.normalize("NFKC", " ".join(map(distinct.__getitem__, ids)))

    salience, counts = [], []
    bounds = chunks.bounds.tolist()
    for i, text in enumerate(chunks.texts):
        if has_hangul(text):
            parts = sections(text)
            per_theme = matcher.hits(text, parts)
            body_words = len(parts["body"].split())
        else:
            ids = chunks.ids[bounds[i] : bounds[i + 1]].tolist()
            title, lead = section_sizes(text, len(ids))
            body_words = len(ids) - title - lead
            per_theme = theme_hits(rules, index, literal, _parts(ids, title, lead, found, raw))
        salience.append([_salience(h, body_words) for h in per_theme])
        counts.append([sum(hit.count for hit in h) for h in per_theme])
    return salience, counts


def _parts(ids: list[int], title: int, lead: int, found: list, raw: Callable | None):
    """``(where, stems, raw)`` of each section of a text of chunks ``ids``."""
    words = list(chain.from_iterable(map(found.__getitem__, ids)))
    cut = sum(map(len, map(found.__getitem__, ids[:title])))
    end = cut + sum(map(len, map(found.__getitem__, ids[title : title + lead])))
    yield "title", words[:cut], "" if raw is None else raw(ids[:title])
    yield "lead", words[cut:end], "" if raw is None else raw(ids[title : title + lead])
    del words[:end]  # the body: no copy of the longest part
    yield "body", words, "" if raw is None else raw(ids[title + lead :])


def as_arrays(salience: list, counts: list, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The lists of :func:`scores` as arrays of shape (n_texts, k)."""
    return (
        np.asarray(salience, dtype=float).reshape(len(salience), k),
        np.asarray(counts, dtype=np.int64).reshape(len(counts), k),
    )
