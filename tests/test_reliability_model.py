"""Issue 18, models: the "unknown" answer (5), the protected manifest (7), loads that never mix
two versions (6), saves that survive signals, races and leftovers (11)."""

from __future__ import annotations

import json
import math
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import topics
from topics.errors import ModelFormatError, TopicsError
from topics.model import UNKNOWN_TOPIC
from topics.persist import DIGEST, MANIFEST, read_manifest, save_directory, seal, snapshot

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NO_WORD = ["!!!???", "철강 쿼터 연장 발표", "", "…"]


@pytest.fixture(scope="module")
def seed_model(tmp_path_factory):
    model = topics.train(topics.load_corpus(SEEDS), seed=0)
    model.save(tmp_path_factory.mktemp("models") / "seeds")
    return model


@pytest.fixture(scope="module")
def labelled_model(tmp_path_factory):
    rng = random.Random(5)
    words = {"steel": "steel tariff quota safeguard dumping", "chips": "chip wafer foundry fab"}
    rows = [
        {"title": f"{kind} {i}", "text": " ".join(rng.choices(words[kind].split(), k=30)),
         "category": kind}
        for i in range(60) for kind in words
    ]  # fmt: skip
    path = tmp_path_factory.mktemp("data") / "labelled.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    corpus = topics.load_corpus(path)
    return topics.train(corpus, label_columns=["category"], topic_model=False, seed=0)


# --- 5 ---


def test_text_with_no_known_word_gets_no_topic_and_no_theme(seed_model):
    frame = seed_model.predict([*NO_WORD, "Korea and Canada sign a critical minerals MOU"])
    frame = frame.to_frame()
    assert frame["unknown"].tolist() == [True] * len(NO_WORD) + [False]
    assert frame["themes"].tolist()[: len(NO_WORD)] == [[]] * len(NO_WORD)
    assert frame["topic"].tolist()[: len(NO_WORD)] == [-1] * len(NO_WORD)
    assert set(frame["topic_label"][: len(NO_WORD)]) == {UNKNOWN_TOPIC}
    assert "critical_minerals" in frame["themes"].iloc[-1] and frame["topic"].iloc[-1] != -1


def test_hangul_into_an_english_only_model_is_unknown(seed_model):
    predictions = seed_model.predict(["한국과 캐나다, 핵심광물 협력 양해각서 체결"])
    assert predictions.unknown.tolist() == [True]
    assert not predictions.theme_labels.to_numpy().any()


def test_unknown_text_gets_no_label(labelled_model):
    predictions = labelled_model.predict(["!!!???", "steel quota safeguard"])
    assert predictions.labels["category"] == [None, "steel"]
    assert math.isnan(predictions.label_probs["category"][0])


def test_unknown_answer_is_the_same_after_save_and_load(seed_model):
    texts = [*NO_WORD, "Steel safeguard quotas extended"]
    before = seed_model.predict(texts).to_frame()
    after = topics.load(seed_model.path).predict(texts).to_frame()
    pd.testing.assert_frame_equal(before, after)


def test_predict_json_shows_unknown(seed_model):
    from typer.testing import CliRunner

    from topics.cli import app

    result = CliRunner().invoke(app, ["predict", "-m", str(seed_model.path), "--json", "!!!???"])
    record = json.loads(result.stdout)[0]
    assert record["unknown"] is True and record["themes"] == [] and record["topic"] == -1


# --- shared by 6, 7, 11, 14: a small two-component directory whose files name their version ---


def _versioned(tag: str, delay: float = 0.0):
    def write(directory: Path) -> None:
        for name in ("a", "b", "c"):
            (directory / f"{name}.json").write_text(json.dumps({"version": tag, "pad": name * 50}))
            time.sleep(delay)

    return {"one": write, "two": write}


def _versions_of(root: Path) -> set[str]:
    return {json.loads(f.read_text())["version"] for f in sorted(root.rglob("*.json"))
            if f.name != MANIFEST}  # fmt: skip


def _edit_manifest(path: Path, change, *, reseal: bool = False) -> None:
    manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    change(manifest)
    (path / MANIFEST).write_text(json.dumps(seal(manifest) if reseal else manifest), "utf-8")


# --- 7 ---


def test_edited_manifest_is_refused(labelled_model, tmp_path):
    path = labelled_model.save(tmp_path / "m")
    _edit_manifest(path, lambda m: m.update(label_columns=[]))
    with pytest.raises(ModelFormatError, match="manifest was edited after the save"):
        topics.load(path)


def test_dropped_label_column_is_refused_even_when_resealed(labelled_model, tmp_path):
    path = labelled_model.save(tmp_path / "m")
    _edit_manifest(path, lambda m: m.update(label_columns=[]), reseal=True)
    with pytest.raises(ModelFormatError, match=r"does not match the label components \['cat"):
        topics.load(path)


def test_manifest_without_its_digest_is_refused(tmp_path):
    path = save_directory(tmp_path / "m", _versioned("v1"), {})
    _edit_manifest(path, lambda m: m.pop(DIGEST))
    with pytest.raises(ModelFormatError, match="manifest carries no digest"):
        read_manifest(path)


