"""Corpus-level boilerplate: the lines and long word runs that recur across many releases.

Press releases carry furniture that no single release reveals but the corpus does: contact
blocks ("Contact: Cody Wertz, 202/228-3630"), sign-offs ("###"), "For more information…",
web navigation ("Site Filter Search"), disclaimers. Left in, they become the strongest terms of
the topics ("wertz", "filter search") and the topics become the senders.

Method (linear time, no pairwise comparison)
--------------------------------------------
Every release (title and body, as the models see it) is cut into *units*, each hashed to 64 bits:

* its non-empty **lines** (lower case, single spaces);
* every run of ``SHINGLE`` (8, :mod:`topics.corpus._recurring`) consecutive **words** (a long
  shingle);
* its first and its last 1 … ``SHINGLE`` words (**edges**: headers and sign-offs shorter than
  a shingle, such as "###" or "Site Filter Search").

A unit counts once per release. One pass counts in how many releases of its *sender* (a column
the caller names, e.g. the office; by default the file a release came from) and of the whole
corpus each unit occurs. A unit is boilerplate when it occurs in at least
``max(min_documents, sender_share × releases of the sender)`` releases of one sender, or in at
least ``max(min_documents, corpus_share × releases)`` releases of the corpus. Words covered by
a boilerplate unit are left out of the release's *model text*; the stored title and text are
untouched. Merged duplicates are not counted (a release copied ten times is one release) but
their model text is cleaned the same way.

Counting uses numpy on arrays of hashes (Python's string hash for words and lines, combined
into shingle hashes by multiply-add): time grows linearly with the number of words, and memory
with the size of a block of releases, not of the corpus (two counting passes, the first
keeping only candidates; see :mod:`topics.corpus._recurring`), then one removal pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from topics.corpus._recurring import (
    CHUNK,
    Chunk,
    corpus_key,
    frequent_units,
    hash_chunk,
    lookup,
    sender_key,
    units,
)

#: A unit in at least this many releases (of a sender or of the corpus) can be boilerplate.
MIN_DOCUMENTS = 5
#: Share of a sender's releases a unit must occur in to be that sender's boilerplate.
SENDER_SHARE = 0.05
#: Share of all releases a unit must occur in to be corpus-wide boilerplate.
CORPUS_SHARE = 0.02


@dataclass
class BoilerplateSummary:
    """What boilerplate removal did to a corpus.

    Attributes
    ----------
    enabled : bool
        False when removal was turned off (then every count is zero).
    sender_column : str
        Column whose values group releases by sender.
    senders : int
        Distinct senders.
    units : int
        Distinct boilerplate units found (lines, shingles, edges).
    documents : int
        Releases whose model text lost at least one word.
    words_removed, words_total : int
        Words left out of the model texts, and words in them before removal.
    examples : list of str
        A few of the most frequent removed passages, for the ingest summary.
    """

    enabled: bool = True
    sender_column: str = "source"
    senders: int = 0
    units: int = 0
    documents: int = 0
    words_removed: int = 0
    words_total: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def share_removed(self) -> float:
        """Share of words removed (0 when there are none)."""
        return self.words_removed / self.words_total if self.words_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "enabled": self.enabled,
            "sender_column": self.sender_column,
            "senders": self.senders,
            "units": self.units,
            "documents": self.documents,
            "words_removed": self.words_removed,
            "words_total": self.words_total,
            "share_removed": round(self.share_removed, 4),
            "examples": list(self.examples),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BoilerplateSummary:
        """Inverse of :meth:`to_dict`."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


