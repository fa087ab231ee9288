"""Character n-grams inside word boundaries (topics/classify/_chars.py): the same matrices,
vocabulary and idf as scikit-learn's ``char_wb`` TfidfVectorizer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from topics.classify import _chars

# words from a small alphabet (so that n-grams repeat and min_df/max_df cut some), accents,
# unusual whitespace, NUL, a surrogate-free slice of the BMP
_WORD = st.text(
    alphabet=st.sampled_from([*"abcAÉé ñ\t\n\x0b\u2003\u00a0\x00-.", "\u4e00", "한"]),
    max_size=12,
)
_TEXTS = st.lists(st.lists(_WORD, max_size=6).map(" ".join), min_size=1, max_size=12)
_PARAMS = st.fixed_dictionaries(
    {
        "ngram_range": st.sampled_from([(1, 1), (2, 5), (3, 3), (1, 4), (2, 12)]),
        "min_df": st.sampled_from([1, 2, 0.2]),
        "max_df": st.sampled_from([1.0, 0.5, 3]),
        "sublinear_tf": st.booleans(),
        "binary": st.booleans(),
        "use_idf": st.booleans(),
        "lowercase": st.booleans(),
        "strip_accents": st.sampled_from([None, "unicode", "ascii"]),
        "norm": st.sampled_from(["l2", "l1", None]),
    }
)


def _same(a, b) -> None:
    assert a.shape == b.shape
    difference = abs(a - b)
    assert difference.nnz == 0 or difference.max() < 1e-12
    assert (a != 0).sum() == (b != 0).sum()


@settings(max_examples=150, deadline=None)
@given(texts=_TEXTS, new=_TEXTS, params=_PARAMS)
def test_fit_transform_and_transform_are_scikit_learns(texts, new, params):
    ours, theirs = (TfidfVectorizer(analyzer="char_wb", **params) for _ in range(2))
    try:
        expected = theirs.fit_transform(texts)
    except ValueError:
        with pytest.raises(ValueError):
            _chars.fit_transform(ours, texts)
        return
    got = _chars.fit_transform(ours, texts)
    assert got.has_sorted_indices or not _chars.covered(ours)
    _same(got, expected)
    assert ours.vocabulary_ == theirs.vocabulary_
    if params["use_idf"]:
        np.testing.assert_array_equal(ours.idf_, theirs.idf_)
    for texts_now in (new, texts):
        expected = theirs.transform(texts_now)
        got = _chars.transform(ours, texts_now)
        _same(got, expected)
        np.testing.assert_array_equal(got.indices, expected.indices)
        np.testing.assert_array_equal(got.data, expected.data)
        # the fitted vectorizer is scikit-learn's to use as well
        _same(ours.transform(texts_now), expected)


def test_a_vectorizer_rebuilt_from_its_vocabulary_list_transforms_the_same():
    texts = ["Trade talks resume", "tariffs on steel", "talks on tariffs stall"]
    fitted = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
    _chars.fit_transform(fitted, texts)
    terms = sorted(fitted.vocabulary_, key=fitted.vocabulary_.get)
    rebuilt = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), vocabulary=terms)
    rebuilt.idf_ = fitted.idf_
    new = ["steel talks", "nothing alike ☃"]
    np.testing.assert_array_equal(
        _chars.transform(rebuilt, new).toarray(), fitted.transform(new).toarray()
    )


def test_more_distinct_characters_than_a_code_holds_take_the_slow_path():
    # 5,000 distinct characters need 13 bits each: 5-grams would not fit in 63 bits
    texts = [
        " ".join(chr(0x4E00 + i) + chr(0x4E00 + i + 1) for i in range(k, 5000, 7)) for k in range(7)
    ]
    ours, theirs = (TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)) for _ in range(2))
    _same(_chars.fit_transform(ours, texts), theirs.fit_transform(texts))
    assert ours.vocabulary_ == theirs.vocabulary_
    _same(_chars.transform(ours, texts[:3]), theirs.transform(texts[:3]))


def test_other_vectorizers_are_left_to_scikit_learn():
    words = TfidfVectorizer()
    assert not _chars.covered(words)
    texts = ["one text", "another text"]
    _same(_chars.fit_transform(words, texts), TfidfVectorizer().fit_transform(texts))
