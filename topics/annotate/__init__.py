"""Hand-coding a sample: draw it (sample.py), then code it in one offline page (page.py).

``label_sample`` is ``topics label``: the model tags the corpus, :func:`draw_sample` picks the
releases to code, and the page (or the spreadsheet) is written. The coded file goes back in
with ``--theme-labels`` to ``topics evaluate``, ``topics train`` and ``topics report``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from topics._paths import check_output, write_text_atomic
from topics.annotate.page import evidence_spans, page_data, render_page, sample_csv
from topics.annotate.sample import Sample, draw_sample
from topics.errors import TopicsError
from topics.progress import Progress, noop

if TYPE_CHECKING:
    from topics.corpus import Corpus
    from topics.model import Model

__all__ = [
    "Sample",
    "draw_sample",
    "evidence_spans",
    "label_sample",
    "page_data",
    "render_page",
    "sample_csv",
]

FORMATS = ("html", "csv")


def label_sample(
    model: Model,
    corpus: Corpus,
    out: str | Path,
    *,
    n: int = 200,
    fmt: str = "html",
    seed: int = 0,
    time_bin: str = "year",
    force: bool = False,
    progress: Progress | None = None,
) -> tuple[Path, Sample]:
    """Draw a sample of releases to hand-code and write the annotation page (or spreadsheet).

    Parameters
    ----------
    model : Model
        Its predictions stratify the sample and are shown as suggestions.
    corpus : Corpus
        Merged duplicates are left out of the sample.
    out : path
        The file to write (``.html`` page or ``.csv`` spreadsheet).
    n : int
        Releases to draw.
    fmt : {"html", "csv"}
    seed : int
        Seed of the draw.
    time_bin : {"year", "quarter"}
        Time strata.
    force : bool
        Replace an existing file.
    progress : callable(message, fraction), optional

    Returns
    -------
    (Path, Sample)
        The file written and the sample (with its inclusion probabilities and weights).
    """
    from topics.pipeline import predict_corpus
    from topics.themes.match import matcher_for

    report = progress or noop
    if fmt not in FORMATS:
        raise TopicsError(f"unknown format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    out = check_output(out, force=force)  # before the tagging, not after
    if model.themes is None:
        raise TopicsError("this model has no theme classifier", "re-train it with themes")
    documents = corpus.documents().reset_index(drop=True)
    predictions = predict_corpus(model, documents, progress)
    report("drawing the sample", 0.9)
    sample = draw_sample(documents, predictions, n, time_bin=time_bin, seed=seed)
    if fmt == "csv":
        text = sample_csv(sample)
    else:
        matcher = matcher_for(model.taxonomy)
        data = page_data(
            sample,
            predictions.theme_names,
            matcher.evidence,
            model=str(model.path) if model.path else None,
        )
        data["filename"] = f"{out.stem}.csv"
        text = render_page(data)
    _write(out, text)
    report("written", 1.0)
    return out, sample


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    except OSError as exc:
        raise TopicsError(f"{path}: cannot write ({exc})", "check the path") from exc
