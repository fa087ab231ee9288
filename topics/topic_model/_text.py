"""Term vocabulary for topic representations: stop words, generic words and personal names.

Three word lists shape which terms may describe a topic of press releases:

- :data:`DOMAIN_STOP_WORDS` never appear anywhere (not in the embedding, not in a term);
- :data:`PRESS_STOP_WORDS` (the vocabulary of any press release: titles, meeting verbs, "issues",
  "measures") never appear in a term; the embedding keeps them, so the clusters do not depend on
  how topics are named;
- :data:`GENERIC_WORDS` ("trade", "economic", "global" …) say nothing on their own in a trade
  ministry's releases, but name a topic inside a bigram ("trade remedies", "economic security"):
  they may be part of a bigram, never a term alone.

Personal names are found in the texts themselves (:func:`person_names`) and removed like
:data:`PRESS_STOP_WORDS`. Each list has its Korean words too: Korean texts reach this module as
morphemes (:mod:`topics.language`), so the lists hold nouns without particles.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from topics import _tfidf
from topics._io import forget_dropped_terms
from topics.language import PHRASE_BREAK, detect_language

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
) | frozenset(
    # The same for Korean analysed texts (morphemes, see topics.language): the ministry, the
    # government, titles and the calendar.
    """
    산업 자원부 산업부 통상부 산자부 정부 장관 차관 차관보 우리 우리나라 대한민국 한국 이번
    오늘 이날 올해 금년 내년 작년 지난해 전년 최근 당시 관계자 보도 자료 기자 브리핑 발표 예정
    """.split()  # noqa: SIM905
)
# Stop words are removed before bigrams are formed, so "trade minister" or "korean government"
# can never become a term. "trade" and "energy" stay: "trade remedies" and "energy security" are
# topics in their own right.

#: Vocabulary of any press release (titles, meeting verbs, filler): removed from topic terms only.
PRESS_STOP_WORDS = frozenset(
    """
    issue issues talk talks matter matters measure measures plans planned planning agenda
    president presidents prime secretary chairman chairwoman chair chaired chairs chief chiefs
    head heads ambassador ambassadors commissioner envoy spokesperson representative
    representatives delegation delegations counterpart counterparts dr mrs
    visit visits visited visiting trip agreed agree agrees agreement agreements signed sign signing
    event events ceremony occasion session sessions participants participant participated
    participate participating attend attending opening welcomed welcome hopes hoped hope expects
    expected expect organized organised hosted host hosts co led lead leading took place taking
    according furthermore additionally moreover particularly especially addition overall
    conducted conduct explore explored explores exploring review reviewed reviewing shared share
    sharing exchanged exchange exchanges views opinions reached mentioned regarding concerning
    aimed aim aims aiming seek seeks sought discusses discussing holding remarked ongoing
    efforts effort opportunity opportunities ahead forward push pushing progress margins
    sidelines like minded stood amounted respectively compared previous period same serve
    serves served entered enter despite
    """.split()  # noqa: SIM905
) | frozenset(
    """
    개최 회의 논의 협의 추진 계획 방안 관련 강조 참석 기대 필요 노력 대응 방문 면담 간담회 행사
    진행 설명 요청 당부 확인 결과 상황 분야 기관 의견 목표 과제 마련 위원장 대표 사장 회장
    본부장 실장 국장 과장 사무관 주재 개막 출범 계기 예상 전망 기준 대비 규모 수준 가능 경우
    """.split()  # noqa: SIM905
)

#: Words that may be part of a bigram term but never a term alone (see the module docstring).
GENERIC_WORDS = frozenset(
    """
    trade trading economic economy economies global international world new future advanced
    support supports supported strengthen strengthening strengthened enhance enhancing enhanced
    expand expanding expanded expansion promote promoting promotion boost bolster foster deepen
    partnership partnerships partner partners relations relationship sector sectors field fields
    area areas companies company firms firm business businesses policy policies forum dialogue
    center centre institute think level high growth development joint mutual
    national domestic foreign overseas nations nation region regional activities activity
    """.split()  # noqa: SIM905
) | frozenset(
    """
    경제 무역 통상 글로벌 국제 협력 지원 강화 확대 정책 기업 시장 성장 발전 미래 신규 국가 세계 국내
    해외 제고 촉진 활성화 기반 체계 전략 사업 산업계 업계
    """.split()  # noqa: SIM905
)

#: Words after which a capitalised word is a personal name ("Minister Park", "Mr. Kim").
TITLE_WORDS = frozenset(
    """
    minister ministers president vice deputy director general secretary ambassador chairman
    chairwoman chair commissioner governor mayor ceo chief head mr ms mrs dr prof professor
    representative envoy spokesperson senator
    """.split()  # noqa: SIM905
)

#: Tokens of letters only, two or more (numbers and dates never become topic terms).
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"

_CAP = r"[^\W\d_a-z][^\W\d_A-Z]+"  # a capitalised word: "Park", "Beljaarts"
# The lookahead on the first letters is only for speed: it spares the alternation at most words.
_TITLE_FIRST = "".join(sorted({w[0] for w in TITLE_WORDS}))
_AFTER_TITLE = re.compile(
    rf"\b(?i:(?=[{_TITLE_FIRST}])(?:{'|'.join(sorted(TITLE_WORDS))}))\b\.?[ \t]+"
    rf"(?P<name>{_CAP}(?:[ \t]+{_CAP}){{0,2}})(?:-(?P<tail>[a-z]+))?"
)
# "Park Sung-taek", "Yeo Han-koo": a capitalised word, then a hyphenated lower-case given name
_GIVEN_NAME = re.compile(rf"\b(?P<name>{_CAP}[ \t]+{_CAP})-(?P<tail>[a-z]{{2,6}})\b")


_WORD = re.compile(r"\b[^\W\d_]+\b")
_FREE_WORD = re.compile(r"(?<![\w-])[^\W\d_]+\b")


#: Texts the topic terms are chosen in at most (evenly spaced through a larger corpus): the
#: personal names of :func:`term_stop_words` (0.8 ms a Senate release) and the vocabulary of
#: :func:`fit_term_vectorizer` (2 ms: every unigram and bigram looked up, twice), where
#: ``min_df`` then counts in the sample. A term frequent enough to describe a topic is in
#: many of them; every text is still counted.
TERM_SAMPLE = 20_000


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


def term_stop_words(
    stop_words: str | Iterable[str] | None,
    texts: Sequence[str],
    protected: Iterable[str] = (),
) -> list[str] | None:
    """Stop words of topic terms: :func:`stop_word_list`, plus personal names found in ``texts``
    and, for ``"english+domain"``, :data:`PRESS_STOP_WORDS`.

    ``protected`` words (e.g. the words of theme phrases) are never treated as names. Names are
    looked for in at most :data:`TERM_SAMPLE` texts, evenly spaced through a larger corpus.
    ``stop_words=None`` removes nothing.
    """
    stops = stop_word_list(stop_words)
    if stops is None:
        return None
    extra = person_names(_tfidf.spread(texts, TERM_SAMPLE), protected)
    if stop_words == "english+domain":
        extra |= PRESS_STOP_WORDS
    return sorted(set(stops) | extra)


def person_names(texts: Sequence[str], protected: Iterable[str] = ()) -> set[str]:
    """Lower-cased words used as personal names in ``texts``.

    A word is a name candidate where it is capitalised right after a title word ("Minister An",
    "Deputy Minister Park Sung-taek", "Mr. Smith") or is part of a name with a hyphenated
    lower-case given name ("Yeo Han-koo": "yeo", "han", "koo"). It is taken for a name when at
    least half of its capitalised uses are such places and it is not used more often as an
    ordinary lower-case word, so "Canada" (capitalised everywhere, rarely after a title) and
    "Trade" (in "Trade Minister", but lower-case in running text) stay.

    Parameters
    ----------
    texts : sequence of str
        The documents, with their original capitalisation.
    protected : iterable of str
        Words never returned (compared lower-cased, word by word).

    Returns
    -------
    set of str
    """
    keep = {w.lower() for phrase in protected for w in re.findall(r"\w+", str(phrase))}
    spots: Counter[str] = Counter()
    for text in texts:
        for match in _AFTER_TITLE.finditer(text):
            words = match["name"].split()
            tail = match["tail"]
            spots.update(w for w in words if w.lower() not in TITLE_WORDS)
            if tail:
                spots[tail] += 1
        for match in _GIVEN_NAME.finditer(text):
            spots.update(match["name"].split())
            spots[match["tail"]] += 1
    if not spots:
        return set()
    written: Counter[str] = Counter()  # every word, as written
    unhyphenated: Counter[str] = Counter()  # words not right after a hyphen
    for text in texts:
        written.update(_WORD.findall(text))
        unhyphenated.update(_FREE_WORD.findall(text))
    names = set()
    for word, n in spots.items():
        low = word.lower()
        if low in keep or low in TITLE_WORDS:
            continue
        lower_uses = unhyphenated[low]
        capital_uses = written[low.capitalize()]
        if n >= max(1, lower_uses) and 2 * n >= capital_uses:
            names.add(low)
    return names


def generic_terms(vocabulary: Sequence[str], generic: Iterable[str] = GENERIC_WORDS) -> np.ndarray:
    """Which terms consist of generic words only ("trade", "global trade").

    Returns
    -------
    ndarray of bool, shape (n_terms,)
    """
    generic = frozenset(generic)
    return np.array([set(t.split()) <= generic for t in vocabulary], dtype=bool)


def make_vectorizer(
    n_documents: int,
    stop_words: list[str] | None,
    ngram_range: tuple[int, int],
    vocabulary: Sequence[str] | None = None,
):
    """A ``CountVectorizer`` for topic terms, its ``min_df`` scaled with the corpus size.

    With ``vocabulary``, the terms are fixed (``min_df`` and ``max_df`` do not apply).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    min_df = 1 if n_documents < 10 else 2 if n_documents < 2000 else 3
    return CountVectorizer(
        stop_words=stop_words,
        ngram_range=tuple(ngram_range),
        min_df=min_df,
        max_df=1.0 if n_documents < 50 else 0.9,
        token_pattern=TOKEN_PATTERN,
        lowercase=True,
        vocabulary=None if vocabulary is None else list(vocabulary),
    )


def fit_term_vectorizer(
    texts: Sequence[str],
    stop_words: list[str] | None,
    ngram_range: tuple[int, int],
    drop_generic: bool,
):
    """Fit the topic-term ``CountVectorizer`` on ``texts``.

    n-grams must occur as adjacent words somewhere in the texts: scikit-learn forms them after
    removing stop words, which joins words across a gap ("the balance stood at a surplus" gives
    "balance surplus"). With ``drop_generic``, terms made of :data:`GENERIC_WORDS` only are left
    out too. When terms are left out, the returned vectorizer has a fixed vocabulary. Above
    :data:`TERM_SAMPLE` texts, the terms are chosen in that many evenly spaced ones, and every
    text is counted.

    Returns
    -------
    vectorizer : CountVectorizer
    doc_terms : csr_matrix of shape (n_documents, n_terms)

    Raises
    ------
    ValueError
        No term is left ("empty vocabulary").
    """
    sample = _tfidf.spread(texts, TERM_SAMPLE)
    vectorizer = make_vectorizer(len(sample), stop_words, ngram_range)
    doc_terms = vectorizer.fit_transform(sample)
    vocab = vectorizer.get_feature_names_out()
    drop = generic_terms(vocab) if drop_generic else np.zeros(len(vocab), dtype=bool)
    drop |= ~_adjacent(vocab, sample, ngram_range)
    if drop.any():
        keep = np.flatnonzero(~drop)
        if len(keep) == 0:
            raise ValueError("empty vocabulary: every term is a generic word")
        # A fixed vocabulary is all the fit reads (min_df and max_df do not apply): one text.
        vectorizer = make_vectorizer(len(sample), stop_words, ngram_range, vocabulary=vocab[keep])
        vectorizer.fit(sample[:1])
        doc_terms = doc_terms.tocsc()[:, keep].tocsr()
    vectorizer = forget_dropped_terms(vectorizer)
    if len(sample) < len(texts):
        doc_terms = _tfidf.transform(vectorizer, list(texts))
    return vectorizer, doc_terms


