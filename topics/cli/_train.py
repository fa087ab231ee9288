"""``topics train``: fit the theme classifier, label classifiers and topic model; save the model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from topics.cli._accounting import echo_accounting
from topics.cli._common import (
    AsJson,
    CategoryColumn,
    CorpusPaths,
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
    echo_json,
    handles_errors,
    progress,
    read_corpus,
)


def register(app: typer.Typer) -> None:
    app.command("train")(train_cli)


@handles_errors
def train_cli(
    ctx: typer.Context,
    paths: CorpusPaths = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Model directory to write.")] = Path(
        "models/default"
    ),
    themes: Annotated[
        Path | None, typer.Option(help="Taxonomy file (TOML) of themes to add or use instead.")
    ] = None,
    themes_mode: Annotated[
        str, typer.Option(help="'extend' the default taxonomy with --themes, or 'replace' it.")
    ] = "extend",
    theme_labels: Annotated[
        Path | None,
        typer.Option(
            help="Gold theme labels (CSV/JSON: document id or title → theme ids); the tagger's "
            "error rates on them (held out) are kept in the model to correct report shares."
        ),
    ] = None,
    label_column: Annotated[
        list[str] | None,
        typer.Option(help="Also learn this categorical column (repeatable), e.g. category."),
    ] = None,
    budget: Annotated[
        str,
        typer.Option(
            help="Seconds each label classifier may spend choosing its configuration, or "
            "'auto' (30 + 0.015 per document)."
        ),
    ] = "auto",
    context_columns: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated text columns added as separate feature blocks of the label "
            "classifiers, e.g. before,after."
        ),
    ] = None,
    priors: Annotated[
        str | None,
        typer.Option(
            help="Class priors of the documents the label classifier will tag: 'estimate' (EM "
            "on the unlabelled documents) or shares such as 'yes=0.1,no=0.9'."
        ),
    ] = None,
    n_topics: Annotated[str, typer.Option(help="Number of topics, or 'auto'.")] = "auto",
    no_topics: Annotated[bool, typer.Option("--no-topics", help="Skip the topic model.")] = False,
    seed: Annotated[
        int, typer.Option(min=0, max=2**32 - 1, help="Random seed reaching every component.")
    ] = 0,
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
    as_json: AsJson = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Train theme and label classifiers and a topic model, and save them as one directory.

    With no PATHS it trains on the bundled seeds and writes models/default.

    Example: topics train seeds/ --label-column category --out models/motie
    """
    from topics.persist import check_writable
    from topics.training import train

    check_writable(out, force)  # before reading the corpus and training, not after
    if themes_mode not in ("extend", "replace"):
        raise typer.BadParameter("must be 'extend' or 'replace'", param_hint="--themes-mode")
    topics_count: int | str = n_topics
    if n_topics != "auto":
        try:
            topics_count = int(n_topics)
        except ValueError:
            raise typer.BadParameter(
                "must be an integer or 'auto'", param_hint="--n-topics"
            ) from None
    label_budget = _parse_budget(budget)
    label_priors = _parse_priors(priors)
    with progress(quiet) as report:
        report("reading the corpus", 0.0)
        corpus = read_corpus(paths, ctx.params)  # read here to print its accounting
        model = train(
            corpus,
            themes=themes,
            themes_mode=themes_mode,
            gold_themes=theme_labels,
            label_columns=label_column or [],
            topic_model=not no_topics,
            n_topics=topics_count,
            seed=seed,
            budget=label_budget,
            context_columns=[c.strip() for c in (context_columns or "").split(",") if c.strip()],
            priors=label_priors,
            out=out,
            force=force,
            sender_column=sender_column,
            progress=report,
        )
    path = model.path
    if as_json:
        report = corpus.report.to_dict()
        echo_json({"model": str(path), "manifest": model.manifest, "corpus": report})
        return
    from topics.cli._render import print_model_summary

    echo_accounting(corpus.report)
    print_model_summary(model)
    typer.echo(f"Model written to {path}")


def _parse_budget(value: str) -> float | str:
    if value == "auto":
        return value
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise typer.BadParameter(
            "must be 'auto' or a positive number of seconds", param_hint="--budget"
        )
    return seconds


def _parse_priors(value: str | None) -> str | dict[str, float] | None:
    if value is None or value == "estimate":
        return value
    shares: dict[str, float] = {}
    for item in value.split(","):
        name, _, share = item.rpartition("=")
        try:
            shares[name.strip()] = float(share)
        except ValueError:
            name = ""
        if not name.strip():
            raise typer.BadParameter(
                f"{item!r}: expected 'estimate' or class=share pairs such as yes=0.1,no=0.9",
                param_hint="--priors",
            ) from None
    return shares
