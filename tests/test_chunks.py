"""One cut of the texts at whitespace, shared by every component, gives what each component's own
tokenization gave: the same TF-IDF matrices, phrase matches, salience and known texts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

import topics
from topics import _chunks, _tfidf, _vocabulary
from topics.classify.tagger import TOKEN_PATTERN
from topics.corpus import default_seeds
from topics.themes import Taxonomy, default_taxonomy
from topics.themes._batch import chunk_stems
from topics.themes.match import ThemeMatcher, _salience, sections, stems

#: Characters that stress the cut: every kind of whitespace, combining marks, final sigma,
#: dotted capital I, ligatures and compatibility characters (NFKC/NFKD change them), possessives,
#: hyphens, digits, symbols of literal phrases, Hangul.
ODD = list(" \t\n\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000")
ODD += list("\u0301\u0308ΣσςİıﬁªªⅣ①™´¨‾’'-_.,&+#/")
WORDS = ["tariff", "Tariffs", "trade", "rare", "earth", "steel", "the", "of", "U.S.", "EVs"]
WORDS += ["R&D", "c++", "Canada's", "2024", "x1", "é", "chips", "semiconductor", "무역", "관세"]
TEXTS = st.lists(
    st.lists(st.sampled_from(WORDS) | st.sampled_from(ODD) | st.text(max_size=3), max_size=40).map(
        "".join
    ),
    min_size=1,
    max_size=5,
)


#: The tests' few texts take the index path too (below ``_tfidf.FEW`` they would not).
pytestmark = pytest.mark.usefixtures("index_for_few_texts")


@pytest.fixture(scope="module")
def seeds() -> list[str]:
    return topics.load_corpus(default_seeds()).texts()


def test_chunks_number_the_distinct_chunks_of_every_text():
    chunks = _chunks.Chunks(["a b  a", "", "b\tc\n"])
    assert chunks.distinct == ["a", "b", "c"]
    assert chunks.ids.tolist() == [0, 1, 0, 1, 2]
    assert chunks.bounds.tolist() == [0, 3, 3, 5]


def test_a_cache_analyses_each_chunk_once_and_starts_afresh_when_full():
    seen = []
    cache = _chunks.ChunkCache(lambda c: seen.append(c) or [len(c)], size=3)
    assert cache.lookup(["ab", "c", "ab"]) == [(2,), (1,), (2,)]
    assert cache.lookup(["c"]) == [(1,)] and seen == ["ab", "c", "ab"]
    cache.lookup(["dd", "eee"])
    assert set(cache.items) <= {"dd", "eee"}


def test_values_are_the_analysis_of_every_chunk_in_order():
    chunks = _chunks.Chunks(["aa b", "", "b ccc aa"])
    values, starts = chunks.values(_chunks.ChunkCache(lambda c: [len(c)] * len(c)))
    assert values.tolist() == [2, 2, 1, 1, 3, 3, 3, 2, 2]
    assert chunks.per_text(starts).tolist() == [3, 0, 6]


def test_runs_cut_the_values_at_the_breaks_or_give_none():
    items = ["a", "\n", "\n", "b", "c", "\n"]
    assert _chunks.runs(items, list(range(6)), 4) == [(0,), (), (3, 4), ()]
    assert _chunks.runs(items, list(range(6)), 3) is None


def test_a_cache_reads_new_chunks_together_and_one_by_one_when_it_cannot():
    batches, one = [], []
    together = _chunks.ChunkCache(lambda c: one.append(c) or [c], analyse_many=batches.append)
    assert together.lookup(["a", "b"]) == [("a",), ("b",)]  # analyse_many gave None
    assert batches == [["a", "b"]] and one == ["a", "b"]
    cache = _chunks.ChunkCache(len, analyse_many=lambda cs: [(c.upper(),) for c in cs])
    assert cache.lookup(["x", "y"]) == [("X",), ("Y",)]
    assert cache.lookup(["y", "z", "x"]) == [("Y",), ("Z",), ("X",)]


#: Chunks (no whitespace) that stress reading many at once: an ODD character or a word each
#: side of where the break goes, final sigma, combining marks opening a chunk, possessives.
CHUNKS = st.lists(
    st.lists(st.sampled_from(WORDS) | st.sampled_from(ODD) | st.text(max_size=3), max_size=6)
    .map("".join)
    .map(lambda c: "".join(c.split())),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(chunks=CHUNKS)
def test_many_chunks_read_together_are_each_chunk_read_alone(chunks, seeds):
    chunks += ["ΑΣ", "\u0301a", "Canada's", "TRQs", "", "ÉTÉ", "s", "'", "İx", "ﬁ", "무역을"]
    vectorizers = [
        TfidfVectorizer(token_pattern=TOKEN_PATTERN, strip_accents="unicode"),
        TfidfVectorizer(ngram_range=(1, 2), stop_words="english"),
        TfidfVectorizer(strip_accents="ascii", lowercase=False),
    ]
    for vectorizer in vectorizers:
        vectorizer.fit([*seeds[:30], " ".join(WORDS), " ".join(ODD)])
        cache = _tfidf._index(vectorizer).cache
        assert cache.analyse_many(chunks) == [tuple(cache.analyse(c)) for c in chunks]
    assert chunk_stems(chunks) == [tuple(stems(c)) for c in chunks]
    plain = [c for c in chunks if not any("가" <= x <= "힣" for x in c)]
    assert chunk_stems(plain) == [tuple(stems(c)) for c in plain]


def test_a_preprocessor_of_its_own_reads_each_chunk_alone(seeds):
    vectorizer = TfidfVectorizer(preprocessor=str.upper, lowercase=False).fit(seeds[:10])
    assert _tfidf._index(vectorizer).cache.analyse_many is None


@settings(max_examples=150, deadline=None)
@given(texts=TEXTS)
def test_transforms_from_the_cut_are_scikit_learns_on_any_text(texts, seeds):
    tagger = TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        token_pattern=TOKEN_PATTERN,
        strip_accents="unicode",
    )
    for vectorizer in (tagger, TfidfVectorizer(ngram_range=(1, 2), stop_words="english")):
        vectorizer.fit([*seeds[:30], " ".join(WORDS), " ".join(ODD)])
        shared = _chunks.Chunks(texts)
        ours = _tfidf.transform(vectorizer, texts, shared)
        theirs = vectorizer.transform(texts)
        assert ours.shape == theirs.shape and (ours != theirs).nnz == 0
        known = _vocabulary.known_texts([vectorizer], texts, shared)
        assert np.array_equal(known, _vocabulary.known_texts([vectorizer], texts))


def per_text_scores(matcher: ThemeMatcher, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """What ``ThemeMatcher.scores`` computed before the cut: each text's sections on their own."""
    salience, counts = [], []
    for text in texts:
        parts = sections(text)
        found = matcher.hits(text, parts)
        salience.append([_salience(h, len(parts["body"].split())) for h in found])
        counts.append([sum(hit.count for hit in h) for h in found])
    k = len(matcher.taxonomy)
    return np.asarray(salience).reshape(-1, k), np.asarray(counts).reshape(-1, k)


