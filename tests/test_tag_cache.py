"""The tags a model stores for its training releases (``Releases.tags``): what a report on the
training corpus reads instead of tagging it again. They must be exactly what tagging gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import write_releases

import topics
from topics.corpus import schema
from topics.errors import ModelFormatError
from topics.pipeline import predict_corpus

WORDS = {
    "minerals": "lithium nickel cobalt graphite rare earth critical minerals mine refining",
    "chips": "semiconductor wafer foundry memory chip fab lithography packaging design",
    "tariffs": "tariff quota safeguard steel dumping anti-dumping duty countervailing import",
    "health": "hospital clinic patients nurses medicaid coverage children doctors care",
}


def _corpus(path: Path, n: int = 320, seed: int = 5) -> Path:
    return write_releases(
        path,
        WORDS,
        list(WORDS),
        n,
        seed,
        length=40,
        title=lambda theme, i: f"{theme} release {i}",
        date=lambda i: f"202{i % 4}-{1 + i % 12:02d}-15",
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cache")
    corpus = topics.load_corpus(_corpus(tmp / "releases.csv"))
    model = topics.train(corpus, seed=0, n_topics=4)
    model.save(tmp / "model")
    return model, corpus, tmp


def _same(a, b) -> None:
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            assert x is None and y is None
        else:
            np.testing.assert_array_equal(x, y)


def test_stored_tags_are_what_tagging_gives(trained):
    model, corpus, _ = trained
    texts = schema.model_texts(corpus.frame)
    assert model.themes.text_model_.any()  # the learned part is covered, not the rules alone
    assert model.releases.tags is not None
    _same(model._tag(texts), model._tag_new(texts))


def test_known_and_new_texts_mix_in_order(trained):
    model, corpus, _ = trained
    texts = schema.model_texts(corpus.frame)
    batch = ["Steel tariffs and anti-dumping duties on imports.", texts[3], "???", texts[0]]
    _same(model._tag(batch), model._tag_new(batch))
    mixed = model.predict(batch).to_frame()
    cold = replace(model, releases=replace(model.releases, tags=None))
    pd.testing.assert_frame_equal(mixed, cold.predict(batch).to_frame(), check_exact=True)


def test_tags_survive_save_and_load_and_are_protected(trained):
    model, corpus, tmp = trained
    loaded = topics.load(tmp / "model")
    assert loaded.releases.tags is not None
    frame = corpus.frame.reset_index(drop=True)
    before = predict_corpus(model, frame).to_frame()
    after = predict_corpus(loaded, frame).to_frame()
    pd.testing.assert_frame_equal(before, after, check_exact=True)
    cold = replace(loaded, releases=replace(loaded.releases, tags=None))
    pd.testing.assert_frame_equal(after, predict_corpus(cold, frame).to_frame(), check_exact=True)
    tags = tmp / "model" / "releases" / "tags.npz"
    assert tags.is_file()
    copy = tmp / "tampered"
    import shutil

    shutil.copytree(tmp / "model", copy)
    data = dict(np.load(copy / "releases" / "tags.npz"))
    data["decided"] = ~data["decided"]
    np.savez(copy / "releases" / "tags.npz", **data)
    with pytest.raises(ModelFormatError):
        topics.load(copy)


def test_an_updated_model_does_not_reuse_stale_tags(trained, tmp_path):
    model, corpus, _ = trained
    new = topics.load_corpus(_corpus(tmp_path / "new.csv", n=40, seed=9))
    updated = model.update(new).model
    texts = schema.model_texts(corpus.frame) + schema.model_texts(new.frame)
    _same(updated._tag(texts), updated._tag_new(texts))
