"""The corpus table: one row per release, the same columns whatever the input format.

Every step downstream (themes, classifiers, topic model, trends, report) reads these columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Stable id derived from the normalised content (16 hex chars); unchanged when files are renamed.
ID = "id"
#: ``datetime64[ns]``; ``NaT`` when no date could be established.
DATE = "date"
#: ``"explicit"`` (a date field or ``dateYYYY-MM-DD`` line), ``"inferred"`` (from the text)
#: or ``"missing"``.
DATE_PROVENANCE = "date_provenance"
TITLE = "title"
#: Body text, cleaned (Unicode NFC, whitespace normalised, web boilerplate and the furniture of
#: Korean press releases removed: see :func:`topics.corpus.clean.split_korean_furniture`).
TEXT = "text"
#: ``"ko"`` or ``"en"``: the language the release is tokenized in (see :mod:`topics.language`).
LANGUAGE = "language"
#: Category from the input when present (e.g. ``"FTA/Economic Cooperation"``), else ``<NA>``.
CATEGORY = "category"
#: Gold labels carried by the input (list of str; empty list when none).
LABELS = "labels"
#: File the record came from, and its 1-based position in that file.
SOURCE = "source"
POSITION = "position"
#: Id of the representative of the record's duplicate group (its own id when it is one).
DUP_GROUP = "dup_group"
#: ``True`` for a record merged into another's group (not counted again in trends).
IS_DUPLICATE = "is_duplicate"
#: ``"exact"`` or ``"near"`` for merged records, ``<NA>`` for representatives.
DUP_KIND = "dup_kind"

COLUMNS = [
    ID,
    DATE,
    DATE_PROVENANCE,
    TITLE,
    TEXT,
    LANGUAGE,
    CATEGORY,
    LABELS,
    SOURCE,
    POSITION,
    DUP_GROUP,
    IS_DUPLICATE,
    DUP_KIND,
]

#: Extra column holding the input's own record id, when it has one (``id`` is always the
#: content id).
SOURCE_ID = "source_id"

#: Extra column: the text models see when corpus-level boilerplate was removed from it
#: (:mod:`topics.corpus.boilerplate`); ``<NA>`` where nothing was removed, and no column at all
#: when nothing was removed anywhere. The stored ``title`` and ``text`` are never changed.
MODEL_TEXT = "model_text"

PROVENANCES = ("explicit", "inferred", "missing")


def document_text(title: str | None, text: str | None) -> str:
    """The text of one release: title and body joined by a blank line.

    The one rule (ids, de-duplication, and through :func:`model_texts` training, prediction and
    report terms): a missing part (``None``, NaN, ``<NA>``, empty) is left out.
    """
    parts = [p for p in (title, text) if isinstance(p, str) and p]
    return "\n\n".join(parts)


def model_texts(frame: pd.DataFrame) -> list[str]:
    """The text models and topic terms see for every row of a corpus frame.

    Title and body (:func:`document_text`), or the row's :data:`MODEL_TEXT` when boilerplate
    was removed from it. Every component that reads a corpus calls this one accessor.
    """
    titles, bodies = frame[TITLE].tolist(), frame[TEXT].tolist()
    if MODEL_TEXT not in frame.columns:
        return [document_text(t, b) for t, b in zip(titles, bodies, strict=True)]
    cleaned = frame[MODEL_TEXT].tolist()
    return [
        c if isinstance(c, str) else document_text(t, b)
        for t, b, c in zip(titles, bodies, cleaned, strict=True)
    ]
