"""The Dask engine (issue 16): the in-process tags and trend tables, from a 2-worker cluster.

One ``LocalCluster`` (2 worker processes, 1 thread each) is shared by the module. Every wait has
a timeout and the comm timeouts are generous (``topics.distributed._cluster.CONFIG``), so a
loaded machine slows the tests down rather than failing or hanging them. The worker-kill test
(last, as it may leave one worker) kills a worker from inside its first tagging task (a marker
file makes it happen once); the scheduler retries the task on a live worker.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import topics
from topics.cli import app
from topics.corpus import schema
from topics.errors import TopicsError
from topics.pipeline import predict_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
WAIT = 600  # seconds: generous, for a loaded machine; a hang becomes a failure
AT = datetime(2026, 1, 1, tzinfo=UTC)
FOOTER = "For more information contact the Press Office of the Ministry at 044-203-5000."
runner = CliRunner()


@pytest.fixture(scope="module")
def client():
    import dask
    from distributed import Client, LocalCluster

    from topics.distributed._cluster import CONFIG

    with dask.config.set(CONFIG):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster, timeout=120)
        try:
            client.wait_for_workers(2, timeout=WAIT)
            yield client
        finally:
            client.close(timeout=60)
            cluster.close(timeout=60)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "seeds"
    topics.train(topics.load_corpus(SEEDS), seed=0).save(path)
    return topics.load(path)


def _sentences() -> list[str]:
    corpus = topics.load_corpus(SEEDS)
    found = []
    for text in corpus.frame[schema.TEXT]:
        found += [s.strip() + "." for s in str(text).replace("\n", " ").split(". ") if len(s) > 40]
    return found


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """1,962 records in 6 JSONL files: seed sentences, words of their own, a footer in 40%,
    exact copies in other files (every other one dated earlier: it represents them), short
    versions of releases in the next file (near-duplicates: the first sentence of the long
    one)."""
    rng = random.Random(16)
    pool = _sentences()
    root = tmp_path_factory.mktemp("releases")
    files: list[list[dict]] = [[] for _ in range(6)]
    for i in range(1800):
        words, sentences = [_word(rng) for _ in range(60)], rng.sample(pool, 3)
        body = " ".join(words + sentences)
        if rng.random() < 0.4:
            body += "\n" + FOOTER
        day = date(2022, 1, 1) + timedelta(days=rng.randrange(4 * 365))
        record = {"title": f"Release {i}: {_word(rng)}", "text": body, "date": day.isoformat()}
        files[i % 6].append(record)
        if i % 20 == 0:  # the same release in another file
            earlier = (day - timedelta(days=3 * (i % 40 == 0))).isoformat()
            files[(i + 3) % 6].append({**record, "date": earlier})
        if i % 25 == 0:  # a short version of it in the next file
            files[(i + 1) % 6].append({**record, "text": " ".join(words + sentences[:1])})
    paths = []
    for k, records in enumerate(files):
        path = root / f"part{k}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def in_process(model, releases):
    """The in-process corpus of ``releases`` and its tags (computed once for the module)."""
    corpus = topics.load_corpus(releases)
    return corpus, _in_process_tags(model, corpus)


def _in_process_tags(model, paths) -> pd.DataFrame:
    corpus = paths if isinstance(paths, topics.Corpus) else topics.load_corpus(paths)
    frame = corpus.frame.reset_index(drop=True)
    tags = predict_corpus(model, frame).to_frame()
    return pd.concat([frame[["id", "date", "language", "is_duplicate"]], tags], axis=1)


def _distributed_tags(out: Path) -> pd.DataFrame:
    parts = sorted(out.glob("part-*.parquet"))
    frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    frame["themes"] = frame["themes"].map(list)
    return frame


def _same_tags(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    columns = [c for c in expected.columns if c != "themes"]
    pd.testing.assert_frame_equal(
        expected[columns], got[columns], check_dtype=False, check_exact=True
    )
    assert expected["themes"].map(list).tolist() == got["themes"].tolist()


def _files(paths: dict) -> dict[str, str]:
    """The report's files (HTML, CSV, JSON), as text: the same bytes mean the same report."""
    return {kind: Path(path).read_text("utf-8") for kind, path in paths.items()}


def test_seed_tags_are_the_in_process_tags(client, model, tmp_path):
    from topics.distributed import tag_files

    done = tag_files([SEEDS], model=model.path, out=tmp_path / "tags", client=client, timeout=WAIT)
    assert done.rows == 28 and len(done.files) == 5
    _same_tags(_in_process_tags(model, [SEEDS]), _distributed_tags(tmp_path / "tags"))
    assert done.report.kept == topics.load_corpus(SEEDS).report.kept
    assert done.report.boilerplate == topics.load_corpus(SEEDS).report.boilerplate


