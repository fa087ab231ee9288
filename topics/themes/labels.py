"""Gold theme labels from a labels file: document id or title → theme ids.

Accepted formats
----------------
CSV (``.csv``; ``.tsv`` tab-separated), one row per document or per (document, theme) pair::

    id,themes                                title,themes
    2decc903cdb5e9eb,economic_security;semiconductors
                                             "Korea and Mongolia bolster ...",critical_minerals

``themes`` holds theme ids separated by ``;`` or ``|``; an empty cell means "none of the
themes" (a gold negative) and ``?`` means "not coded yet" (the row is skipped and counted).
Rows for the same document are merged.

Two optional columns come from a coded sample (``topics label`` writes both):

- ``unsure``: the coder was not sure — ``yes`` (the whole release) or theme ids separated by
  ``;``. Those codes are missing rather than negative: they are left out of every score.
- ``weight``: the release's sampling weight (1 / its inclusion probability in the sample), so
  that error rates measured on an unequal-probability sample stand for the whole corpus.

JSON (``.json``): an object ``{"<id or title>": ["theme", ...], ...}`` or a list of objects
``[{"id": ..., "themes": [...], "unsure": [...], "weight": 2.5}, {"title": ..., ...}]``.

A key is looked up as a document id first, then as a title (case and spacing ignored); a title
shared by several documents labels all of them.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.errors import ThemeError

if TYPE_CHECKING:
    import pandas as pd

_SPLIT = re.compile(r"[;|]")
_MAX_REPORTED = 5
#: A ``themes`` cell holding this means "not coded yet".
UNCODED = "?"
_ALL = {"yes", "y", "true", "1", "*", "all"}
_NONE = {"", "no", "n", "false", "0"}


@dataclass(frozen=True)
class GoldLabels:
    """Hand-coded theme labels aligned with a corpus, unsure codes and sampling weights kept.

    Attributes
    ----------
    codes : DataFrame of float, shape (n_coded, n_themes)
        1.0 (carries the theme), 0.0 (does not) or NaN (coded "unsure"), indexed by document id
        in corpus order; columns are theme ids.
    weights : Series of float, shape (n_coded,)
        Sampling weight of each coded release (1.0 when the file gives none).
    uncoded : int
        Rows of the file marked ``?`` (not coded yet), skipped.
    path : Path
    """

    codes: pd.DataFrame
    weights: pd.Series
    uncoded: int
    path: Path

    def sure(self) -> pd.DataFrame:
        """The releases without any unsure code, as bool (what training takes)."""
        keep = self.codes.notna().all(axis=1)
        return self.codes[keep].astype(bool)

    @property
    def weighted(self) -> bool:
        """Whether the file gave sampling weights that are not all equal."""
        return bool(len(self.weights) and self.weights.nunique() > 1)


def read_labels_file(
    path: str | Path,
    corpus_frame: pd.DataFrame,
    theme_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read gold theme labels and align them with a corpus.

    Releases with an "unsure" code are left out of this bool view; :func:`read_labels` keeps
    them (as missing codes) along with the sampling weights.

    Parameters
    ----------
    path : str or Path
        CSV, TSV or JSON labels file (see the module docstring).
    corpus_frame : DataFrame
        The corpus table (needs the ``id`` and ``title`` columns of :mod:`topics.corpus.schema`).
    theme_ids : sequence of str, optional
        Known theme ids (e.g. ``taxonomy.ids``); other ids are errors. When omitted, every id
        in the file is accepted.

    Returns
    -------
    DataFrame of bool, shape (n_labelled_documents, n_themes)
        Indexed by document id; columns are ``theme_ids`` (or the ids found, sorted).

    Raises
    ------
    ThemeError
        Unreadable file, missing columns, unknown document ids or titles, unknown theme ids;
        the message names the file and the line or entry.
    """
    return read_labels(path, corpus_frame, theme_ids).sure()


