"""What every command shares: the consoles it prints to, the --db option, and failing with a
message (an unknown format, a missing store: exit status 2)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from newsprism.store import open_store
from newsprism.store.store import StoreError

out = Console()
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str,
    typer.Option("--db", metavar="FILE_OR_URL",
                 help="SQLite file or PostgreSQL URL (postgresql://user@host/db)."),
]


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(2)


def open_existing(db: str):
    try:
        return open_store(db, existing=True)
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc

