"""``topics themes``: help the analyst shape the taxonomy (``topics themes suggest``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from topics.cli._common import (
    AsJson,
    CategoryColumn,
    CorpusPaths,
    DateColumn,
    Encoding,
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
)

themes_app = typer.Typer(
    help="Work on the taxonomy of themes.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def register(app: typer.Typer) -> None:
    app.add_typer(themes_app, name="themes")


@themes_app.command("suggest")
@handles_errors
def suggest_cli(
    ctx: typer.Context,
    paths: CorpusPaths = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", "-m", help="Use this model's tags (default: the taxonomy's phrase rules)."
        ),
    ] = None,
    themes: Annotated[
        Path | None, typer.Option(help="Taxonomy file (TOML) to extend the default one with.")
    ] = None,
    themes_mode: Annotated[
        str, typer.Option(help="'extend' the default taxonomy with --themes, or 'replace' it.")
    ] = "extend",
    top: Annotated[int, typer.Option(min=1, help="Phrases shown per theme.")] = 15,
    min_releases: Annotated[
        int, typer.Option(min=1, help="Releases of the theme a phrase must occur in.")
    ] = 3,
    text_column: TextColumn = None,
    title_column: TitleColumn = None,
    date_column: DateColumn = None,
    category_column: CategoryColumn = None,
    labels_column: LabelsColumn = None,
    id_column: IdColumn = None,
    encoding: Encoding = None,
    no_boilerplate: NoBoilerplate = False,
    sender_column: SenderColumn = None,
    as_json: AsJson = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """For each theme, phrases of your corpus that distinguish its releases, to review and add.

    Phrases already in the taxonomy are left out; each comes with how many of the theme's
    releases hold it, how many others do, a score and example titles. Nothing is changed: copy
    the phrases you agree with into a taxonomy file and train with --themes FILE.

    Example: topics themes suggest corpus.parquet --top 10
    """
    from topics.cli._common import corpus_options
    from topics.pipeline import suggest_for_corpus

    if themes_mode not in ("extend", "replace"):
        raise typer.BadParameter("must be 'extend' or 'replace'", param_hint="--themes-mode")
    with progress(quiet) as report:
        report("reading the corpus and comparing each theme's releases with the others", 0.0)
        taxonomy, suggestions, n_tagged = suggest_for_corpus(
            paths or None,
            model=model,
            themes=themes,
            themes_mode=themes_mode,
            top=top,
            min_releases=min_releases,
            corpus_options=corpus_options(ctx.params),
        )
    if as_json:
        echo_json(
            {
                theme: {"releases": n_tagged[theme], "phrases": [s.to_dict() for s in found]}
                for theme, found in suggestions.items()
            }
        )
        return
    from topics.cli._render import print_suggestions

    print_suggestions(taxonomy, suggestions, n_tagged, source="model" if model else "rules")
