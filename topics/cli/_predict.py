"""``topics predict``, ``topics evaluate`` and ``topics info``: use a saved model."""

from __future__ import annotations

import sys
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
    corpus_options,
    echo_json,
    handles_errors,
    progress,
    read_corpus,
)

ModelPath = Annotated[
    Path, typer.Option("--model", "-m", help="Model directory written by `topics train`.")
]
DEFAULT_MODEL = Path("models/default")
ENGINES = ("local", "dask")
Engine = Annotated[
    str,
    typer.Option(
        help="local: this process; dask: partitioned files on a Dask cluster (the "
        "topics[dask] extra), one partition per file."
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        help="With --engine dask: address of a running scheduler (tcp://host:8786). "
        "Default: a LocalCluster of one worker per core."
    ),
]


def check_engine(engine: str, scheduler: str | None) -> None:
    """Usage errors of --engine and --scheduler."""
    if engine not in ENGINES:
        raise typer.BadParameter(f"must be one of {', '.join(ENGINES)}", param_hint="--engine")
    if scheduler and engine != "dask":
        raise typer.BadParameter("only with --engine dask", param_hint="--scheduler")


def register(app: typer.Typer) -> None:
    app.command("predict")(predict_cli)
    app.command("evaluate")(evaluate_cli)
    app.command("info")(info_cli)


