"""Build the report's content as plain data (dicts, lists, str, int, float, None): no HTML here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from topics.report import charts
from topics.report.inputs import ReportInputs
from topics.report.sections import (
    clean,
    distinguishing_terms,
    info_rows,
    metric_sections,
    overview,
    period_label,
    period_start,
)
from topics.report.summary import REPRESENTATIVES, ReportSummary, summarize

if TYPE_CHECKING:
    import pandas as pd

    from topics.trends import TrendSettings

Progress = Callable[[str, "float | None"], None]

TERMS_SHOWN = 10
HEATMAP_TOPICS = 20


def _series_block(counts: pd.DataFrame, settings: TrendSettings, freq: str) -> dict[str, Any]:
    """Shares, trend tests, change points and ranking for one family of series."""
    from topics.trends import add_shares, change_points, rank_trends, recent_periods, trend_tests

    shares = add_shares(counts, alpha=settings.alpha)
    trends = trend_tests(counts, settings)
    changes = change_points(counts, settings)
    emerging, declining = rank_trends(counts, trends, recent=recent_periods(freq))
    return {
        "shares": shares,
        "trends": trends,
        "changes": changes,
        "emerging": emerging,
        "declining": declining,
    }


def _period_rows(shares: pd.DataFrame, freq: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for series, part in shares.groupby("series", sort=False):
        out[str(series)] = [
            {
                "label": period_label(p, freq),
                "start": period_start(p),
                "count": int(c),
                "total": int(t),
                "share": clean(s),
                "lower": clean(lo),
                "upper": clean(hi),
            }
            for p, c, t, s, lo, hi in zip(
                part["period"],
                part["count"],
                part["total"],
                part["share"],
                part["lower"],
                part["upper"],
                strict=True,
            )
        ]
    return out


def _trend_record(row: dict, names: dict[str, str]) -> dict:
    keys = [
        "status", "periods", "count", "total", "share", "odds_ratio", "or_lower", "or_upper",
        "p_value", "q_value", "start_share", "end_share",
    ]  # fmt: skip
    record = {k: clean(row.get(k)) for k in keys}
    record["series"] = str(row["series"])
    record["name"] = names.get(str(row["series"]), str(row["series"]))
    for k in ("recent_share", "earlier_share", "change"):
        if k in row:
            record[k] = clean(row[k])
    return record


def _change_records(changes: pd.DataFrame, names: dict[str, str], freq: str) -> list[dict]:
    return [
        {
            "series": str(r["series"]),
            "name": names.get(str(r["series"]), str(r["series"])),
            "label": period_label(r["period"], freq),
            "start": period_start(r["period"]),
            "before_share": clean(r["before_share"]),
            "after_share": clean(r["after_share"]),
            "before_total": int(r["before_total"]),
            "after_total": int(r["after_total"]),
            "direction": r["direction"],
        }
        for r in changes.to_dict("records")
    ]


def _doc_records(top: pd.DataFrame, freq: str | None = None) -> list[dict]:
    records = []
    for r in top.to_dict("records"):
        record = {k: clean(r[k]) for k in ("id", "title", "date", "source", "snippet")}
        record["score"] = clean(r["score"])
        if freq is not None:
            record["label"] = period_label(r["key"], freq)
        records.append(record)
    return records


def build_context(
    inputs: ReportInputs | ReportSummary,
    settings: TrendSettings | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Compute every number and table of the report, as JSON-able plain data.

    Duplicates (``is_duplicate``) are dropped before anything is counted; undated releases are
    left out of the per-period statistics (but kept for representatives and category shares).

    Parameters
    ----------
    inputs : ReportInputs or ReportSummary
        The whole corpus with its predictions, or the combined summary of its batches
        (:func:`topics.report.summarize`, :func:`topics.report.combine_summaries`).
    settings : TrendSettings, optional
        Thresholds of the trend statistics (defaults documented on the class).
    progress : callable(message, fraction), optional

    Returns
    -------
    dict
        Sections ``overview``, ``themes``, ``theme_changes``, ``emerging``, ``declining``,
        ``topics``, ``period_terms``, ``categories``, ``metrics``, ``method``; ``figures`` (plotly
        specs) and ``tables`` (the machine-readable trend tables).

    Raises
    ------
    TopicsError
        If the inputs are not aligned with the corpus or ``freq`` is unknown.
    """
    from topics.trends import TrendSettings, recent_periods

    report = progress or (lambda message, fraction=None: None)
    summary = inputs if isinstance(inputs, ReportSummary) else summarize(inputs, progress)
    settings = settings or TrendSettings()
    freq = summary.freq
    theme_ids = summary.theme_ids
    names = summary.theme_names

    report("testing theme trends", 0.8)
    themes_block = _series_block(summary.theme_counts, settings, freq)
    report("testing topic trends", 0.85)
    topics_block = _series_block(summary.topic_counts, settings, freq)
    theme_terms, period_terms = distinguishing_terms(summary.term_counts, freq, TERMS_SHOWN)

    theme_rows = _period_rows(themes_block["shares"], freq)
    trend_rows = {str(r["series"]): r for r in themes_block["trends"].to_dict("records")}
    changes = _change_records(themes_block["changes"], names, freq)
    figures = []
    y_max = max([r["upper"] or 0.0 for rows in theme_rows.values() for r in rows] + [0.05])
    themes = []
    for i, theme in enumerate(theme_ids):
        record = _trend_record(trend_rows.get(theme, {"series": theme}), names)
        anchor = f"theme-{i}"
        rows = theme_rows.get(theme, [])
        own_changes = [c for c in changes if c["series"] == theme]
        figure = charts.share_figure(
            f"fig-{anchor}", rows, record["status"] or "", own_changes, y_max
        )
        figures.append(figure)
        n_theme = sum(r["count"] for r in rows)
        n_dated = sum(r["total"] for r in rows)
        per_period = summary.top_period[summary.top_period["series"] == theme]
        record.update(
            releases=n_theme,
            overall_share=n_theme / n_dated if n_dated else None,
            anchor=anchor,
            figure=figure["id"],
            rows=rows,
            changes=own_changes,
            terms=theme_terms.get(theme, []),
            representatives=_doc_records(
                summary.top_overall[summary.top_overall["series"] == theme]
            ),
            per_period=_doc_records(per_period.iloc[::-1], freq),
        )
        themes.append(record)
    forest = None
    if any(t["odds_ratio"] is not None for t in themes):
        forest = charts.forest_figure("fig-forest", themes)
        figures.append(forest)

    def ranked(frame: pd.DataFrame) -> list[dict]:
        return [_trend_record(r, names) for r in frame.to_dict("records")]

    report("drawing", 0.9)
    topic_section = _topic_section(summary, topics_block, freq, figures)
    categories = _category_section(summary, figures)
    return {
        "title": summary.title,
        "generated_at": summary.generated_at.isoformat(timespec="seconds")
        if summary.generated_at
        else None,
        "freq": freq,
        "overview": overview(summary.quality, summary.all_counts, settings, freq),
        "model_info": info_rows(summary.model_info),
        "themes": themes,
        "forest_figure": forest["id"] if forest else None,
        "theme_changes": changes,
        "emerging": ranked(themes_block["emerging"]),
        "declining": ranked(themes_block["declining"]),
        "topics": topic_section,
        "period_terms": period_terms,
        "categories": categories,
        "metrics": metric_sections(summary.metrics),
        "method": {
            **settings.as_dict(),
            "representatives": REPRESENTATIVES,
            "terms": TERMS_SHOWN,
            "recent": recent_periods(freq),
        },
        "figures": figures,
        "tables": _tables(themes_block, topics_block, names, topic_section, freq),
    }