def test_seed_report_is_the_in_process_report(client, model, tmp_path):
    from topics.distributed import report_files

    expected = topics.build_report(
        model, topics.load_corpus(SEEDS), out=tmp_path / "a" / "t.html", generated_at=AT
    )
    got = report_files(
        [SEEDS], model=model.path, out=tmp_path / "b" / "t.html", generated_at=AT,
        client=client, timeout=WAIT,
    )  # fmt: skip
    assert _files(got.paths) == _files(expected)


def test_thousands_of_releases_same_tags_and_trend_tables(
    client, model, releases, in_process, tmp_path
):
    from topics.distributed import report_files, tag_files

    corpus, tags = in_process
    assert corpus.report.merged_exact >= 80 and corpus.report.merged_near >= 50
    assert corpus.report.boilerplate["documents"] > 1000
    frame = corpus.frame.reset_index(drop=True)
    kept = frame[~frame[schema.IS_DUPLICATE]].set_index(schema.ID)[schema.SOURCE]
    near = frame[frame[schema.DUP_KIND] == "near"]
    assert (near[schema.SOURCE] != near[schema.DUP_GROUP].map(kept)).sum() >= 50  # across files
    moved = frame[(frame[schema.DUP_KIND] == "exact")]
    assert (moved[schema.SOURCE] < moved[schema.DUP_GROUP].map(kept)).sum() >= 20  # later file
    tagged = tag_files(releases, model=model.path, out=tmp_path / "tags", client=client)
    got = _distributed_tags(tmp_path / "tags")
    _same_tags(tags, got)
    groups = [schema.ID, schema.IS_DUPLICATE, schema.DUP_GROUP]
    pd.testing.assert_frame_equal(frame[groups], got[groups], check_dtype=False)
    for key in ("kept", "merged_exact", "merged_near", "records_read", "boilerplate"):
        assert getattr(tagged.report, key) == getattr(corpus.report, key), key
    expected = topics.build_report(model, corpus, out=tmp_path / "a" / "t.html", generated_at=AT)
    got = report_files(
        releases, model=model.path, out=tmp_path / "b" / "t.html", generated_at=AT,
        client=client, timeout=WAIT,
    )  # fmt: skip
    assert _files(got.paths) == _files(expected)


def test_a_file_of_copies_and_undated_near_duplicates_group_as_in_one_process(
    client, model, releases, tmp_path
):
    from topics.distributed import tag_files

    lines = releases[0].read_text("utf-8").splitlines()[:60]
    copies = tmp_path / "copies.jsonl"  # nothing in it is compared: all are exact copies
    copies.write_text("\n".join(lines) + "\n", "utf-8")
    undated = tmp_path / "undated.jsonl"
    short = [json.loads(line) for line in lines[:10]]
    undated.write_text(
        "\n".join(json.dumps({"title": r["title"], "text": r["text"][:300]}) for r in short) + "\n",
        "utf-8",
    )
    paths = [releases[0], copies, undated]
    frame = topics.load_corpus(paths).frame.reset_index(drop=True)
    assert frame[schema.DATE].isna().sum() >= 10 and frame[schema.IS_DUPLICATE].sum() >= 70
    assert (frame[schema.DUP_KIND] == "near").sum() >= 10  # the undated short versions
    tag_files(paths, model=model.path, out=tmp_path / "tags", client=client, timeout=WAIT)
    got = _distributed_tags(tmp_path / "tags")
    groups = [schema.ID, schema.IS_DUPLICATE, schema.DUP_GROUP]
    pd.testing.assert_frame_equal(frame[groups], got[groups], check_dtype=False)


def test_terms_from_a_bounded_sample_keep_the_counts(client, model, releases, tmp_path):
    from topics.distributed import report_files

    whole, sampled = (
        report_files(
            releases[:2], model=model.path, out=tmp_path / name, client=client,
            generated_at=AT, term_sample=sample,
        ).paths
        for name, sample in (("a.html", 20_000), ("b.html", 100))
    )  # fmt: skip
    whole, sampled = _files(whole), _files(sampled)
    assert whole["csv"] == sampled["csv"] and whole["json"] == sampled["json"]  # counts whole
    assert whole["html"] != sampled["html"]  # the distinguishing terms of 100 releases


def test_boilerplate_parts_merged_in_a_tree_are_merged_at_once():
    """The summary's parts are added up on the workers, FANIN at a time: any grouping gives
    the same units, words, documents and passages as adding every partition's at once."""
    import numpy as np

    from topics.corpus.boilerplate import Removal
    from topics.distributed._boilerplate import merge

    rng = random.Random(3)
    parts = [
        (
            Removal(
                keys=np.unique(np.array([rng.randrange(500) for _ in range(40)], np.int64)),
                words_total=rng.randrange(1000, 2000),
                words_removed=rng.randrange(100),
                passages={f"passage {rng.randrange(30)}": rng.randrange(1, 9) for _ in range(5)},
            ),
            rng.randrange(50),
        )
        for _ in range(20)
    ]
    (a, n_a), (b, n_b) = merge(*parts), merge(*(merge(*parts[i : i + 8]) for i in (0, 8, 16)))
    assert n_a == n_b == sum(n for _, n in parts)
    assert a.keys.tolist() == b.keys.tolist() == sorted({int(k) for r, _ in parts for k in r.keys})
    assert (a.words_total, a.words_removed) == (b.words_total, b.words_removed)
    assert a.passages == b.passages
    assert sum(a.passages.values()) == sum(sum(r.passages.values()) for r, _ in parts)


def test_tags_do_not_depend_on_the_batch(model, releases):
    frame = topics.load_corpus(releases[:1]).frame.reset_index(drop=True).iloc[:40]
    together = predict_corpus(model, frame).to_frame()
    alone = pd.concat(
        [predict_corpus(model, frame.iloc[[i]]).to_frame() for i in range(len(frame))]
    ).reset_index(drop=True)
    pd.testing.assert_frame_equal(together.reset_index(drop=True), alone, check_exact=True)


def test_cli_predict_and_report_on_a_scheduler(client, model, releases, tmp_path):
    address = client.scheduler.address
    out = tmp_path / "tags"
    pattern = str(releases[0].parent / "part[01].jsonl")
    result = runner.invoke(
        app,
        ["predict", pattern, "--engine", "dask", "--scheduler", address, "--model",
         str(model.path), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Tags written to {out}" in result.output
    assert len(list(out.glob("part-*.parquet"))) == 2
    html = tmp_path / "r" / "trends.html"
    result = runner.invoke(
        app,
        ["report", "--engine", "dask", "--scheduler", address, "--model", str(model.path),
         "--corpus", pattern, "-o", str(html), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert html.exists() and f"Report written to {html}" in result.output


def test_cli_engine_errors(model, tmp_path):
    result = runner.invoke(app, ["predict", "x.jsonl", "--engine", "spark", "--out", "o"])
    assert result.exit_code == 2 and "engine" in result.output
    result = runner.invoke(app, ["predict", str(tmp_path / "none*.jsonl"), "--engine", "dask"])
    assert result.exit_code == 2 and "--out" in result.output
    missing = tmp_path / "none*.jsonl"
    result = runner.invoke(
        app,
        ["predict", str(missing), "--engine", "dask", "--out", str(tmp_path / "o"), "-m",
         str(model.path)],
    )  # fmt: skip
    assert result.exit_code == 1 and "matches no file" in result.output


def test_without_dask_the_error_says_how_to_install(monkeypatch):
    import sys

    from topics.distributed._cluster import require_dask

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(TopicsError, match=r"topics\[dask\]"):
        require_dask()


class KillOnce:
    """A worker plugin: the first tagging task to start kills its own worker process."""

    name = "topics-test-kill-once"

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def setup(self, worker) -> None:
        self.worker = worker

    def transition(self, key, start, finish, **kwargs) -> None:
        name = key if isinstance(key, str) else str(key)
        if finish == "executing" and name.startswith("topics-tag-"):
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.close(fd)
            os._exit(1)


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    client, model, releases, in_process, tmp_path
):
    from distributed import WorkerPlugin

    from topics.distributed import tag_files

    marker = tmp_path / "killed"
    plugin = type("Kill", (KillOnce, WorkerPlugin), {})(str(marker))
    client.register_plugin(plugin, name=KillOnce.name)
    try:
        done = tag_files(
            releases, model=model.path, out=tmp_path / "tags", client=client, timeout=WAIT
        )
    finally:
        client.unregister_worker_plugin(KillOnce.name)
    assert marker.exists()  # a worker did die mid-run
    # its task was retried on a live worker; the nanny restarts the dead one when it can (on a
    # very busy machine it may not, so nothing here waits for it: this test runs last)
    parts = sorted((tmp_path / "tags").glob("*"))
    assert [p.name for p in parts] == [f"part-{i:05d}.parquet" for i in range(6)]
    _same_tags(in_process[1], _distributed_tags(tmp_path / "tags"))
    assert done.rows == len(in_process[0].frame)
