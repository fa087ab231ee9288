"""Plotly figure specifications as plain dicts (``{"id", "data", "layout"}``), no plotly import.

The page inlines plotly.js once and draws each figure from its JSON; these builders only decide
what is drawn. Every string in a figure goes through :func:`topics._safe.chart_strings`, so text
from the data shows as text, never as plotly markup (links, bold...).
"""

from __future__ import annotations

from collections.abc import Sequence

from topics._safe import chart_strings

FONT = (
    "Inter, 'Segoe UI', system-ui, -apple-system, Roboto, 'Helvetica Neue', Arial, "
    "'Noto Sans KR', 'Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', NanumGothic, "
    "sans-serif"  # Hangul glyphs for Korean labels
)
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e8ecf0"
STATUS_COLORS = {
    "rising": "#1a7f37",
    "falling": "#c2410c",
    "no clear trend": "#3b6fb6",
    "too little data": "#8c959f",
    "not estimable": "#8c959f",
}
PALETTE = [
    "#3b6fb6", "#e07b39", "#3a9e6f", "#c24d5a", "#7d5ba6",
    "#8c6d46", "#d46aa8", "#5f6b77", "#b5a231", "#2aa7b8",
]  # fmt: skip


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def base_layout(height: int, **extra: object) -> dict:
    """Shared look: system fonts, light grid, tight margins, transparent background."""
    layout = {
        "height": height,
        "margin": {"l": 48, "r": 12, "t": 12, "b": 36},
        "font": {"family": FONT, "size": 12, "color": INK},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"gridcolor": GRID, "linecolor": GRID, "zeroline": False},
        "yaxis": {"gridcolor": GRID, "linecolor": GRID, "zeroline": False},
        "showlegend": False,
    }
    layout.update(extra)
    return layout


def share_figure(
    fig_id: str, rows: Sequence[dict], status: str, changes: Sequence[dict], y_max: float
) -> dict:
    """One series: share per period (line), 95% interval (band), change points (dashed lines).

    ``rows`` are the period rows of the context (``start``, ``label``, ``share``, ``lower``,
    ``upper``, ``count``, ``total``); ``changes`` the series' change points (``start``).

    When the rows are corrected for the tagger's errors (``corrected`` with ``share_raw``,
    ``raw_lower``, ``raw_upper``), the raw series is drawn too, hidden (grey, dashed): the
    figure's ``raw`` lists its trace indices, which the page's "raw shares" toggle shows.
    """
    color = STATUS_COLORS.get(status, STATUS_COLORS["no clear trend"])
    x = [r["start"] for r in rows]
    hover = [
        f"{r['label']}: {_pct(r['share'])}"
        + (" corrected" if r.get("corrected") else "")
        + f" ({r['count']} of {r['total']}{' tagged' if r.get('corrected') else ''})"
        f"<br>95% interval {_pct(r['lower'])}–{_pct(r['upper'])}"
        for r in rows
    ]
    band_x, band_y, isolated = _band(rows)
    data = [
        {
            "type": "scatter",
            "x": band_x,
            "y": band_y,
            "mode": "lines",
            "fill": "toself",
            "fillcolor": _rgba(color, 0.16),
            "line": {"width": 0},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": x,
            "y": [r["share"] for r in rows],
            "mode": "lines+markers",
            "line": {"color": color, "width": 2},
            "marker": {"size": 4, "color": color},
            "text": hover,
            "hovertemplate": "%{text}<extra></extra>",
            "connectgaps": False,
            "error_y": {
                "type": "data",
                "symmetric": False,
                "color": _rgba(color, 0.45),
                "thickness": 1,
                "width": 2,
                "array": [
                    r["upper"] - r["share"] if alone else None
                    for r, alone in zip(rows, isolated, strict=True)
                ],
                "arrayminus": [
                    r["share"] - r["lower"] if alone else None
                    for r, alone in zip(rows, isolated, strict=True)
                ],
            },
        },
    ]
    raw = [len(data), len(data) + 1] if any(r.get("corrected") for r in rows) else []
    if raw:
        raw_rows = [
            {**r, "share": r["share_raw"], "lower": r["raw_lower"], "upper": r["raw_upper"]}
            for r in rows
        ]
        raw_x, raw_y, _ = _band(raw_rows)
        data += [
            {
                "type": "scatter",
                "x": raw_x,
                "y": raw_y,
                "mode": "lines",
                "fill": "toself",
                "fillcolor": _rgba(MUTED, 0.12),
                "line": {"width": 0},
                "hoverinfo": "skip",
                "visible": False,
            },
            {
                "type": "scatter",
                "x": x,
                "y": [r["share"] for r in raw_rows],
                "mode": "lines",
                "line": {"color": MUTED, "width": 1.5, "dash": "dash"},
                "text": [
                    f"{r['label']}: raw {_pct(r['share'])} ({r['count']} of {r['total']} tagged)"
                    for r in raw_rows
                ],
                "hovertemplate": "%{text}<extra></extra>",
                "visible": False,
            },
        ]
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": c["start"],
            "x1": c["start"],
            "y0": 0,
            "y1": 1,
            "line": {"color": INK, "width": 1, "dash": "dot"},
        }
        for c in changes
    ]
    layout = base_layout(
        190,
        shapes=shapes,
        yaxis={
            "gridcolor": GRID,
            "zeroline": False,
            "tickformat": ".0%",
            "range": [0, max(y_max, 0.05) * 1.05],
            "fixedrange": True,
        },
        xaxis={"gridcolor": GRID, "zeroline": False, "type": "date", "fixedrange": True},
        margin={"l": 44, "r": 8, "t": 6, "b": 28},
    )
    figure = chart_strings({"id": fig_id, "data": data, "layout": layout})
    if raw:
        figure["raw"] = raw
    return figure


