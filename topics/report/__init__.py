"""The HTML trend report: content built as plain data, then rendered with Jinja2 templates.

>>> from topics.report import ReportInputs, write_report   # doctest: +SKIP
>>> write_report(inputs, Path("reports/trends.html"), force=True)  # doctest: +SKIP

A corpus scored in batches is reported from the sum of its batches' summaries, without holding
every document at once:

>>> summary = combine_summaries(summarize(batch) for batch in batches)  # doctest: +SKIP
>>> write_report(summary, Path("reports/trends.html"))  # doctest: +SKIP
"""

from __future__ import annotations

from topics.report.context import build_context
from topics.report.inputs import ReportInputs
from topics.report.render import render_html, write_report
from topics.report.summary import (
    ReportSummary,
    combine_summaries,
    load_summary,
    save_summary,
    summarize,
)

__all__ = [
    "ReportInputs",
    "ReportSummary",
    "build_context",
    "combine_summaries",
    "load_summary",
    "render_html",
    "save_summary",
    "summarize",
    "write_report",
]
