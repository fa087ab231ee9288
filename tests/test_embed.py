"""The offline default embedding and the opt-in sentence-transformers wrapper."""

from __future__ import annotations

import os
import sys
import types

import numpy as np
import pytest

from topics.embed import (
    LocalEmbedder,
    SentenceTransformerEmbedder,
    auto_dimension,
    load_embedder,
)
from topics.errors import ModelFormatError, TopicsError, TrainingError

TEXTS = [
    f"{a} exports of {b} rose while {c} talks continued"
    for a in ("semiconductor", "steel", "battery", "mineral")
    for b in ("chips", "coils", "cells", "lithium")
    for c in ("trade", "tariff")
]


def test_local_embedder_shape_dtype_and_unit_rows():
    emb = LocalEmbedder().fit(TEXTS)
    out = emb.transform(TEXTS)
    assert out.dtype == np.float32
    assert out.shape == (len(TEXTS), emb.n_components_)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    # a text with no known term embeds to zeros, not NaN
    assert np.all(emb.transform(["qqqq zzzz"]) == 0)


def test_auto_dimension_scales_with_corpus_size():
    assert auto_dimension(28, 5000) == 13
    assert auto_dimension(2000, 50000) == 112
    assert auto_dimension(100_000, 50000) == 256
    assert auto_dimension(5, 3) == 2
    assert auto_dimension(3, 100) == 2


def test_local_embedder_round_trip_is_identical(tmp_path):
    emb = LocalEmbedder(random_state=3).fit(TEXTS)
    emb.save(tmp_path)
    again = load_embedder(tmp_path)
    assert isinstance(again, LocalEmbedder)
    assert again.get_params() == emb.get_params()
    new = ["battery cells and lithium", "steel tariff talks"]
    np.testing.assert_array_equal(again.transform(new), emb.transform(new))


def test_local_embedder_is_deterministic():
    a = LocalEmbedder(random_state=0).fit(TEXTS).transform(TEXTS)
    b = LocalEmbedder(random_state=0).fit(list(TEXTS)).transform(TEXTS)
    np.testing.assert_array_equal(a, b)


def test_local_embedder_errors():
    with pytest.raises(TrainingError):
        LocalEmbedder().fit(["one", "two"])
    with pytest.raises(TrainingError, match="n_components"):
        LocalEmbedder(n_components=500).fit(TEXTS)
    with pytest.raises(TypeError):
        LocalEmbedder().fit("a single string")


def test_load_refuses_a_foreign_directory(tmp_path):
    (tmp_path / "embedder.json").write_text('{"kind": "mystery"}', "utf-8")
    with pytest.raises(ModelFormatError, match="unknown embedder"):
        load_embedder(tmp_path)


def test_sentence_transformer_missing_package_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    emb = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(TopicsError, match="sentence-transformers package is not installed"):
        emb.transform(["text"])
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_sentence_transformer_model_not_on_disk_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    calls = []

    class FakeSentenceTransformer:
        def __init__(self, name, **kwargs):
            calls.append((name, kwargs, os.environ.get("HF_HUB_OFFLINE")))
            raise OSError("not found in the local cache")

    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = FakeSentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    with pytest.raises(TopicsError, match="not on this machine"):
        SentenceTransformerEmbedder("all-MiniLM-L6-v2").fit(["text"])
    assert calls == [("all-MiniLM-L6-v2", {"local_files_only": True}, "1")]


def test_sentence_transformer_round_trip_keeps_the_name(tmp_path):
    SentenceTransformerEmbedder("/models/mini", batch_size=8).save(tmp_path)
    again = load_embedder(tmp_path)
    assert isinstance(again, SentenceTransformerEmbedder)
    assert again.get_params() == {"name_or_path": "/models/mini", "batch_size": 8}


def test_fit_transform_equals_fit_then_transform():
    a = LocalEmbedder(random_state=0).fit_transform(TEXTS)
    b = LocalEmbedder(random_state=0).fit(TEXTS).transform(TEXTS)
    assert a.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_above_fit_sample_the_vocabulary_comes_from_a_seeded_sample_and_all_are_embedded():
    texts = TEXTS + [f"zinc{i} smelter{i} quotas" for i in range(8)]
    emb = LocalEmbedder(fit_sample=20, random_state=0)
    out = emb.fit_transform(texts)
    assert out.shape[0] == len(texts)
    # terms, idf and SVD come from 20 of the texts, drawn with the seed
    rows = np.sort(np.random.default_rng(0).choice(len(texts), size=20, replace=False))
    on_sample = LocalEmbedder(fit_sample=None, random_state=0).fit([texts[i] for i in rows])
    np.testing.assert_array_equal(out, on_sample.transform(texts))
    again = LocalEmbedder(fit_sample=20, random_state=0).fit_transform(texts)
    np.testing.assert_array_equal(out, again)
    np.testing.assert_allclose(out, emb.transform(texts), rtol=0, atol=1e-6)


def test_fit_sample_below_three_is_refused():
    with pytest.raises(TrainingError, match="fit_sample"):
        LocalEmbedder(fit_sample=2).fit(TEXTS)
