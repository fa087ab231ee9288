"""Proximity rules of a taxonomy (``[[themes.near]]``): a phrase near another one.

Both phrase lists are matched on word stems, as include phrases are
(:mod:`topics.themes.match`), in one section of a release at a time. A match of an ``any`` phrase
counts once, when a ``with`` phrase starts or ends at most ``within`` words from it (the two not
overlapping), and is named ``"any-phrase ~ with-phrase"`` after the nearest partner.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from topics.themes.taxonomy import Near

#: Words a partner phrase may span (partners starting further back are not looked at).
LONGEST_PHRASE = 16


class NearRule:
    """One compiled proximity rule.

    Parameters
    ----------
    rule : Near
    compile_stems : callable
        Phrases → the alternation pattern over a stem key (``None`` for no phrase).
    key_of : callable
        Phrase → its stem key, to name the phrases a match holds.
    keep : callable
        Phrase → whether it applies to the texts at hand (the script).
    """

    def __init__(
        self,
        rule: Near,
        compile_stems: Callable[[Sequence[str]], re.Pattern[str] | None],
        key_of: Callable[[str], str],
        keep: Callable[[str], bool],
    ) -> None:
        anchors = [p for p in rule.any if keep(p)]
        partners = [p for p in rule.with_ if keep(p)]
        self.within = rule.within
        self.anchors = compile_stems(anchors)
        self.partners = compile_stems(partners)
        self.names = {key_of(p): p for p in reversed(anchors + partners)}

    def matches(self, key: str, blocked: Sequence[tuple[int, int]] = ()) -> list[str]:
        """Names of the rule's matches in a stem key, in text order (anchors overlapping a
        ``blocked`` span, an exclude match, do not count)."""
        if self.anchors is None or self.partners is None:
            return []
        partners = [(m.start(), m.end(), m.group()) for m in self.partners.finditer(key)]
        if not partners:
            return []
        words = _word_index(key)
        spans = [(words(s), words(e - 1), g) for s, e, g in partners]
        starts = [s for s, _, _ in spans]
        found = []
        for m in self.anchors.finditer(key):
            start, end = m.span()
            if any(start < b_end and b_start < end for b_start, b_end in blocked):
                continue
            first, last = words(start), words(end - 1)
            lo = bisect_left(starts, first - self.within - LONGEST_PHRASE)
            hi = bisect_right(starts, last + self.within)
            best = None
            for p_first, p_last, group in spans[lo:hi]:
                if p_first <= last and first <= p_last:
                    continue  # the same words
                gap = p_first - last if p_first > last else first - p_last
                if gap <= self.within and (best is None or gap < best[0]):
                    best = (gap, group)
            if best is not None:
                found.append(f"{self.names[m.group()]} ~ {self.names[best[1]]}")
        return found


def _word_index(key: str) -> Callable[[int], int]:
    """Character offset in a space-joined key → the number of the word it falls in."""
    spaces = [i for i, c in enumerate(key) if c == " "]
    return lambda offset: bisect_right(spaces, offset)
