"""Build the report's content as plain data (dicts, lists, str, int, float, None): no HTML here.

Every number comes from :class:`topics.trends.TrendTables`; this module only arranges it into
sections and chart specifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from topics.progress import Progress, noop
from topics.report import charts
from topics.report.sections import (
    accuracy_section,
    classifier_sections,
    info_rows,
    metric_sections,
)
from topics.trends.records import clean, period_label, period_rows, period_start, trend_record

if TYPE_CHECKING:
    import pandas as pd

    from topics.trends import TrendTables

HEATMAP_TOPICS = 20


@dataclass(frozen=True)
class ReportInfo:
    """What the report says besides the trends.

    Attributes
    ----------
    title : str
    generated_at : datetime, optional
        Printed on the page; passed in so the output is deterministic.
    metrics : dict
        Model metrics as stored with the model (JSON-able); shown as they are.
    model_info : dict
        Model path, creation time, corpus fingerprint... (JSON-able).
    """

    title: str = "Theme trends"
    generated_at: datetime | None = None
    metrics: dict = field(default_factory=dict)
    model_info: dict = field(default_factory=dict)

    def timestamp(self) -> str | None:
        """``generated_at`` in ISO format, to the second."""
        if self.generated_at is None:
            return None
        return self.generated_at.isoformat(timespec="seconds")


def _doc_records(top: pd.DataFrame, freq: str | None = None) -> list[dict]:
    records = []
    for r in top.to_dict("records"):
        record = {k: clean(r[k]) for k in ("id", "title", "date", "source", "snippet")}
        record["score"] = clean(r["score"])
        record["why"] = clean(r.get("why")) or None
        if freq is not None:
            record["label"] = period_label(r["key"], freq)
        records.append(record)
    return records


def build_context(
    tables: TrendTables, info: ReportInfo | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Arrange every number and table of the report as JSON-able plain data.

    Parameters
    ----------
    tables : TrendTables
        From :func:`topics.trends.trend_tables`.
    info : ReportInfo, optional
        Title, timestamp, model metrics and provenance.
    progress : callable(message, fraction), optional

    Returns
    -------
    dict
        Sections ``overview``, ``themes``, ``theme_changes``, ``emerging``, ``declining``,
        ``topics``, ``period_terms``, ``categories``, ``metrics``, ``method``; ``figures`` (plotly
        specs) and ``tables`` (the machine-readable trend tables).
    """
    from topics.trends.records import change_records

    report = progress or noop
    info = info or ReportInfo()
    summary = tables.summary
    freq = summary.freq
    names = summary.theme_names
    theme_rows = period_rows(tables.themes.shares, freq)
    trend_rows = {str(r["series"]): r for r in tables.themes.trends.to_dict("records")}
    changes = change_records(tables.themes.changes, names, freq)
    figures = []
    y_max = max([r["upper"] or 0.0 for rows in theme_rows.values() for r in rows] + [0.05])
    themes = []
    for i, theme in enumerate(summary.theme_ids):
        record = trend_record(trend_rows.get(theme, {"series": theme}), names)
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
            terms=tables.theme_terms.get(theme, []),
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
        return [trend_record(r, names) for r in frame.to_dict("records")]

    report("drawing", 0.9)
    topic_section = _topic_section(tables, figures)
    categories = _category_section(tables, figures)
    return {
        "title": info.title,
        "generated_at": info.timestamp(),
        "freq": freq,
        "overview": tables.overview,
        "model_info": info_rows(info.model_info),
        "themes": themes,
        "forest_figure": forest["id"] if forest else None,
        "theme_changes": changes,
        "emerging": ranked(tables.themes.emerging),
        "latest": tables.latest or {"period": None},
        "declining": ranked(tables.themes.declining),
        "topics": topic_section,
        "period_terms": tables.period_terms,
        "categories": categories,
        "metrics": metric_sections(
            {k: v for k, v in (info.metrics or {}).items() if not str(k).startswith("label:")}
        ),
        "classifiers": classifier_sections(info.metrics),
        "accuracy": accuracy_section(tables.validation, names),
        "theme_accuracy": theme_accuracy(info.metrics),
        "method": tables.method(),
        "figures": figures,
        "tables": tables.records(),
    }


def theme_accuracy(metrics: dict) -> str | None:
    """One sentence on how far the theme tags are measured to agree with careful readers."""
    accuracy = (metrics or {}).get("themes", {}).get("accuracy")
    if accuracy is None:
        return None
    if not isinstance(accuracy, dict):
        return (
            "accuracy not measured: the model was trained without gold labels, so no figure "
            "compares its tags with a careful reader's. Figures labelled agreement with the "
            "phrase rules are not accuracy. Hand-code some releases and pass them with "
            "--theme-labels to measure it."
        )
    macro, ci = accuracy.get("macro_f1"), accuracy.get("macro_f1_ci")
    if macro is None:
        return (
            f"measured on {accuracy['n_documents']} gold-labelled releases, but no theme has "
            f"{accuracy['min_support']} gold positives: too little data for a macro F1."
        )
    interval = f" (95% interval {ci[0]:.2f}–{ci[1]:.2f})" if ci else ""
    return (
        f"macro F1 {macro:.2f}{interval} on {accuracy['n_documents']} gold-labelled releases "
        f"(held out), over the themes with at least {accuracy['min_support']} gold positives."
    )


def _topic_section(tables: TrendTables, figures: list[dict]) -> dict:
    freq = tables.freq
    rows = tables.topic_rows

    landscape = charts.treemap_figure("fig-topic-landscape", rows)
    figures.append(landscape)
    shares = tables.topics.shares
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


def _category_section(tables: TrendTables, figures: list[dict]) -> dict:
    summary = tables.summary
    names, theme_ids = summary.theme_names, summary.theme_ids
    shares = tables.category_shares
    if not len(shares) or not theme_ids:
        return {"present": False, "columns": [], "rows": [], "figure": None}
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
