"""The account of a corpus read, as every command that reads one prints it (ingest, train,
report, evaluate): records read, kept, merged, rejected with reasons, warnings, repairs."""

from __future__ import annotations

from pathlib import Path

import typer

#: Duplicate groups, members of a group, problems and files listed before "... and N more".
SHOWN = 20
MEMBERS_SHOWN = 5


def summary_lines(report) -> list[str]:
    """The human summary of an :class:`~topics.corpus.IngestReport`, line by line.

    Every listing is capped, so the summary stays short whatever the corpus (the whole account
    is in ``--json``).
    """
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
    languages = ", ".join(f"{k} {v}" for k, v in report.languages.items()) or "—"
    lines.append(f"Languages:       {languages}")
    lines.append(f"Boilerplate:     {boilerplate_line(report.boilerplate)}")
    if report.repaired:
        lines.append(f"Repaired:        {report.repaired} records with mojibake (ftfy)")
    lines += _column_lines(report.columns)
    if report.duplicate_groups:
        lines.append("Duplicate groups (representative ← merged):")
        for group in report.duplicate_groups[:SHOWN]:
            rep = group["representative"]
            lines.append(f"  {rep['id']}  {_where(rep)}  {rep['title'][:70]}")
            members = group["members"]
            for member in members[:MEMBERS_SHOWN]:
                lines.append(
                    f"    ← {member['kind']:<5} {member['id']}  {_where(member)}  "
                    f"{member['title'][:60]}"
                )
            if len(members) > MEMBERS_SHOWN:
                lines.append(f"    ... and {len(members) - MEMBERS_SHOWN} more in this group")
        if len(report.duplicate_groups) > SHOWN:
            lines.append(f"  ... and {len(report.duplicate_groups) - SHOWN} more groups (--json)")
    for label, problems in (("Rejected records", report.rejected), ("Warnings", report.warnings)):
        if problems:
            lines.append(f"{label}:")
            for source, position, field, reason in problems[:SHOWN]:
                where = f"record {position}, " if position else ""
                lines.append(f"  {source}, {where}{field}: {reason}")
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


def _column_lines(columns: dict) -> list[str]:
    """Which input column was read for each role, per tabular file."""
    if not columns:
        return []
    lines = ["Columns read (role ← input column):"]
    for source, roles in list(columns.items())[:SHOWN]:
        mapped = ", ".join(
            f"{role} ← {column}" for role, column in roles.items() if role != "extra" and column
        )
        extra = roles.get("extra") or []
        kept = f"; kept as extra columns: {', '.join(extra[:10])}" if extra else ""
        more = " ..." if len(extra) > 10 else ""
        lines.append(f"  {Path(source).name}: {mapped}{kept}{more}")
    if len(columns) > SHOWN:
        lines.append(f"  ... and {len(columns) - SHOWN} more files (--json)")
    return lines


def _where(item: dict) -> str:
    return f"{Path(item['source']).name}#{item['position']}"


def echo_accounting(report, *, err: bool = False) -> None:
    """Print the summary of a corpus read (stdout, or stderr when stdout carries JSON)."""
    for line in summary_lines(report):
        typer.echo(line, err=err)
