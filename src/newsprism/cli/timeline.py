"""`newsprism timeline`: what happened, in the order it happened, as a table."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from newsprism.api import DEFAULT_DB, Corpus
from newsprism.cli.console import DbOption, err, open_existing, out


def timeline_cmd(
    db: DbOption = DEFAULT_DB,
    story: Annotated[
        str | None, typer.Option("--story", metavar="ID", help="Only this story's events.")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", metavar="NAME", help="Only events this actor (id, name or "
                     "alias) takes part in."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="Events shown.")] = 50,
) -> None:
    """What happened, in the order it happened: each event's date and how sure it is, its
    verdict, the outlets that tell it and what they say."""
    corpus = Corpus(open_existing(db))
    try:
        events = corpus.timeline(story=story, actor=actor)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    finally:
        corpus.close()
    table = Table(title=f"timeline: {len(events)} events", title_justify="left")
    table.add_column("when")
    table.add_column("how sure")
    table.add_column("what happened", overflow="fold")
    table.add_column("verdict")
    table.add_column("told by", overflow="fold")
    for e in events[:limit]:
        when = (e["value"] or e["first"]) if e["first"] else f"by {e['last']}"
        table.add_row(
            escape(str(when)), f"{e['date_basis']} {e['date_confidence']:.0%}",
            escape(e["statement"] or ""), e["verdict"], escape(", ".join(e["outlets"])),
        )  # fmt: skip
    out.print(table)
    if len(events) > limit:
        err.print(f"{len(events) - limit} more: --limit N, or `newsprism export` (type event)")

