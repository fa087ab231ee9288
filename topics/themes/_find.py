"""Phrases found in a text's word stems, without scanning the text once per theme.

A phrase of the stem path (:mod:`topics.themes.match`) is a sequence of word stems; it matches
where those stems appear consecutively. :class:`StemPhrases` finds the matches of one theme's
phrases exactly as the alternation regex ``(?<= )(?:k1|k2|…)(?= )`` over the space-joined
stems would (keys longest first in characters, ties alphabetical): leftmost first, at each word
the first key in that order that matches there, matches not overlapping. It only looks at the
positions ``starts`` where the word is the first stem of some phrase, found once per text for
every theme (:func:`first_positions`).

A *literal* phrase (one holding a symbol, such as ``R&D``) is found by a regex over the
NFKC-normalised text (:func:`compile_literals`, :func:`literal_matches`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, compress, count


class StemPhrases:
    """The phrase keys (space-joined stems) of one theme, indexed by their first stem."""

    def __init__(self, keys: Iterable[str]) -> None:
        ordered = sorted(set(keys) - {""}, key=lambda k: (-len(k), k))
        self.by_first: dict[str, list[tuple[str, list[str]]]] = {}
        for key in ordered:
            words = key.split()
            self.by_first.setdefault(words[0], []).append((key, words))
        # a one-word key matches wherever its word is: the keys after it are never reached
        self._tried: dict[str, tuple[list[tuple[str, int, list[str]]], str | None]] = {}
        for first, candidates in self.by_first.items():
            longer = []
            for key, words in candidates:
                if len(words) == 1:
                    break
                longer.append((key, len(words), words))
            else:
                key = None
            self._tried[first] = longer, key

    def __bool__(self) -> bool:
        return bool(self.by_first)

    def find(self, words: Sequence[str], starts: Iterable[int]) -> list[tuple[int, int, str]]:
        """``(first word, end word, key)`` of every match, in text order.

        ``starts`` (increasing) must hold every position whose word is a first stem here.
        """
        found = []
        free = 0
        get = self._tried.get
        for p in starts:
            if p < free:
                continue
            tried = get(words[p])
            if tried is None:
                continue
            longer, single = tried
            for key, n, seq in longer:
                if words[p : p + n] == seq:
                    found.append((p, p + n, key))
                    free = p + n
                    break
            else:
                if single is not None:
                    found.append((p, p + 1, single))
                    free = p + 1
        return found


def first_index(firsts: Sequence[Iterable[str]]) -> dict[str, tuple[int, ...]]:
    """First stem → the themes (indices of ``firsts``, each theme's first stems) it starts."""
    index: dict[str, list[int]] = {}
    for j, stems in enumerate(firsts):
        for stem in sorted(set(stems)):
            index.setdefault(stem, []).append(j)
    return {stem: tuple(js) for stem, js in index.items()}


def first_positions(
    words: Sequence[str], index: Mapping[str, tuple[int, ...]]
) -> tuple[list[int], set[int]]:
    """Positions of ``words`` holding a first stem of ``index``, and the themes they concern
    (found by C-level iteration: no Python step per word)."""
    starts = list(compress(count(), map(index.__contains__, words)))
    themes = set(chain.from_iterable(map(index.__getitem__, map(words.__getitem__, starts))))
    return starts, themes


def overlaps(start: int, end: int, blocked: Iterable[tuple[int, int, str]]) -> bool:
    """Whether ``[start, end)`` overlaps one of the ``blocked`` spans."""
    return any(start < b_end and b_start < end for b_start, b_end, _ in blocked)


def literal_key(text: str) -> str:
    """What a literal phrase matches: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def compile_literals(phrases: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for literal phrases, not glued to a letter, digit or one of their symbols."""
    keys = sorted({literal_key(p) for p in phrases}, key=lambda k: (-len(k), k))
    if not keys:
        return None
    symbols = {c for k in keys for c in k if not (c.isalnum() or c.isspace())}
    guard = "".join(re.escape(c) for c in sorted(symbols))
    alternation = "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in keys)
    return re.compile(f"(?<![^\\W_]|[{guard}])(?:{alternation})(?![^\\W_]|[{guard}])", re.I)


def literal_matches(
    include: re.Pattern[str],
    exclude: re.Pattern[str] | None,
    text: str,
    original: Mapping[str, str],
) -> list[str]:
    """Include phrases (as written) matched by ``include`` and not overlapping ``exclude``."""
    blocked = [(*m.span(), "") for m in exclude.finditer(text)] if exclude is not None else []
    return [
        original[literal_key(m.group())]
        for m in include.finditer(text)
        if not overlaps(*m.span(), blocked)
    ]
