"""``topics ingest`` through typer's CliRunner: summary, JSON, output file, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from topics.cli import app
from topics.corpus import Corpus, schema

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def runner():
    return CliRunner()


def test_help(runner):
    result = runner.invoke(app, ["ingest", "-h"])
    assert result.exit_code == 0
    assert "Example: topics ingest" in result.output


def test_ingest_seeds_reports_documents_provenance_and_groups(runner, tmp_path):
    out = tmp_path / "corpus.parquet"
    result = runner.invoke(app, ["ingest", str(SEEDS), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Files read:      5" in lines
    assert "Records read:    28" in lines
    assert "Kept:            25 documents" in lines
    assert "Merged:          3 duplicates (0 exact, 3 near) in 3 groups" in lines
    assert "Rejected:        0" in lines
    assert "Date range:      2024-02-29 to 2025-12-04" in lines
    assert "Date provenance: explicit 23, inferred 1, missing 1" in lines
    assert "Undated:         1" in lines
    assert "Languages:       en 25" in lines
    assert sum("← near" in line for line in lines) == 3
    assert sum("explicit" in line for line in lines) == 26 + 1  # 26 records + the totals line
    assert lines[-1] == f"Wrote 28 records to {out}"
    corpus = Corpus.read_parquet(out)
    assert len(corpus.frame) == 28 and corpus.report.kept == 25


def test_no_paths_reads_the_bundled_seeds(runner):
    result = runner.invoke(app, ["ingest", "--json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["records_read"] == 28 and data["files_read"] == 5


def test_no_infer_dates_leaves_text_dates_unused(runner):
    result = runner.invoke(app, ["ingest", str(SEEDS), "--json", "-q", "--no-infer-dates"])
    assert json.loads(result.stdout)["provenance"] == {"explicit": 23, "inferred": 0, "missing": 2}


def test_refuses_to_overwrite_without_force(runner, tmp_path):
    out = tmp_path / "corpus.parquet"
    out.write_text("keep me")
    result = runner.invoke(app, ["ingest", str(SEEDS), "-o", str(out), "-q"])
    assert result.exit_code == 1
    assert "already exists — pass --force" in result.stderr
    assert out.read_text() == "keep me"
    forced = runner.invoke(app, ["ingest", str(SEEDS), "-o", str(out), "-q", "--force"])
    assert forced.exit_code == 0
    assert len(Corpus.read_parquet(out).frame) == 28


def test_json_report(runner, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("title,text,date\nA,Text one.,2024-01-02\n,,2024-01-03\nC,Text three.,soon\n")
    result = runner.invoke(app, ["ingest", str(path), "--json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["records_read"] == 3 and data["kept"] == 2
    assert data["rejected"] == [
        {
            "source": str(path),
            "position": 2,
            "field": "text",
            "reason": "no text: the title and the text are empty",
        }
    ]
    assert data["warnings"][0]["position"] == 3 and data["warnings"][0]["field"] == "date"
    assert data["output"] is None


def test_rejections_are_listed_in_the_summary(runner, tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"title": "A", "text": "x"}\n{"title": "", "text": ""}\nnope\n')
    result = runner.invoke(app, ["ingest", str(path), "-q"])
    assert result.exit_code == 0
    assert f"  {path}, record 2, text: no text: the title and the text are empty" in result.stdout
    assert f"  {path}, record 3, json: not valid JSON" in result.stdout


def test_headerless_tsv_via_columns_option(runner, tmp_path):
    path = tmp_path / "corpus.tsv"
    path.write_text("broadband internet fast\ttrain\ttech\n")
    result = runner.invoke(app, ["ingest", str(path), "--columns", "text,split,labels", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kept"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "no such file or folder — check the path"),
        (["empty.txt"], "the file is empty"),
        (["blob.txt"], "looks like a binary file"),
        (
            ["nocol.csv"],
            "no text column (columns found: 'name', 'when') — name it with --text-column",
        ),
        (["korean.txt", "--encoding", "utf-8"], "not valid utf-8"),
    ],
)
def test_fatal_errors_exit_1_with_a_message(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary" * 20)
    (tmp_path / "nocol.csv").write_text("name,when\nx,2024-01-01\n")
    (tmp_path / "korean.txt").write_bytes("제목\n\n한국어 본문입니다.\n".encode("cp949"))
    result = runner.invoke(app, ["ingest", *args, "-q"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unknown_option_is_a_usage_error(runner):
    assert runner.invoke(app, ["ingest", "--bogus"]).exit_code == 2


def test_ingest_reads_back_a_corpus_it_wrote(runner, tmp_path):
    out = tmp_path / "c.parquet"
    assert runner.invoke(app, ["ingest", str(SEEDS), "-o", str(out), "-q"]).exit_code == 0
    again = runner.invoke(app, ["ingest", str(out), "--json"])
    assert json.loads(again.stdout)["kept"] == 25
    frame = Corpus.read_parquet(out).frame
    assert frame[schema.IS_DUPLICATE].sum() == 3
