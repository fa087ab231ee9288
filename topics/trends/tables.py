"""The trend tables of a summary: shares, tests, change points, rankings, terms, coverage.

:func:`trend_tables` runs every statistic of :mod:`topics.trends` on a :class:`TrendSummary`
once; the report formats the result, and :meth:`TrendTables.to_csv` / :meth:`TrendTables.to_json`
are the machine-readable tables written beside it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from topics.progress import Progress, noop
from topics.trends.latest import latest_section
from topics.trends.records import change_records, clean, period_label, period_start, trend_record
from topics.trends.summary import REPRESENTATIVES, TrendSummary

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from topics.trends.correct import ErrorRates
    from topics.trends.stats import TrendSettings

#: Distinguishing terms kept per theme and per period.
TERMS_SHOWN = 10

SHARE_COLUMNS = [
    "kind", "series", "name", "period", "period_start", "count", "total", "share", "lower",
    "upper", "share_raw", "raw_lower", "raw_upper", "corrected",
]  # fmt: skip


@dataclass(frozen=True)
class SeriesTrends:
    """Every statistic of one family of series (the themes, or the topics), as frames."""

    shares: pd.DataFrame
    trends: pd.DataFrame
    changes: pd.DataFrame
    emerging: pd.DataFrame
    declining: pd.DataFrame


@dataclass(frozen=True)
class TrendTables:
    """What :func:`trend_tables` returns: the summary with every statistic computed on it.

    Attributes
    ----------
    summary : TrendSummary
    settings : TrendSettings
    themes, topics : SeriesTrends
    topic_rows : list of dict
        One record per topic: ``topic``, ``label``, ``size``, ``terms``, its trend
        (``status``, ``odds_ratio``, ``q_value``, ``share``) and its lineage (``lineage``:
        ``"new"`` or ``"active"``, ``born``, ``first_date``, ``last_date``; None without one).
    theme_terms : dict of theme id to list of ``{"term", "count", "z"}``
    period_terms : list of ``{"label", "terms"}``, most recent period first
    overview : dict
        Corpus size, coverage and data-quality notes.
    category_shares : DataFrame
        Theme shares with intervals per category (``category, series, count, total, share,
        lower, upper``), dated or not; empty when the corpus has no categories.
    validation : dict or None
        The tagger's measured error rates the theme shares were corrected with
        (:func:`topics.evaluate.validation.validation_record`); ``None``: uncorrected.
    latest : dict
        The newest period against its trailing history
        (:func:`topics.trends.latest.latest_section`).
    """

    summary: TrendSummary
    settings: TrendSettings
    themes: SeriesTrends
    topics: SeriesTrends
    topic_rows: list[dict]
    theme_terms: dict[str, list[dict]]
    period_terms: list[dict]
    overview: dict
    category_shares: pd.DataFrame
    validation: dict | None = None
    latest: dict | None = None

    @property
    def freq(self) -> str:
        return self.summary.freq

    def method(self) -> dict[str, Any]:
        """The settings behind the tables, as plain data."""
        from topics.trends.stats import recent_periods

        return {
            **self.settings.as_dict(),
            "representatives": REPRESENTATIVES,
            "terms": TERMS_SHOWN,
            "recent": recent_periods(self.freq),
            "corrected": self.validation is not None,
            "validation": None
            if self.validation is None
            else {k: v for k, v in self.validation.items() if k != "error_rates"},
        }

    def records(self) -> dict[str, list[dict]]:
        """Machine-readable tables: ``shares``, ``trends`` and ``change_points`` (one row per
        kind, series and period)."""
        freq = self.freq
        topic_names = {str(r["topic"]): r["label"] for r in self.topic_rows}
        shares, trends, changes = [], [], []
        for kind, block, names in (
            ("theme", self.themes, self.summary.theme_names),
            ("topic", self.topics, topic_names),
        ):
            for r in block.shares.to_dict("records"):
                raw = "share_raw" in r
                shares.append(
                    {
                        "kind": kind,
                        "series": str(r["series"]),
                        "name": names.get(str(r["series"]), str(r["series"])),
                        "period": period_label(r["period"], freq),
                        "period_start": period_start(r["period"]),
                        "count": int(r["count"]),
                        "total": int(r["total"]),
                        "share": clean(r["share"]),
                        "lower": clean(r["lower"]),
                        "upper": clean(r["upper"]),
                        "share_raw": clean(r["share_raw" if raw else "share"]),
                        "raw_lower": clean(r["raw_lower" if raw else "lower"]),
                        "raw_upper": clean(r["raw_upper" if raw else "upper"]),
                        "corrected": bool(r.get("corrected", False)),
                    }
                )
            trends += [
                {"kind": kind, **trend_record(r, names)} for r in block.trends.to_dict("records")
            ]
            changes += [{"kind": kind, **c} for c in change_records(block.changes, names, freq)]
        return {"shares": shares, "trends": trends, "change_points": changes}

    def to_csv(self) -> str:
        """The per-period shares of every theme and topic as CSV text.

        Cells that a spreadsheet would run as a formula (``=HYPERLINK(...)`` as a theme name) are
        neutralised with a leading ``'`` (:func:`topics._safe.spreadsheet_cell`).
        """
        from topics._safe import spreadsheet_cell

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=SHARE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in self.records()["shares"]:
            writer.writerow(
                {k: "" if row[k] is None else spreadsheet_cell(row[k]) for k in SHARE_COLUMNS}
            )
        return buffer.getvalue()

    def to_json(self, title: str, generated_at: str | None) -> str:
        """Shares, trend tests and change points as JSON text, with the settings behind them
        and the validation (error-rate counts per theme) the theme shares were corrected with."""
        data = {
            "title": title,
            "generated_at": generated_at,
            "freq": self.freq,
            "settings": self.method(),
            "overview": self.overview,
            "validation": self.validation,
            **self.records(),
        }
        return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def series_trends(
    counts: pd.DataFrame,
    settings: TrendSettings,
    freq: str,
    rates: Mapping[str, ErrorRates] | None = None,
) -> SeriesTrends:
    """Shares, trend tests, change points and ranking for one family of series.

    With ``rates`` (the tagger's measured error rates per series), shares and effect sizes are
    corrected and the minimum effect applies to the corrected change (see
    :mod:`topics.trends.corrected`).
    """
    from topics.trends import corrected as fix
    from topics.trends.counts import add_shares
    from topics.trends.stats import change_points, rank_trends, recent_periods, trend_tests

    trends = trend_tests(counts, settings)
    shares = add_shares(counts, alpha=settings.alpha)
    changes = change_points(counts, settings)
    if rates:
        trends = fix.corrected_trends(trends, rates, settings)
        shares = fix.corrected_share_table(shares, rates, level=1 - settings.alpha)
        changes = fix.corrected_changes(changes, rates)
    emerging, declining = rank_trends(counts, trends, recent=recent_periods(freq))
    if rates:
        emerging = fix.corrected_ranking(emerging, rates)
        declining = fix.corrected_ranking(declining, rates)
    return SeriesTrends(
        shares=shares, trends=trends, changes=changes, emerging=emerging, declining=declining
    )


def trend_tables(
    summary: TrendSummary,
    settings: TrendSettings | None = None,
    progress: Progress | None = None,
    validation: dict | None = None,
) -> TrendTables:
    """Run every trend statistic on a summary.

    Parameters
    ----------
    summary : TrendSummary
        From :func:`topics.trends.summarize` (or the combination of batch summaries).
    settings : TrendSettings, optional
        Thresholds of the statistics (defaults documented on the class).
    progress : callable(message, fraction), optional
    validation : dict, optional
        The tagger's error rates measured on hand-coded releases
        (:func:`topics.evaluate.validation.validation_record`, a model's ``validation``): the
        theme shares are then corrected (:mod:`topics.trends.corrected`).

    Returns
    -------
    TrendTables
    """
    from topics.trends.counts import add_shares
    from topics.trends.stats import TrendSettings
    from topics.trends.terms import distinguishing_terms

    report = progress or noop
    settings = settings or TrendSettings()
    freq = summary.freq
    report("testing theme trends", 0.8)
    rates = None
    if validation is not None:
        from topics.trends.corrected import rates_of

        rates = rates_of(validation)
    themes = series_trends(summary.theme_counts, settings, freq, rates)
    report("testing topic trends", 0.85)
    topics = series_trends(summary.topic_counts, settings, freq)
    theme_terms, period_terms = distinguishing_terms(summary.term_counts, freq, TERMS_SHOWN)
    return TrendTables(
        summary=summary,
        settings=settings,
        themes=themes,
        topics=topics,
        topic_rows=_topic_rows(summary, topics),
        theme_terms=theme_terms,
        period_terms=period_terms,
        overview=overview(summary.quality, summary.all_counts, settings, freq),
        category_shares=add_shares(summary.category_counts)
        if len(summary.category_counts)
        else summary.category_counts,
        validation=validation,
        latest=latest_section(summary, settings),
    )


def _topic_rows(summary: TrendSummary, block: SeriesTrends) -> list[dict]:
    info = summary.topic_info.set_index(summary.topic_info["topic"].astype(int))
    if "status" in info.columns:  # retired topics are listed by latest_section instead
        info = info[info["status"] != "retired"]
    topic_ids = sorted(
        {int(s) for s in summary.topic_counts["series"]} | {int(k) for k in info.index}
    )
    trends = {str(r["series"]): r for r in block.trends.to_dict("records")}
    rows = []
    for k in topic_ids:
        terms = info["terms"].get(k, []) if k in info.index else []
        label = str(info["label"].get(k, f"Topic {k}")) if k in info.index else f"Topic {k}"
        trend = trend_record(trends.get(str(k), {"series": str(k)}), {})
        lineage = {  # "lineage": "new" / "active" for a model with a lineage (topics.lineage)
            out: clean(info[key].get(k)) if key in info.columns and k in info.index else None
            for out, key in (
                ("lineage", "status"),
                ("born", "born"),
                ("first_date", "first_date"),
                ("last_date", "last_date"),
            )
        }
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
                **lineage,
            }
        )
    return rows


def overview(quality: dict, all_counts: pd.DataFrame, settings: TrendSettings, freq: str) -> dict:
    """Corpus size, coverage and data-quality notes, from a summary's ``quality`` and counts."""
    totals = all_counts.groupby("period", sort=True)["total"].first() if len(all_counts) else None
    n_periods = 0 if totals is None else len(totals)
    thin = (
        []
        if totals is None
        else [period_label(p, freq) for p, t in totals.items() if t < settings.min_period_total]
    )
    duplicates, undated = quality["duplicates"], quality["undated"]
    kinds, provenance = quality["duplicate_kinds"], quality["provenance"]
    notes = []
    if duplicates:
        detail = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
        notes.append(
            f"{_n(duplicates, 'duplicate release')} merged into their group and counted once"
            + (f" ({detail})." if detail else ".")
        )
    if undated:
        notes.append(f"{_n(undated, 'release')} without a date: left out of every trend.")
    if provenance.get("inferred"):
        notes.append(
            f"{_n(provenance['inferred'], 'date')} inferred from the text rather than given."
        )
    if thin:
        notes.append(
            f"{len(thin)} of {n_periods} periods hold fewer than {settings.min_period_total} "
            "releases: they are drawn but not used in trend tests."
        )
    first, last = quality["first_date"], quality["last_date"]
    return {
        "rows": quality["rows"],
        "releases": quality["releases"],
        "duplicates": duplicates,
        "duplicate_kinds": kinds,
        "dated": quality["releases"] - undated,
        "undated": undated,
        "provenance": provenance,
        "first_date": None if first is None else str(first.date()),
        "last_date": None if last is None else str(last.date()),
        "periods": n_periods,
        "thin_periods": thin,
        "sources": len(quality["sources"]),
        "categories": len(quality["categories"]),
        "notes": notes,
    }


def _n(count: int, noun: str) -> str:
    """``1 release``, ``2 releases``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