# --- 14 ---


def test_manifest_with_an_empty_files_list_is_a_clear_error(tmp_path):
    path = save_directory(tmp_path / "m", _versioned("v1"), {})
    _edit_manifest(path, lambda m: m.update(files=[]), reseal=True)
    with pytest.raises(ModelFormatError, match='"files" must map each file'):
        read_manifest(path)
    from typer.testing import CliRunner

    from topics.cli import app

    result = CliRunner().invoke(app, ["info", str(path)])
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_manifest_naming_a_file_outside_the_model_is_refused(tmp_path):
    path = save_directory(tmp_path / "m", _versioned("v1"), {})
    _edit_manifest(path, lambda m: m["files"].update({"../secret": "0" * 64}), reseal=True)
    with pytest.raises(ModelFormatError, match="outside the model directory"):
        read_manifest(path)


# --- 6 ---


def test_model_replaced_while_it_is_read_loads_the_new_one_whole(tmp_path, monkeypatch):
    path = save_directory(tmp_path / "m", _versioned("old"), {})
    real = Path.read_bytes
    replaced = []

    def read_bytes(self):  # the first component file read triggers a complete replace
        if self.name == "a.json" and not replaced and self.is_relative_to(path):
            replaced.append(True)
            data = real(self)
            save_directory(path, _versioned("new"), {}, force=True)
            return data
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with snapshot(path) as (root, _manifest):
        assert _versions_of(root) == {"new"}
    assert replaced


@pytest.mark.parametrize("swap", ["atomic", "two renames"])
def test_loads_during_repeated_replaces_never_mix_versions(tmp_path, monkeypatch, swap):
    if swap == "two renames":  # a system without renameat2: the model is briefly missing
        monkeypatch.setattr("topics.persist.exchange", lambda a, b: False)
    path = save_directory(tmp_path / "m", _versioned("v0"), {})
    stop = threading.Event()
    saved = []

    def replace_forever() -> None:
        n = 0
        while not stop.is_set() and n < 200:
            n += 1
            save_directory(path, _versioned(f"v{n}", delay=0.001), {}, force=True)
            saved.append(n)

    worker = threading.Thread(target=replace_forever)
    worker.start()
    seen, errors = set(), []
    try:
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and len(seen) < 15:
            try:
                with snapshot(path) as (root, _manifest):
                    versions = _versions_of(root)
            except ModelFormatError as exc:  # allowed: a clear error, never a mix
                errors.append(str(exc))
                continue
            assert len(versions) == 1, f"components of two versions: {versions}"
            seen |= versions
    finally:
        stop.set()
        worker.join()
    assert len(seen) >= 2 and saved  # the loads really overlapped the replaces
    assert all("replaced" in e for e in errors)


# --- 11 ---

SLOW_SAVE = """
import json, sys, time
from pathlib import Path
from topics.persist import save_directory

def write(directory):
    (directory / "a.json").write_text(json.dumps({"version": "new"}))
    print("writing", flush=True)
    time.sleep(30)

save_directory(Path(sys.argv[1]), {"one": write}, {}, force=True)
"""


def _start_slow_save(path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_SAVE, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "writing"
    return process


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def test_sigterm_during_a_save_leaves_no_temporary_files(tmp_path):
    path = save_directory(tmp_path / "m", _versioned("old"), {})
    process = _start_slow_save(path)
    assert any(".m.tmp-" in name for name in _siblings(path))
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert _siblings(path) == []
    with snapshot(path) as (root, _manifest):
        assert _versions_of(root) == {"old"}


def test_concurrent_save_is_refused_with_a_clear_error(tmp_path):
    path = save_directory(tmp_path / "m", _versioned("old"), {})
    process = _start_slow_save(path)
    try:
        with pytest.raises(TopicsError, match=rf"another save to it is under way .process "
                           rf"{process.pid}"):  # fmt: skip
            save_directory(path, _versioned("mine"), {}, force=True)
    finally:
        process.kill()
        process.wait()


def test_stale_leftovers_of_a_killed_save_are_cleared_by_the_next(tmp_path):
    path = save_directory(tmp_path / "m", _versioned("old"), {})
    process = _start_slow_save(path)
    process.kill()  # SIGKILL: nothing can clean up
    process.wait()
    assert any(".m.tmp-" in name for name in _siblings(path))
    (tmp_path / ".m.old-4194304").mkdir()  # left by an older crash, with a pid long gone
    save_directory(path, _versioned("next"), {}, force=True)
    assert _siblings(path) == []
    with snapshot(path) as (root, _manifest):
        assert _versions_of(root) == {"next"}


def test_model_moved_aside_by_a_killed_save_is_put_back(tmp_path):
    path = save_directory(tmp_path / "m", _versioned("old"), {})
    path.rename(tmp_path / ".m.old-4194304")  # killed between its two renames
    with pytest.raises(TopicsError, match="already exists"):
        save_directory(path, _versioned("new"), {})
    with snapshot(path) as (root, _manifest):
        assert _versions_of(root) == {"old"}
