"""Render the report context to one self-contained HTML file, and write it with its tables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics._paths import write_text_atomic
from topics.errors import TopicsError
from topics.progress import Progress, noop

if TYPE_CHECKING:
    import jinja2

    from topics.report.context import ReportInfo
    from topics.trends import TrendTables


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


def _lang(value: Any) -> Any:
    """`` lang="ko"`` for a Korean text (the page itself is ``lang="en"``), else nothing."""
    import markupsafe

    from topics.language import detect_language

    text = value if isinstance(value, str) else " ".join(map(str, value or ()))
    return markupsafe.Markup(' lang="ko"') if detect_language(text) == "ko" else ""


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
    env.filters["lang"] = _lang
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


def report_paths(out: str | Path) -> dict[str, Path]:
    """The files a report at ``out`` consists of: ``{"html", "csv", "json"}``.

    Raises
    ------
    TopicsError
        If ``out`` names a ``.csv`` or ``.json`` file.
    """
    out = Path(out)
    if out.suffix.lower() in (".csv", ".json"):
        raise TopicsError(f"{out}: the report must be an .html file", "name the output *.html")
    return {"html": out, "csv": out.with_suffix(".csv"), "json": out.with_suffix(".json")}


def check_writable(out: str | Path, force: bool = False) -> dict[str, Path]:
    """Refuse early when a file of the report exists and ``force`` is false.

    Returns
    -------
    dict
        :func:`report_paths` of ``out``.
    """
    from topics._paths import check_output

    paths = report_paths(out)
    for path in paths.values():
        check_output(path, force=force)
    return paths


def write_report(
    tables: TrendTables,
    out: str | Path,
    *,
    info: ReportInfo | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Render and write the HTML report plus ``<stem>.csv`` and ``<stem>.json`` beside it.

    Parameters
    ----------
    tables : TrendTables
        From :func:`topics.trends.trend_tables`.
    out : Path
        The HTML file to write; its directory is created when missing.
    info : ReportInfo, optional
        Title, timestamp, model metrics and provenance.
    force : bool
        Overwrite existing files; without it an existing file is an error.
    progress : callable(message, fraction), optional

    Returns
    -------
    dict
        ``{"html": Path, "csv": Path, "json": Path}``, the files written.

    Raises
    ------
    TopicsError
        If a file exists and ``force`` is false, or a file cannot be written.
    """
    from topics.report.context import ReportInfo, build_context

    paths = check_writable(out, force)
    out = paths["html"]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TopicsError(f"{out.parent}: cannot create directory ({exc})") from exc
    report = progress or noop
    info = info or ReportInfo()
    context = build_context(tables, info, progress=progress)
    report("rendering HTML", 0.95)
    texts = {
        "html": render_html(context),
        "csv": tables.to_csv(),
        "json": tables.to_json(info.title, info.timestamp()),
    }
    try:
        for key in ("csv", "json", "html"):
            write_text_atomic(paths[key], texts[key])
    except OSError as exc:
        raise TopicsError(f"{out}: cannot write the report ({exc})", "check the path") from exc
    report("report written", 1.0)
    return paths
