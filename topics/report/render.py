"""Render the report context to one self-contained HTML file, and write it with its tables."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.errors import TopicsError

if TYPE_CHECKING:
    import jinja2

    from topics.report.inputs import ReportInputs
    from topics.report.summary import ReportSummary
    from topics.trends import TrendSettings

SHARE_COLUMNS = [
    "kind", "series", "name", "period", "period_start", "count", "total", "share", "lower",
    "upper",
]  # fmt: skip


def _pct(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _pval(value: Any) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _qtext(value: Any) -> str:
    if value is None:
        return "not tested"
    return "q < 0.001" if value < 0.001 else f"q = {value:.3f}"


def _ratio(value: Any) -> str:
    return "–" if value is None else f"×{value:.2f}"


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("topics.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=_pct, num=_num, pval=_pval, qtext=_qtext, ratio=_ratio, fmt=_fmt)
    return env


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def render_html(context: dict[str, Any]) -> str:
    """Render a context from :func:`topics.report.build_context` to a self-contained HTML page.

    plotly.js is inlined once; each figure's data sits in a ``<script type="application/json">``
    block (HTML-safe JSON) drawn by a small inline script. Every text is escaped.

    Parameters
    ----------
    context : dict

    Returns
    -------
    str
        The whole HTML document.
    """
    template = _environment().get_template("report.html.j2")
    return template.render(**context, plotly_js=_plotly_js())


def trend_csv(context: dict[str, Any]) -> str:
    """The per-period shares of every theme and topic as CSV text (one row per series/period)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SHARE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in context["tables"]["shares"]:
        writer.writerow({k: "" if row[k] is None else row[k] for k in SHARE_COLUMNS})
    return buffer.getvalue()


def trend_json(context: dict[str, Any]) -> str:
    """Shares, trend tests and change points as JSON text, with the settings behind them."""
    data = {
        "title": context["title"],
        "generated_at": context["generated_at"],
        "freq": context["freq"],
        "settings": context["method"],
        "overview": context["overview"],
        **context["tables"],
    }
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    inputs: ReportInputs | ReportSummary,
    out: Path,
    *,
    force: bool = False,
    settings: TrendSettings | None = None,
    progress: Callable[[str, float | None], None] | None = None,
) -> dict[str, Path]:
    """Build and write the HTML report plus ``<stem>.csv`` and ``<stem>.json`` beside it.

    Parameters
    ----------
    inputs : ReportInputs or ReportSummary
        The corpus with its predictions, or the combined summary of its batches.
    out : Path
        The HTML file to write; its directory is created when missing.
    force : bool
        Overwrite existing files; without it an existing file is an error.
    settings : TrendSettings, optional
    progress : callable(message, fraction), optional

    Returns
    -------
    dict
        ``{"html": Path, "csv": Path, "json": Path}``, the files written.

    Raises
    ------
    TopicsError
        If a file exists and ``force`` is false, or the inputs are inconsistent.
    """
    from topics.report.context import build_context

    out = Path(out)
    paths = {
        "html": out,
        "csv": out.with_suffix(".csv"),
        "json": out.with_suffix(".json"),
    }
    if out.suffix.lower() in (".csv", ".json"):
        raise TopicsError(f"{out}: the report must be an .html file", "name the output *.html")
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not force:
        raise TopicsError(
            f"{existing[0]} already exists", "pass force=True (--force) to overwrite it"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TopicsError(f"{out.parent}: cannot create directory ({exc})") from exc
    report = progress or (lambda message, fraction=None: None)
    context = build_context(inputs, settings=settings, progress=progress)
    report("rendering HTML", 0.95)
    texts = {"html": render_html(context), "csv": trend_csv(context), "json": trend_json(context)}
    try:
        for key in ("csv", "json", "html"):
            _atomic_write(paths[key], texts[key])
    except OSError as exc:
        raise TopicsError(f"{out}: cannot write the report ({exc})", "check the path") from exc
    report("report written", 1.0)
    return paths
