"""Senders are not subjects: terms a topic owes to who sent its releases leave its label.

A corpus of press releases comes from senders (offices, ministries, agencies). Each sender
repeats its own name, its staff, its state and its web furniture in most of its releases; a
topic made of one office's releases would otherwise be labelled "harkin, iowa, filter search".

Method: the sender-explained ratio
----------------------------------
For a topic ``k`` and a term ``t``, compare the number of the topic's releases that hold the
term (observed, ``O[k, t]``) with the number its *sender mix alone* predicts::

    E[k, t] = sum over senders s of  n[k, s] * rate[s, t]

where ``n[k, s]`` is the number of the topic's releases sent by ``s`` and ``rate[s, t]`` the
share of all of ``s``'s releases that hold ``t``. A subject term is concentrated in the topic
far beyond its senders' habits ("levees" in a hurricane topic: ``O / E`` of 5 and more); a
sender's name, press secretary, state or sign-off is in the topic because its releases are that
sender's (``O / E`` near 1: Senator Harkin's releases name Harkin wherever they fall).

A low ratio alone would also strike a subject from a topic made of one sender's releases, so a
term must also *belong to few senders* (a source-level concentration test): ``rate[s, t]``
normalised over senders gives the term's distribution over senders (each sender weighted
equally, whatever its volume); the term is concentrated when its top sender holds at least
``max(0.25, 2.5 / n_senders)`` of it, or its top two senders ``max(0.4, 4 / n_senders)`` (a
state's two senators). On the 2006 Senate releases: "harkin" .47, "cody wertz" .97, "iowa"
.36 / .59, "north dakota" .42 / .77 are concentrated; "katrina" .13, "ethanol" .22, "medicare"
.04, "border" .10 are not.

Terms that are both (``(O + 1) / (E + 1) < MIN_LIFT`` and concentrated) get no weight when the
topic's terms are chosen, so they do not make its label; a topic left with fewer than three
terms keeps its own best terms (it is then a one-sender topic, flagged as below). The c-TF-IDF
weights themselves are kept (theme mapping and trends use them unchanged).

A topic whose releases come overwhelmingly from one sender (at least :data:`SINGLE_SHARE`) is
flagged ``single_source``: its label says so ("… (one sender: Harkin)"), whatever its terms.

With fewer than :data:`MIN_SENDERS` senders (a single ministry, a single file) nothing
changes: every term is then "explained by the sender" and the test says nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

#: A term stays a label candidate of a topic when its observed / sender-expected count reaches
#: this ratio.
MIN_LIFT = 2.0
#: Share of a topic's releases from one sender above which the topic is ``single_source``.
SINGLE_SHARE = 0.8
#: Below this many senders the test is not applied.
MIN_SENDERS = 3


def sender_codes(senders: Sequence[Any]) -> tuple[np.ndarray, list[str]]:
    """Integer code of each release's sender and the sender names (as str), first seen first."""
    index: dict[str, int] = {}
    codes = [index.setdefault(_name(s), len(index)) for s in senders]
    return np.asarray(codes, dtype=np.int64), list(index)


def _name(value: Any) -> str:
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def sender_lift(
    doc_terms: sp.spmatrix, labels: np.ndarray, codes: np.ndarray, n_topics: int
) -> np.ndarray:
    """``(O + 1) / (E + 1)`` of every term in every topic (see the module docstring).

    Parameters
    ----------
    doc_terms : sparse matrix of shape (n_documents, n_terms)
    labels : ndarray of shape (n_documents,)
        Topic of each document.
    codes : ndarray of shape (n_documents,)
        Sender code of each document.

    Returns
    -------
    ndarray of shape (n_topics, n_terms)
    """
    presence = sp.csr_matrix(doc_terms, dtype=np.float64, copy=True)
    presence.data[:] = 1.0
    n = presence.shape[0]
    n_senders = int(codes.max()) + 1 if len(codes) else 0
    by_sender = sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_senders, n))
    by_topic = sp.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(n_topics, n))
    sender_size = np.asarray(by_sender.sum(axis=1)).ravel()
    rate = sp.diags(1.0 / np.maximum(sender_size, 1.0)) @ (by_sender @ presence)
    mix = (by_topic @ by_sender.T).toarray()  # releases of each sender in each topic
    expected = np.asarray((sp.csr_matrix(mix) @ rate).todense())
    observed = np.asarray((by_topic @ presence).todense())
    return (observed + 1.0) / (expected + 1.0)


def concentrated(doc_terms: sp.spmatrix, codes: np.ndarray) -> np.ndarray:
    """Whether each term belongs to few senders (see the module docstring).

    Returns
    -------
    ndarray of bool, shape (n_terms,)
    """
    presence = sp.csr_matrix(doc_terms, dtype=np.float64, copy=True)
    presence.data[:] = 1.0
    n = presence.shape[0]
    n_senders = int(codes.max()) + 1
    by_sender = sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_senders, n))
    size = np.maximum(np.asarray(by_sender.sum(axis=1)).ravel(), 1.0)
    rate = np.asarray((sp.diags(1.0 / size) @ (by_sender @ presence)).todense())
    share = rate / np.maximum(rate.sum(axis=0, keepdims=True), 1e-300)
    top = np.sort(share, axis=0)[::-1]
    top2 = top[0] + (top[1] if n_senders > 1 else 0.0)
    return (top[0] >= max(0.25, 2.5 / n_senders)) | (top2 >= max(0.4, 4.0 / n_senders))


def sender_weights(
    weights: np.ndarray,
    doc_terms: sp.spmatrix,
    labels: np.ndarray,
    codes: np.ndarray,
    min_lift: float = MIN_LIFT,
) -> tuple[np.ndarray, np.ndarray]:
    """c-TF-IDF weights for choosing terms, with sender-explained terms at zero.

    Returns
    -------
    weights : ndarray of shape (n_topics, n_terms)
        A new array (``weights`` is not modified).
    explained : ndarray of bool, same shape
        Where a term was left out as explained by the topic's senders.
    """
    if len(np.unique(codes)) < MIN_SENDERS:
        return weights, np.zeros(weights.shape, dtype=bool)
    lift = sender_lift(doc_terms, labels, codes, weights.shape[0])
    explained = (lift < min_lift) & concentrated(doc_terms, codes)[None, :]
    return np.where(explained, 0.0, weights), explained


def topic_senders(
    labels: np.ndarray, codes: np.ndarray, names: Sequence[str], n_topics: int
) -> list[dict[str, Any]]:
    """Per topic: its main sender, that sender's share of its releases, and ``single_source``."""
    out = []
    many = len(names) >= MIN_SENDERS
    for k in range(n_topics):
        members = codes[labels == k]
        if len(members) == 0:
            out.append({"sender": None, "sender_share": 0.0, "single_source": False})
            continue
        counts = np.bincount(members, minlength=len(names))
        top = int(np.argmax(counts))
        share = float(counts[top] / len(members))
        out.append(
            {
                "sender": names[top],
                "sender_share": share,
                "single_source": bool(many and share >= SINGLE_SHARE),
            }
        )
    return out


def sender_columns(
    labels: list[str], senders: list[dict[str, Any]] | None
) -> tuple[list[str], dict[str, list[Any]]]:
    """Topic labels with "(one sender: …)" on single-source topics, and the sender columns."""
    if senders is None:
        return labels, {}
    labels = [
        f"{label} (one sender: {s['sender']})" if s["single_source"] else label
        for label, s in zip(labels, senders, strict=True)
    ]
    return labels, ({key: [s[key] for s in senders] for key in senders[0]} if senders else {})
