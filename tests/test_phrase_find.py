"""Phrases are found in stems exactly as one alternation regex over the joined stems finds them."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from topics.themes import match
from topics.themes._find import StemPhrases, first_index, first_positions

WORDS = st.sampled_from(["a", "b", "ab", "c", "ba", "d"])
KEYS = st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join), max_size=6)


def regex_spans(keys: list[str], words: list[str]) -> list[tuple[int, int, str]]:
    """What the matcher did before: ``(?<= )(?:k1|k2|…)(?= )`` over the joined stems."""
    ordered = sorted(set(keys), key=lambda k: (-len(k), k))
    if not ordered:
        return []
    pattern = re.compile("(?<= )(?:" + "|".join(map(re.escape, ordered)) + ")(?= )")
    text = " " + " ".join(words) + " "
    at = {}  # character offset of each word → its index
    offset = 1
    for i, w in enumerate(words):
        at[offset] = i
        offset += len(w) + 1
    return [
        (at[m.start()], at[m.start()] + len(m.group().split()), m.group())
        for m in pattern.finditer(text)
    ]


@settings(max_examples=300, deadline=None)
@given(keys=KEYS, words=st.lists(WORDS, max_size=30))
def test_stem_phrases_find_what_the_regex_found(keys, words):
    phrases = StemPhrases(keys)
    starts, _ = first_positions(words, first_index([phrases.by_first]))
    assert phrases.find(words, starts) == regex_spans(keys, words)


def test_first_positions_name_the_themes_concerned():
    index = first_index([StemPhrases(["rare earth"]).by_first, StemPhrases(["tariff"]).by_first])
    assert first_positions(["new", "tariff", "on", "rare", "earth"], index) == ([1, 3], {0, 1})


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab \n\t"), max_size=400))
def test_sections_cut_the_lead_after_the_eightieth_word(text):
    parts = match.sections(text)
    stripped = text.strip()
    if not stripped:
        return
    rest = stripped
    head, sep, tail = stripped.partition("\n\n")
    if len(head.split()) <= match.TITLE_WORDS:
        rest = tail.strip() if sep else ""
    words = list(re.finditer(r"\S+", rest))
    if len(words) <= match.LEAD_WORDS:
        assert (parts["lead"], parts["body"]) == (rest, "")
    else:
        cut = words[match.LEAD_WORDS - 1].end()
        assert (parts["lead"], parts["body"]) == (rest[:cut], rest[cut:])
