"""The HTML trend report: formats and renders :class:`topics.trends.TrendTables`.

>>> from topics.trends import summarize, trend_tables                    # doctest: +SKIP
>>> from topics.report import ReportInfo, write_report                    # doctest: +SKIP
>>> tables = trend_tables(summarize(corpus_frame, predictions))           # doctest: +SKIP
>>> write_report(tables, Path("reports/trends.html"), info=ReportInfo())  # doctest: +SKIP

``build_context`` arranges the tables as plain data (testable without HTML); ``render_html``
renders it with the Jinja2 templates; ``write_report`` writes the page and the trend tables.
"""

from __future__ import annotations

from topics.report.context import ReportInfo, build_context
from topics.report.render import check_writable, render_html, report_paths, write_report

__all__ = [
    "ReportInfo",
    "build_context",
    "check_writable",
    "render_html",
    "report_paths",
    "write_report",
]
