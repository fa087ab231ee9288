"""The benchmark runner, the BENCHMARKS.md writer and ``python -m bench``, with fake suites."""

from __future__ import annotations

import errno
import os
import sys
import types
from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench import markdown, runner
from bench.harness import error_row, make_row, skipped_row
from bench.runner import SuiteResult, run_suite


def _suite(name: str, run) -> types.ModuleType:
    module = types.ModuleType(name)
    module.run = run
    return module


def _ok_run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict]:
    return [
        make_row(
            "fast",
            "ingest | pipes",
            [2.0, 1.0, 3.0],
            "s",
            baseline="read_json",
            baseline_values=[0.5, 0.5, 0.5],
            published=0.862,
            note="quick" if quick else f"repeats={repeats}",
        ),
        {"figure": "bare row", "value": 7},  # a suite may leave keys out
    ]


def _headline_run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict]:
    return [
        make_row(
            "h",
            "train time",
            [10.0, 12.0],
            "s",
            baseline="tfidf",
            baseline_values=2.0,
            published="66 s on a GPU",
            headline=True,
        ),
        make_row("h", "train memory", [500.0], "MiB"),
        skipped_row("h", "growth", corpora / "sotu.jsonl.gz") | {"headline": True},
    ]


def _missing_run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict]:
    path = corpora / "bbc_news" / "bbc_news.jsonl.gz"
    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))


def _failing_run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict]:
    raise RuntimeError("umap exploded")


def _partial_run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict]:
    return [
        make_row("partial", "seeds train", 1.5, "s"),
        skipped_row("partial", "growth", corpora / "sotu" / "sotu_paragraphs.jsonl.gz"),
        error_row("partial", "report", ValueError("no dates")),
    ]


