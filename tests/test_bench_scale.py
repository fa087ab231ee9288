"""The scale suite's helpers on tiny files: replicas and the sender-label check."""

from __future__ import annotations

import gzip
import json

import pandas as pd

from bench import scale_steps
from bench.sender_labels import name_words, sender_label_check


def test_replicas_get_fresh_ids_and_shifted_dates(tmp_path):
    source = tmp_path / "s.jsonl.gz"
    rows = [
        {"id": f"A/{i}", "date": "2006-02-28", "text": f"t{i}", "labels": ["A"]} for i in range(3)
    ]
    with gzip.open(source, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(map(json.dumps, rows)) + "\n")
    assert scale_steps.write_replicas(source, tmp_path / "r.jsonl", 7) == 7
    out = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["id"] for r in out] == ["A/0", "A/1", "A/2", "A/0#r1", "A/1#r1", "A/2#r1", "A/0#r2"]
    assert [r["date"][:4] for r in out] == ["2006"] * 3 + ["2007"] * 3 + ["2008"]
    assert out[3]["text"] == out[0]["text"]


def test_name_words_split_office_names():
    assert name_words(["BillNelson", "Harkin", "Ed"]) == {"bill", "nelson", "harkin"}


def test_sender_label_check_counts_names_states_furniture_and_concentration():
    texts = [f"cody wertz release {i}" for i in range(10)] + [
        f"levee repair {i}" for i in range(10)
    ]
    senders = ["Salazar"] * 10 + [
        s for s in ["Vitter", "Landrieu", "Lott", "Cochran"] for _ in (0, 1)
    ]
    senders += ["Reid", "Harkin"]
    info = pd.DataFrame(
        {
            "size": [50, 40, 30, 20, 10],
            "label": ["a", "b", "c", "d", "e"],
            "terms": [
                ["cody wertz", "energy"],  # 100% from Salazar
                ["levee", "repair"],  # spread over six senders: a subject
                ["harkin", "farm"],  # a sender's name
                ["iowa", "ethanol"],  # a state
                ["filter search", "jobs"],  # furniture
            ],
            "single_source": [True, False, False, False, False],
        }
    )
    result = sender_label_check(info, texts, senders, top=5)
    assert result["topics"] == 5
    assert result["share"] == 4 / 5
    assert result["share_unflagged"] == 3 / 5 and result["flagged"] == 1
    assert set(result["examples"]) == {"a", "c", "d", "e"}


def test_train_steps_follow_the_top_level_messages():
    names = [
        scale_steps._step_name(m)
        for m in (
            "reading the corpus",
            "training the theme tagger",
            "matching the taxonomy's phrases",
            "training the classifier for 'labels'",
            "fitting the topic model",
            "Clustering",
            "done",
        )
    ]
    assert names == ["reading", "themes", None, "labels", "topic model", None, "done"]


def test_train_parts_name_the_sub_steps():
    names = [
        scale_steps._part_name(step, message)
        for step, message in (
            ("themes", "training the theme tagger"),
            ("themes", "matching the taxonomy's phrases"),
            ("themes", "text model, round 2/2, fold 3/5"),
            ("topic model", "Clustering"),
            ("topic model", "fitting the topic model"),
        )
    ]
    assert names == [
        "themes",
        "themes: rules",
        "themes: text model folds",
        "topic model: clustering (UMAP, HDBSCAN)",
        "topic model",
    ]
