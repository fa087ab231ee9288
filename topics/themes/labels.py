"""Gold theme labels from a labels file: document id or title → theme ids.

Accepted formats
----------------
CSV (``.csv``; ``.tsv`` tab-separated), one row per document or per (document, theme) pair::

    id,themes                                title,themes
    2decc903cdb5e9eb,economic_security;semiconductors
                                             "Korea and Mongolia bolster ...",critical_minerals

``themes`` holds theme ids separated by ``;`` or ``|``; an empty cell means "none of the
themes" (a gold negative). Rows for the same document are merged.

JSON (``.json``): an object ``{"<id or title>": ["theme", ...], ...}`` or a list of objects
``[{"id": ..., "themes": [...]}, {"title": ..., "themes": [...]}]``.

A key is looked up as a document id first, then as a title (case and spacing ignored); a title
shared by several documents labels all of them.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.errors import ThemeError

if TYPE_CHECKING:
    import pandas as pd

_SPLIT = re.compile(r"[;|]")
_MAX_REPORTED = 5


def read_labels_file(
    path: str | Path,
    corpus_frame: pd.DataFrame,
    theme_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read gold theme labels and align them with a corpus.

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
    problems: list[str] = []
    for where, key, kind, themes in entries:
        if kind in ("id", "any") and key in id_set:
            docs = [key]
        elif kind in ("title", "any") and _title_key(key) in by_title:
            docs = by_title[_title_key(key)]
        else:
            what = {"id": "document id", "title": "document titled", "any": "document id or title"}
            problems.append(f"{where}: no {what[kind]} {key!r} in the corpus")
            continue
        bad = [t for t in themes if known is not None and t not in known]
        if bad:
            problems.append(f"{where}: unknown theme id(s) {', '.join(map(repr, bad))}")
            continue
        for doc in docs:
            labelled.setdefault(doc, set()).update(themes)
    if problems:
        shown = "; ".join(problems[:_MAX_REPORTED])
        more = (
            f" (and {len(problems) - _MAX_REPORTED} more)" if len(problems) > _MAX_REPORTED else ""
        )
        hint = "check the ids and titles against `topics ingest` output"
        if known is not None:
            hint += f"; known themes: {', '.join(known)}"
        raise ThemeError(f"{path}: {shown}{more}", hint)
    columns = known if known is not None else sorted(set().union(*labelled.values()))
    order = [doc for doc in ids if doc in labelled]
    data = [[theme in labelled[doc] for theme in columns] for doc in order]
    return pd.DataFrame(
        data, index=pd.Index(order, name=schema.ID), columns=list(columns), dtype=bool
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


def _themes_of(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in _SPLIT.split(value) if t.strip()]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return [t.strip() for t in value if t.strip()]
    raise ThemeError(f"{where}: themes must be a list of ids or a ';'-separated string")


def _read_entries(path: Path) -> list[tuple[str, str, str, list[str]]]:
    """(where, key, key kind, theme ids) per entry; kind is "id", "title" or "any"."""
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError as exc:
        raise ThemeError(f"{path}: file not found", "check the --labels path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: cannot read as UTF-8 text ({exc})") from exc
    if path.suffix.lower() == ".json":
        return _json_entries(path, text)
    return _csv_entries(path, text, "\t" if path.suffix.lower() == ".tsv" else ",")


def _csv_entries(path: Path, text: str, delimiter: str) -> list[tuple[str, str, str, list[str]]]:
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
        entries.append((where, key, kind, _themes_of(row.get(theme_col) or "", f"{path}: {where}")))
    return entries


def _json_entries(path: Path, text: str) -> list[tuple[str, str, str, list[str]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ThemeError(f"{path}: invalid JSON ({exc})") from exc
    if isinstance(data, dict):
        return [
            (f"entry {key!r}", str(key), "any", _themes_of(value, f"{path}: entry {key!r}"))
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
        themes = _themes_of(item.get("themes", item.get("theme")), f"{path}: {where}")
        entries.append((where, key, kind, themes))
    return entries