@pytest.fixture
def fake_suites(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    suites = {
        "fast": "fake_suite_ok",
        "absent": "fake_suite_missing",
        "broken": "fake_suite_failing",
        "partial": "fake_suite_partial",
    }
    for module_name, run in zip(
        suites.values(), (_ok_run, _missing_run, _failing_run, _partial_run), strict=True
    ):
        monkeypatch.setitem(sys.modules, module_name, _suite(module_name, run))
    for name in list(runner.SUITES):
        monkeypatch.delitem(runner.SUITES, name)
    for name, module_name in suites.items():
        monkeypatch.setitem(runner.SUITES, name, module_name)
    return suites


def test_run_suite_completes_rows(tmp_path: Path, fake_suites: dict[str, str]) -> None:
    result = run_suite("fast", "fake_suite_ok", tmp_path, repeats=5)
    assert result.status == "ok" and result.succeeded
    assert [r["note"] for r in result.rows] == ["repeats=5", None]
    assert result.rows[1]["suite"] == "fast"  # filled in for a row that left it out
    assert set(result.rows[1]) >= {"spread", "baseline", "published"}


def test_missing_corpus_names_the_path(tmp_path: Path, fake_suites: dict[str, str]) -> None:
    result = run_suite("absent", "fake_suite_missing", tmp_path)
    assert result.status == "skipped"
    assert str(tmp_path / "bbc_news" / "bbc_news.jsonl.gz") in result.message
    assert "TOPICS_CORPORA" in result.message
    assert result.detail == ""  # no traceback for a missing corpus


def test_failing_suite_keeps_its_error(tmp_path: Path, fake_suites: dict[str, str]) -> None:
    result = run_suite("broken", "fake_suite_failing", tmp_path)
    assert result.status == "failed"
    assert result.message == "RuntimeError: umap exploded"
    assert "Traceback" in result.detail


def test_unknown_suite_module_fails_cleanly(tmp_path: Path) -> None:
    result = run_suite("ghost", "bench.suite_that_does_not_exist", tmp_path)
    assert result.status == "failed"
    assert "ModuleNotFoundError" in result.message


def test_partial_suite_counts_unmeasured_rows(tmp_path: Path, fake_suites: dict[str, str]) -> None:
    result = run_suite("partial", "fake_suite_partial", tmp_path)
    assert result.status == "partial"
    assert result.message == "2 of 3 figures not measured"


def _render(results: list[SuiteResult]) -> str:
    return markdown.render(
        results,
        machine={"CPU": "Test CPU", "cores": "2", "numpy": "2.4"},
        command="python -m bench --quick",
        date="2026-01-01 00:00 UTC",
        seconds=125,
        quick=True,
        repeats=3,
    )


def test_markdown_tables(tmp_path: Path, fake_suites: dict[str, str]) -> None:
    results = [run_suite(n, m, tmp_path) for n, m in fake_suites.items()]
    text = _render(results)
    assert text.startswith("# Benchmarks\n")
    assert "`python -m bench --quick` in 2 min 05 s" in text
    assert "quick run" in text
    assert "| CPU | Test CPU |" in text and "| numpy | 2.4 |" in text
    lines = text.splitlines()
    ingest = next(line for line in lines if line.startswith("| ingest"))
    cells = [c.strip() for c in ingest.strip("|").split(" | ")]
    assert cells[:8] == [
        "ingest \\| pipes",  # a pipe in a figure name cannot break the table
        "2.00",
        "1.00–3.00 s (n=3)",
        "s",
        "read_json",
        "0.5",
        "4.00×",
        "0.862",
    ]
    assert "| absent | skipped | 0 |" in text
    assert str(tmp_path / "bbc_news" / "bbc_news.jsonl.gz") in text
    assert "**Failed** — RuntimeError: umap exploded" in text
    assert "```text" in text and "Traceback" in text
    assert "| growth | not run |" in text
    assert "| report | **failed** |" in text


def test_markdown_header_rows_match_columns(tmp_path: Path, fake_suites: dict[str, str]) -> None:
    text = _render([run_suite("fast", "fake_suite_ok", tmp_path)])
    table = [line for line in text.splitlines() if line.startswith("| figure")]
    assert len(table) == 1
    width = table[0].count(" | ")
    rows = [line for line in text.splitlines() if line.startswith(("| ingest", "| bare row"))]
    assert len(rows) == 2
    assert all(line.count(" | ") == width for line in rows)


def test_headline_figures_are_gathered_at_the_top(tmp_path: Path) -> None:
    no_headlines = _render([SuiteResult("a", "ok", _ok_run(tmp_path))])
    assert "Headline figures" not in no_headlines
    result = SuiteResult("h", "partial", _headline_run(tmp_path))
    text = _render([result])
    top = text.split("## Headline figures", 1)[1].split("\n## ", 1)[0]
    assert "| h | train time | 11.0 | s | tfidf: 2.00 | 5.50× | 66 s on a GPU |" in top
    assert "train memory" not in top  # not marked
    assert "growth" not in top  # marked, but not measured
    assert text.index("## Headline figures") < text.index("## h")


def test_write_replaces_the_file(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("old figures\n")
    markdown.write(out, "# new\n")
    assert out.read_text() == "# new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BENCHMARKS.md"]


def test_main_runs_every_suite_and_exits_non_zero(
    tmp_path: Path, fake_suites: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "BENCHMARKS.md"
    corpora = tmp_path / "corpora"
    status = bench_main.main(["--corpora", str(corpora), "--out", str(out), "--repeats", "2"])
    assert status == 1
    text = out.read_text()
    assert "| fast | ok | 2 |" in text and "| broken | failed | 0 |" in text
    assert "repeats=2" in text  # the option reached the suite
    err = capsys.readouterr().err
    assert str(corpora / "bbc_news" / "bbc_news.jsonl.gz") in err
    assert "broken: FAILED — RuntimeError: umap exploded" in err
    assert "Traceback" not in err  # a clear message on stderr, the traceback only in the file


def test_main_only_selected_suites_exit_zero(tmp_path: Path, fake_suites: dict[str, str]) -> None:
    out = tmp_path / "B.md"
    assert bench_main.main(["--only", "fast", "--quick", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| fast | ok |" in text and "absent" not in text
    assert "--only fast --quick" in text


def test_main_rejects_unknown_suites_and_bad_repeats(fake_suites: dict[str, str]) -> None:
    with pytest.raises(SystemExit) as exc:
        bench_main.parse_args(["--only", "nonsense"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        bench_main.parse_args(["--repeats", "0"])


def test_default_corpora_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOPICS_CORPORA", str(tmp_path))
    assert runner.default_corpora() == tmp_path
    monkeypatch.delenv("TOPICS_CORPORA")
    assert runner.default_corpora() == (runner.REPO.parent / "shared" / "corpora").resolve()


def test_machine_names_cores_memory_and_versions() -> None:
    info = runner.machine()
    assert info["cores"] == str(os.cpu_count())
    for key in ("CPU", "memory", "Python", "numpy", "pandas", "scikit-learn", "bertopic"):
        assert info[key]
    assert info["numpy"][0].isdigit()


def test_only_renews_the_named_suites_and_keeps_the_others(
    tmp_path: Path, fake_suites: dict[str, str]
) -> None:
    out = tmp_path / "BENCHMARKS.md"
    corpora = tmp_path / "corpora"
    bench_main.main(["--corpora", str(corpora), "--out", str(out), "--repeats", "2"])
    kept = tmp_path / "BENCHMARKS-results"
    assert sorted(p.stem for p in kept.glob("*.json")) == sorted(fake_suites)
    first = runner.load_results(kept)["broken"]
    assert bench_main.main(["--only", "fast", "--corpora", str(corpora), "--out", str(out)]) == 0
    text = out.read_text()
    # the renewed suite ran with the default repeats; the others keep their last run, stated
    assert "repeats=3" in text and "repeats=2" not in text
    assert "| broken | failed | 0 |" in text and "umap exploded" in text
    broken = next(line for line in text.splitlines() if line.startswith("| broken |"))
    assert first.measured in broken and "--repeats 2" in broken
    fast = next(line for line in text.splitlines() if line.startswith("| fast |"))
    assert "by `" not in fast  # measured by this very command
    assert runner.load_results(kept)["broken"] == first


def test_kept_results_name_the_commit_they_measured(
    tmp_path: Path, fake_suites: dict[str, str]
) -> None:
    result = run_suite("fast", "fake_suite_ok", tmp_path)
    assert result.commit and result.measured.endswith("UTC")
    path = runner.save_result(result, tmp_path / "kept")
    assert runner.load_results(tmp_path / "kept") == {"fast": result}
    assert path.name == "fast.json"


def test_reference_and_quick_runs_keep_their_results_apart() -> None:
    reference = runner.REPO / "BENCHMARKS.md"
    assert bench_main.results_folder(reference, quick=False) == runner.REPO / "bench" / "results"
    assert bench_main.results_folder(reference, quick=True).parent.name == "out"
    other = Path("/tmp/x/B.md")
    assert bench_main.results_folder(other, quick=True) == Path("/tmp/x/B-results")


def _growing_run(
    corpora: Path, *, quick: bool = False, repeats: int = 3, up_to=None, keep=None
) -> list[dict]:
    rows = []
    for n in (10, 100, 1000):
        if up_to is not None and n > up_to:
            break
        rows.append(make_row("grow", f"train, {n} releases", float(n), "s"))
        keep(list(rows), f"sizes up to {n}")
        if n == 100 and quick:
            raise RuntimeError("killed at 1000")
    return rows


@pytest.fixture
def growing_suite(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(sys.modules, "fake_suite_grow", _suite("fake_suite_grow", _growing_run))
    monkeypatch.setitem(sys.modules, "fake_suite_ok", _suite("fake_suite_ok", _ok_run))
    for name in list(runner.SUITES):
        monkeypatch.delitem(runner.SUITES, name)
    monkeypatch.setitem(runner.SUITES, "grow", "fake_suite_grow")
    return "grow"


def test_a_growing_suite_keeps_each_size_as_it_finishes(tmp_path: Path, growing_suite) -> None:
    seen: list[SuiteResult] = []
    result = run_suite("grow", "fake_suite_grow", tmp_path, keep=seen.append)
    assert [len(r.rows) for r in seen] == [1, 2, 3]
    assert [r.status for r in seen] == ["partial"] * 3
    assert seen[1].message == "interim: sizes up to 100; the run had not finished"
    assert seen[1].commit and seen[1].measured
    assert result.status == "ok" and len(result.rows) == 3
    # a suite that does not take keep/up_to is run as before
    assert run_suite("x", "fake_suite_ok", tmp_path, keep=seen.append, up_to=5).rows


def test_up_to_stops_a_growing_suite_and_a_failure_keeps_the_figures_so_far(
    tmp_path: Path, growing_suite
) -> None:
    out = tmp_path / "B.md"
    assert bench_main.main(["--up-to", "100", "--out", str(out)]) == 0
    kept = runner.load_results(tmp_path / "B-results")["grow"]
    assert [r["figure"] for r in kept.rows] == ["train, 10 releases", "train, 100 releases"]
    assert "--up-to 100" in out.read_text()
    assert bench_main.main(["--quick", "--out", str(out)]) == 1
    kept = runner.load_results(tmp_path / "B-results")["grow"]
    assert kept.status == "failed" and len(kept.rows) == 2
    assert "killed at 1000" in kept.message and "2 figures shown" in kept.message
    text = out.read_text()
    assert "**Failed**" in text and "| train, 100 releases |" in text
    with pytest.raises(SystemExit):
        bench_main.parse_args(["--up-to", "0"])