def read_labels(
    path: str | Path,
    corpus_frame: pd.DataFrame,
    theme_ids: Sequence[str] | None = None,
) -> GoldLabels:
    """Read a labels file with its unsure codes and sampling weights (see the module docstring).

    Parameters and errors as :func:`read_labels_file`; a weight that is not a positive number
    is an error too.

    Returns
    -------
    GoldLabels
    """
    import numpy as np
    import pandas as pd

    from topics.corpus import schema

    path = Path(path)
    entries = _read_entries(path)
    ids = corpus_frame[schema.ID].astype(str).tolist()
    id_set = set(ids)
    by_title: dict[str, list[str]] = {}
    for doc_id, title in zip(ids, corpus_frame[schema.TITLE], strict=True):
        if isinstance(title, str) and title.strip():
            by_title.setdefault(_title_key(title), []).append(doc_id)
    known = None if theme_ids is None else list(theme_ids)

    labelled: dict[str, set[str]] = {}
    unsure: dict[str, set[str] | bool] = {}
    weights: dict[str, float] = {}
    problems: list[str] = []
    uncoded = 0
    for entry in entries:
        if entry.themes is None:
            uncoded += 1
            continue
        key, kind, where = entry.key, entry.kind, entry.where
        if kind in ("id", "any") and key in id_set:
            docs = [key]
        elif kind in ("title", "any") and _title_key(key) in by_title:
            docs = by_title[_title_key(key)]
        else:
            what = {"id": "document id", "title": "document titled", "any": "document id or title"}
            problems.append(f"{where}: no {what[kind]} {key!r} in the corpus")
            continue
        named = entry.themes + (sorted(entry.unsure) if isinstance(entry.unsure, set) else [])
        bad = [t for t in named if known is not None and t not in known]
        if bad:
            problems.append(f"{where}: unknown theme id(s) {', '.join(map(repr, bad))}")
            continue
        if entry.weight is not None and not (np.isfinite(entry.weight) and entry.weight > 0):
            problems.append(f"{where}: weight must be a positive number, got {entry.weight!r}")
            continue
        for doc in docs:
            labelled.setdefault(doc, set()).update(entry.themes)
            if entry.unsure is True or unsure.get(doc) is True:
                unsure[doc] = True
            elif entry.unsure:
                unsure.setdefault(doc, set()).update(entry.unsure)  # type: ignore[union-attr]
            if entry.weight is not None:
                weights[doc] = float(entry.weight)
    if problems:
        shown = "; ".join(problems[:_MAX_REPORTED])
        more = (
            f" (and {len(problems) - _MAX_REPORTED} more)" if len(problems) > _MAX_REPORTED else ""
        )
        hint = "check the ids and titles against `topics ingest` output"
        if known is not None:
            hint += f"; known themes: {', '.join(known)}"
        raise ThemeError(f"{path}: {shown}{more}", hint)
    if known is not None:
        columns = known
    else:
        found = set().union(*labelled.values(), *(u for u in unsure.values() if u is not True))
        columns = sorted(found)
    order = [doc for doc in ids if doc in labelled]
    data = np.array(
        [[float(theme in labelled[doc]) for theme in columns] for doc in order], dtype=float
    ).reshape(len(order), len(columns))
    for i, doc in enumerate(order):
        flag = unsure.get(doc)
        if flag is True:
            data[i, :] = np.nan
        elif flag:
            data[i, [j for j, t in enumerate(columns) if t in flag]] = np.nan
    index = pd.Index(order, name=schema.ID)
    return GoldLabels(
        codes=pd.DataFrame(data, index=index, columns=list(columns)),
        weights=pd.Series([weights.get(doc, 1.0) for doc in order], index=index, dtype=float),
        uncoded=uncoded,
        path=path,
    )


def gold_from_column(
    corpus_frame: pd.DataFrame, column: str, theme_ids: Sequence[str]
) -> pd.DataFrame:
    """Gold theme labels from a corpus column holding theme ids (a list, or ``;``-separated).

    Rows whose cell is empty or missing are not gold-labelled (they get weak labels).

    Parameters
    ----------
    corpus_frame : DataFrame
        The corpus table (needs the ``id`` column and ``column``).
    column : str
        E.g. ``"labels"``.
    theme_ids : sequence of str
        Known theme ids; any other value is an error.

    Returns
    -------
    DataFrame of bool, shape (n_labelled_documents, n_themes)
        Indexed by document id, columns ``theme_ids``.

    Raises
    ------
    ThemeError
        Unknown column or theme ids (naming the document).
    """
    import pandas as pd

    from topics.corpus import schema

    if column not in corpus_frame.columns:
        raise ThemeError(
            f"the corpus has no column {column!r}",
            f"columns: {', '.join(map(str, corpus_frame.columns))}",
        )
    known = list(theme_ids)
    rows, index, problems = [], [], []
    for doc_id, value in zip(
        corpus_frame[schema.ID].astype(str), corpus_frame[column], strict=True
    ):
        if isinstance(value, str):
            themes = _themes_of(value, f"document {doc_id}")
        elif value is None or (not hasattr(value, "__len__") and pd.isna(value)):
            themes = []
        else:
            themes = [str(t).strip() for t in value if str(t).strip()]
        if not themes:
            continue
        bad = [t for t in themes if t not in known]
        if bad:
            problems.append(f"document {doc_id}: unknown theme id(s) {', '.join(map(repr, bad))}")
            continue
        index.append(doc_id)
        rows.append([t in themes for t in known])
    if problems:
        raise ThemeError(
            f"column {column!r}: {'; '.join(problems[:_MAX_REPORTED])}"
            + (
                f" (and {len(problems) - _MAX_REPORTED} more)"
                if len(problems) > _MAX_REPORTED
                else ""
            ),
            f"known themes: {', '.join(known)}",
        )
    return pd.DataFrame(rows, index=pd.Index(index, name=schema.ID), columns=known, dtype=bool)


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass(frozen=True)
class _Entry:
    where: str
    key: str
    kind: str  # "id", "title" or "any"
    themes: list[str] | None  # None: not coded yet
    unsure: set[str] | bool = False
    weight: float | None = None