def find_boilerplate(
    texts: Sequence[str],
    senders: Sequence[Any],
    counted: np.ndarray | None = None,
    *,
    min_documents: int = MIN_DOCUMENTS,
    sender_share: float = SENDER_SHARE,
    corpus_share: float = CORPUS_SHARE,
    sender_column: str = "source",
    progress: Callable[[str, float | None], None] | None = None,
) -> tuple[list[str | None], BoilerplateSummary]:
    """Find boilerplate across ``texts`` and return each text without it.

    Parameters
    ----------
    texts : sequence of str, length n_texts
        Model texts (title and body).
    senders : sequence, length n_texts
        Sender of each text (any hashable value; ``None`` is a sender too).
    counted : ndarray of bool, shape (n_texts,), optional
        Texts that count towards the frequencies (e.g. not merged duplicates); default: all.
    min_documents, sender_share, corpus_share : int, float, float
        Thresholds, see the module docstring.
    sender_column : str
        Name of the sender column, recorded in the summary.
    progress : callable, optional

    Returns
    -------
    cleaned : list of (str or None), length n_texts
        The text without its boilerplate words, or ``None`` where nothing was removed.
    summary : BoilerplateSummary
    """
    n = len(texts)
    counted = np.ones(n, dtype=bool) if counted is None else np.asarray(counted, dtype=bool)
    codes, names = _factorize(senders)
    n_counted_per_sender = np.bincount(codes[counted], minlength=len(names))
    summary = BoilerplateSummary(sender_column=sender_column, senders=len(names))
    corpus_threshold, thresholds = unit_thresholds(
        n_counted_per_sender, min_documents, sender_share, corpus_share
    )
    found = frequent_units(
        texts, codes, counted, thresholds, corpus_threshold, min_documents, progress
    )
    cleaned, removal = strip_units(texts, codes, thresholds, corpus_threshold, found, progress)
    summary.units = len(removal.keys)
    summary.words_total, summary.words_removed = removal.words_total, removal.words_removed
    summary.documents = sum(c is not None for c in cleaned)
    summary.examples = top_examples(removal.passages)
    return cleaned, summary


@dataclass
class Removal:
    """What :func:`strip_units` left out of a run of texts; runs add up (distributed ingest)."""

    keys: np.ndarray  # distinct boilerplate units hit, sorted
    words_total: int
    words_removed: int
    passages: dict[str, int]  # removed passage (first 120 characters) → times removed


def strip_units(
    texts: Sequence[str],
    codes: np.ndarray,
    thresholds: np.ndarray,
    corpus_threshold: float,
    found: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    progress: Callable[[str, float | None], None] | None = None,
) -> tuple[list[str | None], Removal]:
    """Each text without the words its boilerplate units cover (``None``: nothing removed).

    ``found`` are the (sender, corpus) count tables of :func:`frequent_units`; ``codes`` the
    sender code of each text, ``thresholds`` each sender's threshold.
    """
    sender_counts, corpus_counts = found
    n = len(texts)
    cleaned: list[str | None] = [None] * n
    removed_text: dict[str, int] = {}
    keys_hit: list[np.ndarray] = []
    words_total = words_removed = 0
    for start in range(0, n, CHUNK):
        if progress is not None:
            progress("removing boilerplate", 2 / 3 + start / max(1, n) / 3)
        stop = min(n, start + CHUNK)
        chunk = hash_chunk(texts[start:stop])
        docs, keys, begins, ends, strict = units(chunk)
        sender = codes[start:stop][docs]
        hit = lookup(sender_counts, sender_key(keys, sender)) >= thresholds[sender] * strict
        hit |= lookup(corpus_counts, corpus_key(keys)) >= corpus_threshold * strict
        keys_hit.append(np.unique(keys[hit]))
        covered = _covered(len(chunk.word_hash), begins[hit], ends[hit])
        words_total += len(chunk.word_hash)
        words_removed += int(covered.sum())
        for d in np.unique(docs[hit]):
            lo, hi = chunk.starts[d], chunk.starts[d + 1]
            cleaned[start + d] = _rebuild(chunk, d, covered[lo:hi], removed_text)
    distinct = np.unique(np.concatenate(keys_hit)) if keys_hit else np.zeros(0, np.uint64)
    return cleaned, Removal(distinct, words_total, words_removed, removed_text)


def top_examples(passages: dict[str, int]) -> list[str]:
    """The most often removed passages, for the ingest summary."""
    return [t for t, _ in sorted(passages.items(), key=lambda kv: -kv[1])[:8]]


def unit_thresholds(
    counted_per_sender: np.ndarray,
    min_documents: int = MIN_DOCUMENTS,
    sender_share: float = SENDER_SHARE,
    corpus_share: float = CORPUS_SHARE,
) -> tuple[float, np.ndarray]:
    """Releases a unit needs in the corpus, and in each sender (by sender code)."""
    corpus_threshold = max(min_documents, corpus_share * int(counted_per_sender.sum()))
    return corpus_threshold, np.maximum(min_documents, sender_share * counted_per_sender)


