"""`newsprism export`: every record as JSON Lines or CSV, the places as GeoJSON, or the naming
matrix."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from newsprism.api import DEFAULT_DB
from newsprism.cli.console import DbOption, err, open_existing
from newsprism.show.export import FORMATS, export
from newsprism.show.export_records import RECORD_TYPES

EXPORT_HELP = f"""Export every record as JSON Lines or CSV, the
places as GeoJSON, or the naming matrix (framing).

Record types: {", ".join(RECORD_TYPES)}. CSV writes one flat file per type (TYPE.csv: an
object field one column per key, such as statement.value; a list field its item count) and
each list field's items to TYPE.FIELD.csv (claim.evidence.csv: type, id of the claim, position,
then the item's fields). `newsprism query TYPE` shows one type without exporting."""


def export_cmd(
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="|".join(FORMATS), help="What to write."),
    ] = "jsonl",
    out_path: Annotated[
        str | None,
        typer.Option(
            "--out", metavar="FILE_OR_DIR",
            help="JSONL, GeoJSON or framing: a file, or - for stdout. CSV: a directory.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    store = open_existing(db)
    try:
        message = export(store, fmt, out_path)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except OSError as exc:  # a directory, a full disk, no permission: one line, not a traceback
        err.print(f"[red]error:[/red] cannot write the export to {escape(str(out_path))}: {exc}")
        raise typer.Exit(3) from exc
    err.print(escape(message))
