"""The speed suite's helpers and baselines on tiny files (the real corpora are never read)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench import speed_growth, speed_steps, suite_speed


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
            "train_peak_mb": 300 + 0.1 * n,
            "report_peak_mb": 350 + 0.1 * n,
        }
        for factor in (0.9, 1.0, 1.2)
    ]


def test_exponents_are_fitted_on_medians_with_a_spread() -> None:
    rows = speed_growth.exponents({n: _runs(n, 1.0) for n in (1_000, 3_000, 10_000)})
    by_what = {row["figure"].split(":")[1].split("∝")[0].strip(): row for row in rows}
    train = by_what["train time"]
    assert train["value"] == pytest.approx(1.2)
    assert train["baseline_value"] == pytest.approx(1.0)
    assert train["spread"] == "1.20–1.20"
    assert by_what["report time"]["value"] == pytest.approx(0.5)
    assert by_what["memory added by training"]["value"] == pytest.approx(1.0)
    assert by_what["memory added by the report"]["value"] == pytest.approx(0.0)
    assert "1,000…10,000 documents" in train["figure"]


MIB = 1024**2
FAKE_RESULTS = {
    "ingest": {"seconds": 1.0, "peak_mb": 100.0, "records": 20, "documents": 19},
    "read_json_baseline": {"seconds": 0.1, "peak_mb": 50.0, "records": 20},
    "tfidf_baseline": {"fit_s": 0.5, "fit_peak_mb": 60.0, "transform_s": [0.01, 0.04]},
    "train": {"train_s": 20.0, "train_peak_mb": 600.0, "documents": 19, "save_s": 1.0},
    "load_predict": {
        "import_s": 5.0,
        "load_s": 2.0,
        "load_peak_mb": 300.0,
        "first_predict_s": 1.0,
        "predict_s": [0.5, 0.25],
        "predict_peak_mb": 310.0,
        "n_predict": 1000,
    },
    "report": {"seconds": 3.0, "peak_mb": 400.0, "html_bytes": 5 * MIB, "total_bytes": 6 * MIB},
    "plotly_page_baseline": {"seconds": 0.2, "peak_mb": 70.0, "html_bytes": 4 * MIB},
}


def _fake_child(func, *args, **kwargs) -> dict:
    """Stand-in for running a step in a child: canned figures, and the model directory."""
    if func.__name__ == "train":
        args[1].mkdir()  # the model directory the later steps need
        return FAKE_RESULTS["train"] | {"model_bytes": 2 * MIB}
    if func.__name__ == "ingest":
        return FAKE_RESULTS["ingest"] | {"duplicates": 1, "rejected": 0}
    return FAKE_RESULTS[func.__name__]


def test_reuters_section_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_repeat(func, *args, repeats: int = 3, budget_s=None, label=None, **kwargs):
        calls.append(func.__name__)
        return [_fake_child(func, *args) for _ in range(repeats)]

    monkeypatch.setattr(suite_speed, "repeat_in_child", fake_repeat)
    source = _corpus(tmp_path / "reuters.jsonl.gz", 20)
    rows = suite_speed._reuters(source, suite_speed.FULL, 2, tmp_path / "work")
    by_figure = {row["figure"]: row for row in rows}
    name = "Reuters-21578 (20 records)"
    assert calls.count("train") == 2  # each training run is its own child
    ingest = by_figure[f"ingest {name}, near-duplicate detection included"]
    assert (ingest["value"], ingest["baseline_value"]) == (1.0, 0.1)
    assert ingest["note"] == "19 documents, 1 records merged as duplicates, 0 rejected"
    load = by_figure[f"load model ({name})"]
    assert (load["value"], load["baseline_value"]) == (2.0, 20.0)  # vs training time
    predict = by_figure[f"predict 1,000 releases ({name})"]
    assert predict["value"] == pytest.approx(3000.0)  # median of 2000 and 4000 docs/s
    assert predict["baseline_value"] == pytest.approx(62500.0)  # of 100,000 and 25,000
    assert predict["spread"] == "2,000–4,000 docs/s (n=4)"
    size = by_figure[f"report on {name}: HTML size"]
    assert (size["value"], size["baseline_value"]) == (5.0, 4.0)
    assert by_figure[f"save model ({name})"]["note"] == "model directory 2.0 MiB"
    headlines = {row["figure"] for row in rows if row.get("headline")}
    assert f"train on {name}: peak memory" in headlines
    assert f"predict 1,000 releases ({name})" in headlines
    assert f"load model ({name}): peak memory" not in headlines
    assert not any(row.get("error") or row.get("skipped") for row in rows)


def test_growth_keeps_the_sizes_that_worked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = (100, 300, 1_000, 3_000)
    samples = {n: (str(tmp_path / f"docs_{n}.parquet"), min(n, 2_500)) for n in sizes}
    monkeypatch.setattr(speed_growth, "in_child", lambda func, *args: samples)

    def fake_repeat(func, corpus: Path, out: Path, freq: str, **kwargs) -> list[dict]:
        assert func is speed_steps.growth and freq == "year" and out.is_dir()
        n = int(corpus.stem.split("_")[1])
        if n == 300:
            raise MemoryError("killed")
        return _runs(min(n, 2_500), 1.0)

    monkeypatch.setattr(speed_growth, "repeat_in_child", fake_repeat)
    rows = speed_growth.run_growth(tmp_path / "sotu.jsonl.gz", sizes, 3, 60.0, tmp_path / "g")
    errors = [row for row in rows if row.get("error")]
    assert [row["figure"] for row in errors] == [
        "growth: train and report on 300 State of the Union paragraphs"
    ]
    assert "growth: train on 2,500 State of the Union paragraphs" in {r["figure"] for r in rows}
    exponent = next(r for r in rows if r["figure"].startswith("growth exponent: train time"))
    assert exponent["value"] == pytest.approx(1.2)
    assert "100…2,500 documents" in exponent["figure"]
    assert exponent.get("headline") is True
