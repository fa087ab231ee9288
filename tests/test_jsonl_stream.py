"""JSON Lines are streamed line by line, with progress, and read exactly as before."""

from __future__ import annotations

import gzip
import json

import pytest

from topics.corpus import load_corpus, readers, stream
from topics.corpus.readers import Mapping, read_file
from topics.errors import CorpusError


def _lines(n: int) -> list[str]:
    return [
        json.dumps(
            {
                "id": f"r{i}",
                "title": f"Release {i}",
                "text": f"Body {i} on wheat.",
                "date": f"2006-03-0{1 + i % 9}",
                "office": f"o{i % 3}",
            }
        )
        for i in range(n)
    ]


def test_gzip_stream_keeps_every_record_and_rejects_bad_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "BATCH", 5_000)  # three batches
    lines = _lines(12_000)
    lines.insert(5, "{not json")
    lines.insert(9, "[1, 2]")
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\ufeff" + "\n".join(lines) + "\n\n")
    seen: list[float] = []
    result = read_file(path, Mapping(), encoding=None, format=None, progress=seen.append)
    assert len(result.records) == 12_000
    assert [(p, f) for p, f, _ in result.rejected] == [(6, "json"), (10, "json")]
    assert result.records[0].source_id == "r0" and result.records[0].position == 1
    assert result.records[-1].extras == {"office": "o2"}  # 11999 % 3
    assert len(seen) >= 3 and all(0 < f <= 1 for f in seen) and seen == sorted(seen)
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    whole = readers._read_jsonl(path, text, Mapping(), fix_text=True)  # the whole-file reader
    assert [r.text for r in whole.records] == [r.text for r in result.records]
    assert whole.rejected == result.rejected


def test_keys_first_seen_late_are_extras_and_roles_follow_the_mapping(tmp_path):
    rows = [{"body": f"text {i}", "headline": f"t{i}"} for i in range(3)]
    rows.append({"body": "late", "headline": "t", "desk": "energy"})
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(map(json.dumps, rows)), encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.frame["text"].tolist() == ["text 0", "text 1", "text 2", "late"]
    assert corpus.frame["desk"].isna().sum() == 3
    with pytest.raises(CorpusError, match="no column 'content'"):
        load_corpus(path, text_column="content")


def test_non_utf8_and_empty_files_fall_back_to_the_whole_file_reader(tmp_path):
    path = tmp_path / "kr.jsonl"
    path.write_bytes(json.dumps({"text": "무역 안보"}, ensure_ascii=False).encode("cp949"))
    assert load_corpus(path, encoding="cp949").frame["text"].tolist() == ["무역 안보"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty"):
        load_corpus(empty)


def test_load_corpus_reports_progress_within_a_file(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(_lines(10_001)), encoding="utf-8")
    messages: list[str] = []
    load_corpus(path, dedup=False, progress=lambda m, f=None: messages.append(m))
    assert any(m.startswith("reading r.jsonl (") for m in messages)
