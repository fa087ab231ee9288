"""``topics label``: draw a sample of releases to hand-code, as an offline page or a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from topics.cli._accounting import echo_accounting
from topics.cli._common import (
    CategoryColumn,
    CorpusPaths,
    DateColumn,
    Encoding,
    Force,
    IdColumn,
    LabelsColumn,
    NoBoilerplate,
    Quiet,
    SenderColumn,
    TextColumn,
    TitleColumn,
    Verbose,
    handles_errors,
    progress,
    read_corpus,
)


def register(app: typer.Typer) -> None:
    app.command("label")(label_cli)


@handles_errors
def label_cli(
    ctx: typer.Context,
    paths: CorpusPaths = None,
    model: Annotated[
        Path, typer.Option("--model", "-m", help="Model directory written by `topics train`.")
    ] = Path("models/default"),
    n: Annotated[int, typer.Option("--n", help="Releases to draw.", min=1)] = 200,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="File to write (.html page or .csv sheet).")
    ] = Path("labels.html"),
    fmt: Annotated[
        str, typer.Option("--format", help="'html': one offline coding page; 'csv': a sheet.")
    ] = "html",
    seed: Annotated[int, typer.Option(help="Seed of the draw.")] = 0,
    time_bin: Annotated[
        str, typer.Option(help="Time strata of the sample: 'year' or 'quarter'.")
    ] = "year",
    text_column: TextColumn = None,
    title_column: TitleColumn = None,
    date_column: DateColumn = None,
    category_column: CategoryColumn = None,
    labels_column: LabelsColumn = None,
    id_column: IdColumn = None,
    encoding: Encoding = None,
    no_boilerplate: NoBoilerplate = False,
    sender_column: SenderColumn = None,
    force: Force = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Draw releases to hand-code (stratified by year and theme, uncertain ones more often).

    The page shows one release at a time with the model's suggested themes and their evidence
    highlighted; answers stay in the browser, and "Export labels" downloads a file that
    `--theme-labels` reads (evaluate, train, report).

    Example: topics label releases.csv --model models/motie --n 200 -o labels.html
    """
    from topics.annotate import FORMATS, label_sample
    from topics.model import load

    if fmt not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}", param_hint="--format")
    with progress(quiet) as report:
        report("loading the model", 0.0)
        fitted = load(model)
        report("reading the corpus", 0.05)
        corpus = read_corpus(paths, ctx.params)
        path, sample = label_sample(
            fitted,
            corpus,
            out,
            n=n,
            fmt=fmt,
            seed=seed,
            time_bin=time_bin,
            force=force,
            progress=report,
        )
    echo_accounting(corpus.report)
    design = sample.design
    k = len(design["strata"])
    typer.echo(
        f"Drew {design['n']} of {design['population']} releases "
        f"({k} strat{'um' if k == 1 else 'a'} by {design['strata_by']})"
    )
    typer.echo(f"Labels {'page' if fmt == 'html' else 'sheet'} written to {path}")
