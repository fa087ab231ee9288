"""Phrases of the user's own corpus that distinguish a theme's releases: taxonomy candidates.

For each theme, the releases carrying it (by the phrase rules, or by a trained model) are compared
with the others, term by term (words and two-word phrases, counted once per release): the score
is the log-odds ratio of a release containing the term inside vs. outside the theme, with add-half
smoothing, divided by its standard error (a z-score, as in Monroe, Colaresi & Quinn 2008,
"Fightin' Words"). Terms that already hold one of the taxonomy's phrases are left out, so what
remains is vocabulary the taxonomy does not have yet. The analyst decides what a theme means:
nothing is added automatically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from topics.themes.taxonomy import Taxonomy

#: Words of the suggested terms: a letter, then letters, digits, hyphens or apostrophes.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'-]*\b"
#: Example titles shown per suggested phrase.
EXAMPLES = 3


@dataclass(frozen=True)
class Suggestion:
    """A candidate phrase for one theme."""

    phrase: str
    releases: int
    elsewhere: int
    score: float
    examples: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "phrase": self.phrase,
            "releases": self.releases,
            "elsewhere": self.elsewhere,
            "score": round(self.score, 3),
            "examples": list(self.examples),
        }


def suggest_phrases(
    texts: Sequence[str],
    taxonomy: Taxonomy,
    tagged: np.ndarray | None = None,
    *,
    titles: Sequence[str] | None = None,
    top: int = 15,
    min_releases: int = 3,
) -> dict[str, list[Suggestion]]:
    """Distinguishing phrases per theme (see the module docstring).

    Parameters
    ----------
    texts : sequence of str, length n_releases
    taxonomy : Taxonomy
    tagged : ndarray of bool, shape (n_releases, n_themes), optional
        Which releases carry which theme; the phrase rules' tags when omitted.
    titles : sequence of str, optional
        Shown as examples; the first line of each text when omitted.
    top : int
        Phrases per theme.
    min_releases : int
        A phrase must occur in at least this many of the theme's releases.

    Returns
    -------
    dict of str to list of Suggestion
        Theme id → suggestions, best first (empty for a theme with no releases).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    from topics.themes.mask import phrase_masker
    from topics.themes.match import matcher_for, sections

    texts = [t if isinstance(t, str) else "" for t in texts]
    if tagged is None:
        tagged = matcher_for(taxonomy).labels(texts)
    tagged = np.asarray(tagged, dtype=bool)
    if titles is None:
        titles = [sections(t)["title"] or t.strip()[:80] for t in texts]
    out: dict[str, list[Suggestion]] = {theme.id: [] for theme in taxonomy}
    if not len(texts) or not tagged.any():
        return out
    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        token_pattern=TOKEN_PATTERN,
        binary=True,
        min_df=min(min_releases, len(texts)),
    )
    try:
        X = vectorizer.fit_transform(texts).tocsc()
    except ValueError:  # no term in enough releases
        return out
    terms = vectorizer.get_feature_names_out()
    new = phrase_masker(taxonomy).keep(terms)
    n = len(texts)
    for j, theme in enumerate(taxonomy):
        inside = tagged[:, j]
        n_in = int(inside.sum())
        if not n_in or n_in == n:
            continue
        a = np.asarray(X[inside].sum(axis=0)).ravel().astype(float)
        b = np.asarray(X[~inside].sum(axis=0)).ravel().astype(float)
        n_out = n - n_in
        log_odds = np.log((a + 0.5) / (n_in - a + 0.5)) - np.log((b + 0.5) / (n_out - b + 0.5))
        se = np.sqrt(1 / (a + 0.5) + 1 / (n_in - a + 0.5) + 1 / (b + 0.5) + 1 / (n_out - b + 0.5))
        z = log_odds / se
        candidates = np.flatnonzero(new & (a >= min_releases) & (z > 0))
        best = candidates[np.argsort(-z[candidates], kind="stable")][:top]
        rows = np.flatnonzero(inside)
        for k in best:
            holders = rows[X[rows, k].toarray().ravel() > 0][:EXAMPLES]
            out[theme.id].append(
                Suggestion(
                    phrase=str(terms[k]),
                    releases=int(a[k]),
                    elsewhere=int(b[k]),
                    score=float(z[k]),
                    examples=tuple(str(titles[i]) for i in holders),
                )
            )
    return out
