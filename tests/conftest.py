"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

from topics import _tfidf


@pytest.fixture(scope="module")
def index_for_few_texts():
    """Every batch, however small, goes through :mod:`topics._tfidf`'s index (``FEW = 0``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_tfidf, "FEW", 0)
        yield
