"""Weak labels: tag texts with themes by matching the taxonomy's phrases.

Text and phrases go through the same normalisation, so matching is case-insensitive and
plural/inflection aware:

1. Unicode NFKC; possessive ``'s`` dropped ("Canada's" → "Canada"); plural acronyms singular
   ("TRQs" → "TRQ", "EVs" → "EV").
2. Words are runs of letters and digits: punctuation and hyphens separate words
   ("rare-earth" = "rare earth", "Korea–U.S." = "korea u s").
3. Each word is lower-cased and reduced to its Snowball (Porter 2) English stem
   ("controls", "controlled" → "control"; "subsidies", "subsidy" → "subsidi").

A phrase matches where its stems appear consecutively. Include matches overlapping an exclude
match of the same theme are ignored. A document gets a theme when at least ``min_hits`` include
matches remain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from topics.themes.taxonomy import Taxonomy

_POSSESSIVE = re.compile(r"['’]s\b")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    """Normalised word stems of a text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = _ACRONYM_PLURAL.sub(r"\1", _POSSESSIVE.sub("", text))
    return [_stem(w.lower()) for w in _WORD.findall(text)]


def phrase_key(phrase: str) -> str:
    """The stem sequence a phrase matches, space-joined ("" for a phrase without words)."""
    return " ".join(stems(phrase))


class ThemeMatcher:
    """Compiled phrase matcher for one taxonomy.

    Parameters
    ----------
    taxonomy : Taxonomy
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._rules = [
            (
                _compile(theme.include),
                _compile(theme.exclude),
                {phrase_key(p): p for p in reversed(theme.include)},
                theme.min_hits,
            )
            for theme in taxonomy
        ]

    def _matches(self, key: str, j: int) -> list[str]:
        include, exclude, originals, _ = self._rules[j]
        if include is None:
            return []
        blocked = [m.span() for m in exclude.finditer(key)] if exclude is not None else []
        found = []
        for m in include.finditer(key):
            start, end = m.span()
            if not any(start < b_end and b_start < end for b_start, b_end in blocked):
                found.append(originals[m.group()])
        return found

    def counts(self, texts: Iterable[str | None]) -> np.ndarray:
        """Include matches per text and theme.

        Returns
        -------
        ndarray of int of shape (n_texts, n_themes)
        """
        rows = []
        for text in texts:
            key = _doc_key(text)
            rows.append([len(self._matches(key, j)) for j in range(len(self._rules))])
        return np.asarray(rows, dtype=np.int64).reshape(len(rows), len(self._rules))

    def labels(self, texts: Iterable[str | None]) -> np.ndarray:
        """Weak labels: ``counts >= min_hits``, bool array of shape (n_texts, n_themes)."""
        minimum = np.asarray([rule[3] for rule in self._rules], dtype=np.int64)
        return self.counts(texts) >= minimum

    def evidence(self, text: str | None) -> dict[str, list[str]]:
        """Theme id → include phrases matched in ``text`` (one entry per match, in order)."""
        key = _doc_key(text)
        out = {}
        for j, theme in enumerate(self.taxonomy):
            found = self._matches(key, j)
            if found:
                out[theme.id] = found
        return out


@lru_cache(maxsize=16)
def matcher_for(taxonomy: Taxonomy) -> ThemeMatcher:
    """A compiled :class:`ThemeMatcher`, cached per taxonomy (taxonomies are immutable)."""
    return ThemeMatcher(taxonomy)


def weak_labels(texts: Sequence[str | None], taxonomy: Taxonomy) -> pd.DataFrame:
    """Tag texts with the taxonomy's themes by phrase matching.

    Parameters
    ----------
    texts : sequence of str, length n_texts
        ``None`` or NaN counts as empty text.
    taxonomy : Taxonomy

    Returns
    -------
    DataFrame of bool, shape (n_texts, n_themes)
        Columns are theme ids in taxonomy order; the index is ``0..n_texts-1``.
    """
    import pandas as pd

    values = matcher_for(taxonomy).labels(texts)
    return pd.DataFrame(values, columns=taxonomy.ids)


def theme_hits(texts: Sequence[str | None], taxonomy: Taxonomy) -> pd.DataFrame:
    """Number of include matches per text and theme (the evidence behind :func:`weak_labels`).

    Returns
    -------
    DataFrame of int, shape (n_texts, n_themes)
    """
    import pandas as pd

    return pd.DataFrame(matcher_for(taxonomy).counts(texts), columns=taxonomy.ids)


def _doc_key(text: str | None) -> str:
    if not isinstance(text, str):
        return " "
    return " " + " ".join(stems(text)) + " "


def _compile(phrases: Sequence[str]) -> re.Pattern[str] | None:
    keys = sorted({phrase_key(p) for p in phrases} - {""}, key=lambda k: (-len(k), k))
    if not keys:
        return None
    alternation = "|".join(re.escape(k) for k in keys)
    return re.compile(f"(?<= )(?:{alternation})(?= )")
