"""Which texts a fitted model can read at all: the rule behind the "unknown" prediction.

A text is *unknown* to a model when none of its words, tokenised as the model tokenises, is in
any vocabulary the model learned (the theme and label classifiers' TF-IDF terms, and the local
embedding's terms behind the topic model): ``!!!???``, or Hangul given to a model trained on
English only. The model has nothing to go on for such a text, so :meth:`topics.Model.predict`
answers "unknown": no theme, no topic (``-1``) and no label, instead of the priors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress
from typing import Any

import numpy as np

from topics._chunks import chunks_of


def vocabularies(model: Any) -> list[Any]:
    """The fitted text vectorizers of a :class:`topics.Model` (classifiers, local embedding)."""
    found = []
    for clf in (model.themes, *model.labels.values()):
        if clf is None:
            continue
        if hasattr(clf, "vectorizer_"):
            found.append(clf.vectorizer_)
        # a self-tuned label classifier keeps one vectorizer per feature block: its word blocks
        blocks = zip(
            getattr(clf, "block_names_", ()), getattr(clf, "vectorizers_", ()), strict=False
        )
        found += [v for name, v in blocks if getattr(v, "analyzer", "word") == "word"]
    embedder = getattr(model.topic_model, "embedder_", None)
    pipeline = getattr(embedder, "pipeline_", None)
    if pipeline is not None and "tfidf" in getattr(pipeline, "named_steps", {}):
        found.append(pipeline.named_steps["tfidf"])
    return found


def known_texts(vectorizers: Iterable[Any], texts: Sequence[str], chunks: Any = None) -> np.ndarray:
    """Bool ndarray of shape (n_texts,): whether each text has a word in some vocabulary.

    Without any vocabulary (nothing to compare with) every text counts as known. ``chunks``:
    the texts already cut (:class:`topics._chunks.Chunks`): the words of the vectorizers
    :mod:`topics._tfidf` covers are then read from the cut, shared with their transforms.
    """
    vectorizers = list(vectorizers)
    for v in vectorizers:  # a vectorizer rebuilt from a saved vocabulary sets it on first use
        if not hasattr(v, "vocabulary_") and getattr(v, "vocabulary", None) is not None:
            v._validate_vocabulary()
    vectorizers = [v for v in vectorizers if getattr(v, "vocabulary_", None)]
    if not vectorizers:
        return np.ones(len(texts), dtype=bool)
    if chunks is not None:
        from topics import _tfidf

        found = np.zeros(len(texts), dtype=bool)
        fast = [_tfidf.indexed(v, len(texts)) for v in vectorizers]
        for v in compress(vectorizers, fast):
            found |= _tfidf.has_unigram(v, chunks_of(texts, chunks))
        vectorizers = [v for v, f in zip(vectorizers, fast, strict=True) if not f]
        if found.all() or not vectorizers:
            return found
        rest = np.flatnonzero(~found)
        found[rest] = known_texts(vectorizers, [texts[i] for i in rest])
        return found
    readers = [(_tokens(v), v.vocabulary_) for v in vectorizers]

    def known(text: str) -> bool:
        # Most texts have a known word near the start: look there first, then at the whole.
        for part in (text[:LEAD], text) if len(text) > LEAD else (text,):
            if any(token in vocab for tokens, vocab in readers for token in tokens(part)):
                return True
        return False

    return np.fromiter((known(t) for t in texts), dtype=bool, count=len(texts))


#: Characters of a text searched first for a known word.
LEAD = 500


def _tokens(vectorizer: Any) -> Callable[[str], Iterator[str]]:
    """A lazy tokeniser giving the words the vectorizer would see, in order."""
    preprocess = vectorizer.build_preprocessor()
    if vectorizer.analyzer != "word" or vectorizer.tokenizer is not None:
        analyze = vectorizer.build_analyzer()
        return lambda text: iter(analyze(text))
    pattern = re.compile(vectorizer.token_pattern)
    group = 1 if pattern.groups == 1 else 0  # scikit-learn takes the one group when there is one
    return lambda text: (m.group(group) for m in pattern.finditer(preprocess(text)))
