"""Making untrusted text (titles, theme names, categories) inert where it is written out:
spreadsheet cells of every CSV, and strings drawn by the chart library."""

from __future__ import annotations

import re
from typing import Any

#: Leading characters that make a spreadsheet (Excel, LibreOffice, Sheets) read a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any
    spaces; full-width forms too) is neutralised, as OWASP recommends for CSV injection; plain
    numbers such as ``-1`` or ``+0.5`` and non-strings are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    if value.lstrip(" ").startswith(_FORMULA_START) and not _NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


#: Keys whose strings are the chart's own templates (placeholders and markup we wrote).
_TEMPLATE_KEYS = frozenset({"hovertemplate", "texttemplate"})


def chart_strings(figure: Any, key: str | None = None) -> Any:
    """A copy of a plotly figure spec whose strings show as text, never as markup.

    plotly renders a subset of HTML in labels, hover text and ticks (``<a href>`` becomes a live
    link, ``<b>`` bold): ``&``, ``<`` and ``>`` are written as entities, which plotly displays as
    the characters themselves. The line breaks the chart builders put in (``<br>``) are kept, and
    template strings (``hovertemplate``) are left as they are.
    """
    if isinstance(figure, dict):
        return {k: chart_strings(v, k) for k, v in figure.items()}
    if isinstance(figure, list | tuple):
        return [chart_strings(v, key) for v in figure]
    if isinstance(figure, str) and key not in _TEMPLATE_KEYS:
        text = figure.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("&lt;br&gt;", "<br>")
    return figure