def _topic_section(summary: ReportSummary, block: dict, freq: str, figures: list[dict]) -> dict:
    info = summary.topic_info.set_index(summary.topic_info["topic"].astype(int))
    topic_ids = sorted(
        {int(s) for s in summary.topic_counts["series"]} | {int(k) for k in info.index}
    )
    trends = {str(r["series"]): r for r in block["trends"].to_dict("records")}
    rows = []
    for k in topic_ids:
        terms = info["terms"].get(k, []) if k in info.index else []
        label = str(info["label"].get(k, f"Topic {k}")) if k in info.index else f"Topic {k}"
        trend = _trend_record(trends.get(str(k), {"series": str(k)}), {})
        rows.append(
            {
                "topic": int(k),
                "label": label,
                "size": int(info["size"].get(k, 0)) if k in info.index else 0,
                "terms": [str(t) for t in (list(terms) if terms is not None else [])],
                "status": trend["status"],
                "odds_ratio": trend["odds_ratio"],
                "q_value": trend["q_value"],
                "share": trend["share"],
            }
        )
    landscape = charts.treemap_figure("fig-topic-landscape", rows)
    figures.append(landscape)
    shares = block["shares"]
    biggest = [r for r in sorted(rows, key=lambda r: (-r["size"], r["topic"])) if r["topic"] != -1]
    biggest = biggest[:HEATMAP_TOPICS]
    over_time = None
    if len(shares) and biggest:
        periods = list(dict.fromkeys(shares["period"]))
        by_series = {str(s): part for s, part in shares.groupby("series", sort=False)}
        z, hover = [], []
        for r in biggest:
            part = by_series[str(r["topic"])]
            z.append([clean(v) for v in part["share"]])
            hover.append(
                [
                    f"{r['topic']}: {r['label']}<br>{period_label(p, freq)}: {c} of {t}"
                    for p, c, t in zip(part["period"], part["count"], part["total"], strict=True)
                ]
            )
        fig = charts.heatmap_figure(
            "fig-topics-time",
            [period_start(p) for p in periods],
            [f"{r['topic']}: {r['label']}" for r in biggest],
            z,
            x_is_date=True,
            hover=hover,
        )
        figures.append(fig)
        over_time = fig["id"]
    outliers = next((r["size"] for r in rows if r["topic"] == -1), 0)
    return {
        "rows": rows,
        "n_topics": sum(1 for r in rows if r["topic"] != -1),
        "outliers": outliers,
        "landscape": landscape["id"],
        "over_time": over_time,
        "heatmap_topics": len(biggest),
    }


