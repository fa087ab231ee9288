"""Language of a release, and the words every text feature sees.

This is the one place where text becomes words for the models. The classifiers' TF-IDF
(:mod:`topics.classify`), the local embedding (:mod:`topics.embed`), the topic terms
(:mod:`topics.topic_model`) and the theme phrase matcher (:mod:`topics.themes.match`) all call
:func:`analysed_texts` on what they are given, so they agree on the words of a text.

Language
    :func:`detect_language` counts scripts: a text whose letters are at least
    :data:`HANGUL_SHARE` Hangul is Korean (``"ko"``); any other text is handled as English
    (``"en"``); URLs and e-mail addresses are not counted. A Korean release quoting "FTA" or
    "IRA" stays Korean; an English release quoting a Korean name stays English. The corpus
    keeps the result in its ``language`` column.

Analysed text (:func:`analysed_text`)
    - English: the text unchanged. Every English feature is exactly what it was before Korean
      support existed.
    - Korean: the morphemes `kiwipiepy <https://github.com/bab2min/kiwipiepy>`_ finds, space
      joined: common nouns (NNG), proper nouns (NNP), roots (XR), words in Latin script (SL:
      "FTA", "AI") and hanja (SH). Particles, endings, verbs' and adjectives' inflections,
      numbers and bound nouns are dropped, so 반도체는, 반도체를 and 반도체의 are all
      ``반도체``. Derivational affixes stay on their noun (반+덤핑 → 반덤핑, 희토+류 → 희토류,
      중국+산 → 중국산), and "2차전지" is written 이차전지 first. URLs, e-mail addresses, phone
      and serial numbers (which kiwipiepy recognises as such) never reach the models. Where
      something was dropped, a line break (:data:`PHRASE_BREAK`) separates the words, so
      "합의하였다. 통상 협상" cannot give the topic term "합의 통상".

Tokenize once, reuse
    Analysing Korean costs about half a millisecond per headline; English costs a regular
    expression scan. :func:`analysed_texts` memoises its results (the last :data:`MEMO_SIZE`
    texts) and records every result as its own analysis, so ``analysed_texts(analysed_texts(t))``
    costs nothing more: a caller that tokenizes a batch once (``analysed = analysed_texts(texts)``)
    and hands ``analysed`` to every component pays for kiwipiepy once, while a component given
    raw texts still works on its own. ``Model.predict`` and ``train`` do exactly that.

kiwipiepy and its model (the ``kiwipiepy_model`` package, installed from PyPI with it; nothing is
downloaded at run time) are imported on the first Korean text only: English corpora and
``topics --help`` never load them.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

#: Share of Hangul among a text's letters from which the text is Korean.
HANGUL_SHARE = 0.3
#: Languages a release can have.
LANGUAGES = ("en", "ko")
#: How many analysed texts :func:`analysed_texts` remembers.
MEMO_SIZE = 200_000

#: Separates the phrases of a Korean analysed text: where a particle, an ending, a verb or
#: punctuation was dropped. Every vectorizer reads it as a space; topic terms of two words must
#: not straddle it (see ``topics.topic_model._text``).
PHRASE_BREAK = "\n"
#: Morpheme tags kept in a Korean analysed text (Sejong tag set as kiwipiepy uses it).
KEPT_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})
_NOUNS = frozenset({"NNG", "NNP", "XR"})

#: Words kiwipiepy would split in a way that loses their sense ("이차전지" → 이 + 차 + 전지).
USER_NOUNS = ("이차전지",)

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")
_SECOND_BATTERY = re.compile(r"(?<!\d)2\s?차\s?전지")

#: URLs (with a scheme, ``www.``, or a bare host followed by a path), e-mail addresses and phone
#: numbers: never words of a topic, in any language.
CONTACT_PATTERN = re.compile(
    r"""
    (?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>"']+              # https://goo.gl/x, www.motie.go.kr
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                        # kim@korea.kr
    | \b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|kr|gl|ly|co|gov|go|me|io|info|be)
      \b(?:/[^\s<>"']*)?                                  # goo.gl/abc, korea.kr
    | (?<!\w)\+?\(?\d{1,4}\)?(?:[ .-]\d{2,4}){1,3}[ .-]\d{4}(?!\w)  # 044-203-4000, +82 44 203 4000
    """,
    re.IGNORECASE | re.VERBOSE,
)


def detect_language(text: str | None) -> str:
    """``"ko"`` when at least :data:`HANGUL_SHARE` of the letters of ``text`` are Hangul, else
    ``"en"`` (also for an empty text)."""
    if not isinstance(text, str) or not text:
        return "en"
    hangul = len(_HANGUL.findall(text))
    if hangul == 0:
        return "en"
    letters = len(_LETTER.findall(strip_contacts(text)))  # a URL is not English
    return "ko" if hangul >= HANGUL_SHARE * max(letters, 1) else "en"


def has_hangul(text: str) -> bool:
    """Whether ``text`` has any Hangul letter."""
    return not text.isascii() and _HANGUL.search(text) is not None


def languages(texts: Iterable[str | None]) -> list[str]:
    """:func:`detect_language` of every text."""
    return [detect_language(t) for t in texts]


#: Substrings without which a text holds no URL or e-mail address (a fast first test).
_CONTACT_HINTS = (
    "://",
    "www.",
    "@",
    ".com",
    ".net",
    ".org",
    ".kr",
    ".gl",
    ".ly",
    ".co",
    ".go",
    ".io",
    ".me",
    ".be",
    ".info",
)


def strip_contacts(text: str) -> str:
    """``text`` with URLs, e-mail addresses and phone numbers replaced by a space.

    A text without any of :data:`_CONTACT_HINTS` is returned as it is: its phone numbers, if
    any, stay, which is harmless where this is used (terms are words of letters only).
    """
    lower = text.lower()
    if not any(hint in lower for hint in _CONTACT_HINTS):
        return text
    return CONTACT_PATTERN.sub(" ", text)


class _Memo:
    """Bounded memo of analysed texts (least recently used forgotten first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, str] = OrderedDict()

    def get(self, text: str) -> str | None:
        found = self.items.get(text)
        if found is not None:
            self.items.move_to_end(text)
        return found

    def put(self, text: str, analysed: str) -> None:
        self.items[text] = analysed
        self.items[analysed] = analysed  # an analysis is its own analysis
        while len(self.items) > self.size:
            self.items.popitem(last=False)


_MEMO = _Memo(MEMO_SIZE)


def analysed_text(text: str | None) -> str:
    """The text the models see for one release (see the module docstring)."""
    return analysed_texts([text])[0]


def analysed_texts(texts: Sequence[str | None]) -> list[str]:
    """:func:`analysed_text` of every text; Korean texts are analysed in one kiwipiepy batch.

    Parameters
    ----------
    texts : sequence of str, length n_texts
        ``None`` and non-strings count as empty text.

    Returns
    -------
    list of str, length n_texts
        English texts are returned as they are (the same objects).
    """
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got a single string")
    out = [t if isinstance(t, str) else "" for t in texts]
    todo: dict[str, list[int]] = {}
    for i, text in enumerate(out):
        if not text or text.isascii() or _HANGUL.search(text) is None:
            continue  # the common English case: one scan, nothing else
        found = _MEMO.get(text)
        if found is not None:
            out[i] = found
        elif detect_language(text) == "ko":
            todo.setdefault(text, []).append(i)
    if todo:
        pending = list(todo)
        for text, phrases in zip(pending, korean_tokens(pending), strict=True):
            analysed = _render(phrases)
            _MEMO.put(text, analysed)
            for i in todo[text]:
                out[i] = analysed
    return out


def term_texts(texts: Sequence[str | None]) -> list[str]:
    """:func:`analysed_texts` without URLs, e-mail addresses and phone numbers: the texts topic
    terms are counted in (and topic coherence measured on), in any language."""
    return [strip_contacts(t) for t in analysed_texts(texts)]


def korean_tokens(texts: Sequence[str]) -> list[list[list[str]]]:
    """Content morphemes of Korean texts (see the module docstring).

    Returns
    -------
    list, one item per text, of phrases (list of str)
        A phrase is a run of kept morphemes that nothing was dropped between: "핵심 광물을
        확보한다" gives ``[["핵심", "광물"], ["확보"]]``.
    """
    kiwi = _kiwi()
    prepared = [_SECOND_BATTERY.sub("이차전지", t) for t in texts]
    return [_content(tokens) for tokens in kiwi.tokenize(prepared)]


def carries_particles(term: str, vocabulary: Iterable[str] | None = None) -> bool:
    """Whether a Korean term is a word form with a particle or an ending ("반도체는", "기업에",
    "합니다", "강화하고") rather than a bare morpheme; ``False`` for a term without Hangul.

    Each word of the term is analysed alone: it carries a particle when it ends in one (a J*
    tag) after a stem of two or more letters that is itself a word (in ``vocabulary``, when
    given: e.g. the words of the analysed corpus); it carries an ending when it ends in a final
    or connective ending (EF, EC) spelt like one (…다, …고, …며, …서, …요). Words analysed
    alone are sometimes misread ("흐름" as 흐르 + ㅁ), hence the spelling and stem checks.
    """
    known = None if vocabulary is None else set(vocabulary)
    for word in term.split():
        if not has_hangul(word):
            continue
        tokens = _kiwi().tokenize(word)
        if not tokens:
            continue
        last = tokens[-1]
        stem = word[: len(word) - len(last.form)] if word.endswith(last.form) else ""
        if last.tag.startswith("J") and len(stem) >= 2 and (known is None or stem in known):
            return True
        if last.tag in ("EF", "EC") and word.endswith(("다", "고", "며", "서", "요")):
            return True
    return False


def _content(tokens: Iterable[Any]) -> list[list[str]]:
    """Kept morphemes in phrases; prefixes (XPN) and noun suffixes (XSN) joined to their noun."""
    phrases: list[list[str]] = [[]]
    prefix = ""
    last_noun = False
    for token in tokens:
        tag = token.tag
        if tag == "XPN":
            prefix += token.form
            continue
        if tag == "XSN" and last_noun:
            phrases[-1][-1] += token.form
            continue
        if tag in KEPT_TAGS:
            phrases[-1].append(prefix + token.form if tag in _NOUNS else token.form)
            last_noun = tag in _NOUNS
        else:
            if phrases[-1]:
                phrases.append([])
            last_noun = False
        prefix = ""
    return [p for p in phrases if p]


def _render(phrases: list[list[str]]) -> str:
    """Words joined by spaces, phrases by line breaks (whitespace to every vectorizer)."""
    return PHRASE_BREAK.join(" ".join(p) for p in phrases)


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    """The kiwipiepy analyser, loaded once (about a second, a few hundred MB)."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi(num_workers=1)
    for word in USER_NOUNS:
        kiwi.add_user_word(word, "NNG")
    return kiwi
