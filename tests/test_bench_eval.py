"""The hand-coded evaluation set (bench/eval) is whole: each release coded once, all codes valid."""

from __future__ import annotations

import json
from pathlib import Path

from bench.eval import THEMES, load
from bench.eval.draw import split_of

EVAL = Path(__file__).resolve().parent.parent / "bench" / "eval"


def _records(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text("utf-8").splitlines() if line]


def test_every_release_has_one_coding_with_every_theme():
    sample, labels = _records("sample.jsonl"), _records("labels.jsonl")
    assert [r["n"] for r in sample] == [r["n"] for r in labels]
    assert len({r["n"] for r in sample}) == len(sample)
    assert len({(r["corpus"], r["id"]) for r in sample}) == len(sample)
    for release, coding in zip(sample, labels, strict=True):
        assert (coding["corpus"], coding["id"], coding["split"]) == (
            release["corpus"],
            release["id"],
            release["split"],
        )
        assert set(coding["themes"]) == set(THEMES), coding["n"]
        assert set(coding["themes"].values()) <= {0, 1, "unsure"}, coding["n"]
        assert coding["note"].strip(), coding["n"]


def test_the_halves_are_the_hash_of_corpus_and_id():
    releases = load()
    assert {r["split"] for r in releases} == {"dev", "test"}
    assert all(r["split"] == split_of(r["corpus"], r["id"]) for r in releases)
    assert len(load("dev")) + len(load("test")) == len(releases)
