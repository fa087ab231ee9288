"""The hand-coded theme evaluation set: releases of the shared corpora coded by reading.

See README.md beside this file for how it was drawn and coded. :func:`load` joins the releases
(sample.jsonl) with their codes (labels.jsonl).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
THEMES = [
    "economic_security", "critical_minerals", "protectionism", "semiconductors", "supply_chains",
    "trade_agreements", "energy", "batteries_evs", "digital_ai", "investment",
    "export_performance",
]  # fmt: skip


def load(split: str | None = None) -> list[dict]:
    """Coded releases, in ``n`` order.

    Parameters
    ----------
    split : {"dev", "test"}, optional
        Only one half. Tune on "dev" only; "test" is held out.

    Returns
    -------
    list of dict
        ``n, corpus, id, split, stratum, date, title, text`` and ``themes`` (theme id → 1, 0 or
        "unsure"), ``note`` and ``coder``.
    """
    codes = {}
    for line in (HERE / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        codes[row["n"]] = row
    rows = []
    for line in (HERE / "sample.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        coded = codes[row["n"]]
        row.update(themes=coded["themes"], note=coded["note"], coder=coded["coder"])
        if split is None or row["split"] == split:
            rows.append(row)
    return rows