def _phrase_breaks(texts: Sequence[str]) -> list[str]:
    """Korean analysed texts with their phrase breaks made words no term contains."""
    return [
        t.replace(PHRASE_BREAK, " xphrasebreakx ") if detect_language(t) == "ko" else t
        for t in texts
    ]


def _adjacent(vocabulary: np.ndarray, texts: Sequence[str], ngram_range) -> np.ndarray:
    """Which terms are single words or occur as adjacent words in ``texts``."""
    from sklearn.feature_extraction.text import CountVectorizer

    grams = [i for i, t in enumerate(vocabulary) if " " in t]
    out = np.ones(len(vocabulary), dtype=bool)
    if not grams:
        return out
    counter = CountVectorizer(
        token_pattern=TOKEN_PATTERN,
        ngram_range=(2, max(2, ngram_range[1])),
        lowercase=True,
        vocabulary=[str(vocabulary[i]) for i in grams],
    )
    found = np.asarray(counter.transform(_phrase_breaks(texts)).sum(axis=0)).ravel()
    out[np.asarray(grams)[found == 0]] = False
    return out


def as_texts(texts: Sequence[str]) -> list[str]:
    """Texts as a list of str (``None`` → ""); a single string is refused."""
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got a single string")
    return ["" if t is None else str(t) for t in texts]


def make_embedder(
    embedder: Any, random_state: int, stop_words: list[str] | None
) -> tuple[Any, bool]:
    """The embedder to use, and whether it is already fitted (a fitted one is copied, not refit)."""
    from sklearn.base import clone

    from topics.embed import LocalEmbedder, SentenceTransformerEmbedder

    if embedder is None:
        return LocalEmbedder(stop_words=stop_words, random_state=random_state), False
    if isinstance(embedder, str):
        return SentenceTransformerEmbedder(embedder), False
    if isinstance(embedder, LocalEmbedder) and hasattr(embedder, "pipeline_"):
        return copy.deepcopy(embedder), True
    return clone(embedder), False


def sample_rules(embedder: Any, n_documents: int, prefit: bool) -> dict[str, str]:
    """What the embedding and the topic terms were fitted on, for a model's ``fit_info_``."""
    sample = getattr(embedder, "fit_sample", None)
    if prefit:
        embedding = "given already fitted"
    elif sample is not None and n_documents > sample:
        embedding = f"TF-IDF and SVD fitted on a seeded sample of {sample}; all embedded"
    else:
        embedding = "every document"
    terms = (
        "every document"
        if n_documents <= TERM_SAMPLE
        else f"terms and names chosen in {TERM_SAMPLE} evenly spaced documents; all counted"
    )
    return {"embedding_rule": embedding, "term_rule": terms}


def theme_words(themes: Mapping[str, list[str]] | None) -> list[str]:
    """Every phrase of ``themes`` (their words are never taken for personal names)."""
    return [str(p) for phrases in (themes or {}).values() for p in phrases]
