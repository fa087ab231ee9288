"""The sender-label check: how many of the largest topics are labelled by who sent them.

A topic label (its first three terms, as ``TopicModel.topic_info()`` shows them) is counted as a
*sender label* when one of its terms

1. holds a word of a sender's name (the sender column's values, e.g. the senator "Harkin",
   "BillNelson" → "bill", "nelson"; words of three letters or more);
2. holds a US state name (the senders' places: "iowa", "north dakota");
3. holds a word of press-office furniture (:data:`FURNITURE`: "contact", "email", "filter",
   "search", "browse", "www" …);
4. is a term at least :data:`CONCENTRATION` of whose releases come from one sender, counted in
   the stored texts of the whole corpus ("cody wertz": 97 % Salazar's; "melissa wagoner").

The check is independent of the method under test (:mod:`topics.topic_model._senders` uses a
per-topic observed/expected ratio, not name lists or corpus-wide shares): it uses the ground
truth of who sent each release and fixed word lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Words of web and press-office furniture.
FURNITURE = frozenset(
    """
    contact contacts email mail phone fax press releases immediate website www http https com gov
    html search filter browse record originating site click print printer subscribe unsubscribe
    newsletter homepage spokesman spokeswoman communications 202 224 228 senate_gov
    """.split()  # noqa: SIM905
)
US_STATES = (  # noqa: SIM905
    "alabama alaska arizona arkansas california colorado connecticut delaware florida georgia "
    "hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts "
    "michigan minnesota mississippi missouri montana nebraska nevada new_hampshire new_jersey "
    "new_mexico new_york north_carolina north_dakota ohio oklahoma oregon pennsylvania "
    "rhode_island south_carolina south_dakota tennessee texas utah vermont virginia washington "
    "west_virginia wisconsin wyoming"
).split()
#: Share of a term's releases from one sender above which it is a sender's term.
CONCENTRATION = 0.8


def name_words(senders: Sequence[Any]) -> set[str]:
    """Lower-case words of the sender names ("BillNelson" → "bill", "nelson")."""
    words: set[str] = set()
    for sender in set(map(str, senders)):
        for part in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", sender):
            if len(part) >= 3:
                words.add(part.lower())
    return words


def _has_state(term: str) -> bool:
    padded = f" {term} "
    return any(f" {state.replace('_', ' ')} " in padded for state in US_STATES)


def concentrated_terms(
    terms: Sequence[str], texts: Sequence[str], senders: Sequence[Any]
) -> dict[str, float]:
    """Top-sender share of the releases holding each term (terms held by fewer than 5: 0)."""
    from sklearn.feature_extraction.text import CountVectorizer

    from topics.topic_model._text import TOKEN_PATTERN

    unique = sorted(set(terms))
    if not unique:
        return {}
    vec = CountVectorizer(
        vocabulary=unique, ngram_range=(1, 3), token_pattern=TOKEN_PATTERN, binary=True
    )
    presence = vec.transform(texts).tocsc()
    codes = np.unique(np.asarray(list(map(str, senders))), return_inverse=True)[1]
    out = {}
    for j, term in enumerate(unique):
        rows = presence[:, j].indices
        counts = np.bincount(codes[rows]) if len(rows) else np.zeros(1)
        out[term] = float(counts.max() / len(rows)) if len(rows) >= 5 else 0.0
    return out


def sender_label_check(
    info, texts: Sequence[str], senders: Sequence[Any], top: int = 30, n_terms: int = 3
) -> dict[str, Any]:
    """The share of the ``top`` largest topics whose label is a sender label.

    Parameters
    ----------
    info : DataFrame
        ``TopicModel.topic_info()``.
    texts : sequence of str
        The stored texts of the corpus (title and body, furniture included).
    senders : sequence
        Sender of each text.

    Returns
    -------
    dict
        ``share`` (of the ``top`` topics), ``share_unflagged`` (counting only topics not flagged
        ``single_source``), ``flagged`` (single-source topics among them) and ``examples``
        (label → reasons) for the offending labels.
    """
    largest = info.sort_values("size", ascending=False, kind="stable").head(top)
    names = name_words(senders)
    label_terms = [list(terms[:n_terms]) for terms in largest["terms"]]
    shares = concentrated_terms([t for ts in label_terms for t in ts], texts, senders)
    flagged = largest["single_source"].tolist() if "single_source" in largest else [False] * top
    bad, examples = [], {}
    for terms, label in zip(label_terms, largest["label"], strict=True):
        reasons = []
        for term in terms:
            words = set(term.split())
            if words & names:
                reasons.append(f"{term!r}: a sender's name")
            if _has_state(term):
                reasons.append(f"{term!r}: a state")
            if words & FURNITURE:
                reasons.append(f"{term!r}: furniture")
            if shares.get(term, 0.0) >= CONCENTRATION:
                reasons.append(f"{term!r}: {shares[term]:.0%} from one sender")
        bad.append(bool(reasons))
        if reasons:
            examples[str(label)] = reasons
    n = max(1, len(bad))
    return {
        "topics": len(bad),
        "share": sum(bad) / n,
        "share_unflagged": sum(b and not f for b, f in zip(bad, flagged, strict=True)) / n,
        "flagged": int(sum(flagged)),
        "examples": examples,
    }