#: Literal phrases, excludes, a proximity rule and Korean phrases beside the default taxonomy's.
ODD_THEMES = Taxonomy.from_dict(
    {
        "themes": [
            {
                "id": "odd",
                "name": "Odd",
                "include": ["R&D", "c++", "rare earth", "U.S. trade", "관세"],
                "exclude": ["rare earth magnets", "C++ compiler"],
                "min_salience": 1.0,
                "near": [{"any": ["tariff"], "with": ["steel", "Canada"], "within": 4}],
            },
            *default_taxonomy().to_dict()["themes"][:3],
        ]
    },
    source="test",
)


@settings(max_examples=150, deadline=None)
@given(
    texts=TEXTS,
    title=st.booleans(),
    repeat=st.integers(0, 60),
    taxonomy=st.sampled_from([default_taxonomy(), ODD_THEMES]),
)
def test_phrase_scores_from_the_cut_are_the_per_text_scores(texts, title, repeat, taxonomy):
    matcher = ThemeMatcher(taxonomy)
    # long texts too: a title paragraph, a lead of 80 words and a body
    texts = [
        ("Tariffs on steel\n\n" if title else "") + t + " trade tariff" * repeat for t in texts
    ]
    salience, counts = matcher.scores(texts, _chunks.Chunks(texts))
    expected = per_text_scores(matcher, texts)
    assert np.array_equal(counts, expected[1]) and np.array_equal(salience, expected[0])


def test_phrase_scores_from_the_cut_on_the_seeds(seeds):
    matcher = ThemeMatcher(default_taxonomy())
    salience, counts = matcher.scores(seeds)
    expected = per_text_scores(matcher, seeds)
    assert counts.sum() > 0
    assert np.array_equal(counts, expected[1]) and np.array_equal(salience, expected[0])
