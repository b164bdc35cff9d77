"""`newsprism watch FEED_OR_DIR... [--every 10m]`: the command, for cli.py to register with
`app.command("watch")(watch_command)`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from newsprism.engine.local import EngineUnavailable, default_workers
from newsprism.store.store import StoreError
from newsprism.understand.nlp import ModelError
from newsprism.watch.loop import DEFAULT_DB, watch
from newsprism.watch.schedule import parse_every
from newsprism.watch.sources import WatchError

err = Console(stderr=True, soft_wrap=True)


def watch_command(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="FEED_OR_DIR",
            help="RSS/Atom feed URLs (http:// or https://), folders and files to poll.",
            show_default=False,
        ),
    ],
    db: Annotated[
        str,
        typer.Option(
            "--db", metavar="FILE_OR_URL",
            help="SQLite file or PostgreSQL URL (postgresql://user@host/db).",
        ),
    ] = DEFAULT_DB,  # fmt: skip
    every: Annotated[
        str,
        typer.Option("--every", metavar="DURATION", help="Time between polls: 30s, 10m, 1h."),
    ] = "10m",
    outlet: Annotated[
        str | None,
        typer.Option(
            "--outlet", metavar="NAME", help="Outlet for articles whose source names none."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, metavar="N", show_default="all cores", help="Worker processes."
        ),
    ] = default_workers(),
    state: Annotated[
        Path | None,
        typer.Option(
            "--state", metavar="FILE",
            help="Where the watch remembers what it fetched and saw (default: "
            ".<db name>.watch.json beside a SQLite store).",
        ),
    ] = None,  # fmt: skip
    cycles: Annotated[
        int | None,
        typer.Option("--cycles", min=1, metavar="N", help="Stop after N polls (default: never)."),
    ] = None,
    understand: Annotated[
        bool,
        typer.Option(help="Understand new articles as `analyze` does (--no-understand: store "
                     "only; a later run catches up)."),
    ] = True,  # fmt: skip
    progress: Annotated[bool, typer.Option(help="Show progress on long analyses.")] = True,
) -> None:
    """Poll RSS/Atom feeds and folders and analyze what is new; Ctrl-C stops after the batch."""
    # Feeds are fetched with conditional GETs (ETag, Last-Modified), folders listed; only new or
    # changed feeds and files are analyzed. A failing source is an error record, retried later
    # and later (up to an hour) while the others go on.
    try:
        every_seconds = parse_every(every)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    try:
        summary = watch(
            sources, db, every_seconds, cycles, state_path=state, outlet=outlet,
            workers=workers, understand=understand, progress=progress,
        )  # fmt: skip
    except (WatchError, StoreError, ModelError, EngineUnavailable, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    except SQLAlchemyError as exc:
        err.print(
            f"[red]error:[/red] the store failed: {exc.__class__.__name__}: {exc}\n"
            "What was stored before is kept; start the watch again to go on."
        )
        raise typer.Exit(3) from exc
    except KeyboardInterrupt as exc:
        err.print("watch stopped at once: whole batches are stored; start it again to complete "
                  "the rest")  # fmt: skip
        raise typer.Exit(130) from exc
    ending = "stopped" if summary.stopped else "done"
    err.print(f"watch {ending}: {summary.cycles} poll(s), {summary.new_articles} new article(s)")
