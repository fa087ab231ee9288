"""The bundled sample corpus, and "a corpus or where to read one" as the library takes it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.errors import CorpusError
from topics.progress import Progress

if TYPE_CHECKING:
    from topics.corpus.corpus import Corpus


def default_seeds() -> Path:
    """The bundled sample corpus: ``topics/_seeds`` in a wheel, ``seeds/`` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    raise CorpusError("the bundled seeds are not installed", "pass the paths of your releases")


def as_corpus(
    corpus: Any,
    options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """A :class:`Corpus` as given, or read from paths (the bundled seeds when ``None``).

    Parameters
    ----------
    corpus : Corpus, path, sequence of paths or None
    options : mapping, optional
        Keyword arguments of :func:`topics.load_corpus` (column names, encoding...), used only
        when the corpus is read here.
    progress : callable(message, fraction), optional
    """
    from topics.corpus.corpus import Corpus, load_corpus

    if isinstance(corpus, Corpus):
        return corpus
    if corpus is None or (not isinstance(corpus, str | Path) and len(corpus) == 0):
        corpus = [default_seeds()]
    return load_corpus(corpus, **dict(options or {}), progress=progress)
