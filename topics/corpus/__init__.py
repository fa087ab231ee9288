"""Reading releases into a corpus: readers, cleaning, dates, de-duplication.

``load_corpus(paths, ...)`` returns a :class:`Corpus` (``.frame``, ``.report``); see
:mod:`topics.corpus.schema` for the columns.
"""

from __future__ import annotations

from topics.corpus.bundled import as_corpus, default_seeds
from topics.corpus.corpus import SOURCE_ID, Corpus, load_corpus
from topics.corpus.report import IngestReport

__all__ = ["SOURCE_ID", "Corpus", "IngestReport", "as_corpus", "default_seeds", "load_corpus"]
