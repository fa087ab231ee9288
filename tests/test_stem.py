"""PyStemmer's English stems are snowballstemmer's pure-Python ones (topics._stem)."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from snowballstemmer.english_stemmer import EnglishStemmer

from topics._stem import stem_word, stem_words

REFERENCE = EnglishStemmer()
SUFFIXES = [
    "", "s", "es", "ies", "ed", "ing", "ly", "ness", "ment", "ational", "ization", "fulness",
    "ousli", "alism", "iveness", "biliti", "ence", "ance", "able", "ible", "ant", "ement", "ent",
    "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "eed", "eedly", "ingly", "'s", "s'",
]  # fmt: skip
# English-looking words: letters (some accented, some capitals, an apostrophe, a y) and the
# suffixes the algorithm's steps remove, so that every step is reached
letters = st.text(string.ascii_lowercase + "yéüæ'", min_size=1, max_size=12)
words = st.builds(lambda a, b: a + b, letters, st.sampled_from(SUFFIXES))


@settings(max_examples=500, deadline=None)
@given(words)
def test_english_like_words_stem_as_the_reference(word):
    assert stem_word(word) == REFERENCE.stemWord(word)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=15), max_size=20))
def test_arbitrary_words_stem_as_the_reference(batch):
    assert stem_words(batch) == [REFERENCE.stemWord(w) for w in batch]


def test_known_stems_and_a_word_pystemmer_cannot_encode():
    assert stem_words(["generously", "dying", "news", "skies", "Senators"]) == [
        "generous",
        "die",
        "news",
        "sky",
        "Senat",
    ]
    lone = "\ud800ing"  # a lone surrogate: not UTF-8, stemmed by the pure-Python stemmer
    assert stem_word(lone) == REFERENCE.stemWord(lone)
    assert stem_words(["running", lone]) == ["run", REFERENCE.stemWord(lone)]
