"""The ``topics`` command line: a thin shell over the library (one module per command group).

Only typer and the standard library are imported at start-up, so ``topics --help`` is instant;
each command imports the library it needs when it runs.
"""

from __future__ import annotations

import typer

from topics.cli import _ingest, _label, _predict, _report, _themes, _train, _update

app = typer.Typer(
    name="topics",
    help="Topic models, theme classifiers and HTML trend reports for press releases.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for module in (_ingest, _train, _update, _predict, _report, _label, _themes):
    module.register(app)


def main() -> None:
    """Entry point of the ``topics`` console script."""
    app()
