"""``topics update``: learn from new releases, keep the topics' ids, save a new model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from topics.cli._accounting import echo_accounting
from topics.cli._common import (
    AsJson,
    CategoryColumn,
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
    echo_json,
    handles_errors,
    progress,
    read_corpus,
)


def register(app: typer.Typer) -> None:
    app.command("update")(update_cli)


@handles_errors
def update_cli(
    ctx: typer.Context,
    model: Annotated[Path, typer.Argument(help="Model directory to update (never modified).")],
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders of new releases; releases the model holds (same id) are "
            "recognised and left as they are.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Directory of the updated model. Default: MODEL-next."),
    ] = None,
    theme_labels: Annotated[
        Path | None,
        typer.Option(help="Gold theme labels (CSV/JSON) of new or held releases."),
    ] = None,
    refit_themes: Annotated[
        bool | None,
        typer.Option(
            "--refit-themes/--keep-themes",
            help="Refit the theme tagger. Default: only when the gold labels given code a new "
            "release or change a held one's codes.",
            show_default=False,
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Refit the topic model's embedding, vocabulary and clustering from scratch "
            "(seeded with the current topics) before matching: finds topics the new words "
            "make, at the cost of a retrain.",
        ),
    ] = False,
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
    as_json: AsJson = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Update a model with new releases: matched topics keep their ids, new topics get new ids,
    topics with no successor are kept as retired; the lineage goes in the manifest.

    Example: topics update models/motie releases-2025-12.jsonl --out models/motie-2025-12
    """
    from topics.persist import check_writable
    from topics.updating import update

    target = out or model.with_name(f"{model.name}-next")
    if target.resolve() == model.resolve():
        raise typer.BadParameter(
            "must differ from MODEL (the parent is never modified)", param_hint="--out"
        )
    check_writable(target, force)  # before reading anything, not after
    with progress(quiet) as report:
        report("reading the new releases", 0.0)
        corpus = read_corpus(paths, ctx.params)  # read here to print its accounting
        result = update(
            model,
            corpus,
            out=target,
            force=force,
            gold_themes=theme_labels,
            refit_themes=refit_themes,
            scheme="full" if full else "warm",
            progress=report,
        )
    written = result.path
    summary = {
        "nothing_new": result.nothing_new,
        "added": result.added,
        "held": result.held,
        "matched": result.matched,
        "new": result.new,
        "retired": result.retired,
        "refit": result.refit,
        "model": str(written) if written else None,
    }
    if as_json:
        echo_json(summary)
        return
    echo_accounting(corpus.report)
    if result.nothing_new:
        typer.echo(
            f"Nothing new: the {result.held:,} releases given are all in {model} already; "
            "no model written."
        )
        return
    lineage = result.model.lineage
    typer.echo(f"{result.added:,} new releases added ({result.held:,} already held).")
    typer.echo(
        f"Topics: {len(result.matched)} kept their id, {len(result.new)} new, "
        f"{len(result.retired)} retired."
    )
    for k in result.new:
        typer.echo(f"  new {k}: {lineage.topics[k]['label']} ({lineage.topics[k]['size']:,})")
    for k in result.retired:
        record = lineage.topics[k]
        typer.echo(f"  retired {k}: {record['label']} (last release {record['last_date']})")
    typer.echo(f"Theme tagger: {result.refit['themes']}.")
    typer.echo(f"Model written to {written}")
