"""`newsprism gazetteer load` and `lookup`: the offline GeoNames gazetteer places are resolved
with."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from newsprism.cli.console import err, out
from newsprism.cli.help_format import Command, Group

gazetteer_app = typer.Typer(
    help="The offline GeoNames gazetteer places are resolved with.", cls=Group
)
GazetteerOption = Annotated[
    Path | None,
    typer.Option(
        "--gazetteer", metavar="FILE",
        help="Gazetteer file (default: $NEWSPRISM_GAZETTEER or the cache).",
    ),
]


def _gazetteer(path: Path | None):
    from newsprism.understand.gazetteer import Gazetteer, GazetteerError, default_path

    try:
        if path is not None:
            return Gazetteer(path)
        if default_path().exists():
            return Gazetteer.open_default()
        with err.status("building the default GeoNames gazetteer (once, about 30 s)..."):
            return Gazetteer.open_default()
    except GazetteerError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@gazetteer_app.command("load", cls=Command)
def gazetteer_load(
    table: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="GeoNames table: SY.txt, SY.zip, allCountries.zip"),
    ],
    alternate_names: Annotated[
        Path | None,
        typer.Option("--alternate-names", metavar="FILE",
                     help="GeoNames alternateNamesV2.txt (or .zip) to add."),
    ] = None,
    gazetteer: GazetteerOption = None,
) -> None:
    """Add a full GeoNames dump, so villages resolve too."""
    from newsprism.understand.gazetteer import (
        GazetteerError,
        read_alternate_names,
        read_geonames_dump,
    )

    for given in (table, alternate_names):
        if given is not None and not given.is_file():
            err.print(f"[red]error:[/red] {given}: no such file")
            raise typer.Exit(2)
    gaz = _gazetteer(gazetteer)
    try:
        with err.status(f"loading {table}..."):
            places = gaz.add(read_geonames_dump(table), source=table.name)
        names = 0
        if alternate_names is not None:
            with err.status(f"loading {alternate_names}..."):
                names = gaz.add_names(read_alternate_names(alternate_names))
    except GazetteerError as exc:
        err.print(f"[red]error:[/red] {exc}; places loaded before it are kept")
        raise typer.Exit(2) from exc
    finally:
        gaz.close()
    out.print(f"{places:,} places and {names:,} alternate names loaded into {gaz.path}")


@gazetteer_app.command("lookup", cls=Command)
def gazetteer_lookup(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A place name in any spelling.")],
    gazetteer: GazetteerOption = None,
) -> None:
    """List the places a name can refer to, most likely first (before any context)."""
    gaz = _gazetteer(gazetteer)
    entries = gaz.lookup(name)
    gaz.close()
    if not entries:
        out.print(f"no place called {name!r} in {gaz.path}")
        raise typer.Exit(1)
    table = Table("geonameid", "name", "country", "admin1", "lat", "lon", "population")
    for e in entries:
        table.add_row(
            str(e.geonameid), e.name, e.country or "", e.admin1 or "",
            f"{e.lat:.4f}", f"{e.lon:.4f}", f"{e.population:,}",
        )  # fmt: skip
    out.print(table)

