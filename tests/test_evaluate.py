"""NPMI and topic diversity: checked against gensim's CoherenceModel (the OCTIS reference)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from topics.errors import TopicsError
from topics.evaluate import npmi_coherence, npmi_per_topic, topic_diversity, window_counts


def _random_corpus(seed: int, n_docs: int = 150, vocab_size: int = 50):
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(vocab_size)]
    docs = []
    for _ in range(n_docs):
        sub = vocab[: rng.randint(8, vocab_size)]
        docs.append([rng.choice(sub) for _ in range(rng.randint(0, 35))])
    docs.append([])  # an empty document still counts one window in gensim
    docs.append(["w1", "w2", "w1"])  # shorter than the window
    topics = [rng.sample(vocab[:30], 10) for _ in range(5)]
    return docs, topics


def _gensim(topics, docs, window=None):
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    cm = CoherenceModel(
        topics=topics,
        texts=docs,
        dictionary=Dictionary(docs),
        coherence="c_npmi",
        topn=10,
        processes=1,
        window_size=window,
    )
    return cm.get_coherence(), cm.get_coherence_per_topic()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_npmi_equals_gensim(seed):
    docs, topics = _random_corpus(seed)
    expected, per_topic = _gensim(topics, docs)
    assert npmi_coherence(topics, docs) == pytest.approx(expected, abs=1e-9)
    np.testing.assert_allclose(npmi_per_topic(topics, docs), per_topic, atol=1e-9)


def test_npmi_equals_gensim_other_window_and_repeated_words():
    # Repeated words inside a window exercise gensim's sliding-set quirk.
    docs = [["a", "b", "a", "c", "a", "d", "b", "e", "a", "b", "c"] * 3, ["c", "d", "e"], ["x"]]
    topics = [["a", "b", "c", "d", "e", "x"]]
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    for window in (2, 4, 10):
        cm = CoherenceModel(
            topics=topics,
            texts=docs,
            dictionary=Dictionary(docs),
            coherence="c_npmi",
            topn=6,
            processes=1,
            window_size=window,
        )
        got = npmi_coherence(topics, docs, topk=6, window=window)
        assert got == pytest.approx(cm.get_coherence(), abs=1e-9)


def test_npmi_perfectly_coherent_topic_is_one():
    docs = [["a", "b"]] * 5 + [["c", "d"]] * 5
    assert npmi_coherence([["a", "b"]], docs, topk=2) == pytest.approx(1.0, abs=1e-6)


def test_window_counts_small_example():
    occ, co, n = window_counts([["a", "x", "b"], ["b"]], ["a", "b"], window=2)
    # windows: [a x] [x b] | [b]
    assert n == 3
    assert occ.tolist() == [1, 2]
    assert co[0, 1] == 0


def test_npmi_rejects_unknown_words_and_short_topics():
    docs = [["a", "b", "c"]]
    with pytest.raises(TopicsError, match="not found"):
        npmi_coherence([["a", "zzz"]], docs, topk=2)
    with pytest.raises(TopicsError, match="fewer than topk"):
        npmi_coherence([["a", "b"]], docs, topk=10)
    with pytest.raises(TopicsError):
        npmi_coherence([], docs)


def test_topic_diversity_octis_definition():
    topics = [list("abcdefghij"), list("abcdeklmno")]
    assert topic_diversity(topics) == pytest.approx(15 / 20)
    assert topic_diversity([list("abcdefghij")]) == 1.0
    assert topic_diversity(topics, topk=5) == pytest.approx(5 / 10)
