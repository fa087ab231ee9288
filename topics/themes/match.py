"""Weak labels: tag texts with themes by where and how often the taxonomy's phrases occur.

Normalisation
-------------
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
its words: "핵심광물" matches "핵심 광물을". Korean phrases only apply to texts in Hangul (English
corpora never load the Korean analyser). A taxonomy may mix phrases of both languages.

A phrase matches where its stems appear consecutively. A phrase holding a symbol other than
hyphens, dashes, apostrophes, periods, commas, slashes, quotes and brackets (``c++``, ``C#``,
``R&D``, ``S&P 500``) is *literal*: it matches the same characters (case-insensitive, any run
of spaces for a space), not glued to a letter, digit or one of its own symbols, so ``c++``
never matches a lone "C". Include matches overlapping an exclude match of the same theme (in
the same kind of matching) are ignored. A proximity rule (``[[themes.near]]``,
:mod:`topics.themes.near`) adds a match where one of its phrases occurs near another.

Salience
--------
A theme is tagged when it is a *subject* of the release, not when it is mentioned in passing.
A text is split into title, lead and body (:func:`sections`); every include match scores
:data:`WEIGHTS` of its section, a repeat of a phrase within the body half as much,
and the body's score is divided by ``sqrt(body words / BODY_WORDS)`` when the body is longer
than :data:`BODY_WORDS` words (density, not length). The theme is tagged when its *salience*
(the sum) reaches the theme's ``min_salience`` (default 3: a title mention; or a lead mention
and a body mention; or three body mentions in a release of ordinary length) and at least
``min_hits`` include matches remain.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from topics._chunks import BLOCK, ChunkCache, Chunks, chunks_of
from topics._stem import stem_word
from topics.language import analysed_texts, has_hangul
from topics.themes._find import (
    StemPhrases,
    compile_literals,
    first_index,
    literal_key,
    literal_matches,
    overlaps,
)
from topics.themes.near import NearRule

if TYPE_CHECKING:
    import pandas as pd

    from topics.themes.taxonomy import Taxonomy

_POSSESSIVE = re.compile(r"['’]s\b")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_WORD = re.compile(r"[^\W_]+")
#: Non-word characters that still keep a phrase on the stem path (they separate words).
_SEPARATORS = set("-‐‑‒–—'’.,/()[]\"“”‘")

#: Score of one include match by section.
WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0}
#: Weight of a repeated phrase in the body, relative to its first mention.
REPEAT = 0.5
#: Words of the body after which its score is divided by sqrt(words / BODY_WORDS).
BODY_WORDS = 400
#: Words of the body counted as its lead.
LEAD_WORDS = 80
#: A first paragraph (or a whole text) of at most this many words is a title.
TITLE_WORDS = 25
#: Salience a theme needs unless its taxonomy entry says otherwise.
DEFAULT_MIN_SALIENCE = 3.0
#: The first LEAD_WORDS runs of non-space characters (``\S+`` and ``\s+`` are disjoint: linear).
_LEAD = re.compile(rf"(?:\S+\s+){{{LEAD_WORDS - 1}}}\S+")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return stem_word(word)


def stems(text: str) -> list[str]:
    """Normalised word stems of a text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", analysed_texts([text])[0])
    text = _ACRONYM_PLURAL.sub(r"\1", _POSSESSIVE.sub("", text))
    return list(map(_stem, map(str.lower, _WORD.findall(text))))


def phrase_key(phrase: str) -> str:
    """The stem sequence a phrase matches, space-joined ("" for a phrase without words)."""
    return " ".join(stems(phrase))


def has_words(phrase: str) -> bool:
    """Whether a phrase can match anything: it has words (a Korean phrase: letters, checked
    without loading the Korean analyser)."""
    return bool(_WORD.search(phrase)) if has_hangul(phrase) else bool(phrase_key(phrase))


def is_literal(phrase: str) -> bool:
    """Whether a phrase holds a symbol and so matches literally (``c++``, ``R&D``)."""
    return any(not (c.isalnum() or c.isspace() or c in _SEPARATORS) for c in phrase)


def sections(text: str | None) -> dict[str, str]:
    """Split a release into ``title``, ``lead`` and ``body`` (any may be empty).

    The title is the first paragraph (up to the first blank line) when it has at most
    :data:`TITLE_WORDS` words and more text follows, or the whole text when it is that short;
    the lead is the first :data:`LEAD_WORDS` words after it; the body is the rest.
    """
    if not isinstance(text, str) or not text.strip():
        return {"title": "", "lead": "", "body": ""}
    text = text.strip()
    head, sep, rest = text.partition("\n\n")
    title = ""
    if len(head.split()) <= TITLE_WORDS:
        title, text = head, rest.strip() if sep else ""
    lead = _LEAD.match(text)  # the first LEAD_WORDS words, found without listing every word
    if lead is None or not text[lead.end() :].strip():
        return {"title": title, "lead": text, "body": ""}
    cut = lead.end()
    return {"title": title, "lead": text[:cut], "body": text[cut:]}


