"""The command line: `newsprism analyze`, `report`, `export`, `info`, `query`, `timeline`,
`serve`, `actor split`, `gazetteer`; each command in its own module (`watch`: watch/command.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from newsprism import __version__
from newsprism.cli import actor, analyze, export, gazetteer, info, query, report, serve, timeline
from newsprism.cli.console import out
from newsprism.cli.help_format import Command, Group
from newsprism.watch.command import watch_command

app = typer.Typer(
    help="newsprism: many news articles in, one cross-checked picture out.",
    no_args_is_help=True,
    add_completion=False,
    cls=Group,
)


def _print_version(asked: bool) -> None:
    if asked:
        out.print(f"newsprism {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """newsprism: many news articles in, one cross-checked picture out."""


# The commands, in the order the help lists them.
app.command(cls=Command)(analyze.analyze)
app.command(cls=Command)(report.report)
app.command("export", cls=Command, help=export.EXPORT_HELP)(export.export_cmd)
app.command(cls=Command)(info.info)
app.command(cls=Command, help=query.QUERY_HELP)(query.query)
app.command("timeline", cls=Command)(timeline.timeline_cmd)
app.command(cls=Command)(serve.serve)
app.add_typer(actor.actor_app, name="actor")
app.add_typer(gazetteer.gazetteer_app, name="gazetteer")

# Defined beside the poll loop it drives (watch/command.py); registered here with the others.
app.command("watch", cls=Command)(watch_command)
