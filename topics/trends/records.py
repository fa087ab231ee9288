"""Plain JSON-able values and records of the trend tables (no pandas objects leave here)."""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

SNIPPET_CHARS = 280

#: Fields of one trend-test record, in the order of the JSON table.
TREND_FIELDS = (
    "status", "periods", "count", "total", "share", "odds_ratio", "or_lower", "or_upper",
    "p_value", "q_value", "start_share", "end_share",
)  # fmt: skip


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


def trend_record(row: dict, names: dict[str, str]) -> dict:
    """One row of :func:`topics.trends.trend_tests` (or of a ranking) as plain values."""
    record = {k: clean(row.get(k)) for k in TREND_FIELDS}
    record["series"] = str(row["series"])
    record["name"] = names.get(str(row["series"]), str(row["series"]))
    for k in ("recent_share", "earlier_share", "change"):
        if k in row:
            record[k] = clean(row[k])
    return record


def change_records(changes: pd.DataFrame, names: dict[str, str], freq: str) -> list[dict]:
    """The rows of :func:`topics.trends.change_points` as plain records."""
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


def period_rows(shares: pd.DataFrame, freq: str) -> dict[str, list[dict]]:
    """Shares with intervals per series, one plain record per period."""
    out: dict[str, list[dict]] = {}
    for series, part in shares.groupby("series", sort=False):
        rows = out[str(series)] = [
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
        if "share_raw" in part.columns:  # corrected for the tagger's errors
            for row, raw, low, high, done in zip(
                rows,
                part["share_raw"],
                part["raw_lower"],
                part["raw_upper"],
                part["corrected"],
                strict=True,
            ):
                row.update(
                    share_raw=clean(raw),
                    raw_lower=clean(low),
                    raw_upper=clean(high),
                    corrected=bool(done),
                )
    return out
