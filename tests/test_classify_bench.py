"""The classification bench suite reports a missing corpus by path (no corpora needed here)."""

from __future__ import annotations

import pytest

from bench.suite_classify import run


def test_missing_corpus_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        run(tmp_path, quick=True)
    assert str(tmp_path / "reuters21578" / "reuters21578.jsonl.gz") in str(info.value)
