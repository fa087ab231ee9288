"""Corpus-level boilerplate: the lines and long word runs that recur across many releases.

Press releases carry furniture that no single release reveals but the corpus does: contact
blocks ("Contact: Cody Wertz, 202/228-3630"), sign-offs ("###"), "For more information…",
web navigation ("Site Filter Search"), disclaimers. Left in, they become the strongest terms of
the topics ("wertz", "filter search") and the topics become the senders.

Method (linear time, no pairwise comparison)
--------------------------------------------
Every release (title and body, as the models see it) is cut into *units*, each hashed to 64 bits:

* its non-empty **lines** (lower case, single spaces);
* every run of :data:`SHINGLE` consecutive **words** (a long shingle);
* its first and its last 1 … :data:`SHINGLE` words (**edges**: headers and sign-offs shorter
  than a shingle, such as "###" or "Site Filter Search").

A unit counts once per release. One pass counts in how many releases of its *sender* (a column
the caller names, e.g. the office; by default the file a release came from) and of the whole
corpus each unit occurs. A unit is boilerplate when it occurs in at least
``max(min_documents, sender_share × releases of the sender)`` releases of one sender, or in at
least ``max(min_documents, corpus_share × releases)`` releases of the corpus. Words covered by
a boilerplate unit are left out of the release's *model text*; the stored title and text are
untouched. Merged duplicates are not counted (a release copied ten times is one release) but
their model text is cleaned the same way.

Counting uses numpy on arrays of hashes (Python's string hash for words and lines, combined
into shingle hashes by multiply-add), sorted once: time and memory grow linearly with the
number of words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Words in a long shingle.
SHINGLE = 8
#: A unit in at least this many releases (of a sender or of the corpus) can be boilerplate.
MIN_DOCUMENTS = 5
#: Share of a sender's releases a unit must occur in to be that sender's boilerplate.
SENDER_SHARE = 0.05
#: Share of all releases a unit must occur in to be corpus-wide boilerplate.
CORPUS_SHARE = 0.02
#: Releases processed together (bounds the memory of the hash arrays; below 2**12).
CHUNK = 4000

_rng = np.random.default_rng(20_06)
#: Odd multipliers, one per word position inside a shingle.
_MULT = (_rng.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) * np.uint64(2)) | np.uint64(1)
#: Salts separating unit kinds: line, shingle, prefix of length j, suffix of length j.
_SALT = _rng.integers(1, 2**63, size=2 + 2 * SHINGLE, dtype=np.uint64)
_LINE, _SHINGLE_SALT = 0, 1


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


@dataclass
class _Chunk:
    """Hashed units of a run of releases (words flattened, with each release's offsets)."""

    words: list[list[str]]  # per release: its words, original case
    line_spans: list[list[tuple[int, int, int]]]  # per release: (first word, end word, hash)
    word_hash: np.ndarray  # uint64, all words of the chunk
    starts: np.ndarray  # int64, offset of each release's first word (length n + 1)


def _hash_chunk(texts: Sequence[str]) -> _Chunk:
    words: list[list[str]] = []
    line_spans: list[list[tuple[int, int, int]]] = []
    hashes: list[int] = []
    starts = [0]
    for text in texts:
        doc_words: list[str] = []
        spans: list[tuple[int, int, int]] = []
        for line in text.split("\n"):
            lower = line.lower().split()
            if not lower:
                continue
            begin = len(doc_words)
            doc_words.extend(line.split())
            hashes.extend(map(hash, lower))
            spans.append((begin, len(doc_words), hash(" ".join(lower))))
        words.append(doc_words)
        line_spans.append(spans)
        starts.append(starts[-1] + len(doc_words))
    word_hash = np.array(hashes, dtype=np.int64).view(np.uint64)
    return _Chunk(words, line_spans, word_hash, np.asarray(starts, dtype=np.int64))


def _units(chunk: _Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every unit of a chunk: (release index, hash, first word, end word, strictness).

    Strictness multiplies the thresholds: an edge of ``w < SHINGLE`` words must recur
    ``SHINGLE / w`` times as often as a line or a shingle (a release opening with "The" is
    not furniture; one closing with "###" in most releases is).
    """
    n = len(chunk.words)
    h, starts = chunk.word_hash, chunk.starts
    lengths = np.diff(starts)
    doc_of_word = np.repeat(np.arange(n), lengths)
    docs, keys, begins, ends, strict = [], [], [], [], []
    # Lines.
    line_rows = [(d, b, e, k) for d, spans in enumerate(chunk.line_spans) for b, e, k in spans]
    if line_rows:
        arr = np.array([(d, b, e) for d, b, e, _ in line_rows], dtype=np.int64)
        line_keys = np.array([k for *_, k in line_rows], dtype=np.int64).view(np.uint64)
        docs.append(arr[:, 0])
        keys.append(line_keys ^ _SALT[_LINE])
        begins.append(arr[:, 1] + starts[arr[:, 0]])
        ends.append(arr[:, 2] + starts[arr[:, 0]])
        strict.append(np.ones(len(arr)))
    # Shingles and edges, built up one word position at a time.
    acc = np.zeros(len(h), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            width = j + 1
            if j:
                acc[:-j] += h[j:] * _MULT[j]
            else:
                acc += h * _MULT[0]
            for salt, first in ((2 + 2 * j, starts[:-1]), (3 + 2 * j, starts[1:] - width)):
                ok = lengths >= width
                pos = first[ok]
                docs.append(np.flatnonzero(ok))
                keys.append(acc[pos] ^ _SALT[salt])
                begins.append(pos)
                ends.append(pos + width)
                strict.append(np.full(len(pos), SHINGLE / width))
        pos = np.arange(len(h) - SHINGLE + 1) if len(h) >= SHINGLE else np.arange(0)
        pos = pos[(pos + SHINGLE) <= starts[1:][doc_of_word[pos]]] if len(pos) else pos
        docs.append(doc_of_word[pos])
        keys.append(acc[pos] ^ _SALT[_SHINGLE_SALT])
        begins.append(pos)
        ends.append(pos + SHINGLE)
        strict.append(np.ones(len(pos)))
    return (
        np.concatenate(docs).astype(np.int64),
        np.concatenate(keys).astype(np.uint64),
        np.concatenate(begins).astype(np.int64),
        np.concatenate(ends).astype(np.int64),
        np.concatenate(strict),
    )


#: Low bits of a unit key that carry the release index while counting (hashes keep 52 bits).
_DOC_BITS = 12
_HIGH = np.uint64(((1 << 64) - 1) ^ ((1 << _DOC_BITS) - 1))


def _per_release_unique(docs: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each (release, unit) once: one sort of keys whose low bits are the release index."""
    unique = _sorted_unique((keys & _HIGH) | docs.astype(np.uint64))
    return (unique & ~_HIGH).astype(np.int64), unique & _HIGH


def _sender_key(keys: np.ndarray, sender: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        mixed = sender.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        return (keys ^ mixed) & _HIGH


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    keys = np.sort(keys)  # a plain sort: faster than np.unique's hashing on 64-bit keys
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and how often each occurs."""
    keys = np.sort(keys)
    if not len(keys):
        return keys, np.zeros(0, np.int64)
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[first], np.diff(np.r_[first, len(keys)])


def _frequent(parts: list[np.ndarray], floor: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys (sorted) occurring at least ``floor`` times across ``parts``, with their counts.

    Empties ``parts`` as it goes: the big arrays are freed as soon as they are counted.
    """
    keys = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
    parts.clear()
    values, counts = _counts(keys)
    keep = counts >= floor
    return values[keep], counts[keep]


def _lookup(table: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    """The count of each key in ``table`` (0 for keys not in it)."""
    values, counts = table
    out = np.zeros(len(keys), dtype=np.int64)
    if not len(values):
        return out
    slot = np.minimum(np.searchsorted(values, keys), len(values) - 1)
    found = values[slot] == keys
    out[found] = counts[slot[found]]
    return out


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
    sender_parts, corpus_parts = [], []
    for start in range(0, n, CHUNK):
        if progress is not None:
            progress("finding boilerplate", 0.5 * start / max(1, n))
        stop = min(n, start + CHUNK)
        docs, keys, *_ = _units(_hash_chunk(texts[start:stop]))
        mask = counted[start:stop][docs]
        docs, keys = _per_release_unique(docs[mask], keys[mask])  # keys: 52 bits
        sender_parts.append(_sender_key(keys, codes[start:stop][docs]))
        corpus_parts.append(keys)
    n_counted = int(counted.sum())
    corpus_counts = _frequent(corpus_parts, min_documents)
    sender_counts = _frequent(sender_parts, min_documents)
    corpus_threshold = max(min_documents, corpus_share * n_counted)
    thresholds = np.maximum(min_documents, sender_share * n_counted_per_sender)
    cleaned: list[str | None] = [None] * n
    removed_text: dict[str, int] = {}
    found: set[int] = set()
    for start in range(0, n, CHUNK):
        if progress is not None:
            progress("removing boilerplate", 0.5 + 0.5 * start / max(1, n))
        stop = min(n, start + CHUNK)
        chunk = _hash_chunk(texts[start:stop])
        docs, keys, begins, ends, strict = _units(chunk)
        sender = codes[start:stop][docs]
        hit = _lookup(sender_counts, _sender_key(keys, sender)) >= thresholds[sender] * strict
        hit |= _lookup(corpus_counts, keys & _HIGH) >= corpus_threshold * strict
        found.update(keys[hit].tolist())
        covered = _covered(len(chunk.word_hash), begins[hit], ends[hit])
        summary.words_total += len(chunk.word_hash)
        summary.words_removed += int(covered.sum())
        for d in np.unique(docs[hit]):
            lo, hi = chunk.starts[d], chunk.starts[d + 1]
            cleaned[start + d] = _rebuild(chunk, d, covered[lo:hi], removed_text)
    summary.units = len(found)
    summary.documents = sum(c is not None for c in cleaned)
    summary.examples = [t for t, _ in sorted(removed_text.items(), key=lambda kv: -kv[1])[:8]]
    return cleaned, summary


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


def _rebuild(chunk: _Chunk, d: int, covered: np.ndarray, removed: dict[str, int]) -> str:
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
    import pandas as pd

    from topics.corpus import schema
    from topics.errors import CorpusError

    column = sender_column or schema.SOURCE
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
    cleaned, summary = find_boilerplate(
        texts,
        frame[column].tolist(),
        ~frame[schema.IS_DUPLICATE].to_numpy(dtype=bool),
        sender_column=column,
        progress=progress,
        **thresholds,
    )
    if summary.documents:
        frame[schema.MODEL_TEXT] = pd.array(cleaned, dtype="string")
    elif schema.MODEL_TEXT in frame.columns:
        del frame[schema.MODEL_TEXT]
    return summary
