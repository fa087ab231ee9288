"""What every command shares: error mapping, stderr console, progress display."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from topics.progress import Progress

F = TypeVar("F", bound=Callable[..., Any])

VERBOSE_HELP = "Show tracebacks on errors."
QUIET_HELP = "No progress display on stderr."


def handles_errors(func: F) -> F:
    """Map the library's :class:`TopicsError` to ``Error: ...`` on stderr and exit code 1.

    The wrapped command must take a ``verbose`` keyword; with it, the traceback is shown too.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from topics.errors import TopicsError

        try:
            return func(*args, **kwargs)
        except TopicsError as exc:
            if kwargs.get("verbose"):
                raise
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None
        except OSError as exc:  # e.g. stdout on a full disk or a closed pipe
            if kwargs.get("verbose"):
                raise
            _silence_stdout()
            if isinstance(exc, BrokenPipeError):
                raise typer.Exit(1) from None
            where = exc.filename or "standard output"
            typer.echo(
                f"Error: {where}: {exc.strerror or exc} — check the path, the free space and "
                "the permissions",
                err=True,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail a second time."""
    import os

    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (e.g. under a test runner)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def echo_result(text: str) -> None:
    """Print a result on stdout and flush it, so a write error is reported by the command."""
    typer.echo(text)
    sys.stdout.flush()


@contextmanager
def progress(quiet: bool = False) -> Iterator[Progress]:
    """Yield a ``callback(message, fraction)`` that draws a progress line on stderr.

    The library reports progress through such callbacks and never prints. When stderr is not a
    terminal, or with ``--quiet``, messages are written as plain lines (or not at all).
    """
    if quiet:
        yield lambda message, fraction=None: None
        return
    if not sys.stderr.isatty():
        last: list[str] = [""]

        def plain(message: str, fraction: float | None = None) -> None:
            if message != last[0]:
                last[0] = message
                typer.echo(f"… {message}", err=True)

        yield plain
        return
    from rich.console import Console
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as ProgressBar

    with ProgressBar(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1.0)

        def update(message: str, fraction: float | None = None) -> None:
            bar.update(task, description=message, completed=fraction or 0.0)

        yield update


# --- options shared by the commands that read a corpus (ingest, train, report, evaluate) ---

CorpusPaths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Files or folders of releases (seed .txt format, CSV/TSV, JSONL[.gz], Parquet, "
        "a folder of .txt/.md), or a corpus written by `topics ingest`. "
        "Default: the bundled seeds.",
        show_default=False,
    ),
]
TextColumn = Annotated[str | None, typer.Option(help="Column holding the body text.")]
TitleColumn = Annotated[str | None, typer.Option(help="Column holding the title.")]
DateColumn = Annotated[str | None, typer.Option(help="Column holding the date.")]
CategoryColumn = Annotated[str | None, typer.Option(help="Column holding the category.")]
LabelsColumn = Annotated[
    str | None, typer.Option(help="Column holding gold labels (a label or a list).")
]
IdColumn = Annotated[str | None, typer.Option(help="Column holding a document id.")]
Encoding = Annotated[
    str | None,
    typer.Option(help="Text encoding (e.g. utf-8, cp949, euc-kr). Default: detected per file."),
]
NoBoilerplate = Annotated[
    bool,
    typer.Option(
        "--no-boilerplate",
        help="Keep recurring furniture (contact blocks, ###, navigation) in the text models see.",
    ),
]
SenderColumn = Annotated[
    str | None,
    typer.Option(
        help="Column naming each release's sender (e.g. labels, category, an office column): "
        "recurring furniture is counted per sender. Default: the file a release came from."
    ),
]
FixText = Annotated[
    bool,
    typer.Option(
        "--fix-text/--no-fix-text",
        help="Repair mojibake left by an earlier wrong decoding (e.g. 'canâ€™t'), counted in "
        "the summary.",
    ),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help=VERBOSE_HELP)]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)]
Force = Annotated[bool, typer.Option("--force", "-f", help="Replace an existing output.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]


#: Parameters of a command that map corpus columns (see :func:`corpus_options`).
CORPUS_OPTIONS = (
    "text_column",
    "title_column",
    "date_column",
    "category_column",
    "labels_column",
    "id_column",
    "encoding",
    "sender_column",
    "fix_text",
)


def corpus_options(params: dict[str, Any]) -> dict[str, Any]:
    """The :func:`topics.load_corpus` keyword arguments a command was given.

    ``params`` is the command's ``ctx.params``; its corpus options (:data:`CORPUS_OPTIONS`, and
    ``--no-boilerplate``) become keyword arguments, unset ones left out.
    """
    options = {key: params[key] for key in CORPUS_OPTIONS if params.get(key) is not None}
    if params.get("no_boilerplate"):
        options["boilerplate"] = False
    return options


def read_corpus(paths: list[Path] | None, params: dict[str, Any]):
    """The corpus named on the command line (:func:`topics.corpus.as_corpus`: the bundled seeds
    when none is named), read with the command's :func:`corpus_options`."""
    from topics.corpus import as_corpus

    return as_corpus(paths, corpus_options(params))


def echo_json(data: Any) -> None:
    """Print JSON on stdout (dates and numpy scalars as plain values)."""
    import json

    echo_result(json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)