@dataclass(frozen=True)
class Hit:
    """One include phrase matched in one section of a text."""

    phrase: str
    where: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "where": self.where, "count": self.count}


class _Rules:
    """The compiled include, exclude and proximity rules of one theme."""

    def __init__(
        self, include: Sequence[str], exclude: Sequence[str], near: Sequence[NearRule] = ()
    ) -> None:
        self.near = list(near)
        stem_include = [p for p in include if not is_literal(p)]
        literal_include = [p for p in include if is_literal(p)]
        stem_exclude = [p for p in exclude if not is_literal(p)]
        self.stem_include = StemPhrases(map(phrase_key, stem_include))
        self.stem_exclude = StemPhrases(map(phrase_key, stem_exclude))
        self.literal_include = compile_literals(literal_include)
        self.literal_exclude = compile_literals([p for p in exclude if is_literal(p)])
        self.original = {phrase_key(p): p for p in reversed(stem_include)}
        self.original.update({literal_key(p): p for p in reversed(literal_include)})
        self.first_stems = {*self.stem_include.by_first, *self.stem_exclude.by_first}
        self.first_stems |= {stem for rule in self.near for stem in rule.first_stems}

    def matches(self, words: list[str], starts: list[int] | None, raw: str) -> list[str]:
        """Include phrases (as written in the taxonomy) matched, in order of the text.

        ``words``: the text's stems; ``starts``: the positions of first stems
        (:func:`~topics.themes._find.first_positions`), ``None`` when no phrase of the theme
        starts in the text; ``raw``: the NFKC text, for literal phrases.
        """
        found = []
        if starts is not None and (self.stem_include or self.near):
            spans = self.stem_include.find(words, starts)
            wanted = self.stem_exclude and (spans or self.near)
            blocked = self.stem_exclude.find(words, starts) if wanted else []
            found = [self.original[k] for s, e, k in spans if not overlaps(s, e, blocked)]
            found += [name for rule in self.near for name in rule.matches(words, starts, blocked)]
        if self.literal_include is not None:
            found += literal_matches(self.literal_include, self.literal_exclude, raw, self.original)
        return found


