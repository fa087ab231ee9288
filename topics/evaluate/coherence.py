"""Topic-model evaluation with the OCTIS definitions: NPMI coherence and topic diversity.

``npmi_coherence`` reproduces gensim's ``CoherenceModel(coherence="c_npmi")`` (which OCTIS's
``Coherence(measure="c_npmi")`` calls): boolean sliding windows of ``window`` tokens over each
document (a document shorter than the window is one window), probabilities are window counts over
the number of windows, every ordered pair of a topic's top words is scored with
``log((p(a, b) + eps) / (p(a) p(b))) / -log(p(a, b) + eps)`` and the pairs' mean is the topic's
coherence; the model's score is the mean over topics. As in gensim (4.4), every document
contributes ``max(len - window + 1, 1)`` windows (an empty document counts one empty window), and
a word counts as present in a window the way gensim's sliding set has it (see
:func:`window_counts`), so the scores equal gensim's, and the published OCTIS figures', exactly.
Counting is vectorised per document with numpy and a sparse window × word matrix, without gensim.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from topics.errors import TopicsError
from topics.language import term_texts

#: gensim's smoothing constant in ``direct_confirmation_measure``.
EPSILON = 1e-12


def _top_words(topics: Sequence[Sequence[str]], topk: int) -> list[list[str]]:
    out = []
    for i, words in enumerate(topics):
        words = list(words)
        if len(words) < topk:
            raise TopicsError(
                f"topic {i} has {len(words)} words, fewer than topk={topk}",
                "give every topic at least topk words or lower topk",
            )
        out.append(words[:topk])
    return out


def _gensim_window_presence(col: np.ndarray, k: int, width: int, n_win: int) -> np.ndarray:
    """Which of ``k`` words gensim marks present in each window of one document.

    gensim's ``WordOccurrenceAccumulator`` slides a set: entering window ``t`` it drops the token
    that left (position ``t - 1``) and then adds the token that entered (``t + width - 1``). A
    word still present elsewhere in the window is dropped too; we reproduce that exactly, since
    the published OCTIS figures were computed with it.

    Returns
    -------
    ndarray of bool, shape (n_win, k)
    """
    t_idx = np.arange(n_win)
    add = np.zeros((n_win, k), dtype=bool)
    first = col[:width]
    add[0, first[first >= 0]] = True
    entering = col[width - 1 + t_idx[1:]]
    ok = entering >= 0
    add[t_idx[1:][ok], entering[ok]] = True
    rem = np.zeros((n_win, k), dtype=bool)
    leaving = col[t_idx[1:] - 1]
    ok = leaving >= 0
    rem[t_idx[1:][ok], leaving[ok]] = True
    last_add = np.maximum.accumulate(np.where(add, t_idx[:, None], -1), axis=0)
    last_rem = np.maximum.accumulate(np.where(rem, t_idx[:, None], -1), axis=0)
    return (last_add >= 0) & (last_add >= last_rem)


def window_counts(
    tokenized_docs: Sequence[Sequence[str]], words: Sequence[str], window: int = 10
) -> tuple[np.ndarray, np.ndarray, int]:
    """Count boolean sliding windows holding each word and each pair of words, as gensim does.

    Parameters
    ----------
    tokenized_docs : sequence of sequence of str
        The reference corpus, one token list per document.
    words : sequence of str
        The words to count (``n_words`` distinct strings).
    window : int
        Window size in tokens.

    Returns
    -------
    occurrences : ndarray of shape (n_words,)
        Number of windows holding each word.
    co_occurrences : ndarray of shape (n_words, n_words)
        Number of windows holding both words (diagonal = ``occurrences``).
    n_windows : int
        Number of windows in the corpus (``max(len - window + 1, 1)`` per document).
    """
    import scipy.sparse as sp

    index = {w: i for i, w in enumerate(words)}
    n_words = len(index)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    n_windows = 0
    for doc in tokenized_docs:
        ids = np.fromiter((index.get(t, -1) for t in doc), dtype=np.int64, count=len(doc))
        present = ids >= 0
        n = len(ids)
        n_win = max(n - window + 1, 1)
        if not present.any():
            n_windows += n_win
            continue
        width = min(window, n)
        uniq, local = np.unique(ids[present], return_inverse=True)
        col = np.full(n, -1, dtype=np.int64)
        col[present] = local
        inside = _gensim_window_presence(col, len(uniq), width, n_win)
        r, c = np.nonzero(inside)
        rows.append(r + n_windows)
        cols.append(uniq[c])
        n_windows += n_win
    if not rows:
        return np.zeros(n_words), np.zeros((n_words, n_words)), n_windows
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    mat = sp.csr_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(n_windows, n_words))
    co = np.asarray((mat.T @ mat).todense())
    return np.diag(co).copy(), co, n_windows


def npmi_per_topic(
    topics: Sequence[Sequence[str]],
    tokenized_docs: Sequence[Sequence[str]],
    topk: int = 10,
    window: int = 10,
) -> np.ndarray:
    """NPMI coherence of each topic (see :func:`npmi_coherence`).

    Returns
    -------
    ndarray of shape (n_topics,)
    """
    tops = _top_words(topics, topk)
    vocab = sorted({w for t in tops for w in t})
    occ, co, n_windows = window_counts(tokenized_docs, vocab, window)
    missing = [w for w, n in zip(vocab, occ, strict=True) if n == 0]
    if missing:
        raise TopicsError(
            f"topic words not found in the reference corpus: {', '.join(missing[:10])}",
            "score topics on the tokenised corpus they were fitted on",
        )
    index = {w: i for i, w in enumerate(vocab)}
    scores = np.empty(len(tops))
    for k, words in enumerate(tops):
        ids = np.array([index[w] for w in words])
        p = occ[ids] / n_windows
        pj = co[np.ix_(ids, ids)] / n_windows
        with np.errstate(divide="ignore"):
            num = np.log((pj + EPSILON) / np.outer(p, p))
            npmi = num / -np.log(pj + EPSILON)
        off = ~np.eye(len(ids), dtype=bool)
        scores[k] = npmi[off].mean()
    return scores


def npmi_coherence(
    topics: Sequence[Sequence[str]],
    tokenized_docs: Sequence[Sequence[str]],
    topk: int = 10,
    window: int = 10,
) -> float:
    """Mean NPMI coherence of the topics' top words (OCTIS / gensim ``c_npmi``).

    Parameters
    ----------
    topics : sequence of sequence of str
        Each topic's words, best first (at least ``topk`` each).
    tokenized_docs : sequence of sequence of str
        The reference corpus, tokenised the way the topics' words are.
    topk : int
        Number of top words per topic.
    window : int
        Sliding-window size in tokens (gensim's default for ``c_npmi`` is 10).

    Returns
    -------
    float
        In [-1, 1]; higher is more coherent.

    Raises
    ------
    TopicsError
        A topic has fewer than ``topk`` words, or a word never occurs in the corpus.
    """
    if len(topics) == 0:
        raise TopicsError("no topics to score", "fit a model with at least one topic")
    return float(np.mean(npmi_per_topic(topics, tokenized_docs, topk, window)))


def topic_diversity(topics: Sequence[Sequence[str]], topk: int = 10) -> float:
    """Share of unique words among all topics' top ``topk`` words (OCTIS ``TopicDiversity``).

    Parameters
    ----------
    topics : sequence of sequence of str
        Each topic's words, best first.
    topk : int
        Number of top words per topic.

    Returns
    -------
    float
        ``len(unique words) / (topk * n_topics)``, in (0, 1].
    """
    if len(topics) == 0:
        raise TopicsError("no topics to score", "fit a model with at least one topic")
    tops = _top_words(topics, topk)
    return len({w for t in tops for w in t}) / (topk * len(tops))


def topic_words(terms: Sequence[str]) -> list[str]:
    """A topic's terms as single words, best first, each once ("critical minerals" → two)."""
    seen: dict[str, None] = {}
    for term in terms:
        for word in term.split():
            seen.setdefault(word, None)
    return list(seen)


def score_topic_model(
    model: Any, texts: Sequence[str], topk: int = 10, window: int = 10
) -> dict[str, Any]:
    """NPMI coherence and topic diversity of a fitted ``TopicModel`` on a reference corpus.

    The texts are tokenised the way the model's term vocabulary is (Korean as morphemes and
    without URLs, :func:`topics.language.term_texts`; lower-cased, its token pattern, its stop
    words removed) and each topic's terms are split into words, so bigram terms are scored
    through their words.

    Parameters
    ----------
    model : topics.topic_model.TopicModel
        A fitted model.
    texts : sequence of str
        The reference corpus (usually the training texts).
    topk : int
        Words per topic; lowered to the shortest topic's word count when a topic has fewer.

    Returns
    -------
    dict
        ``npmi`` (float), ``diversity`` (float), ``topk`` (int actually used), ``n_topics``,
        ``npmi_per_topic`` (list of float).
    """
    vectorizer = model.vectorizer_
    preprocess = vectorizer.build_preprocessor()
    tokenize = vectorizer.build_tokenizer()
    stops = set(vectorizer.get_stop_words() or ())
    tokenized = [[w for w in tokenize(preprocess(t)) if w not in stops] for t in term_texts(texts)]
    topics = [topic_words(terms) for terms in model.topic_terms_]
    k = min(topk, *(len(t) for t in topics)) if topics else topk
    per_topic = npmi_per_topic(topics, tokenized, k, window)
    return {
        "npmi": float(per_topic.mean()),
        "diversity": topic_diversity(topics, k),
        "topk": int(k),
        "n_topics": len(topics),
        "npmi_per_topic": [float(v) for v in per_topic],
    }
