"""The model directory: manifest, hashes, atomic writes, refusal of unknown or damaged models."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from topics._io import load_arrays, save_arrays
from topics.errors import ModelFormatError, TopicsError
from topics.persist import (
    MANIFEST,
    SCHEMA_VERSION,
    VersionDriftWarning,
    read_manifest,
    save_directory,
    seal,
)


def _writer(values: list[float]):
    def write(directory: Path) -> None:
        save_arrays(directory / "weights.npz", w=np.asarray(values))
        (directory / "params.json").write_text(json.dumps({"n": len(values)}))

    return write


def test_manifest_records_versions_and_hashes(tmp_path):
    path = save_directory(tmp_path / "m", {"part": _writer([1.0, 2.0])}, {"seed": 7})
    manifest = read_manifest(path)
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["seed"] == 7
    assert manifest["components"] == ["part"]
    assert set(manifest["files"]) == {"part/weights.npz", "part/params.json"}
    assert manifest["versions"]["numpy"] == np.__version__
    np.testing.assert_array_equal(load_arrays(path / "part/weights.npz")["w"], [1.0, 2.0])


def test_existing_model_needs_force(tmp_path):
    target = tmp_path / "m"
    save_directory(target, {"part": _writer([1.0])}, {})
    with pytest.raises(TopicsError, match="already exists"):
        save_directory(target, {"part": _writer([2.0])}, {})
    save_directory(target, {"part": _writer([2.0])}, {}, force=True)
    assert load_arrays(target / "part/weights.npz")["w"].tolist() == [2.0]
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_failed_save_leaves_nothing_and_keeps_the_old_model(tmp_path):
    target = tmp_path / "m"
    save_directory(target, {"part": _writer([1.0])}, {})

    def broken(directory: Path) -> None:
        (directory / "half.json").write_text("{")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        save_directory(target, {"part": broken}, {}, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["m"]
    assert load_arrays(target / "part/weights.npz")["w"].tolist() == [1.0]
    assert read_manifest(target)["components"] == ["part"]


def test_tampered_file_is_named(tmp_path):
    path = save_directory(tmp_path / "m", {"part": _writer([1.0, 2.0])}, {})
    weights = path / "part/weights.npz"
    weights.write_bytes(weights.read_bytes()[:-10])
    with pytest.raises(ModelFormatError, match=r"weights\.npz.*tampered or truncated"):
        read_manifest(path)


def test_missing_and_extra_files_are_refused(tmp_path):
    path = save_directory(tmp_path / "m", {"part": _writer([1.0])}, {})
    (path / "part/params.json").unlink()
    with pytest.raises(ModelFormatError, match="missing"):
        read_manifest(path)
    path = save_directory(tmp_path / "n", {"part": _writer([1.0])}, {})
    (path / "part/extra.bin").write_bytes(b"x")
    with pytest.raises(ModelFormatError, match="not listed"):
        read_manifest(path)


def test_unknown_schema_version_is_refused(tmp_path):
    path = save_directory(tmp_path / "m", {"part": _writer([1.0])}, {})
    manifest = json.loads((path / MANIFEST).read_text())
    manifest["schema_version"] = SCHEMA_VERSION + 1
    (path / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="schema version"):
        read_manifest(path)


def test_corrupt_manifest_and_missing_directory(tmp_path):
    with pytest.raises(ModelFormatError, match="no model directory"):
        read_manifest(tmp_path / "nowhere")
    path = save_directory(tmp_path / "m", {"part": _writer([1.0])}, {})
    (path / MANIFEST).write_text("{not json")
    with pytest.raises(ModelFormatError, match="not valid JSON"):
        read_manifest(path)


def test_version_drift_warns(tmp_path):
    path = save_directory(tmp_path / "m", {"part": _writer([1.0])}, {})
    manifest = json.loads((path / MANIFEST).read_text())
    manifest["versions"]["scikit-learn"] = "0.1"
    (path / MANIFEST).write_text(json.dumps(seal(manifest)))  # re-sealed: only drift
    with pytest.warns(VersionDriftWarning, match="scikit-learn 0.1"):
        read_manifest(path)
    manifest["versions"]["scikit-learn"] = read_manifest.__globals__["package_versions"]()[
        "scikit-learn"
    ]
    (path / MANIFEST).write_text(json.dumps(seal(manifest)))  # re-sealed: only drift
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_manifest(path)


def test_model_of_the_previous_release_is_refused_with_how_to_retrain(tmp_path):
    """topics 0.1.0 wrote ``schema_version`` 1 without ``format``, and components under four
    other header shapes: such a model is refused, and the message says how to re-train."""
    import topics

    old = tmp_path / "old"
    (old / "taxonomy").mkdir(parents=True)
    (old / "taxonomy" / "taxonomy.json").write_text('{"schema_version": 1, "themes": []}')
    manifest = {
        "schema_version": 1,
        "created": "2026-11-30T12:00:00+00:00",
        "versions": {"topics": "0.1.0"},
        "components": ["taxonomy"],
        "files": {},
        "label_columns": [],
    }
    (old / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="schema version 1") as caught:
        topics.load(old)
    message = str(caught.value)
    assert "saved by topics 0.1.0" in message
    assert f"topics train CORPUS --out {old} --force" in message


def test_every_saved_json_has_the_common_header(tmp_path):
    import topics

    corpus = topics.load_corpus(Path(__file__).resolve().parent.parent / "seeds")
    path = topics.train(corpus, label_columns=[], seed=0).save(tmp_path / "m")
    headers = {}
    for file in sorted(path.rglob("*.json")):
        data = json.loads(file.read_text("utf-8"))
        headers[file.relative_to(path).as_posix()] = (data["format"], data["schema_version"])
    assert headers == {
        "manifest.json": ("topics.model", SCHEMA_VERSION),
        "taxonomy/taxonomy.json": ("topics.taxonomy", 1),
        "themes/classifier.json": ("topics.theme_tagger", 2),
        "themes/vectorizer.json": ("topics.tfidf", 1),
        "topic_model/topic_model.json": ("topics.topic_model", 2),
        "topic_model/embedder/embedder.json": ("topics.embedder.local", 2),
        "topic_model/embedder/tfidf.json": ("topics.tfidf", 1),
        "releases/releases.json": ("topics.releases", 1),
        "lineage/lineage.json": ("topics.lineage", 1),
    }
    classifier = json.loads((path / "themes/classifier.json").read_text("utf-8"))
    assert classifier["params"]["taxonomy"] is None  # the taxonomy is saved once
    assert "dates" not in json.loads((path / "topic_model/topic_model.json").read_text("utf-8"))


def test_a_saved_tfidf_vectorizer_transforms_alike_and_refuses_a_repeated_term(tmp_path):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from topics import _tfidf
    from topics._io import load_tfidf, save_tfidf

    texts = ["Tariffs on steel imports", "steel exports rose", "chip export controls on steel"]
    fitted = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    save_tfidf(fitted, tmp_path, "v")
    loaded = load_tfidf(tmp_path, "v")
    assert loaded.vocabulary_ == fitted.vocabulary_
    new = ["steel tariffs and chip controls", "nothing known here"]
    for transform in (TfidfVectorizer.transform, _tfidf.transform):
        assert (transform(loaded, new) != transform(fitted, new)).nnz == 0
    saved = json.loads((tmp_path / "v.json").read_text("utf-8"))
    saved["vocabulary"][1] = saved["vocabulary"][0]
    (tmp_path / "v.json").write_text(json.dumps(saved), "utf-8")
    with pytest.raises(ModelFormatError, match=r"v\.json.*duplicate terms"):
        load_tfidf(tmp_path, "v")
