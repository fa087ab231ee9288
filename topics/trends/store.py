"""A :class:`TrendSummary` as one JSON file, to ship batch summaries between machines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from topics.trends.records import clean
from topics.trends.summary import TrendSummary

if TYPE_CHECKING:
    import pandas as pd

# --- saving ----------------------------------------------------------------------------------

SUMMARY_FILE = "summary.json"
SUMMARY_FORMAT = "topics.trend_summary"
#: 2: the common header; report metadata (title, metrics) no longer travels with the counts.
SUMMARY_SCHEMA = 2
_PERIOD_TABLES = ("all_counts", "theme_counts", "topic_counts")
_TABLES = (*_PERIOD_TABLES, "category_counts", "term_counts", "top_overall", "top_period")


def _table_to_json(frame: pd.DataFrame) -> dict:
    values = {}
    for column in frame.columns:
        if column in ("period", "key"):
            values[column] = [None if clean(v) is None else str(v) for v in frame[column]]
        else:
            values[column] = [clean(v) for v in frame[column].tolist()]
    return {"columns": [str(c) for c in frame.columns], "values": values}


_LINEAGE_COLUMNS = ("status", "born", "first_date", "last_date")


def _plain(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _table_from_json(data: dict, freq: str) -> pd.DataFrame:
    import pandas as pd

    from topics.trends.counts import FREQS

    values = data["values"]
    frame = pd.DataFrame({k: values[k] for k in data["columns"]})
    if "period" in frame.columns:
        frame["period"] = pd.PeriodIndex(list(frame["period"]), freq=FREQS[freq])
    if "key" in frame.columns:
        frame["key"] = [pd.Period(k, freq=FREQS[freq]) for k in frame["key"]]
    for column in ("count", "total"):
        if column in frame.columns:
            frame[column] = frame[column].astype(np.int64)
    if "score" in frame.columns:
        frame["score"] = frame["score"].astype(float)
    return frame


def save_summary(summary: TrendSummary, directory: Path) -> None:
    """Write a summary as one JSON file into an existing directory (to ship it between machines).

    Parameters
    ----------
    summary : TrendSummary
    directory : Path
        Existing directory; ``summary.json`` is written into it.
    """
    import json

    quality = dict(summary.quality)
    for key in ("first_date", "last_date"):
        quality[key] = None if quality[key] is None else quality[key].isoformat()
    info = summary.topic_info
    data = {
        "format": SUMMARY_FORMAT,  # the header of every saved component (topics._io)
        "schema_version": SUMMARY_SCHEMA,
        "freq": summary.freq,
        "theme_ids": summary.theme_ids,
        "theme_names": summary.theme_names,
        "topic_info": {
            "topic": [int(v) for v in info["topic"]],
            "label": [str(v) for v in info["label"]],
            "size": [int(v) for v in info["size"]],
            "terms": [[str(t) for t in v] for v in info["terms"]],
            **{  # the lineage of an updated model's topics (topics.lineage), when present
                key: [_plain(v) for v in info[key]]
                for key in _LINEAGE_COLUMNS
                if key in info.columns
            },
        },
        "quality": quality,
        "tables": {name: _table_to_json(getattr(summary, name)) for name in _TABLES},
    }
    if summary.topic_top_period is not None:
        data["tables"]["topic_top_period"] = _table_to_json(summary.topic_top_period)
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # key order kept: it is shown
    (Path(directory) / SUMMARY_FILE).write_text(text + "\n", "utf-8")


def load_summary(directory: Path) -> TrendSummary:
    """Read a summary written by :func:`save_summary`.

    Raises
    ------
    ModelFormatError
        If the file is missing, damaged or of an unknown schema version.
    """
    import pandas as pd

    from topics._io import read_versioned
    from topics.errors import ModelFormatError

    path = Path(directory) / SUMMARY_FILE
    data = read_versioned(path, SUMMARY_FORMAT, SUMMARY_SCHEMA, "trend summary")
    try:
        freq = data["freq"]
        quality = dict(data["quality"])
        for key in ("first_date", "last_date"):
            quality[key] = None if quality[key] is None else pd.Timestamp(quality[key])
        tables = {name: _table_from_json(data["tables"][name], freq) for name in _TABLES}
        if "topic_top_period" in data["tables"]:
            tables["topic_top_period"] = _table_from_json(data["tables"]["topic_top_period"], freq)
        return TrendSummary(
            freq=freq,
            theme_ids=list(data["theme_ids"]),
            theme_names=dict(data["theme_names"]),
            topic_info=pd.DataFrame(data["topic_info"]),
            quality=quality,
            **tables,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFormatError(
            f"{path}: incomplete or damaged summary ({type(exc).__name__}: {exc})",
            "write the summary again",
        ) from exc