@handles_errors
def predict_cli(
    ctx: typer.Context,
    texts: Annotated[
        list[str] | None,
        typer.Argument(
            help="Texts to tag (with --engine dask: files, folders or globs of releases). "
            "Without texts or --file, lines are read from stdin."
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A text file, one release per line ('-': stdin), or a table of releases "
            "(.csv/.tsv/.json/.jsonl/.parquet) with the model's context columns.",
        ),
    ] = None,
    model: ModelPath = DEFAULT_MODEL,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    out: Annotated[
        Path | None,
        typer.Option(help="With --engine dask: directory for the part-NNNNN.parquet tag files."),
    ] = None,
    text_column: TextColumn = None,
    title_column: TitleColumn = None,
    date_column: DateColumn = None,
    id_column: IdColumn = None,
    sender_column: SenderColumn = None,
    no_boilerplate: NoBoilerplate = False,
    force: Force = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Tag texts with themes (and probabilities), a topic and every trained label.

    Example: topics predict "Korea and Canada sign a critical minerals MOU" --json

    Example: topics predict --file releases.csv --model models/stance --json

    Example: topics predict 'releases/*.jsonl.gz' --engine dask --out tags/
    """
    from topics.errors import TopicsError
    from topics.pipeline import predict

    check_engine(engine, scheduler)
    if engine == "dask":
        _predict_dask(ctx.params, texts, file, out)
        return
    if out is not None:
        raise typer.BadParameter("only with --engine dask", param_hint="--out")
    if texts and file:
        raise typer.BadParameter("give texts or --file, not both", param_hint="--file")
    if file is not None and _is_table(file):
        _predict_table(file, model, ctx.params, as_json)
        return
    if file is not None and str(file) != "-":
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise TopicsError(
                f"{file}: cannot read ({exc.strerror})", "pass a readable UTF-8 text file"
            ) from exc
        lines = utf8_lines(data, str(file))
    elif texts:
        lines = list(texts)
    else:
        lines = utf8_lines(_stdin_bytes(), "standard input")
    lines = [line for line in (raw.strip() for raw in lines) if line]
    if not lines:
        raise TopicsError("no text to tag", "pass texts as arguments, with --file, or on stdin")
    frame = predict(lines, model=model).to_frame()
    if as_json:
        records = frame.to_dict(orient="records")
        for record, text in zip(records, lines, strict=True):
            record["text"] = text
        echo_json(records)
        return
    from topics.cli._render import print_predictions

    print_predictions(frame, lines)


def _predict_dask(params: dict, paths: list[str] | None, file: Path | None, out: Path | None):
    """``--engine dask``: partitioned files tagged on a cluster, tags written under ``--out``."""
    from topics.distributed import tag_files

    if file is not None or not paths:
        raise typer.BadParameter("name the files, folders or globs to tag", param_hint="PATH")
    if out is None:
        raise typer.BadParameter("--engine dask writes its tags to a directory", param_hint="--out")
    with progress(params["quiet"]) as report:
        done = tag_files(
            paths,
            model=params["model"],
            out=out,
            scheduler=params["scheduler"],
            force=params["force"],
            progress=report,
            **corpus_options(params),
        )
    echo_accounting(done.report)
    typer.echo(f"{done.rows:,} releases of {len(done.files)} files tagged")
    typer.echo(f"Tags written to {done.out}")


def _is_table(file: Path) -> bool:
    from topics.corpus.sources import format_of

    return format_of(file) in ("csv", "tsv", "json", "jsonl", "parquet")


def _predict_table(file: Path, model: Path, params: dict, as_json: bool) -> None:
    """A table of releases: each row tagged, its context columns read from the table."""
    import pandas as pd

    from topics.corpus import schema
    from topics.pipeline import predict

    corpus = read_corpus([file], params)
    frame = predict(corpus, model=model).to_frame()
    rows = corpus.frame.reset_index(drop=True)
    if as_json:
        echo_accounting(corpus.report, err=True)
        keys = [c for c in (schema.ID, schema.SOURCE_ID, schema.TITLE) if c in rows.columns]
        records = frame.to_dict(orient="records")
        for record, row in zip(records, rows[keys].to_dict(orient="records"), strict=True):
            record.update({k: None if pd.isna(v) else str(v) for k, v in row.items()})
        echo_json(records)
        return
    from topics.cli._render import print_predictions

    echo_accounting(corpus.report)
    print_predictions(frame, schema.model_texts(rows))


def _stdin_bytes() -> bytes:
    from topics.errors import TopicsError

    stream = getattr(sys.stdin, "buffer", None)
    try:
        if stream is None:
            raise OSError("closed")
        return stream.read()
    except (OSError, ValueError) as exc:
        raise TopicsError(
            "no text to tag: standard input is closed or unreadable",
            "pass texts as arguments, with --file, or pipe them in",
        ) from exc


def utf8_lines(data: bytes, where: str) -> list[str]:
    """Lines of UTF-8 bytes (a BOM is dropped); invalid bytes are refused, naming the line."""
    from topics.errors import TopicsError

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TopicsError(
            f"{where}: line {line}, byte {exc.start}: not valid UTF-8 ({exc.reason})",
            "convert the text to UTF-8 first (e.g. iconv -f cp949 -t utf-8)",
        ) from exc
    return text.splitlines()


@handles_errors
def evaluate_cli(
    ctx: typer.Context,
    paths: CorpusPaths = None,
    model: ModelPath = DEFAULT_MODEL,
    theme_labels: Annotated[
        Path | None, typer.Option(help="Gold theme labels (CSV/JSON) to score the themes against.")
    ] = None,
    label_column: Annotated[
        list[str] | None,
        typer.Option(help="Score the model's classifier for this column against the corpus's."),
    ] = None,
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
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Score a model against labelled data, and its topics' NPMI coherence and diversity.

    Example: topics evaluate data/labelled.csv --model models/motie --label-column category
    """
    from topics.evaluate import evaluate_model
    from topics.model import load

    fitted = load(model)
    corpus = read_corpus(paths, ctx.params)  # read here to print its accounting
    results = evaluate_model(
        fitted, corpus, theme_labels=theme_labels, label_columns=label_column or []
    )
    if as_json:
        echo_json({**results, "corpus": corpus.report.to_dict()})
        return
    from topics.cli._render import print_classification, print_validation

    echo_accounting(corpus.report)
    for name, metrics in results.items():
        if "error_rates" in metrics:
            print_validation(f"{name} (hand-coded)", metrics)
        else:
            print_classification(name, metrics)


@handles_errors
def info_cli(
    model: Annotated[
        Path, typer.Argument(help="Model directory written by `topics train`.")
    ] = DEFAULT_MODEL,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Say what a model is: when and on what it was trained, its themes, topics and metrics.

    Example: topics info models/default
    """
    from topics.model import load

    fitted = load(model)
    if as_json:
        echo_json(fitted.manifest)
        return
    from topics.cli._render import print_model_summary

    print_model_summary(fitted)