def forest_figure(fig_id: str, themes: Sequence[dict]) -> dict:
    """Odds ratio per year with 95% interval for every tested theme (log axis)."""
    tested = [t for t in themes if t["odds_ratio"] is not None]
    tested = sorted(tested, key=lambda t: t["odds_ratio"])
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [t["odds_ratio"] for t in tested],
            "y": [t["name"] for t in tested],
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": [t["or_upper"] - t["odds_ratio"] for t in tested],
                "arrayminus": [t["odds_ratio"] - t["or_lower"] for t in tested],
                "color": MUTED,
                "thickness": 1.2,
                "width": 3,
            },
            "marker": {
                "size": 9,
                "color": [STATUS_COLORS.get(t["status"], MUTED) for t in tested],
            },
            "text": [
                f"{t['name']}: ×{t['odds_ratio']:.2f} per year ({t['status']})" for t in tested
            ],
            "hovertemplate": "%{text}<extra></extra>",
        }
    ]
    layout = base_layout(
        max(140, 34 * len(tested) + 60),
        xaxis={"type": "log", "gridcolor": GRID, "title": {"text": "odds ratio per year"}},
        yaxis={"automargin": True, "gridcolor": GRID},
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": 1,
                "x1": 1,
                "y0": 0,
                "y1": 1,
                "line": {"color": MUTED, "width": 1, "dash": "dash"},
            }
        ],
        margin={"l": 12, "r": 12, "t": 8, "b": 44},
    )
    return chart_strings({"id": fig_id, "data": data, "layout": layout})


def treemap_figure(fig_id: str, topics: Sequence[dict]) -> dict:
    """Topic landscape: one tile per topic, area = number of releases."""
    shown = [t for t in topics if t["topic"] != -1 and t["size"] > 0]
    data = [
        {
            "type": "treemap",
            "ids": [f"topic-{t['topic']}" for t in shown],
            "labels": [f"{t['topic']}: {t['label']}" for t in shown],
            "parents": ["" for _ in shown],
            "values": [t["size"] for t in shown],
            "text": [", ".join(t["terms"][:8]) for t in shown],
            "hovertemplate": "%{label}<br>%{value} releases<br>%{text}<extra></extra>",
            "textinfo": "label+value",
            "marker": {"colors": [PALETTE[i % len(PALETTE)] for i in range(len(shown))]},
            "tiling": {"pad": 2},
        }
    ]
    layout = base_layout(420, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return chart_strings({"id": fig_id, "data": data, "layout": layout})


def heatmap_figure(
    fig_id: str,
    x: Sequence[str],
    y: Sequence[str],
    z: Sequence[Sequence[float | None]],
    *,
    x_is_date: bool,
    hover: Sequence[Sequence[str]],
) -> dict:
    """Shares as a heatmap (rows: series, columns: periods or categories)."""
    top = max([v for row in z for v in row if v is not None] + [0.0])
    fmt = ".0%" if top >= 0.1 else ".1%"
    data = [
        {
            "type": "heatmap",
            "x": list(x),
            "y": list(y),
            "z": [list(r) for r in z],
            "text": [list(r) for r in hover],
            "hovertemplate": "%{text}<extra></extra>",
            "colorscale": [[0, "#f4f7fb"], [0.5, "#7aa6d8"], [1, "#1d4f91"]],
            "zmin": 0,
            "colorbar": {"tickformat": fmt, "thickness": 10, "outlinewidth": 0},
            "xgap": 1,
            "ygap": 1,
        }
    ]
    layout = base_layout(
        max(200, 22 * len(y) + 80),
        xaxis={"type": "date" if x_is_date else "category", "gridcolor": GRID},
        yaxis={"automargin": True, "autorange": "reversed", "gridcolor": GRID},
        margin={"l": 12, "r": 12, "t": 8, "b": 40},
    )
    return chart_strings({"id": fig_id, "data": data, "layout": layout})


def _band(rows: Sequence[dict]) -> tuple[list, list, list[bool]]:
    """Interval band as closed polygons, one per run of periods that have an interval.

    Runs are separated by ``None`` so periods without releases leave a gap; a period alone in
    its run (no band to draw) is flagged for an error bar instead.
    """
    runs: list[list[int]] = []
    current: list[int] = []
    for i, r in enumerate(rows):
        if r["lower"] is None or r["upper"] is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    xs: list = []
    ys: list = []
    isolated = [False] * len(rows)
    for run in runs:
        if len(run) == 1:
            isolated[run[0]] = True
            continue
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [rows[i]["start"] for i in run] + [rows[i]["start"] for i in reversed(run)]
        ys += [rows[i]["upper"] for i in run] + [rows[i]["lower"] for i in reversed(run)]
    return xs, ys, isolated


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"