def _factorize(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    index: dict[Any, int] = {}
    codes = np.fromiter(
        (index.setdefault(_hashable(v), len(index)) for v in values), np.int64, len(values)
    )
    return codes, list(index)


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | np.ndarray):
        return tuple(_hashable(v) for v in value)
    return value


def _covered(n_words: int, begins: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Boolean mask of the words inside at least one [begin, end) span."""
    delta = np.zeros(n_words + 1, dtype=np.int64)
    np.add.at(delta, begins, 1)
    np.add.at(delta, ends, -1)
    return np.cumsum(delta[:-1]) > 0


def _rebuild(chunk: Chunk, d: int, covered: np.ndarray, removed: dict[str, int]) -> str:
    """The release's text, line by line, without its covered words."""
    words = chunk.words[d]
    lines = []
    for begin, end, _ in chunk.line_spans[d]:
        kept = [w for w, bad in zip(words[begin:end], covered[begin:end], strict=True) if not bad]
        if kept:
            lines.append(" ".join(kept))
    run: list[str] = []
    for w, bad in zip(words, covered, strict=True):
        if bad:
            run.append(w)
        elif run:
            _note(removed, run)
            run = []
    if run:
        _note(removed, run)
    return "\n".join(lines)


def _note(removed: dict[str, int], run: list[str]) -> None:
    if len(removed) < 5000 or " ".join(run) in removed:
        key = " ".join(run)[:120]
        removed[key] = removed.get(key, 0) + 1


def remove_boilerplate(
    frame,
    sender_column: str | None = None,
    progress: Callable[[str, float | None], None] | None = None,
    **thresholds: Any,
) -> BoilerplateSummary:
    """Fill the corpus frame's :data:`~topics.corpus.schema.MODEL_TEXT` column in place.

    The column is added only when boilerplate was found in at least one release.

    Parameters
    ----------
    frame : DataFrame
        A corpus frame (:data:`topics.corpus.schema.COLUMNS`).
    sender_column : str, optional
        Column naming each release's sender (e.g. ``"category"``, ``"labels"`` or an extra input
        column such as the office); default ``"source"``, the file a release came from.
    progress : callable, optional
    **thresholds
        ``min_documents``, ``sender_share``, ``corpus_share`` (see :func:`find_boilerplate`).

    Returns
    -------
    BoilerplateSummary

    Raises
    ------
    CorpusError
        When ``sender_column`` is not a column of the frame.
    """
    from topics.corpus import schema

    column = sender_column or schema.SOURCE
    texts, senders = texts_and_senders(frame, column)
    cleaned, summary = find_boilerplate(
        texts,
        senders,
        ~frame[schema.IS_DUPLICATE].to_numpy(dtype=bool),
        sender_column=column,
        progress=progress,
        **thresholds,
    )
    set_model_texts(frame, cleaned)
    return summary


def texts_and_senders(frame, column: str) -> tuple[list[str], list[Any]]:
    """The texts boilerplate is looked for in (title and body) and the sender of each.

    Raises
    ------
    CorpusError
        When ``column`` is not a column of the frame.
    """
    from topics.corpus import schema
    from topics.errors import CorpusError

    if column not in frame.columns:
        raise CorpusError(
            f"no column {column!r} to group senders by (the corpus has: "
            f"{', '.join(map(str, frame.columns))})",
            "name one of those columns with --sender-column",
        )
    texts = [
        schema.document_text(t, b)
        for t, b in zip(frame[schema.TITLE].tolist(), frame[schema.TEXT].tolist(), strict=True)
    ]
    return texts, frame[column].tolist()


def set_model_texts(frame, cleaned: list[str | None]) -> None:
    """Put the cleaned texts in the frame's model-text column (none at all if nothing was
    removed anywhere), in place."""
    import pandas as pd

    from topics.corpus import schema

    if any(c is not None for c in cleaned):
        frame[schema.MODEL_TEXT] = pd.array(cleaned, dtype="string")
    elif schema.MODEL_TEXT in frame.columns:
        del frame[schema.MODEL_TEXT]
