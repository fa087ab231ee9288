"""The speed suite's helpers and baselines on tiny files (the real corpora are never read)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench import speed_steps, suite_speed


def _corpus(path: Path, n: int) -> Path:
    records = [
        {"id": i, "date": f"2020-01-{i % 28 + 1:02d}", "title": f"Title {i}", "text": f"body {i}"}
        for i in range(n)
    ]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record) + "\n")
        fh.write("\n")  # a trailing blank line is not a record
    return path


def _ids(path: Path) -> list[int]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["id"] for line in fh if line.strip()]


def test_write_sample_is_seeded_and_keeps_file_order(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "all.jsonl.gz", 50)
    assert speed_steps.count_records(source) == 50
    assert speed_steps.write_sample(source, tmp_path / "a.jsonl.gz", 10) == 10
    assert speed_steps.write_sample(source, tmp_path / "b.jsonl.gz", 10) == 10
    a = _ids(tmp_path / "a.jsonl.gz")
    assert a == _ids(tmp_path / "b.jsonl.gz")
    assert a == sorted(a) and len(set(a)) == 10
    speed_steps.write_sample(source, tmp_path / "c.jsonl.gz", 10, seed=1)
    assert _ids(tmp_path / "c.jsonl.gz") != a
    assert speed_steps.write_sample(source, tmp_path / "all.jsonl", None) == 50
    assert (tmp_path / "all.jsonl").read_text().count("\n") == 50


def test_jsonl_texts_join_title_and_body(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "c.jsonl.gz", 5)
    assert speed_steps.jsonl_texts(source, limit=2) == ["Title 0\n\nbody 0", "Title 1\n\nbody 1"]
    assert len(speed_steps.jsonl_texts(source)) == 5


def test_spread_sample_spreads_and_cycles() -> None:
    texts = [str(i) for i in range(10)]
    assert speed_steps.spread_sample(texts, 5) == ["0", "2", "4", "6", "8"]
    assert speed_steps.spread_sample(texts[:3], 7) == ["0", "1", "2", "0", "1", "2", "0"]
    with pytest.raises(ValueError):
        speed_steps.spread_sample([], 3)


def test_baselines_measure_the_same_files(tmp_path: Path) -> None:
    source = _corpus(tmp_path / "c.jsonl.gz", 40)
    read = speed_steps.read_json_baseline(source)
    assert read["records"] == 40 and read["seconds"] >= 0 and read["peak_mb"] > 0
    texts = speed_steps.jsonl_texts(source)
    train, predict = tmp_path / "train.json", tmp_path / "predict.json"
    train.write_text(json.dumps(texts))
    predict.write_text(json.dumps(speed_steps.spread_sample(texts, 100)))
    tfidf = speed_steps.tfidf_baseline(train, predict, repeats=2)
    assert tfidf["n_predict"] == 100
    assert len(tfidf["transform_s"]) == 2 and tfidf["fit_s"] > 0


def test_missing_corpora_become_rows_naming_the_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suite_speed, "_seeds", lambda plan, repeats, work: [])
    rows = suite_speed.run(tmp_path, quick=True, repeats=1)
    skipped = {row["skipped"] for row in rows}
    assert skipped == {
        str(tmp_path / "reuters21578" / "reuters21578.jsonl.gz"),
        str(tmp_path / "sotu" / "sotu_paragraphs.jsonl.gz"),
    }
    assert all(row["value"] is None for row in rows)


def test_a_failing_section_becomes_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(plan: suite_speed.Plan, repeats: int, work: Path) -> list[dict]:
        raise AttributeError("module 'topics' has no attribute 'train'")

    monkeypatch.setattr(suite_speed, "_seeds", broken)
    rows = suite_speed.run(tmp_path, quick=True, repeats=1)
    errors = [row for row in rows if row.get("error")]
    assert len(errors) == 1
    assert errors[0]["error"] == "AttributeError: module 'topics' has no attribute 'train'"


def _runs(n: int, factor: float) -> list[dict[str, float]]:
    return [
        {
            "train_s": 1e-3 * n**1.2 * factor,
            "tfidf_s": 1e-5 * n * factor,
            "report_s": 0.01 * n**0.5 * factor,
            "train_added_mb": 0.1 * n * factor,
            "report_added_mb": 0.0,  # nothing added: clamped, not a log of zero
        }
        for factor in (0.9, 1.0, 1.2)
    ]


def test_exponents_are_fitted_on_medians_with_a_spread() -> None:
    rows = suite_speed._exponents({n: _runs(n, 1.0) for n in (1_000, 3_000, 10_000)})
    by_what = {row["figure"].split(":")[1].split("∝")[0].strip(): row for row in rows}
    train = by_what["train time"]
    assert train["value"] == pytest.approx(1.2)
    assert train["baseline_value"] == pytest.approx(1.0)
    assert train["spread"] == "1.20–1.20"
    assert by_what["report time"]["value"] == pytest.approx(0.5)
    assert by_what["memory added by training"]["value"] == pytest.approx(1.0)
    assert by_what["memory added by the report"]["value"] == pytest.approx(0.0)
    assert "1,000…10,000 documents" in train["figure"]
