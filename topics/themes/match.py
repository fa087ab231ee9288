"""Weak labels: tag texts with themes by matching the taxonomy's phrases.

Text and phrases go through the same normalisation, so matching is case-insensitive and
plural/inflection aware:

1. Unicode NFKC; possessive ``'s`` dropped ("Canada's" → "Canada"); plural acronyms singular
   ("TRQs" → "TRQ", "EVs" → "EV").
2. Words are runs of letters and digits: punctuation and hyphens separate words
   ("rare-earth" = "rare earth", "Korea–U.S." = "korea u s").
3. Each word is lower-cased and reduced to its Snowball (Porter 2) English stem
   ("controls", "controlled" → "control"; "subsidies", "subsidy" → "subsidi").

Korean text and Korean phrases are first reduced to their morphemes
(:func:`topics.language.analysed_text`), so a phrase matches whatever particles and endings follow
its words: "핵심광물" matches "핵심 광물을", "수출통제" matches "수출 통제가". A taxonomy may
mix phrases of both languages.

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

from topics.language import analysed_text, analysed_texts, has_hangul

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
    text = unicodedata.normalize("NFKC", analysed_text(text))
    text = _ACRONYM_PLURAL.sub(r"\1", _POSSESSIVE.sub("", text))
    return [_stem(w.lower()) for w in _WORD.findall(text)]


def phrase_key(phrase: str) -> str:
    """The stem sequence a phrase matches, space-joined ("" for a phrase without words)."""
    return " ".join(stems(phrase))


def has_words(phrase: str) -> bool:
    """Whether a phrase can match anything: it has words (a Korean phrase: letters, checked
    without loading the Korean analyser)."""
    return bool(_WORD.search(phrase)) if has_hangul(phrase) else bool(phrase_key(phrase))


class ThemeMatcher:
    """Compiled phrase matcher for one taxonomy.

    Parameters
    ----------
    taxonomy : Taxonomy
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._rules: dict[bool, list[tuple]] = {}

    def _rules_for(self, korean: bool) -> list[tuple]:
        """Compiled rules for texts of one script: Korean phrases only apply to (and are only
        analysed for) texts in Hangul, so English corpora never load the Korean analyser."""
        if korean not in self._rules:
            keep = (lambda p: True) if korean else (lambda p: not has_hangul(p))
            self._rules[korean] = [
                (
                    _compile([p for p in theme.include if keep(p)]),
                    _compile([p for p in theme.exclude if keep(p)]),
                    {phrase_key(p): p for p in reversed(theme.include) if keep(p)},
                )
                for theme in self.taxonomy
            ]
        return self._rules[korean]

    def _matches(self, key: str, rule: tuple) -> list[str]:
        include, exclude, originals = rule
        if include is None:
            return []
        blocked = [m.span() for m in exclude.finditer(key)] if exclude is not None else []
        found = []
        for m in include.finditer(key):
            start, end = m.span()
            if not any(start < b_end and b_start < end for b_start, b_end in blocked):
                found.append(originals[m.group()])
        return found

    def _text_rules(self, analysed: str) -> tuple[str, list[tuple]]:
        return _doc_key(analysed), self._rules_for(has_hangul(analysed))

    def counts(self, texts: Iterable[str | None]) -> np.ndarray:
        """Include matches per text and theme.

        Returns
        -------
        ndarray of int of shape (n_texts, n_themes)
        """
        rows = []
        for text in analysed_texts(list(texts)):  # Korean analysed in one batch
            key, rules = self._text_rules(text)
            rows.append([len(self._matches(key, rule)) for rule in rules])
        return np.asarray(rows, dtype=np.int64).reshape(len(rows), len(self.taxonomy))

    def labels(self, texts: Iterable[str | None]) -> np.ndarray:
        """Weak labels: ``counts >= min_hits``, bool array of shape (n_texts, n_themes)."""
        minimum = np.asarray([theme.min_hits for theme in self.taxonomy], dtype=np.int64)
        return self.counts(texts) >= minimum

    def evidence(self, text: str | None) -> dict[str, list[str]]:
        """Theme id → include phrases matched in ``text`` (one entry per match, in order)."""
        key, rules = self._text_rules(analysed_text(text if isinstance(text, str) else ""))
        out = {}
        for theme, rule in zip(self.taxonomy, rules, strict=True):
            found = self._matches(key, rule)
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
