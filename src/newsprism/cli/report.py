"""`newsprism report`: the offline HTML report of a store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from newsprism.api import DEFAULT_DB
from newsprism.cli.console import DbOption, err, open_existing, out
from newsprism.show.report import write_report


def report(
    out_path: Annotated[
        Path, typer.Argument(metavar="FILE", help="HTML file to write.")
    ] = Path("report.html"),
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the offline HTML report of a store."""
    store = open_existing(db)
    try:
        written = write_report(store, out_path)
    except OSError as exc:  # a directory, a full disk, no permission: one line, not a traceback
        err.print(f"[red]error:[/red] cannot write the report to {escape(str(out_path))}: {exc}")
        raise typer.Exit(3) from exc
    out.print(f"report written to [bold]{written}[/bold] ({store.count()} articles)")

