"""``topics ingest``: read releases into a corpus, say what happened, write it as Parquet."""

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
    Force,
    IdColumn,
    LabelsColumn,
    NoBoilerplate,
    Quiet,
    SenderColumn,
    TextColumn,
    TitleColumn,
    Verbose,
    default_seeds,
    echo_json,
    handles_errors,
    progress,
)

#: Duplicate groups and problems listed in the summary before "... and N more".
SHOWN = 20


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
    from topics.corpus import load_corpus
    from topics.errors import CorpusError

    if out is not None and out.exists() and not force:
        raise CorpusError(f"{out} already exists", "pass --force to replace it")
    with progress(quiet) as callback:
        corpus = load_corpus(
            paths or [default_seeds()],
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
            progress=callback,
        )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            corpus.to_parquet(tmp)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    if as_json:
        data = corpus.report.to_dict()
        data["output"] = None if out is None else str(out)
        echo_json(data)
        return
    for line in summary_lines(corpus.report):
        typer.echo(line)
    if listing or (listing is None and len(corpus.frame) <= 50):
        for line in record_lines(corpus.frame):
            typer.echo(line)
    if out is not None:
        typer.echo(f"Wrote {len(corpus.frame)} records to {out}")


def summary_lines(report) -> list[str]:
    """The human summary of an :class:`~topics.corpus.IngestReport`, line by line."""
    lines = [
        f"Files read:      {report.files_read}",
        f"Records read:    {report.records_read}",
        f"Kept:            {report.kept} documents",
        f"Merged:          {report.merged} duplicates "
        f"({report.merged_exact} exact, {report.merged_near} near) in "
        f"{len(report.duplicate_groups)} groups",
        f"Rejected:        {len(report.rejected)}",
    ]
    dates = f"{report.date_min} to {report.date_max}" if report.date_min is not None else "no dates"
    lines.append(f"Date range:      {dates}")
    provenance = ", ".join(f"{k} {v}" for k, v in report.provenance.items())
    lines.append(f"Date provenance: {provenance}")
    lines.append(f"Undated:         {report.undated}")
    lines.append(f"Boilerplate:     {boilerplate_line(report.boilerplate)}")
    if report.duplicate_groups:
        lines.append("Duplicate groups (representative ← merged):")
        for group in report.duplicate_groups[:SHOWN]:
            rep = group["representative"]
            lines.append(f"  {rep['id']}  {_where(rep)}  {rep['title'][:70]}")
            for member in group["members"]:
                lines.append(
                    f"    ← {member['kind']:<5} {member['id']}  {_where(member)}  "
                    f"{member['title'][:60]}"
                )
        if len(report.duplicate_groups) > SHOWN:
            lines.append(f"  ... and {len(report.duplicate_groups) - SHOWN} more groups (--json)")
    for label, problems in (("Rejected records", report.rejected), ("Warnings", report.warnings)):
        if problems:
            lines.append(f"{label}:")
            for source, position, field, reason in problems[:SHOWN]:
                lines.append(f"  {source}, record {position}, {field}: {reason}")
            if len(problems) > SHOWN:
                lines.append(f"  ... and {len(problems) - SHOWN} more (--json)")
    return lines


def boilerplate_line(summary: dict) -> str:
    """How much recurring furniture was left out of the model texts, in one line."""
    if not summary.get("enabled"):
        return "kept (removal turned off)"
    return (
        f"{summary['words_removed']:,} of {summary['words_total']:,} words "
        f"({100 * summary['share_removed']:.1f}%) left out of the model text of "
        f"{summary['documents']:,} releases ({summary['units']:,} recurring lines and passages, "
        f"counted per {summary['sender_column']}, {summary['senders']} senders)"
    )


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


def _where(item: dict) -> str:
    return f"{Path(item['source']).name}#{item['position']}"
