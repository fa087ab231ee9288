"""Updating a model with new releases: stable topic ids, lineage, idempotence, safety."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import write_releases
from typer.testing import CliRunner

import topics
from topics.cli import app
from topics.corpus import schema
from topics.topic_model._lineage import match_topics, release_overlap, term_weights

VOCAB = {
    "minerals": "lithium nickel cobalt graphite rare earth mine refining reserves stockpile",
    "chips": "semiconductor wafer foundry memory chip fab lithography packaging design",
    "tariffs": "tariff quota safeguard steel dumping duty countervailing measure import",
    "energy": "nuclear reactor hydrogen grid power plant electricity lng renewable",
}


def _write(path: Path, themes: list[str], n: int, month: int, seed: int) -> Path:
    return write_releases(
        path,
        VOCAB,
        themes,
        n,
        seed,
        title=lambda theme, i: f"{theme} note {seed}-{i}",
        date=lambda i: f"2024-{month + i % 3:02d}-{1 + i % 28:02d}",
    )


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stream")
    old = _write(tmp / "old.csv", ["minerals", "chips", "tariffs"], 120, 1, 1)
    new = _write(tmp / "new.csv", ["minerals", "chips", "tariffs"], 30, 7, 2)
    parent = topics.train(topics.load_corpus(old), n_topics=3, seed=0)
    parent.save(tmp / "parent")
    return tmp, old, new


def _topic_of(model, text: str) -> int:
    return int(model.predict([text]).topics.iat[0])


def test_matching_pairs_similar_topics_and_leaves_the_rest():
    vocab = ["a", "b", "c", "d"]
    old = term_weights(np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]]), vocab)
    new = term_weights(np.array([[0, 0.9, 0.1, 0], [0, 0, 0, 1.0], [1.0, 0.1, 0, 0]]), vocab)
    centroids_old = np.array([[1.0, 0], [0, 1.0]])
    centroids_new = np.array([[0.1, 1.0], [-1.0, -1.0], [1.0, 0.05]])
    match = match_topics(centroids_old, centroids_new, old, new)
    assert [(p, c) for p, c, _ in match.pairs] == [(0, 2), (1, 0)]
    assert match.new == [1] and match.retired == []
    far = match_topics(centroids_old[:1], centroids_new[1:2], old[:1], new[1:2])
    assert far.pairs == [] and far.retired == [0] and far.new == [0]


def test_release_overlap_is_the_jaccard_index_of_the_old_releases():
    parent = np.array([0, 0, 0, 1, 1, 2])
    refit = np.array([1, 1, 0, 0, 0, 0])
    overlap = release_overlap(parent, refit, 3, 2)
    # parent 0 = {0,1,2}, refit 1 = {0,1}: 2 / 3; parent 1 = {3,4}, refit 0 = {2,3,4,5}: 2 / 4
    np.testing.assert_allclose(overlap, [[1 / 6, 2 / 3], [2 / 4, 0], [1 / 4, 0]])
    # The overlap alone decides between two topics whose centroids and terms look alike.
    same = term_weights(np.ones((2, 3)), ["a", "b", "c"])
    match = match_topics(np.ones((2, 2)), np.ones((2, 2)), same, same, overlap=np.eye(2)[::-1])
    assert [(p, c) for p, c, _ in match.pairs] == [(0, 1), (1, 0)]


def test_update_keeps_ids_and_records_the_lineage(stream):
    tmp, _, new = stream
    parent = topics.load(tmp / "parent")
    probes = {t: f"The ministry said {VOCAB[t]}." for t in ("minerals", "chips", "tariffs")}
    before = {t: _topic_of(parent, text) for t, text in probes.items()}
    result = parent.update(topics.load_corpus(new))
    assert not result.nothing_new and result.added == 30 and result.held == 0
    assert sorted(result.matched) == sorted(before.values())
    assert result.retired == []
    after = {t: _topic_of(result.model, text) for t, text in probes.items()}
    assert after == before
    lineage = result.model.manifest["lineage"]
    assert lineage["generation"] == 1
    assert lineage["parent"]["path"] == str(tmp / "parent")
    assert lineage["parent"]["manifest_sha256"]
    assert lineage["added"]["releases"] == 30
    assert lineage["added"]["date_range"][0].startswith("2024-07")
    assert result.model.manifest["corpus"]["documents"] == 150
    # The parent directory is untouched, and the update saves and loads losslessly.
    assert topics.load(tmp / "parent").manifest == parent.manifest
    path = result.model.save(tmp / "child")
    texts = list(probes.values())
    pd.testing.assert_frame_equal(
        result.model.predict(texts).to_frame(), topics.load(path).predict(texts).to_frame()
    )


def test_new_topic_gets_a_new_id(stream, tmp_path):
    _, old, _ = stream
    parent = topics.train(topics.load_corpus(old), seed=0)
    # Energy starts: a full refit learns its words and the matching gives it a fresh id while
    # the other topics keep theirs.
    shifted = _write(tmp_path / "shift.csv", ["minerals", "chips", "energy"], 150, 7, 3)
    result = parent.update(topics.load_corpus(shifted), scheme="full")
    assert result.refit["topics"]["scheme"] == "full"
    assert result.refit["topics"]["candidate_topics"] >= 1  # from the fresh fit
    lineage = result.model.lineage
    energy = _topic_of(result.model, f"The ministry said {VOCAB['energy']}.")
    assert energy in result.new and energy >= parent.lineage.next_id
    assert lineage.status(energy) == "new" and lineage.topics[energy]["born"] == 1
    for theme in ("minerals", "chips", "tariffs"):
        probe = f"The ministry said {VOCAB[theme]}."
        assert _topic_of(result.model, probe) == _topic_of(parent, probe)
    info = result.model.predict(["x"]).topic_info
    assert set(info.loc[info["status"] == "new", "topic"]) == set(result.new)
    # The report over the whole stream shows the stable ids and lists the new topic.
    stream_corpus = topics.load_corpus([old, shifted])
    html = topics.build_report(
        result.model, stream_corpus, freq="month", out=tmp_path / "r.html", force=True
    )["html"].read_text("utf-8")
    assert 'id="latest"' in html and "Created by the latest model update" in html
    assert f"<strong>{energy}: " in html
    # The fresh fit as it is (no seeding) is matched the same way and finds energy too.
    fresh = parent.update(topics.load_corpus(shifted), scheme="fresh")
    assert fresh.refit["topics"]["scheme"] == "fresh" and fresh.new
    with pytest.raises(ValueError, match="scheme"):
        parent.update(topics.load_corpus(shifted), scheme="cold")


def test_unmatched_topic_retires_and_its_id_is_never_reused(stream):
    tmp, _, _ = stream
    parent = topics.load(tmp / "parent")
    lineage = parent.lineage
    tm = parent.topic_model
    # A refit in which parent topic 2 has no successor and a topic appears.
    terms = term_weights(tm.ctfidf_[:2], list(tm.vectorizer_.get_feature_names_out()))
    match = match_topics(tm.centroids_[:2], tm.centroids_[:2], terms, terms)
    assert [(p, c) for p, c, _ in match.pairs] == [(0, 0), (1, 1)]
    retired = lineage.ids[2]
    child = lineage.advance(
        type(match)(match.pairs, [2], [], match.similarity), _Refit(tm, keep=2), _dates(tm)
    )
    assert retired not in child.ids and child.topics[retired]["status"] == "retired"
    assert child.topics[retired]["last_date"] == lineage.topics[retired]["last_date"]
    assert child.retired()[0]["topic"] == retired
    grown = child.advance(type(match)(match.pairs, [], [2], match.similarity), tm, _dates(tm))
    assert grown.ids[2] == lineage.next_id and grown.ids[2] != retired
    assert grown.status(grown.ids[2]) == "new" and grown.next_id == lineage.next_id + 1


class _Refit:
    """The first ``keep`` topics of a fitted topic model, as a refit would hold them."""

    def __init__(self, tm, keep: int):
        self.n_topics_ = keep
        self.labels_ = np.minimum(tm.labels_, keep - 1)
        self._info = tm.topic_info().iloc[:keep]

    def topic_info(self):
        return self._info


def _dates(tm):
    return pd.Series(pd.date_range("2024-01-01", periods=len(tm.labels_), freq="D"))


def test_updating_with_held_releases_changes_nothing(stream):
    tmp, old, _ = stream
    parent = topics.load(tmp / "parent")
    result = parent.update(topics.load_corpus(old))
    assert result.nothing_new and result.model is parent
    assert result.added == 0 and result.held == 120


def test_cli_update_then_again_is_a_no_op(stream, tmp_path):
    tmp, old, new = stream
    runner = CliRunner()
    out = tmp_path / "next"
    args = ["update", str(tmp / "parent"), str(new), "--out", str(out), "--quiet"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "30 new releases added" in first.output
    assert first.output.strip().endswith(f"Model written to {out}")
    manifest = (out / "manifest.json").read_bytes()
    again = runner.invoke(app, ["update", str(out), str(old), str(new), "--quiet"])
    assert again.exit_code == 0, again.output
    assert "Nothing new" in again.output
    assert not (tmp_path / "next-next").exists()
    assert (out / "manifest.json").read_bytes() == manifest
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "already exists" in refused.output


def test_interrupted_update_leaves_the_parent_intact(stream, tmp_path, monkeypatch):
    tmp, _, new = stream
    before = {p: p.read_bytes() for p in (tmp / "parent").rglob("*") if p.is_file()}
    parent = topics.load(tmp / "parent")
    result = parent.update(topics.load_corpus(new))

    def interrupted(directory):
        raise KeyboardInterrupt

    monkeypatch.setattr(result.model.lineage, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        result.model.save(tmp / "parent", force=True)
    after = {p: p.read_bytes() for p in (tmp / "parent").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp.iterdir() if p.name.startswith(".parent")]
    topics.load(tmp / "parent")


def test_gold_labels_refit_the_theme_classifier(stream):
    tmp, _, new = stream
    parent = topics.load(tmp / "parent")
    corpus = topics.load_corpus(new)
    ids = corpus.documents()[schema.ID].astype(str)
    gold = pd.DataFrame(False, index=ids, columns=parent.theme_ids)
    gold.iloc[:, 0] = True
    result = parent.update(corpus, gold_themes=gold)
    assert result.refit["themes"] == "refit"
    table = result.model.releases.table
    coded = table.filter(like="gold:").notna().any(axis=1)
    assert coded.sum() == len(ids) and set(table.loc[coded, "id"]) == set(ids)
    assert "validation" in result.model.manifest
    assert result.model.manifest["metrics"]["themes"]["gold_documents"] == len(ids)
    kept = parent.update(corpus)
    assert kept.model.themes is parent.themes and kept.refit["themes"].startswith("kept")
    # Without gold labels the held releases keep exactly the theme tags they had.
    held = parent.releases.table["text"].tolist()
    np.testing.assert_array_equal(kept.model.themes.predict(held), parent.themes.predict(held))


def test_a_labels_file_coding_held_releases_by_title_refits_and_is_kept(stream, tmp_path):
    tmp, _, new = stream
    parent = topics.load(tmp / "parent")
    held = parent.releases.table
    theme = parent.theme_ids[0]
    labels = tmp_path / "gold.csv"
    pd.DataFrame({"title": held["title"].iloc[:6], "themes": [theme] * 6}).to_csv(
        labels, index=False
    )
    result = topics.update(parent, topics.load_corpus(new), gold_themes=labels)
    assert result.refit["themes"] == "refit"
    table = result.model.releases.table
    assert (table[f"gold:{theme}"].iloc[:6] == 1.0).all()
    assert table[f"gold:{theme}"].iloc[6:].isna().all()
    # A second update keeps those codes (the gold of earlier updates is never lost).
    again = result.model.update(
        topics.load_corpus(_write(tmp_path / "more.csv", ["chips"], 20, 9, 5))
    )
    assert again.refit["themes"].startswith("kept")
    assert (again.model.releases.table[f"gold:{theme}"].iloc[:6] == 1.0).all()
    # The same codes again change nothing.
    same = result.model.update(topics.load_corpus(new), gold_themes=labels)
    assert same.nothing_new and same.model is result.model