class ThemeMatcher:
    """Compiled phrase matcher for one taxonomy.

    Parameters
    ----------
    taxonomy : Taxonomy
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._rules: dict[bool, tuple[list[_Rules], dict[str, tuple[int, ...]], set[int]]] = {}
        self._min_hits = np.asarray([t.min_hits for t in taxonomy], dtype=np.int64)
        self._min_salience = np.asarray([t.min_salience for t in taxonomy], dtype=float)
        from topics.themes._batch import chunk_stems

        # chunk → its stems, kept between batches
        self.chunk_stems = ChunkCache(stems, analyse_many=chunk_stems)

    def _rules_for(self, korean: bool) -> tuple[list[_Rules], dict[str, tuple[int, ...]], set[int]]:
        """Compiled rules for texts of one script (Korean phrases only apply to texts in
        Hangul), the first stems of their phrases, and the themes with literal phrases."""
        if korean not in self._rules:
            keep = (lambda p: True) if korean else (lambda p: not has_hangul(p))
            rules = [
                _Rules(
                    [p for p in t.include if keep(p)],
                    [p for p in t.exclude if keep(p)],
                    [NearRule(rule, phrase_key, keep) for rule in t.near],
                )
                for t in self.taxonomy
            ]
            index = first_index([r.first_stems for r in rules])
            literal = {j for j, r in enumerate(rules) if r.literal_include is not None}
            self._rules[korean] = rules, index, literal
        return self._rules[korean]

    def hits(self, text: str | None, parts: dict[str, str] | None = None) -> list[list[Hit]]:
        """Include matches of every theme (taxonomy order) by section, in text order.

        ``parts``: ``sections(text)`` when the caller has it already.
        """
        from topics.themes._batch import theme_hits

        parts = sections(text) if parts is None else parts
        analysed = dict(zip(parts, analysed_texts(list(parts.values())), strict=True))
        korean = has_hangul(text) if isinstance(text, str) else False
        rules, index, literal = self._rules_for(korean)
        raw = {w: unicodedata.normalize("NFKC", parts[w]) if literal else "" for w in WEIGHTS}
        inputs = ((w, stems(analysed[w]), raw[w], None) for w in WEIGHTS)
        return theme_hits(rules, index, literal, inputs)

    def scores(
        self, texts: Iterable[str | None], chunks: Chunks | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Salience and number of include matches per text and theme.

        ``chunks``: the texts already cut (:mod:`topics._chunks`), shared with the other
        components of a prediction; the stems come from the texts' chunks
        (:mod:`topics.themes._batch`).

        Returns
        -------
        salience : ndarray of float of shape (n_texts, n_themes)
        counts : ndarray of int of shape (n_texts, n_themes)
        """
        from topics.themes._batch import as_arrays
        from topics.themes._batch import scores as batch_scores

        texts = [t if isinstance(t, str) else "" for t in texts]
        if chunks is not None:
            batches = [chunks_of(texts, chunks)]
        else:  # a block at a time: the chunks of a whole corpus would not fit in memory
            batches = (Chunks(texts[s : s + BLOCK]) for s in range(0, len(texts), BLOCK))
        salience, counts = [], []
        for batch in batches:
            s, c = batch_scores(self, batch)
            salience += s
            counts += c
        return as_arrays(salience, counts, len(self.taxonomy))

    def counts(self, texts: Iterable[str | None]) -> np.ndarray:
        """Include matches per text and theme, ndarray of int of shape (n_texts, n_themes)."""
        return self.scores(texts)[1]

    def tag(self, salience: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The rule's decision from :meth:`scores`: salient enough and enough matches."""
        return (salience >= self._min_salience) & (counts >= self._min_hits)

    def labels(self, texts: Iterable[str | None]) -> np.ndarray:
        """Weak labels, bool array of shape (n_texts, n_themes) (see the module docstring)."""
        return self.tag(*self.scores(texts))

    def evidence(self, text: str | None) -> dict[str, list[str]]:
        """Theme id → include phrases matched in ``text`` (one entry per match, in order)."""
        out = {}
        for theme, found in zip(self.taxonomy, self.hits(text), strict=True):
            phrases = [hit.phrase for hit in found for _ in range(hit.count)]
            if phrases:
                out[theme.id] = phrases
        return out

    def explain(self, text: str | None) -> dict[str, dict[str, Any]]:
        """Theme id → the rule's evidence: ``salience``, ``rule`` (tagged or not), ``hits``.

        ``hits`` lists ``{"phrase", "where", "count"}`` with ``where`` one of ``title``,
        ``lead``, ``body``. Themes without any match are left out.
        """
        parts = sections(text)
        body_words = len(parts["body"].split())
        out = {}
        found_all = self.hits(text, parts)
        for j, (theme, found) in enumerate(zip(self.taxonomy, found_all, strict=True)):
            if not found:
                continue
            salience = _salience(found, body_words)
            n = sum(hit.count for hit in found)
            out[theme.id] = {
                "salience": round(salience, 3),
                "rule": bool(salience >= self._min_salience[j] and n >= self._min_hits[j]),
                "hits": [hit.to_dict() for hit in found],
            }
        return out


@lru_cache(maxsize=16)
def matcher_for(taxonomy: Taxonomy) -> ThemeMatcher:
    """A compiled :class:`ThemeMatcher`, cached per taxonomy (taxonomies are immutable)."""
    return ThemeMatcher(taxonomy)


def weak_labels(texts: Sequence[str | None], taxonomy: Taxonomy) -> pd.DataFrame:
    """Tag texts with the taxonomy's themes by the salience of their phrases.

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


def _salience(found: Sequence[Hit], body_words: int) -> float:
    score = {"title": 0.0, "lead": 0.0, "body": 0.0}
    for hit in found:
        weight = WEIGHTS[hit.where]
        if hit.where == "body":
            score["body"] += weight * (1 + REPEAT * (hit.count - 1))
        else:
            score[hit.where] += weight * hit.count
    score["body"] /= math.sqrt(max(1.0, body_words / BODY_WORDS))
    return score["title"] + score["lead"] + score["body"]


def doc_key(text: str | None) -> str:
    """A text's stems, space-joined with a space at each end (what stem patterns match)."""
    if not isinstance(text, str):
        return " "
    return " " + " ".join(stems(text)) + " "


def compile_stems(phrases: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the phrases' stem keys (longest first) in a :func:`doc_key`."""
    keys = sorted({phrase_key(p) for p in phrases} - {""}, key=lambda k: (-len(k), k))
    if not keys:
        return None
    alternation = "|".join(re.escape(k) for k in keys)
    return re.compile(f"(?<= )(?:{alternation})(?= )")
