"""The public Python API: analyze sources into a store and read the records back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.engine.local import Engine
from newsprism.ingest.dedupe import DEFAULT_THRESHOLD
from newsprism.ingest.outlets import read_manifest
from newsprism.ingest.process import IngestOptions
from newsprism.ingest.record_files import FieldMap
from newsprism.ingest.sources import Limits
from newsprism.pipeline import RunSummary, run_analyze
from newsprism.show.export import export as run_export
from newsprism.show.export_records import RECORD_TYPES, article_records, error_records, records
from newsprism.show.framing import naming_matrix
from newsprism.show.report import write_report
from newsprism.store import Store, open_store
from newsprism.understand.techniques import TECHNIQUES

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DB = "newsprism.db"
__all__ = ["DEFAULT_DB", "RECORD_TYPES", "Corpus", "analyze", "open_corpus"]


class Corpus:
    """A store of analyzed articles. `summary` describes the run that made it, if any."""

    def __init__(self, store: Store, summary: RunSummary | None = None) -> None:
        self.store = store
        self.summary = summary

    def articles(self) -> list[dict[str, Any]]:
        return list(article_records(self.store))

    def errors(self) -> list[dict[str, Any]]:
        return list(error_records(self.store))

    def records(self, type: str | None = None) -> list[dict[str, Any]]:  # noqa: A002
        """Records as exported (see the export contract), optionally of one `type`: one of
        RECORD_TYPES (article, entity, mention, place, timeref, quantity, attribution, label,
        technique, claim, story, event, error)."""
        return list(records(self.store, type))

    def entities(self) -> list[dict[str, Any]]:
        return self.records("entity")

    def places(self) -> list[dict[str, Any]]:
        return self.records("place")

    def claims(self, verdict: str | None = None) -> list[dict[str, Any]]:
        """Claim groups across the corpus, optionally only those with one `verdict` (one of
        VERDICTS: corroborated, contradicted, related, unconfirmed, single-source,
        unattributed); another name raises ValueError listing them."""
        _check_name("verdict", verdict, VERDICTS)
        return [c for c in self.records("claim") if verdict is None or c["verdict"] == verdict]

    def stories(self) -> list[dict[str, Any]]:
        """Stories: the articles about one happening (joined as they arrive, by shared actors,
        days named, claim groups and alike leads), each with a title, outlets, first and last
        day, key actors and places; `aliases` lists the ids of stories merged into it."""
        return self.records("story")

    def story(self, story_id: str) -> dict[str, Any] | None:
        """The story an id stands for, the id of a story merged into another included."""
        story_id = self.store.story_aliases().get(story_id, story_id)
        return next((s for s in self.stories() if s["id"] == story_id), None)

    def timeline(self, story: str | None = None, actor: str | None = None
                 ) -> list[dict[str, Any]]:
        """Events in the order they happened (first day, then last; undated last), of the
        whole corpus or one `story` (its id, or the id of a story merged into it), optionally
        only those `actor` takes part in (an entity id, or its name or an alias, any case).
        Each has its date range, how sure the date is and why, its verdict, the outlets that
        tell it and its evidence spans. An unknown story or actor raises ValueError."""
        events = self.records("event")
        if story is not None:
            story_id = self.store.story_aliases().get(story, story)
            if self.story(story_id) is None:
                raise ValueError(f"no story {story!r} in this corpus: see Corpus.stories()")
            events = [e for e in events if e["story_id"] == story_id]
        if actor is not None:
            ids = self._actor_ids(actor)
            events = [e for e in events if ids & {a["id"] for a in e["actors"] or ()}]
        return events

    def _actor_ids(self, actor: str) -> set[str]:
        wanted = actor.casefold()
        ids = {
            e["id"] for e in self.entities()
            if e["id"] == actor or e["name"].casefold() == wanted
            or any(str(a).casefold() == wanted for a in e.get("aliases") or ())
        }  # fmt: skip
        if not ids:
            raise ValueError(f"no actor {actor!r} in this corpus: give an entity id, name or "
                             f"alias (see Corpus.entities())")
        return ids

    def labels(self, entity_id: str | None = None) -> list[dict[str, Any]]:
        """How articles name actors (titles, epithets, descriptions, scare quotes, "so-called"),
        optionally only the labels of one actor."""
        labels = self.records("label")
        return [r for r in labels if entity_id is None or r["entity_id"] == entity_id]

    def techniques(self, technique: str | None = None) -> list[dict[str, Any]]:
        """Persuasion-technique spans (SemEval-2020 Task 11 techniques, with the classifier's
        probability and the runners-up), optionally of one `technique` (as in TECHNIQUES:
        "Loaded_Language"); another name raises ValueError listing them."""
        _check_name("technique", technique, TECHNIQUES)
        found = self.records("technique")
        return [r for r in found if technique is None or r["technique"] == technique]

    def naming_matrix(self) -> dict[str, Any]:
        """Actors x outlets: the phrases each outlet uses for each actor, with counts, whether
        loaded and the evidence spans; columns carry each outlet's framing profile (loaded
        labels and persuasion techniques per 1,000 words)."""
        return naming_matrix(
            self.labels(), self.articles(), self.entities(), self.techniques()
        )

    def to_dataframe(self, type: str = "article") -> pd.DataFrame:  # noqa: A002
        import pandas as pd

        return pd.DataFrame.from_records(self.records(type))

    def duplicate_groups(self) -> list[list[dict[str, Any]]]:
        """Near-duplicate groups, each a list of articles with the original first."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for a in self.articles():
            if a["duplicate_group"]:
                groups.setdefault(a["duplicate_group"], []).append(a)
        return list(groups.values())

    def report(self, path: str | Path) -> Path:
        return write_report(self.store, path)

    def export(self, fmt: str, out: str | Path | None) -> str:
        return run_export(self.store, fmt, out)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.store.count("article")