def _themes_of(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in _SPLIT.split(value) if t.strip()]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return [t.strip() for t in value if t.strip()]
    raise ThemeError(f"{where}: themes must be a list of ids or a ';'-separated string")


def _unsure_of(value: Any, where: str) -> set[str] | bool:
    if value is None or value is False:
        return False
    if value is True or (isinstance(value, str) and value.strip().lower() in _ALL):
        return True
    if isinstance(value, str) and value.strip().lower() in _NONE:
        return False
    return set(_themes_of(value, f"{where}: unsure"))


def _weight_of(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ThemeError(f"{where}: weight must be a number, got {value!r}") from None


def _coded(themes: Any) -> bool:
    return not (isinstance(themes, str) and themes.strip() == UNCODED)


def _read_entries(path: Path) -> list[_Entry]:
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError as exc:
        raise ThemeError(f"{path}: file not found", "check the --labels path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: cannot read as UTF-8 text ({exc})") from exc
    if path.suffix.lower() == ".json":
        return _json_entries(path, text)
    return _csv_entries(path, text, "\t" if path.suffix.lower() == ".tsv" else ",")


def _csv_entries(path: Path, text: str, delimiter: str) -> list[_Entry]:
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    theme_col = "themes" if "themes" in fields else "theme" if "theme" in fields else None
    key_cols = [c for c in ("id", "title") if c in fields]
    if theme_col is None or not key_cols:
        raise ThemeError(
            f"{path}: expected a header with an `id` or `title` column and a `themes` column, "
            f"found {', '.join(fields) or 'no header'}",
            "e.g. `id,themes` then `2decc903cdb5e9eb,economic_security;semiconductors`",
        )
    entries = []
    for line, row in enumerate(reader, start=2):
        where = f"line {line}"
        doc_id = (row.get("id") or "").strip()
        title = (row.get("title") or "").strip()
        if not doc_id and not title:
            raise ThemeError(f"{path}: {where}: no document id or title")
        key, kind = (doc_id, "id") if doc_id else (title, "title")
        value = row.get(theme_col) or ""
        themes = _themes_of(value, f"{path}: {where}") if _coded(value) else None
        entries.append(
            _Entry(
                where,
                key,
                kind,
                themes,
                _unsure_of(row.get("unsure"), f"{path}: {where}"),
                _weight_of(row.get("weight"), f"{path}: {where}"),
            )
        )
    return entries


def _json_entries(path: Path, text: str) -> list[_Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ThemeError(f"{path}: invalid JSON ({exc})") from exc
    if isinstance(data, dict):
        return [
            _Entry(f"entry {key!r}", str(key), "any", _themes_of(value, f"{path}: entry {key!r}"))
            for key, value in data.items()
        ]
    if not isinstance(data, list):
        raise ThemeError(f"{path}: expected an object or a list of objects")
    entries = []
    for number, item in enumerate(data, start=1):
        where = f"entry {number}"
        if not isinstance(item, dict) or not ({"id", "title"} & set(item)):
            raise ThemeError(f'{path}: {where}: expected an object with "id" or "title"')
        key, kind = (str(item["id"]), "id") if "id" in item else (str(item["title"]), "title")
        value = item.get("themes", item.get("theme"))
        themes = _themes_of(value, f"{path}: {where}") if _coded(value) else None
        unsure = _unsure_of(item.get("unsure"), f"{path}: {where}")
        entries.append(
            _Entry(where, key, kind, themes, unsure, _weight_of(item.get("weight"), where))
        )
    return entries
