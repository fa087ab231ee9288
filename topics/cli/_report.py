"""``topics report``: the self-contained HTML trend report (plus CSV and JSON trend tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from topics.cli._accounting import echo_accounting
from topics.cli._common import (
    CategoryColumn,
    DateColumn,
    Encoding,
    FixText,
    Force,
    IdColumn,
    LabelsColumn,
    NoBoilerplate,
    Quiet,
    SenderColumn,
    TextColumn,
    TitleColumn,
    Verbose,
    corpus_options,
    handles_errors,
    progress,
    read_corpus,
)
from topics.cli._predict import Engine, Scheduler, check_engine


def register(app: typer.Typer) -> None:
    app.command("report")(report_cli)


@handles_errors
def report_cli(
    ctx: typer.Context,
    model: Annotated[
        Path, typer.Option("--model", "-m", help="Model directory written by `topics train`.")
    ] = Path("models/default"),
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            "--corpus",
            "-c",
            help="Releases to report on (repeatable; with --engine dask: files, folders or "
            "globs, one partition per file). Default: the bundled seeds.",
        ),
    ] = None,
    freq: Annotated[str, typer.Option(help="Calendar period: month, quarter or year.")] = "quarter",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="HTML file to write; CSV and JSON go beside it.")
    ] = Path("reports/trends.html"),
    title: Annotated[str, typer.Option(help="Title of the report.")] = "Theme trends",
    theme_labels: Annotated[
        Path | None,
        typer.Option(
            help="Hand-coded releases (`topics label` export): correct the theme shares for "
            "the model's measured error rates. Default: the model's own validation, if any."
        ),
    ] = None,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    text_column: TextColumn = None,
    title_column: TitleColumn = None,
    date_column: DateColumn = None,
    category_column: CategoryColumn = None,
    labels_column: LabelsColumn = None,
    id_column: IdColumn = None,
    encoding: Encoding = None,
    no_boilerplate: NoBoilerplate = False,
    sender_column: SenderColumn = None,
    fix_text: FixText = True,
    force: Force = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Write one offline HTML report of how themes and topics shift over time.

    With no arguments it reports on the bundled seeds with models/default and writes
    reports/trends.html, reports/trends.csv and reports/trends.json.

    Example: topics report --corpus releases.jsonl.gz --freq month -o reports/2025.html

    Example: topics report --engine dask --corpus 'releases/*.parquet' -o reports/all.html
    """
    from topics.model import load
    from topics.pipeline import build_report
    from topics.report import check_writable
    from topics.trends import FREQS

    if freq not in FREQS:
        raise typer.BadParameter(f"must be one of {', '.join(FREQS)}", param_hint="--freq")
    check_engine(engine, scheduler)
    check_writable(out, force)  # before the work, not after
    if engine == "dask":
        _report_dask(ctx.params, corpus, out)
        return
    with progress(quiet) as report:
        report("loading the model", 0.0)
        fitted = load(model)
        report("reading the corpus", 0.05)
        releases = read_corpus(corpus, ctx.params)  # read here to print its accounting
        written = build_report(
            fitted,
            releases,
            freq=freq,
            out=out,
            force=force,
            title=title,
            theme_labels=theme_labels,
            progress=report,
        )
    echo_accounting(releases.report)
    for kind, path in written.items():
        if kind != "html":
            typer.echo(f"{kind.upper()} trend table written to {path}")
    typer.echo(f"Report written to {written['html']}")


def _report_dask(params: dict, corpus: list[Path] | None, out: Path) -> None:
    """``--engine dask``: counts added up on a cluster, the same report from them."""
    from topics.corpus import default_seeds
    from topics.distributed import report_files

    if params["theme_labels"] is not None:
        raise typer.BadParameter(
            "not with --engine dask: train the model with --theme-labels (its validation "
            "corrects the shares), or report in one process",
            param_hint="--theme-labels",
        )
    with progress(params["quiet"]) as report:
        done = report_files(
            corpus or [default_seeds()],
            model=params["model"],
            freq=params["freq"],
            out=out,
            force=params["force"],
            title=params["title"],
            scheduler=params["scheduler"],
            progress=report,
            **corpus_options(params),
        )
    echo_accounting(done.report)
    for kind, path in done.paths.items():
        if kind != "html":
            typer.echo(f"{kind.upper()} trend table written to {path}")
    typer.echo(f"Report written to {done.paths['html']}")