def _category_section(summary: ReportSummary, figures: list[dict]) -> dict:
    from topics.trends import add_shares

    names, theme_ids = summary.theme_names, summary.theme_ids
    if not len(summary.category_counts) or not theme_ids:
        return {"present": False, "columns": [], "rows": [], "figure": None}
    shares = add_shares(summary.category_counts)
    cats = list(dict.fromkeys(shares["category"]))
    rows = []
    for cat in cats:
        part = shares[shares["category"] == cat].set_index("series")
        rows.append(
            {
                "category": str(cat),
                "total": int(part["total"].iloc[0]) if len(part) else 0,
                "cells": [
                    {
                        "share": clean(part.at[t, "share"]),
                        "lower": clean(part.at[t, "lower"]),
                        "upper": clean(part.at[t, "upper"]),
                        "count": int(part.at[t, "count"]),
                    }
                    for t in theme_ids
                ],
            }
        )
    fig = charts.heatmap_figure(
        "fig-categories",
        [names[t] for t in theme_ids],
        [r["category"] for r in rows],
        [[c["share"] for c in r["cells"]] for r in rows],
        x_is_date=False,
        hover=[
            [
                f"{r['category']} / {names[t]}: {c['count']} of {r['total']}"
                for t, c in zip(theme_ids, r["cells"], strict=True)
            ]
            for r in rows
        ],
    )
    figures.append(fig)
    return {
        "present": True,
        "columns": [names[t] for t in theme_ids],
        "rows": rows,
        "figure": fig["id"],
    }


def _tables(
    themes_block: dict, topics_block: dict, names: dict[str, str], topic_section: dict, freq: str
) -> dict:
    """Machine-readable trend tables (one row per kind, series and period)."""
    topic_names = {str(r["topic"]): r["label"] for r in topic_section["rows"]}
    shares, trends, changes = [], [], []
    for kind, block, nm in (("theme", themes_block, names), ("topic", topics_block, topic_names)):
        for r in block["shares"].to_dict("records"):
            shares.append(
                {
                    "kind": kind,
                    "series": str(r["series"]),
                    "name": nm.get(str(r["series"]), str(r["series"])),
                    "period": period_label(r["period"], freq),
                    "period_start": period_start(r["period"]),
                    "count": int(r["count"]),
                    "total": int(r["total"]),
                    "share": clean(r["share"]),
                    "lower": clean(r["lower"]),
                    "upper": clean(r["upper"]),
                }
            )
        trends += [
            {"kind": kind, **_trend_record(r, nm)} for r in block["trends"].to_dict("records")
        ]
        changes += [{"kind": kind, **c} for c in _change_records(block["changes"], nm, freq)]
    return {"shares": shares, "trends": trends, "change_points": changes}
