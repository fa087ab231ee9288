"""The highest-scoring releases per series (and period): top-k tables that merge across batches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def top_documents(
    scores: pd.DataFrame,
    eligible: pd.DataFrame,
    keys: pd.Series | None = None,
    k: int = 5,
    tiebreak: np.ndarray | None = None,
) -> pd.DataFrame:
    """The ``k`` highest-scoring eligible documents per series (and per key, e.g. period).

    Parameters
    ----------
    scores : DataFrame of shape (n_docs, n_series)
        Scores (e.g. calibrated theme probabilities).
    eligible : DataFrame of shape (n_docs, n_series), bool
        Which (document, series) pairs may be chosen (e.g. the theme decision, duplicates off).
    keys : Series of shape (n_docs,), optional
        Grouping within each series (e.g. the period); missing keys are left out.
    k : int
    tiebreak : ndarray of shape (n_docs,), optional
        Equal scores go to the smallest value first (release ids: then the top-k of batches
        merged is the top-k of the whole), then to the earliest position.

    Returns
    -------
    DataFrame with columns ``series``, ``key`` (when ``keys`` given), ``row`` (0-based position
    in ``scores``) and ``score``; highest score first. Top-k tables of
    batches merge by concatenating and applying the same selection again.
    """
    import pandas as pd

    values = scores.to_numpy(dtype=float)
    mask = eligible.to_numpy(dtype=bool) & np.isfinite(values)
    rows, cols = np.nonzero(mask)
    frame = pd.DataFrame(
        {
            "series": np.asarray([str(c) for c in scores.columns], dtype=object)[cols],
            "_col": cols,
            "row": rows,
            "score": values[rows, cols],
        }
    )
    if tiebreak is not None:
        frame["_tie"] = np.asarray(tiebreak, dtype=object)[rows]
    by = ["_col"]
    if keys is not None:
        key_values = pd.Series(keys).reset_index(drop=True)
        frame["key"] = key_values.to_numpy()[rows]
        frame = frame[frame["key"].notna()]
        by.append("key")
    ties = ["row"] if tiebreak is None else ["_tie", "row"]
    ascending = [True] * len(by) + [False] + [True] * len(ties)
    frame = frame.sort_values([*by, "score", *ties], ascending=ascending)
    frame = frame.groupby(by, sort=False).head(k)
    cols_out = ["series", "key", "row", "score"] if keys is not None else ["series", "row", "score"]
    return frame[cols_out].reset_index(drop=True)
