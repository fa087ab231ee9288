"""Helpers of :mod:`topics.report.context`: plain values, overview, metrics, terms."""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from topics.trends import TrendSettings

SNIPPET_CHARS = 280


def clean(value: Any) -> Any:
    """A JSON-able Python value: numpy scalars unwrapped, NaN/NA/NaT -> None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        if value != value:  # pandas NA raises, NaT compares unequal
            return None
    except TypeError:
        return None
    return value


def snippet(text: Any, limit: int) -> str:
    """The first ``limit`` characters of a text, cut at a word boundary."""
    text = clean(text)
    if not text:
        return ""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def period_label(period: Any, freq: str) -> str:
    """``2024 Q1``, ``2024-03`` or ``2024``."""
    if freq == "quarter":
        return f"{period.year} Q{period.quarter}"
    if freq == "month":
        return f"{period.year}-{period.month:02d}"
    return str(period.year)


def period_start(period: Any) -> str:
    """First day of the period, ISO format."""
    return period.start_time.strftime("%Y-%m-%d")


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


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _display(value: Any) -> Any:
    if _is_scalar(value):
        return clean(value)
    if isinstance(value, (list, tuple)) and all(_is_scalar(v) for v in value):
        return ", ".join(str(clean(v)) for v in value)
    return str(value)


def _flatten(prefix: str, value: Any, rows: list) -> None:
    if isinstance(value, dict):
        for k in value:
            _flatten(f"{prefix} / {k}" if prefix else str(k), value[k], rows)
    else:
        rows.append([prefix, _display(value)])


def info_rows(info: dict) -> list[list]:
    """A nested dict as ``[key path, value]`` rows (``a / b`` for nested keys)."""
    rows: list = []
    _flatten("", info or {}, rows)
    return rows


def metric_sections(metrics: dict) -> list[dict]:
    """Turn a nested metrics dict into display sections, whatever its shape.

    Scalars at the top level form a "Summary" key/value section; a dict whose values are dicts of
    scalars becomes a table (rows: outer keys, columns: inner keys); any other dict is flattened
    into key/value rows with ``a / b`` paths.

    Returns
    -------
    list of dict
        ``{"title", "kind": "kv", "rows": [[key, value]]}`` or ``{"title", "kind": "table",
        "columns": [...], "rows": [[row key, value, ...]]}``.
    """
    sections: list[dict] = []
    summary: list = []
    for key, value in (metrics or {}).items():
        if not isinstance(value, dict):
            summary.append([str(key), _display(value)])
            continue
        scalars = {k: v for k, v in value.items() if not isinstance(v, dict)}
        nested = {k: v for k, v in value.items() if isinstance(v, dict)}
        if scalars or not nested:
            rows: list = []
            _flatten("", scalars, rows)
            sections.append({"title": str(key), "kind": "kv", "rows": rows})
        for sub, inner in nested.items():
            title = f"{key} / {sub}"
            if (
                inner
                and all(isinstance(v, dict) for v in inner.values())
                and all(all(_is_scalar(x) for x in v.values()) for v in inner.values())
            ):
                columns = list(dict.fromkeys(c for v in inner.values() for c in v))
                table = [[str(r)] + [_display(v.get(c)) for c in columns] for r, v in inner.items()]
                sections.append(
                    {"title": title, "kind": "table", "columns": columns, "rows": table}
                )
            else:
                rows = []
                _flatten("", inner, rows)
                sections.append({"title": title, "kind": "kv", "rows": rows})
    if summary:
        sections.insert(0, {"title": "Summary", "kind": "kv", "rows": summary})
    return sections


def distinguishing_terms(
    counts: pd.DataFrame, freq: str, top: int
) -> tuple[dict[str, list[dict]], list[dict]]:
    """Weighted log-odds terms per theme (vs all releases) and per period (vs all dated ones).

    Parameters
    ----------
    counts : DataFrame
        Term counts (``group, term, count``) with groups ``theme:<id>``, ``period:<period>``,
        ``all`` and ``dated``, as in :class:`topics.report.summary.ReportSummary`.

    Returns
    -------
    by_theme : dict of theme id to list of ``{"term", "count", "z"}``
    by_period : list of ``{"label", "terms"}``, most recent period first
    """
    import pandas as pd

    from topics.trends import weighted_log_odds
    from topics.trends.counts import FREQS

    group = counts["group"].astype(str)
    is_theme = group.str.startswith("theme:")
    is_period = group.str.startswith("period:")
    background_all = counts[counts["group"] == "all"].set_index("term")["count"]
    background_dated = counts[counts["group"] == "dated"].set_index("term")["count"]

    def listing(frame: pd.DataFrame) -> dict[str, list[dict]]:
        return {
            str(g): [
                {"term": str(t), "count": int(c), "z": float(z)}
                for t, c, z in zip(part["term"], part["count"], part["z"], strict=True)
            ]
            for g, part in frame.groupby("group", sort=False)
        }

    theme_terms = listing(weighted_log_odds(counts[is_theme], background_all, top=top))
    theme_terms = {k.removeprefix("theme:"): v for k, v in theme_terms.items()}
    period_terms = listing(weighted_log_odds(counts[is_period], background_dated, top=top))
    keys = sorted({g.removeprefix("period:") for g in counts.loc[is_period, "group"]})
    by_period = [
        {
            "label": period_label(pd.Period(key, freq=FREQS[freq]), freq),
            "terms": period_terms.get(f"period:{key}", []),
        }
        for key in reversed(keys)
    ]
    return theme_terms, by_period
