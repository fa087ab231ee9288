"""Term vocabulary for topic representations: English and press-release stop words."""

from __future__ import annotations

from collections.abc import Iterable

#: Words frequent in trade-ministry press releases that must not define a topic.
DOMAIN_STOP_WORDS = frozenset(
    """
    korea korean koreas south republic rok seoul sejong ministry ministries minister ministers
    ministerial vice deputy director general motie motir mote mti government governments official
    officials cooperation cooperate cooperative mr ms mrs said says say stated states noted added
    emphasized emphasised stressed highlighted underscored announced explained expressed remarks
    meeting meetings met held hold holds attended discuss discussed discussion discussions also
    will would plans plan two sides side countries country bilateral ways way including include
    includes related relevant various key major important importance continue continued
    continuing year years month today yesterday thursday friday monday tuesday wednesday saturday
    sunday january february march april may june july august september october november december
    industry industries industrial percent usd won billion
    million trillion press release
    """.split()  # noqa: SIM905 (a word list reads best as text)
)
# Stop words are removed before bigrams are formed, so "trade minister" or "korean government"
# can never become a term. "trade" and "energy" stay: "trade remedies" and "energy security" are
# topics in their own right.

#: Tokens of letters only, two or more (numbers and dates never become topic terms).
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


def stop_word_list(stop_words: str | Iterable[str] | None) -> list[str] | None:
    """Resolve a ``stop_words`` setting to a sorted list.

    ``"english+domain"`` (the default) is scikit-learn's English list plus
    :data:`DOMAIN_STOP_WORDS`; ``"english"`` the English list alone; ``None`` nothing; any other
    iterable is used as given.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    if stop_words is None:
        return None
    if stop_words == "english+domain":
        return sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)
    if stop_words == "english":
        return sorted(ENGLISH_STOP_WORDS)
    if isinstance(stop_words, str):
        raise ValueError(f"unknown stop_words {stop_words!r}")
    return sorted({w.lower() for w in stop_words})


def make_vectorizer(n_documents: int, stop_words: list[str] | None, ngram_range: tuple[int, int]):
    """A ``CountVectorizer`` for topic terms, its ``min_df`` scaled with the corpus size."""
    from sklearn.feature_extraction.text import CountVectorizer

    min_df = 1 if n_documents < 10 else 2 if n_documents < 2000 else 3
    return CountVectorizer(
        stop_words=stop_words,
        ngram_range=tuple(ngram_range),
        min_df=min_df,
        max_df=1.0 if n_documents < 50 else 0.9,
        token_pattern=TOKEN_PATTERN,
        lowercase=True,
    )
