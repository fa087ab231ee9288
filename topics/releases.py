"""The releases a model was trained on, kept with it so that it can be updated: ``releases/``.

One row per training release, in training order (the order of the topic model's ``labels_``):
``id``, ``date``, ``title``, ``text`` (the text the models saw), ``sender`` (what the topic
model took for its sender), one float column ``gold:<theme>`` per theme (the gold code the
theme tagger was given: 1, 0, or NaN where the release was not coded), one ``label:<column>``
column per label classifier (its training label, JSON-encoded) and one ``context:<column>``
column per context column of the label classifiers. Written as Parquet (zstd) with a JSON
header; nothing in it runs code on load. The topic model's embeddings of these releases are
kept beside the table (``embeddings.npz``, float32), so that an update need not embed them
again; and what the model predicts for each of them (``tags.npz``, see :data:`TAG_ARRAYS`), so
that a report on the corpus a model was trained on need not tag it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from topics._io import load_arrays, read_versioned, save_arrays, write_versioned
from topics.errors import ModelFormatError

if TYPE_CHECKING:
    import pandas as pd

FORMAT = "topics.releases"
SCHEMA_VERSION = 1
GOLD_PREFIX = "gold:"
LABEL_PREFIX = "label:"
CONTEXT_PREFIX = "context:"
#: The arrays of ``Releases.tags``: ``Model._tag``'s answer for each training release (theme
#: decisions and probabilities, topic number before stable ids, unknown).
TAG_ARRAYS = ("decided", "proba", "topic_number", "unknown")


@dataclass(frozen=True)
class Releases:
    """A model's training releases: the table, their embeddings and their tags (or None)."""

    table: pd.DataFrame
    embeddings: np.ndarray | None = None
    tags: dict[str, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.table)

    @cached_property
    def text_rows(self) -> dict[bytes, int]:
        """Digest of each release's text → its row (computed once)."""
        return {_digest(t): i for i, t in enumerate(self.table["text"])}


def release_table(
    ids: Sequence[str],
    dates: pd.Series,
    titles: Sequence[Any],
    texts: Sequence[str],
    gold: pd.DataFrame,
    senders: Sequence[Any] | None = None,
    labels: dict[str, Sequence[Any]] | None = None,
    context: dict[str, Sequence[Any]] | None = None,
    embeddings: np.ndarray | None = None,
) -> Releases:
    """Build the table (see the module docstring).

    ``gold`` has one float column per theme (1 / 0 / NaN), one row per release, in order.
    """
    import pandas as pd

    frame = pd.DataFrame(
        {
            "id": [str(i) for i in ids],
            "date": pd.to_datetime(pd.Series(list(dates)), errors="coerce").to_numpy(),
            "title": [t if isinstance(t, str) else "" for t in titles],
            "text": [str(t) for t in texts],
            "sender": ["" if s is None else str(s) for s in senders or [None] * len(ids)],
        }
    )
    for theme in gold.columns:
        frame[f"{GOLD_PREFIX}{theme}"] = gold[theme].to_numpy(dtype=float)
    for column, values in (labels or {}).items():
        encoded = [json.dumps(_plain(v), ensure_ascii=False) for v in values]
        frame[f"{LABEL_PREFIX}{column}"] = encoded
    for column, values in (context or {}).items():
        frame[f"{CONTEXT_PREFIX}{column}"] = ["" if v is None else str(v) for v in values]
    return Releases(frame, None if embeddings is None else np.asarray(embeddings, np.float32))


def training_rows(releases: Releases | None, texts: Sequence[str]) -> np.ndarray | None:
    """Row of each text among the training releases (``-1``: not one of them), or ``None``
    when there are no stored tags. Texts are matched exactly (by a 128-bit digest)."""
    if releases is None or releases.tags is None:
        return None
    rows = releases.text_rows
    return np.fromiter((rows.get(_digest(t), -1) for t in texts), np.int64, len(texts))


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def gold_of(table: pd.DataFrame) -> pd.DataFrame:
    """The gold codes of a release table (1 / 0 / NaN), indexed by release id, theme columns."""
    cols = [c for c in table.columns if c.startswith(GOLD_PREFIX)]
    out = table[cols].astype(float)
    out.columns = [c[len(GOLD_PREFIX) :] for c in cols]
    out.index = table["id"].to_numpy()
    return out


def labels_of(table: pd.DataFrame, column: str) -> list[Any] | None:
    """The training labels of one label column, or None when the table has none."""
    name = f"{LABEL_PREFIX}{column}"
    if name not in table.columns:
        return None
    return [json.loads(v) for v in table[name]]


def context_of(table: pd.DataFrame, column: str) -> list[str] | None:
    """The texts of one context column, or None when the table has none."""
    name = f"{CONTEXT_PREFIX}{column}"
    return None if name not in table.columns else table[name].tolist()


def save_releases(releases: Releases, directory: Path) -> None:
    """Write ``releases.parquet``, ``embeddings.npz`` and the header ``releases.json``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(directory)
    table, embeddings = releases.table, releases.embeddings
    if embeddings is not None:
        save_arrays(directory / "embeddings.npz", embeddings=embeddings)
    if releases.tags is not None:
        save_arrays(directory / "tags.npz", **releases.tags)
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow, directory / "releases.parquet", compression="zstd")
    write_versioned(
        directory / "releases.json",
        FORMAT,
        SCHEMA_VERSION,
        {
            "rows": len(table),
            "columns": [str(c) for c in table.columns],
        },
    )


def load_releases(directory: Path) -> Releases:
    """Read a table written by :func:`save_releases` (checked against its header)."""
    import pyarrow.parquet as pq

    directory = Path(directory)
    meta = read_versioned(directory / "releases.json", FORMAT, SCHEMA_VERSION, "release table")
    try:
        # Plain columns only: the pandas metadata (which could name extension types) is ignored.
        table = pq.read_table(directory / "releases.parquet").to_pandas(ignore_metadata=True)
    except (OSError, ValueError) as exc:
        raise ModelFormatError(
            f"{directory / 'releases.parquet'}: unreadable ({exc})", "re-train the model"
        ) from exc
    if len(table) != meta.get("rows") or list(table.columns) != meta.get("columns"):
        raise ModelFormatError(
            f"{directory}: the release table does not match its header", "re-train the model"
        )
    embeddings = None
    if (directory / "embeddings.npz").is_file():
        embeddings = load_arrays(directory / "embeddings.npz")["embeddings"]
        if len(embeddings) != len(table):
            raise ModelFormatError(
                f"{directory / 'embeddings.npz'}: {len(embeddings)} rows for {len(table)} releases",
                "re-train the model",
            )
    tags = None
    if (directory / "tags.npz").is_file():
        tags = load_arrays(directory / "tags.npz")
        if sorted(tags) != sorted(TAG_ARRAYS) or any(len(v) != len(table) for v in tags.values()):
            raise ModelFormatError(
                f"{directory / 'tags.npz'}: not the tags of {len(table)} releases",
                "re-train the model",
            )
    return Releases(table, embeddings, tags)


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    import pandas as pd

    if hasattr(value, "item"):
        return value.item()
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return value
