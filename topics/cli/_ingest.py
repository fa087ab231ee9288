"""``topics ingest``: read releases into a corpus, say what happened, write it as Parquet."""

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
)


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command to ``app``."""
    app.command("ingest")(ingest_cli)


@handles_errors
def ingest_cli(
    paths: CorpusPaths = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Parquet file to write (omit to only print the summary)."),
    ] = None,
    text_column: TextColumn = None,
    title_column: TitleColumn = None,
    date_column: DateColumn = None,
    category_column: CategoryColumn = None,
    labels_column: LabelsColumn = None,
    id_column: IdColumn = None,
    columns: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated column names for a CSV/TSV without a header row "
            "(e.g. text,split,labels)."
        ),
    ] = None,
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="Read every file as: txt, md, csv, tsv, jsonl, parquet."),
    ] = None,
    encoding: Encoding = None,
    no_boilerplate: NoBoilerplate = False,
    sender_column: SenderColumn = None,
    fix_text: FixText = True,
    no_dedup: Annotated[
        bool, typer.Option("--no-dedup", help="Keep every record; do not group duplicates.")
    ] = False,
    infer_dates: Annotated[
        bool,
        typer.Option(
            "--infer-dates/--no-infer-dates",
            help="Date a record without a date field from a full date stated in its text.",
        ),
    ] = True,
    near_threshold: Annotated[
        float,
        typer.Option(help="Word 3-gram containment from which two releases are near-duplicates."),
    ] = 0.4,
    listing: Annotated[
        bool | None,
        typer.Option(
            "--list/--no-list",
            help="List every record (date, provenance, category, title). Default: when at most "
            "50 records.",
            show_default=False,
        ),
    ] = None,
    force: Force = False,
    as_json: AsJson = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Read releases into one clean, dated, de-duplicated corpus and write it as Parquet.

    Prints what happened: files and records read, documents kept, duplicates merged (with their
    groups), records rejected (file, record, field, reason), date range and date provenance. With
    no PATHS it reads the bundled seeds.

    Example: topics ingest seeds/ -o corpus.parquet
    """
    from topics.pipeline import ingest

    with progress(quiet) as callback:
        corpus = ingest(
            paths,
            out=out,
            force=force,
            text_column=text_column,
            title_column=title_column,
            date_column=date_column,
            category_column=category_column,
            labels_column=labels_column,
            id_column=id_column,
            columns=[c.strip() for c in columns.split(",")] if columns else None,
            encoding=encoding,
            format=file_format,
            dedup=not no_dedup,
            near_threshold=near_threshold,
            infer_dates=infer_dates,
            boilerplate=not no_boilerplate,
            sender_column=sender_column,
            fix_text=fix_text,
            progress=callback,
        )
    if as_json:
        data = corpus.report.to_dict()
        data["output"] = None if out is None else str(out)
        echo_json(data)
        return
    echo_accounting(corpus.report)
    if listing or (listing is None and len(corpus.frame) <= 50):
        for line in record_lines(corpus.frame):
            typer.echo(line)
    if out is not None:
        typer.echo(f"Wrote {len(corpus.frame)} records to {out}")


def record_lines(frame) -> list[str]:
    """One line per record: id, date, provenance, category, title, duplicate mark."""
    from topics.corpus import schema

    lines = ["Records (id, date, provenance, category, title):"]
    for row in frame.to_dict("records"):
        date = "—" if row[schema.DATE] != row[schema.DATE] else row[schema.DATE].date().isoformat()
        category = row[schema.CATEGORY] if isinstance(row[schema.CATEGORY], str) else "—"
        mark = (
            f"  [{row[schema.DUP_KIND]} duplicate of {row[schema.DUP_GROUP]}]"
            if (row[schema.IS_DUPLICATE])
            else ""
        )
        lines.append(
            f"  {row[schema.ID]}  {date:<10}  {row[schema.DATE_PROVENANCE]:<8}  "
            f"{category[:24]:<24}  {row[schema.TITLE][:60]}{mark}"
        )
    return lines
