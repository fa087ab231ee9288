"""Proximity rules of a taxonomy (``[[themes.near]]``): a phrase near another one.

Both phrase lists are matched on word stems, as include phrases are
(:class:`topics.themes._find.StemPhrases`), in one section of a release at a time. A match of an
``any`` phrase counts once, when a ``with`` phrase starts or ends at most ``within`` words from
it (the two not overlapping), and is named ``"any-phrase ~ with-phrase"`` after the nearest
partner.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from topics.themes._find import StemPhrases, overlaps

if TYPE_CHECKING:
    from topics.themes.taxonomy import Near

#: Words a partner phrase may span (partners starting further back are not looked at).
LONGEST_PHRASE = 16


class NearRule:
    """One compiled proximity rule.

    Parameters
    ----------
    rule : Near
    key_of : callable
        Phrase → its stem key.
    keep : callable
        Phrase → whether it applies to the texts at hand (the script).
    """

    def __init__(
        self, rule: Near, key_of: Callable[[str], str], keep: Callable[[str], bool]
    ) -> None:
        anchors = [p for p in rule.any if keep(p)]
        partners = [p for p in rule.with_ if keep(p)]
        self.within = rule.within
        self.anchors = StemPhrases(map(key_of, anchors))
        self.partners = StemPhrases(map(key_of, partners))
        self.names = {key_of(p): p for p in reversed(anchors + partners)}

    @property
    def first_stems(self) -> set[str]:
        """First stems of the rule's phrases (where :meth:`matches` must be given a start)."""
        return {*self.anchors.by_first, *self.partners.by_first}

    def matches(
        self,
        words: Sequence[str],
        starts: Iterable[int],
        blocked: Sequence[tuple[int, int, str]] = (),
    ) -> list[str]:
        """Names of the rule's matches in a text's stems, in text order.

        ``starts``: every position of a first stem (as for :meth:`StemPhrases.find`);
        anchors overlapping a ``blocked`` span (an exclude match) do not count.
        """
        if not self.anchors or not self.partners:
            return []
        starts = list(starts)
        spans = self.partners.find(words, starts)
        if not spans:
            return []
        firsts = [first for first, _, _ in spans]
        found = []
        for first, end, key in self.anchors.find(words, starts):
            if overlaps(first, end, blocked):
                continue
            last = end - 1
            lo = bisect_left(firsts, first - self.within - LONGEST_PHRASE)
            hi = bisect_right(firsts, last + self.within)
            best = None
            for p_first, p_end, partner in spans[lo:hi]:
                p_last = p_end - 1
                if p_first <= last and first <= p_last:
                    continue  # the same words
                gap = p_first - last if p_first > last else first - p_last
                if gap <= self.within and (best is None or gap < best[0]):
                    best = (gap, partner)
            if best is not None:
                found.append(f"{self.names[key]} ~ {self.names[best[1]]}")
        return found