def analyze(
    paths: str | Path | Sequence[str | Path],
    db: str | Path = DEFAULT_DB,
    *,
    outlet: str | None = None,
    outlets: str | Path | None = None,
    workers: int | None = None,
    fields: dict[str, str] | None = None,
    max_document_mb: float | None = None,
    near_duplicate_threshold: float = DEFAULT_THRESHOLD,
    progress: bool = False,
    rescan: bool = False,
    understand: bool = True,
    model: str | None = None,
    engine: str | Engine = "local",
    scheduler: str | None = None,
) -> Corpus:
    """Read, clean, deduplicate and store `paths` (files, directories, archives) into `db`
    (a SQLite file or a PostgreSQL URL). Running it again on the same inputs adds nothing, and
    skips files read to the end before unless they changed or `rescan` is set.

    `engine` runs the per-article work: "local" (`workers` processes here) or "dask" (the Dask
    scheduler at `scheduler`, tcp://HOST:8786, or without one a cluster of `workers` processes
    started here), or an opened engine (newsprism.engine.dask.DaskEngine) to share between
    runs. The records are the same whichever ran them. A scheduler that cannot be reached
    raises EngineUnavailable before anything is read.

    `outlets` is an outlet manifest (CSV, or YAML: `match`, `outlet`, `country`, `notes`) whose
    matches win over any outlet the sources name; a bad one raises ManifestError (a ValueError)
    before anything is stored."""
    if isinstance(paths, str | Path):
        paths = [paths]
    options = build_options(
        outlet=outlet, fields=fields, max_document_mb=max_document_mb, outlets=outlets
    )
    store = open_store(db)
    summary = run_analyze(
        paths,
        store,
        options,
        workers,
        near_duplicate_threshold=near_duplicate_threshold,
        progress=progress,
        rescan=rescan,
        understand=understand,
        model=model,
        engine=engine,
        scheduler=scheduler,
    )
    return Corpus(store, summary)


def build_options(
    outlet: str | None = None,
    fields: dict[str, str] | None = None,
    max_document_mb: float | None = None,
    outlets: str | Path | None = None,
) -> IngestOptions:
    limits = Limits()
    if max_document_mb is not None:
        if not max_document_mb > 0:  # also NaN
            raise ValueError(
                f"--max-document-mb must be a size above 0 (got {max_document_mb:g}); the default "
                f"is {limits.max_document_bytes / 1024 / 1024:g}"
            )
        limits = replace(limits, max_document_bytes=int(max_document_mb * 1024 * 1024))
    return IngestOptions(
        limits=limits,
        fields=FieldMap().with_overrides(fields or {}),
        default_outlet=outlet,
        outlets=read_manifest(outlets) if outlets is not None else None,
    )


def _check_name(what: str, given: str | None, valid: Sequence[str]) -> None:
    """A filter naming nothing that exists is a mistake to say, not an empty answer."""
    if given is not None and given not in valid:
        close = [v for v in valid if v.lower().replace("_", " ") == given.lower().replace("_", " ")]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown {what} {given!r}{hint}: use one of {', '.join(valid)}")


def open_corpus(db: str | Path = DEFAULT_DB) -> Corpus:
    """The store `db` made by `analyze`, to read: a missing path, an empty file or another
    application's database raises StoreError, and nothing is created."""
    return Corpus(open_store(db, existing=True))
