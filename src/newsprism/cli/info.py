"""`newsprism info`: what a store holds, as a table or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from newsprism.api import DEFAULT_DB
from newsprism.cli.console import DbOption, fail, open_existing, out
from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.show.store_info import store_info


def info(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        str, typer.Option("--format", metavar="table|json", help="A table, or JSON for scripts.")
    ] = "table",
) -> None:
    """What a store holds: records per type, outlets, publication dates, claim verdicts, and
    the schema and newsprism version that wrote it. Never creates or changes a store."""
    if fmt not in ("table", "json"):
        fail(f"unknown format {fmt!r}: use table or json")
    store = open_existing(db)
    try:
        facts = store_info(store)
    finally:
        store.close()
    if fmt == "json":
        typer.echo(json.dumps(facts.to_dict(), ensure_ascii=False, indent=1))
        return
    table = Table(title=f"newsprism store {escape(facts.store)}", show_header=False,
                  title_justify="left")  # fmt: skip
    table.add_column("what")
    table.add_column("value", overflow="fold")
    dates = (f"{facts.first_published} to {facts.last_published}" if facts.first_published
             else "none dated")  # fmt: skip
    outlets = ", ".join(f"{escape(o)} {n}" for o, n in facts.outlets[:12])
    more = len(facts.outlets) - 12
    rows = [
        ("schema version", facts.schema_version or "?"),
        ("written by", f"newsprism {facts.written_by}" if facts.written_by
         else "unknown (last analyzed before newsprism recorded its version)"),
        ("published", f"{dates} ({facts.undated} undated)"),
        (f"outlets ({len(facts.outlets)})",
         outlets + (f" and {more} more" if more > 0 else "")
         + (f"; unknown outlet {facts.unknown_outlet}" if facts.unknown_outlet else "")),
        ("claim groups: " + " / ".join(VERDICTS),
         " / ".join(str(facts.verdicts[v]) for v in VERDICTS)),
        ("spaCy models", ", ".join(facts.models) or "none yet"),
        *((f"{kind} records", f"{n:,}") for kind, n in facts.records.items()),
    ]  # fmt: skip
    for name, value in rows:
        table.add_row(name, str(value))
    out.print(table)


