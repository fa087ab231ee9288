"""Which vocabulary terms hold a phrase of the taxonomy: the text model and the phrase
suggestions leave those out (they would only relearn the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from topics.themes.match import compile_stems, doc_key, is_literal

if TYPE_CHECKING:
    from topics.themes.taxonomy import Taxonomy


class PhraseMasker:
    """Tells which vocabulary terms contain a phrase of the taxonomy (to hide them)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        phrases = [p for theme in taxonomy for p in theme.include if not is_literal(p)]
        self._pattern = compile_stems(phrases)

    def keep(self, terms: Sequence[str]) -> np.ndarray:
        """Bool array: ``True`` for the terms holding no phrase (by stems, as matching does)."""
        if self._pattern is None:
            return np.ones(len(terms), dtype=bool)
        return np.asarray(
            [self._pattern.search(doc_key(str(term))) is None for term in terms], dtype=bool
        )


@lru_cache(maxsize=16)
def phrase_masker(taxonomy: Taxonomy) -> PhraseMasker:
    """A :class:`PhraseMasker`, cached per taxonomy."""
    return PhraseMasker(taxonomy)
