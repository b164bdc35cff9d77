"""`newsprism serve`: the local web app on a store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from newsprism.api import DEFAULT_DB
from newsprism.cli.console import DbOption, err
from newsprism.store.store import StoreError


def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str,
        typer.Option("--host", metavar="ADDRESS",
                     help="Address to listen on (this machine only by default)."),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
) -> None:
    """Open the local web app on a store: search, stories, timelines, actors, claims,
    outlets and places, each page also JSON (/api/...). Read-only; an analyze may write to
    the same store meanwhile, and its new articles show on reload."""
    import uvicorn

    from newsprism.web import create_app

    try:
        web_app = create_app(db)
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/yellow] listening on {escape(host)}: other machines can "
                  "read this store")
    err.print(f"newsprism serving {escape(str(db))} at http://{escape(host)}:{port}/ "
              "(Ctrl-C stops)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning", server_header=False)

