"""Write ``BENCHMARKS.md`` from the suites' results: machine, date, command, one table per suite."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.harness import format_number, ratio
from bench.runner import SuiteResult

_TRACEBACK_LINES = 25

_COLUMNS = (
    "figure",
    "median",
    "spread",
    "unit",
    "baseline (same run)",
    "baseline median",
    "ratio",
    "published",
    "note",
)


def render(
    results: Sequence[SuiteResult],
    *,
    machine: Mapping[str, str],
    command: str,
    date: str,
    seconds: float,
    quick: bool = False,
    repeats: int = 3,
) -> str:
    """The Markdown text of the benchmark file.

    Parameters
    ----------
    results : sequence of SuiteResult
        One per suite run, in order.
    machine : mapping of str to str
        Label → value (CPU, cores, memory, library versions), from :func:`bench.runner.machine`.
    command : str
        The command line that produced the figures.
    date : str
        When the run started (UTC).
    seconds : float
        Wall time of the whole run.
    quick, repeats
        The run's options, stated in the header.
    """
    lines = [
        "# Benchmarks",
        "",
        f"Generated {date} by `{command}` in {_duration(seconds)}"
        + (" — **quick run on small samples: not the reference figures**." if quick else "."),
        "A full `make bench` renews every suite; `make bench BENCH_ARGS='--only SUITE'` renews "
        "one and keeps the others' figures from their last run (kept in `bench/results/`): "
        "the *measured* column of the Suites table says when, at which commit and by which "
        "command each suite ran.",
        "",
        f"Every figure is the median of up to {repeats} runs (expensive steps stop repeating once "
        "they exceed their time budget; the spread gives min–max and the number of runs). "
        "Baselines are measured in the same run on the same machine; *ratio* is median ÷ "
        "baseline median. Peak memory is the resident high-water mark (VmHWM) of a fresh process "
        "running that step.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {_cell(k)} | {_cell(v)} |" for k, v in machine.items()),
        "",
        "## Suites",
        "",
        "| suite | status | figures | time | measured | message |",
        "|---|---|---|---|---|---|",
        *(
            f"| {r.name} | {r.status} | {len(r.rows)} | {_duration(r.seconds)} | "
            f"{_cell(_provenance(r, command))} | {_cell(r.message)} |"
            for r in results
        ),
        "",
    ]
    lines += _headlines(results)
    for result in results:
        lines += _suite_section(result)
    return "\n".join(lines).rstrip() + "\n"


def _provenance(result: SuiteResult, command: str) -> str:
    """When and on what the suite was measured; the command too when it is not this one."""
    parts = [result.measured or "", f"at {result.commit}" if result.commit else ""]
    if result.command and result.command != command:
        parts.append(f"by `{result.command}`")
    return " ".join(p for p in parts if p)


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary sibling, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def _headlines(results: Sequence[SuiteResult]) -> list[str]:
    """The rows the suites marked ``headline``, gathered in one table at the top."""
    rows = [row for r in results for row in r.rows if row.get("headline") and not _unmeasured(row)]
    if not rows:
        return []
    lines = [
        "## Headline figures",
        "",
        "| suite | figure | median | unit | baseline (same run) | ratio | published |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        r = ratio(row.get("value"), row.get("baseline_value"))
        baseline = row.get("baseline") or ""
        if baseline and row.get("baseline_value") is not None:
            baseline = f"{baseline}: {format_number(row['baseline_value'])}"
        cells = [
            row.get("suite"),
            row.get("figure"),
            format_number(row.get("value")),
            row.get("unit"),
            baseline,
            f"{format_number(r)}×" if r is not None else "",
            row.get("published"),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*lines, ""]


def _unmeasured(row: Mapping[str, Any]) -> bool:
    return bool(row.get("error") or row.get("skipped")) or row.get("value") is None


def _suite_section(result: SuiteResult) -> list[str]:
    lines = [f"## {result.name}", ""]
    if result.status == "skipped":
        return [*lines, f"Not run — {result.message}", ""]
    if result.status == "failed":
        lines += [f"**Failed** — {_cell(result.message)}", ""]
        if result.detail:
            tail = result.detail.rstrip().splitlines()[-_TRACEBACK_LINES:]
            lines += ["```text", *tail, "```", ""]
        if not result.rows:
            return lines
    if not result.rows:
        return [*lines, "No figures.", ""]
    lines += [
        "| " + " | ".join(_COLUMNS) + " |",
        "|" + "|".join("---" for _ in _COLUMNS) + "|",
    ]
    lines += [_row_line(row) for row in result.rows]
    return [*lines, ""]


def _row_line(row: Mapping[str, Any]) -> str:
    value = row.get("value")
    baseline_value = row.get("baseline_value")
    r = ratio(value, baseline_value)
    if row.get("error"):
        shown = "**failed**"
    elif row.get("skipped"):
        shown = "not run"
    else:
        shown = format_number(value) if value is not None else "—"
    cells = [
        row.get("figure"),
        shown,
        row.get("spread"),
        row.get("unit"),
        row.get("baseline"),
        format_number(baseline_value) if baseline_value is not None else "",
        f"{format_number(r)}×" if r is not None else "",
        format_number(row.get("published")) if row.get("published") is not None else "",
        row.get("note"),
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = format_number(value)
    return " ".join(value.split()).replace("|", "\\|")


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"
