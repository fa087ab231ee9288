"""Issue 18, ingest: nothing read is lost silently (one test per case of the issue)."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import topics
from topics.cli import app
from topics.errors import CorpusError

runner = CliRunner()
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _release(i: int) -> dict:
    return {
        "title": f"Release {i} on critical minerals",
        "text": f"The ministry met partners {i} times about lithium supply chains and tariffs "
        f"number {i}.",
        "date": f"2024-{1 + i % 12:02d}-10",
    }


def _half_broken_jsonl(path: Path) -> Path:
    lines = []
    for i in range(60):
        lines.append(json.dumps(_release(i)) if i % 2 == 0 else '{"title": "broken", ')
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _identity(report) -> bool:
    return report.records_read == report.kept + report.merged + len(report.rejected)


# --- 1. every command that reads a corpus prints the accounting; the manifest keeps it ---


def test_train_prints_the_same_accounting_as_ingest(tmp_path):
    data = _half_broken_jsonl(tmp_path / "half.jsonl")
    ingest = runner.invoke(app, ["ingest", str(data), "-q"])
    out = tmp_path / "model"
    train = runner.invoke(app, ["train", str(data), "--no-topics", "-q", "--out", str(out)])
    assert train.exit_code == 0, train.output
    for line in ("Records read:    60", "Kept:            30 documents", "Rejected:        30"):
        assert line in ingest.stdout.splitlines()
        assert line in train.stdout.splitlines()
    assert f"{data}, record 2, json: not valid JSON" in train.stdout
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    counts = manifest["corpus"]["ingest"]
    assert (counts["records_read"], counts["kept"], counts["rejected"]) == (60, 30, 30)
    info = runner.invoke(app, ["info", str(out)])
    assert "60 read, 0 merged, 30 rejected" in info.stdout


def test_report_prints_the_accounting_of_its_corpus(tmp_path):
    data = _half_broken_jsonl(tmp_path / "half.jsonl")
    model = tmp_path / "model"
    assert runner.invoke(app, ["train", "--no-topics", "-q", "--out", str(model)]).exit_code == 0
    out = tmp_path / "r" / "trends.html"
    result = runner.invoke(app, ["report", "-m", str(model), "-c", str(data), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "Records read:    60" in result.stdout and "Rejected:        30" in result.stdout
    assert result.stdout.splitlines()[-1] == f"Report written to {out}"


def test_train_json_carries_the_accounting(tmp_path):
    data = _half_broken_jsonl(tmp_path / "half.jsonl")
    out = tmp_path / "model"
    result = runner.invoke(
        app, ["train", str(data), "--no-topics", "-q", "--json", "--out", str(out)]
    )
    corpus = json.loads(result.stdout)["corpus"]
    assert corpus["records_read"] == 60 and len(corpus["rejected"]) == 30


# --- 2. folders: symbolic links followed, unreadable folders and broken links are errors ---


def test_symlinked_sub_folder_is_read(tmp_path):
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "a.jsonl").write_text(json.dumps(_release(1)) + "\n", "utf-8")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "b.jsonl").write_text(json.dumps(_release(2)) + "\n", "utf-8")
    (root / "linked").symlink_to(real, target_is_directory=True)
    corpus = topics.load_corpus(root)
    assert corpus.report.records_read == 2
    assert any("linked" in f for f in corpus.report.files)


def test_symlink_loop_is_read_once(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.jsonl").write_text(json.dumps(_release(1)) + "\n", "utf-8")
    (root / "sub" / "back").symlink_to(root, target_is_directory=True)
    corpus = topics.load_corpus(root)
    assert corpus.report.records_read == 1


def test_unreadable_sub_folder_is_an_error(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    (root / "locked").mkdir(parents=True)
    (root / "a.jsonl").write_text(json.dumps(_release(1)) + "\n", "utf-8")
    locked = str(root / "locked")
    real_scandir = os.scandir

    def scandir(path="."):  # root can list a chmod-000 folder: simulate the refusal
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(CorpusError, match=r"locked: cannot read the folder \(Permission denied"):
        topics.load_corpus(root)


def test_broken_symlink_in_a_folder_is_an_error(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.jsonl").write_text(json.dumps(_release(1)) + "\n", "utf-8")
    (root / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")
    with pytest.raises(CorpusError, match=r"gone\.jsonl: a broken symbolic link"):
        topics.load_corpus(root)


# --- 3. JSON files ---


def test_json_array_file_is_read_whole(tmp_path):
    path = tmp_path / "releases.json"
    path.write_text(json.dumps([_release(i) for i in range(60)], indent=2), "utf-8")
    corpus = topics.load_corpus(path)
    assert corpus.report.records_read == 60 and corpus.report.kept == 60
    assert corpus.frame["position"].tolist() == list(range(1, 61))


def test_json_object_with_a_records_list_is_read(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"source": "x", "records": [_release(i) for i in range(5)]}))
    assert topics.load_corpus(path).report.kept == 5


def test_json_array_element_that_is_not_an_object_is_rejected(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([_release(0), "stray", _release(1)]), "utf-8")
    report = topics.load_corpus(path).report
    assert report.rejected == [(str(path), 2, "json", "not a JSON object (str)")]
    assert _identity(report)


def test_json_lines_saved_as_json_are_still_read_by_line(tmp_path):
    path = tmp_path / "lines.json"
    path.write_text("\n".join(json.dumps(_release(i)) for i in range(4)) + "\n{bad\n", "utf-8")
    report = topics.load_corpus(path).report
    assert report.records_read == 5 and report.kept == 4 and report.rejected[0][1] == 5


def test_truncated_json_array_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(json.dumps([_release(i) for i in range(3)], indent=1)[:-30], "utf-8")
    with pytest.raises(CorpusError, match=r"cut.json: line \d+, column \d+: not valid JSON"):
        topics.load_corpus(path)


# --- 4. columns: what was mapped, what is missing, what cannot be read ---


def test_csv_headline_when_maps_the_title_and_warns_of_no_text_and_no_date(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("headline,when\nSteel quotas extended,2024-03-01\nChips deal,2024-04-02\n")
    corpus = topics.load_corpus(path)
    report = corpus.report
    assert report.columns[str(path)]["title"] == "headline"
    assert report.columns[str(path)]["extra"] == ["when"]
    fields = {(p, f) for _s, p, f, _r in report.warnings}
    assert fields == {(0, "text"), (0, "date")}
    assert "--date-column" in " ".join(r for *_x, r in report.warnings)
    result = runner.invoke(app, ["ingest", str(path), "-q"])
    assert "news.csv: title ← headline; kept as extra columns: when" in result.stdout
    assert f"{path}, date: no date column (columns: headline, when)" in result.stdout


def test_duplicated_csv_header_is_refused(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("title,text,text,date\nA,body one,body two,2024-01-01\n", "utf-8")
    with pytest.raises(CorpusError, match=r"names the column 'text' twice \(columns 2 and 3\)"):
        topics.load_corpus(path)


def test_list_valued_text_is_joined_as_paragraphs(tmp_path):
    path = tmp_path / "lists.jsonl"
    row = {"title": ["Steel", "quotas"], "text": ["First paragraph.", "Second one."]}
    path.write_text(json.dumps(row) + "\n", "utf-8")
    frame = topics.load_corpus(path).frame
    assert frame["title"][0] == "Steel quotas"
    assert frame["text"][0] == "First paragraph.\n\nSecond one."


def test_object_valued_text_is_rejected_with_the_reason(tmp_path):
    path = tmp_path / "objects.jsonl"
    rows = [_release(0), {"title": "x", "text": {"en": "hello", "ko": "안녕"}}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    report = topics.load_corpus(path).report
    assert report.rejected == [(str(path), 2, "text", "a JSON object (keys: en, ko), not text")]
    assert _identity(report)


# --- 15. the summary stays short ---


def test_summary_of_50000_identical_records_is_short(tmp_path):
    path = tmp_path / "same.csv"
    path.write_text("title,text\n" + "Same title,Same body text here\n" * 50_000, "utf-8")
    result = runner.invoke(app, ["ingest", str(path), "-q"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Merged:          49999 duplicates (49999 exact, 0 near) in 1 groups" in lines
    assert "    ... and 49994 more in this group" in lines
    assert len(lines) < 40


# --- 16. encodings ---


def test_bom_less_utf16_is_named_with_the_encoding_to_pass(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("title,text\nSteel,Quotas extended\n".encode("utf-16-le"))
    with pytest.raises(CorpusError, match="looks like UTF-16-LE text without a byte-order mark"):
        topics.load_corpus(path)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1 and "pass --encoding utf-16-le" in result.output
    assert topics.load_corpus(path, encoding="utf-16-le").report.kept == 1


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF16_BE + "title,text\n철강,쿼터\n".encode("utf-16-be"))
    assert topics.load_corpus(path).frame["title"][0] == "철강"


# --- 17. mojibake ---


MOJIBAKE = "canâ€™t stop the â€œTerror trapâ€\x9d"


def test_mojibake_is_repaired_at_ingest_and_counted(tmp_path):
    path = tmp_path / "moji.jsonl"
    rows = [{"title": MOJIBAKE, "text": "Fine text."}, {"title": "Clean", "text": "Café"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    corpus = topics.load_corpus(path)
    assert corpus.frame["title"][0] == "can’t stop the “Terror trap”"
    assert corpus.frame["text"][1] == "Café"
    assert corpus.report.repaired == 1
    result = runner.invoke(app, ["ingest", str(path), "-q"])
    assert "Repaired:        1 records with mojibake (ftfy)" in result.stdout


def test_mojibake_in_a_seed_format_file_is_repaired(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(f"{MOJIBAKE}\n\nThe ministry said it canâ€™t wait.\n", "utf-8")
    corpus = topics.load_corpus(path)
    assert "can’t" in corpus.frame["text"][0] and corpus.report.repaired == 1


def test_no_fix_text_keeps_the_text_as_read(tmp_path):
    path = tmp_path / "moji.jsonl"
    path.write_text(json.dumps({"title": MOJIBAKE, "text": "x"}) + "\n", "utf-8")
    corpus = topics.load_corpus(path, fix_text=False)
    assert corpus.frame["title"][0].startswith("canâ€™t") and corpus.report.repaired == 0
    result = runner.invoke(app, ["ingest", str(path), "-q", "--no-fix-text", "--json"])
    assert json.loads(result.stdout)["repaired"] == 0
