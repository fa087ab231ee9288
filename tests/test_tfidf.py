"""The fast vectorizer transform gives scikit-learn's matrix, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

import topics
from topics import _tfidf
from topics.classify.tagger import TOKEN_PATTERN as TAGGER_PATTERN
from topics.corpus import default_seeds
from topics.topic_model._text import TOKEN_PATTERN as TERM_PATTERN

VECTORIZERS = {
    "embedding": lambda: TfidfVectorizer(
        sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=500, stop_words="english"
    ),
    "tagger": lambda: TfidfVectorizer(
        sublinear_tf=True, ngram_range=(1, 2), stop_words="english", token_pattern=TAGGER_PATTERN
    ),
    "terms": lambda: CountVectorizer(ngram_range=(1, 2), token_pattern=TERM_PATTERN),
    "bigrams, binary": lambda: CountVectorizer(ngram_range=(2, 2), binary=True, stop_words=["a"]),
    "unigrams": lambda: TfidfVectorizer(),
}


#: The tests' few texts take the index path too (below ``_tfidf.FEW`` they would not).
pytestmark = pytest.mark.usefixtures("index_for_few_texts")


@pytest.fixture(scope="module")
def seeds() -> list[str]:
    return topics.load_corpus(default_seeds()).texts()


def assert_same(a, b) -> None:
    assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
    assert a.indices.dtype == b.indices.dtype and a.has_sorted_indices and b.has_sorted_indices
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


@pytest.mark.parametrize("name", VECTORIZERS)
def test_same_matrix_as_scikit_learn_on_the_seeds(name, seeds):
    vectorizer = VECTORIZERS[name]().fit(seeds[::2])
    assert _tfidf.covered(vectorizer)
    texts = [*seeds[1::2], "", "the of and", "Naïve café İstanbul ÉCOLE 2024", "a"]
    assert_same(_tfidf.transform(vectorizer, texts), vectorizer.transform(texts))


WORDS = st.sampled_from(["trade", "Trade", "the", "rare", "earth", "a", "tariff's", "x1", "é", " "])


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.lists(WORDS, max_size=12).map(" ".join), min_size=1, max_size=6))
def test_same_matrix_on_arbitrary_word_sequences(texts, seeds):
    for make in VECTORIZERS.values():
        vectorizer = make().fit([*seeds[:20], "rare earth trade tariff", "the trade a"])
        assert_same(_tfidf.transform(vectorizer, texts), vectorizer.transform(texts))


def test_vectorizers_it_does_not_cover_use_their_own_transform(seeds):
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(seeds[:10])
    trigrams = CountVectorizer(ngram_range=(1, 3)).fit(seeds[:10])
    spaces = CountVectorizer(token_pattern=r"\w+ \w+").fit(seeds[:10])
    for vectorizer in (chars, trigrams, spaces):
        assert not _tfidf.covered(vectorizer)
        assert_same(_tfidf.transform(vectorizer, seeds[10:20]), vectorizer.transform(seeds[10:20]))


def test_a_few_texts_are_read_by_the_vectorizer_until_it_has_an_index(seeds, monkeypatch):
    monkeypatch.setattr(_tfidf, "FEW", 100)
    vectorizer = VECTORIZERS["tagger"]().fit(seeds)
    few, many = seeds[:3], (seeds * 5)[:100]
    assert_same(_tfidf.transform(vectorizer, few), vectorizer.transform(few))
    assert vectorizer not in _tfidf._INDEXES  # one `topics predict "text"` builds no index
    assert_same(_tfidf.transform(vectorizer, many), vectorizer.transform(many))
    assert vectorizer in _tfidf._INDEXES
    assert _tfidf.indexed(vectorizer, 3)  # built: a few texts use it too
    assert_same(_tfidf.transform(vectorizer, few), vectorizer.transform(few))


def test_spread_keeps_the_ends_and_an_even_spacing():
    texts = [str(i) for i in range(10)]
    assert _tfidf.spread(texts, 4) == ["0", "3", "6", "9"]
    assert _tfidf.spread(texts, 20) == texts


def test_a_vectorizer_fitted_on_spread_texts_transforms_every_text(seeds):
    from topics.classify import _linear

    texts = [t for t in seeds for _ in range(8)]  # 8 copies each: above FEW, as a corpus is
    vectorizer = TfidfVectorizer(token_pattern=TAGGER_PATTERN, ngram_range=(1, 2))
    X = _linear.vectorize(vectorizer, texts, fit_at_most=len(texts) // 8)
    assert X.shape[0] == len(texts)
    sample = _tfidf.spread(texts, len(texts) // 8)
    alone = TfidfVectorizer(token_pattern=TAGGER_PATTERN, ngram_range=(1, 2)).fit(sample)
    assert vectorizer.vocabulary_ == alone.vocabulary_
    np.testing.assert_allclose(X.toarray(), alone.transform(texts).toarray(), atol=1e-12)
