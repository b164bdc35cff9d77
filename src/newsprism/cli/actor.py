"""`newsprism actor split`: undo a wrong identity, names of one actor made an actor of their
own, carried through to claims, verdicts and timelines."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from newsprism.api import DEFAULT_DB, Corpus
from newsprism.cli.console import DbOption, err, open_existing, out
from newsprism.cli.help_format import Command, Group

actor_app = typer.Typer(help="Correct an actor's identity.", cls=Group)


@actor_app.command("split", cls=Command)
def actor_split(
    actor: Annotated[
        str, typer.Argument(metavar="ACTOR", help="Its id (actor:000014), name or alias.")
    ],
    names: Annotated[
        list[str],
        typer.Argument(metavar="NAME...", help="The names that are another actor, as the "
                       "actor's page or its export lists them."),
    ],
    articles: Annotated[
        list[str] | None,
        typer.Option("--article", metavar="ID", help="Only the mentions in this article "
                     "(repeat for more); default: every article."),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Split names off an actor that linking joined wrongly ("Brenner" the coach taken for
    Tomas Brenner the minister): they become an actor of their own. Its mentions, labels,
    quotes and claims move with them; the verdicts of those claims and the timelines of their
    stories are made again; the two are never merged again."""
    corpus = Corpus(open_existing(db))
    try:
        done = corpus.split_actor(actor, names, articles or ())
    except ValueError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    finally:
        corpus.close()
    moved = ", ".join(f"{n} {kind}s" for kind, n in sorted(done.records.items()))
    out.print(
        f"{escape(done.new_actor)} {escape(done.new_name)!s} split off {escape(done.actor)} "
        f"{escape(done.name)}: {moved} in {done.articles} article(s) moved; "
        f"{done.claims} claim(s) and {done.groups} verdict(s) changed; "
        f"{done.stories} story timeline(s) built again."
    )
