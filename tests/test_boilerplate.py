"""Corpus-level boilerplate: recurring furniture leaves the model text, never the stored text."""

from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from topics.cli import app
from topics.corpus import load_corpus, schema
from topics.corpus.boilerplate import find_boilerplate
from topics.errors import CorpusError

SUBJECTS = [
    "wheat farmers drought relief harvest grain prices rural",
    "veterans hospital benefits clinic wounded soldiers care",
    "highway bridge transit funding roads construction repair",
    "school teachers students education grants reading classrooms",
]
CONTACT = {"Roe": "Contact: Jane Roe, 202/224-0000.", "Poe": "Contact: Ed Poe, 202/224-9999."}


def _release(sender: str, number: int, rng: random.Random) -> dict:
    words = rng.choice(SUBJECTS).split()
    body = " ".join(rng.choice(words) for _ in range(40)) + f" item{number}."
    lines = [f"Senator {sender} said today: {body}", CONTACT[sender]]
    if sender == "Poe":
        lines += ["###", "Originating Site Number Site Filter Search"]
    return {
        "id": f"{sender}/{number}",
        "date": f"2006-0{1 + number % 9}-1{number % 10}",
        "title": f"Release {number} on {words[0]}",
        "text": "\n".join(lines),
        "office": sender,
    }


@pytest.fixture
def releases(tmp_path):
    rng = random.Random(7)
    rows = [_release("Roe" if i % 2 else "Poe", i, rng) for i in range(60)]
    path = tmp_path / "releases.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_recurring_contact_blocks_and_signoffs_leave_the_model_text(releases):
    corpus = load_corpus(releases, sender_column="office")
    texts = corpus.texts()
    stored = corpus.documents()[schema.TEXT].tolist()
    assert all("Contact:" in t for t in stored)  # the stored text is untouched
    assert not any("Contact:" in t or "###" in t or "Filter Search" in t for t in texts)
    # subject words and the unique part of every release stay
    assert all(f"item{i}" in " ".join(texts) for i in range(60))
    assert sum("wheat" in t or "veterans" in t or "highway" in t or "school" in t for t in texts)
    summary = corpus.report.boilerplate
    assert summary["enabled"] and summary["sender_column"] == "office"
    assert summary["senders"] == 2 and summary["documents"] == 60
    assert 0 < summary["words_removed"] < summary["words_total"]
    assert any("Contact: Jane Roe" in e for e in summary["examples"])


def test_turned_off_keeps_every_word(releases):
    corpus = load_corpus(releases, boilerplate=False)
    assert schema.MODEL_TEXT not in corpus.frame.columns
    assert all("Contact:" in t for t in corpus.texts())
    assert corpus.report.boilerplate["enabled"] is False


def test_a_line_in_too_few_releases_is_kept():
    texts = [f"Release {i} about wheat.\nSee you at the fair." for i in range(4)]
    texts += [f"{i} roads, then {i * 7} bridges." for i in range(20)]
    cleaned, summary = find_boilerplate(texts, ["one"] * len(texts))
    assert cleaned[:4] == [None] * 4  # 4 releases < the 5-release floor
    assert summary.words_removed == 0


def test_copies_of_one_release_do_not_make_it_boilerplate():
    unique = "A long and singular sentence about a regional water compact and its costs."
    texts = [unique] * 10 + [f"Release {i} on another subject entirely." for i in range(30)]
    counted = [True] + [False] * 9 + [True] * 30  # the copies are merged duplicates
    cleaned, _ = find_boilerplate(texts, ["one"] * len(texts), counted)
    assert cleaned[0] is None


def test_per_sender_furniture_is_found_below_the_corpus_share():
    rows = [(f"s{i % 20}", f"{i} is about subject {i * 7919 % 1000}.") for i in range(400)]
    rows = [
        (s, t + "\nPress office of Ann Bee, call 555-0100." if s == "s3" else t) for s, t in rows
    ]
    senders, texts = zip(*rows, strict=True)
    cleaned, summary = find_boilerplate(list(texts), list(senders), corpus_share=0.5)
    changed = [i for i, c in enumerate(cleaned) if c is not None]
    assert changed and all(senders[i] == "s3" for i in changed)
    assert all("Ann Bee" not in cleaned[i] for i in changed)
    assert summary.senders == 20


def test_parquet_round_trip_keeps_the_model_text(releases, tmp_path):
    corpus = load_corpus(releases, sender_column="office")
    path = tmp_path / "corpus.parquet"
    corpus.to_parquet(path)
    again = load_corpus(path)
    assert again.texts() == corpus.texts()
    assert again.report.boilerplate == corpus.report.boilerplate
    assert all("Contact:" in t for t in load_corpus(path, boilerplate=False).texts())


def test_unknown_sender_column_names_the_columns(releases):
    with pytest.raises(CorpusError, match="office"):
        load_corpus(releases, sender_column="desk")


def test_cli_summary_and_switch(releases):
    runner = CliRunner()
    on = runner.invoke(app, ["ingest", str(releases), "--sender-column", "office", "--no-list"])
    assert on.exit_code == 0, on.output
    assert "Boilerplate:" in on.output and "counted per office, 2 senders" in on.output
    off = runner.invoke(app, ["ingest", str(releases), "--no-boilerplate", "--no-list"])
    assert off.exit_code == 0, off.output
    assert "Boilerplate:     kept (removal turned off)" in off.output


def test_counting_in_small_blocks_finds_the_same_boilerplate(monkeypatch):
    """Blocks and candidates bound the memory; the counts of every unit that can reach its
    threshold are still exact, so blocks of 7 releases find what one block does."""
    from topics.corpus import _recurring

    rng = random.Random(3)
    rows = [_release(["Roe", "Poe"][i % 3 == 0], i, rng) for i in range(90)]
    texts = [f"{r['title']}\n\n{r['text']}" for r in rows]
    texts += [f"Chamber notice {i}: the Senate stands adjourned until noon." for i in range(12)]
    senders = [r["office"] for r in rows] + ["clerk"] * 12
    counted = [i % 11 != 5 for i in range(len(texts))]
    whole = find_boilerplate(texts, senders, counted, corpus_share=0.1)
    monkeypatch.setattr(_recurring, "CHUNK", 7)
    blocks = find_boilerplate(texts, senders, counted, corpus_share=0.1)
    assert blocks[0] == whole[0] and blocks[1] == whole[1]
    assert whole[1].documents > 90


def test_frequent_units_are_counted_exactly():
    import numpy as np

    from topics.corpus import _recurring as r

    texts = [f"same opening line\nbody {i} " + "word " * (i % 4) for i in range(30)]
    codes = np.asarray([i % 3 for i in range(30)])
    counted = np.ones(30, dtype=bool)
    senders, corpus = r.frequent_units(texts, codes, counted, np.full(3, 5.0), 20.0, 5)
    docs, keys, *_ = r.units(r.hash_chunk(texts))
    docs, keys = r.per_release_unique(docs, keys)
    true = dict(zip(*np.unique(keys, return_counts=True), strict=True))
    table = dict(zip(*corpus, strict=True))
    assert {k: c for k, c in true.items() if c >= 20}.items() <= table.items()
    assert all(true[k] == c for k, c in table.items())  # candidates carry exact counts
    sender_true = dict(
        zip(*np.unique(r.sender_key(keys, codes[docs]), return_counts=True), strict=True)
    )
    assert {k: c for k, c in sender_true.items() if c >= 5}.items() == dict(
        zip(*senders, strict=True)
    ).items()
