"""Corpus-level boilerplate over partitions: the same units found as in one process.

:mod:`topics.corpus.boilerplate` counts, for every unit (line, 8-word shingle, edge), the
releases of its sender and of the corpus holding it, in blocks and two passes
(:mod:`topics.corpus._recurring`): pass 1 keeps the units that reach their share of one block,
pass 2 counts those candidates exactly. The passes only need the corpus-wide release counts
(per sender and in all), so here each partition is a run of blocks:

0. every partition counts its counted releases (not merged duplicates) per sender; the sums
   give the thresholds;
1. every partition lists its candidates; their union is reduced on the workers;
2. every partition counts the candidates; the counts add up (reduced on the workers);
3. every partition removes the units whose global count reaches the threshold.

The count tables are exactly those of one process, so every model text is the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from topics.corpus import schema

if TYPE_CHECKING:
    from topics.corpus import Corpus
    from topics.corpus.boilerplate import Removal

Found = tuple[np.ndarray, np.ndarray]


def _texts_and_senders(corpus: Corpus, column: str) -> tuple[list[str], list[Any]]:
    from topics.corpus.boilerplate import _hashable, texts_and_senders

    texts, senders = texts_and_senders(corpus.frame, column)
    return texts, [_hashable(v) for v in senders]


def _counted(corpus: Corpus) -> np.ndarray:
    return ~corpus.frame[schema.IS_DUPLICATE].to_numpy(dtype=bool)


def sender_counts(corpus: Corpus, index: int, column: str) -> dict[Any, int]:
    """Pass 0: counted releases per sender (every sender seen, in order of appearance)."""
    _, senders = _texts_and_senders(corpus, column)
    out: dict[Any, int] = {}
    for sender, counted in zip(senders, _counted(corpus), strict=True):
        out[sender] = out.get(sender, 0) + int(counted)
    return out


def merge_counts(parts: list[dict[Any, int]]) -> dict[Any, int]:
    """Sender counts of partitions, added up (order of first appearance kept)."""
    out: dict[Any, int] = {}
    for part in parts:
        for sender, n in part.items():
            out[sender] = out.get(sender, 0) + n
    return out


class Plan:
    """The corpus-wide numbers every partition's pass needs (small: one entry per sender)."""

    def __init__(self, counts: dict[Any, int], column: str) -> None:
        from topics.corpus.boilerplate import unit_thresholds

        self.column = column
        self.codes = {sender: code for code, sender in enumerate(counts)}
        self.per_sender = np.array(list(counts.values()), dtype=np.int64)
        self.total = int(self.per_sender.sum())
        self.corpus_threshold, self.thresholds = unit_thresholds(self.per_sender)

    def codes_of(self, corpus: Corpus) -> tuple[list[str], np.ndarray]:
        texts, senders = _texts_and_senders(corpus, self.column)
        return texts, np.array([self.codes[s] for s in senders], dtype=np.int64)


def candidates(corpus: Corpus, index: int, plan: Plan) -> Found:
    """Pass 1: the partition's candidate (sender, corpus) keys."""
    from topics.corpus._recurring import candidates as block_candidates
    from topics.corpus._recurring import counted_blocks

    texts, codes = plan.codes_of(corpus)
    blocks = counted_blocks(codes, _counted(corpus))
    return block_candidates(
        texts, codes, blocks, plan.per_sender, plan.total, plan.thresholds, plan.corpus_threshold
    )


def union(*parts: Found) -> Found:
    """Candidates of several partitions, merged (sorted, distinct)."""
    return tuple(np.unique(np.concatenate([p[k] for p in parts])) for k in (0, 1))


def totals(corpus: Corpus, index: int, plan: Plan, found: Found) -> Found:
    """Pass 2: counted releases of the partition holding each candidate."""
    from topics.corpus._recurring import candidate_totals, counted_blocks

    texts, codes = plan.codes_of(corpus)
    return candidate_totals(texts, codes, counted_blocks(codes, _counted(corpus)), found)


def add(*parts: Found) -> Found:
    """Candidate counts of several partitions, added up."""
    return tuple(np.sum([p[k] for p in parts], axis=0) for k in (0, 1))


def count_tables(found: Found, counts: Found) -> tuple[Found, Found]:
    """The (sender, corpus) tables of one process (:func:`topics.corpus._recurring.tables`)."""
    from topics.corpus._recurring import tables
    from topics.corpus.boilerplate import MIN_DOCUMENTS

    return tables(found, counts, MIN_DOCUMENTS)


#: Removed passages each partition reports (for the summary's examples).
PASSAGES_KEPT = 200


def strip(
    corpus: Corpus, index: int, plan: Plan, found: tuple[Found, Found]
) -> tuple[Corpus, tuple[Removal, int]]:
    """Pass 3: the partition with its model texts, and its part of the summary."""
    from topics.corpus import Corpus
    from topics.corpus.boilerplate import set_model_texts, strip_units

    texts, codes = plan.codes_of(corpus)
    cleaned, removal = strip_units(texts, codes, plan.thresholds, plan.corpus_threshold, found)
    frame = corpus.frame.copy()
    set_model_texts(frame, cleaned)
    removal.passages = _most_removed(removal.passages)
    return Corpus(frame, corpus.report), (removal, sum(c is not None for c in cleaned))


def merge(*parts: tuple[Removal, int]) -> tuple[Removal, int]:
    """Partitions' parts of the summary added up (reduced in a tree on the workers, so the
    client receives one part whatever the number of partitions): the distinct units hit, the
    words and documents, and the :data:`PASSAGES_KEPT` passages removed most often."""
    from topics.corpus.boilerplate import Removal

    passages: dict[str, int] = {}
    for removal, _ in parts:
        for text, n in removal.passages.items():
            passages[text] = passages.get(text, 0) + n
    merged = Removal(
        keys=np.unique(np.concatenate([r.keys for r, _ in parts])),
        words_total=sum(r.words_total for r, _ in parts),
        words_removed=sum(r.words_removed for r, _ in parts),
        passages=_most_removed(passages),
    )
    return merged, sum(n for _, n in parts)


def _most_removed(passages: dict[str, int]) -> dict[str, int]:
    """The :data:`PASSAGES_KEPT` passages removed most often."""
    return dict(sorted(passages.items(), key=lambda kv: -kv[1])[:PASSAGES_KEPT])


def summary(part: tuple[Removal, int], plan: Plan) -> dict[str, Any]:
    """The boilerplate summary of the whole corpus (``part``: every partition's, merged), as
    one process writes it."""
    from topics.corpus.boilerplate import BoilerplateSummary, top_examples

    removal, documents = part
    return BoilerplateSummary(
        sender_column=plan.column,
        senders=len(plan.codes),
        units=len(removal.keys),
        documents=documents,
        words_removed=removal.words_removed,
        words_total=removal.words_total,
        examples=top_examples(removal.passages),
    ).to_dict()
