"""The public Python API: analyze sources into a store and read the records back.

The examples in these docstrings run as doctests (tests/test_docs.py) on the example corpus,
`corpus` being `newsprism.open_corpus("newsprism.db")` after `newsprism.analyze("articles/")`
of a copy of examples/articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from newsprism import __version__
from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.engine.local import Engine
from newsprism.ingest.dedupe import DEFAULT_THRESHOLD
from newsprism.ingest.outlets import read_manifest
from newsprism.ingest.process import IngestOptions
from newsprism.ingest.record_files import FieldMap
from newsprism.ingest.sources import Limits
from newsprism.pipeline import RunSummary, run_analyze
from newsprism.show.export import export as run_export
from newsprism.show.export_records import (
    RECORD_TYPES,
    article_records,
    error_records,
    record_fields,
    records,
)
from newsprism.show.framing import naming_matrix
from newsprism.show.record_filters import check_name, conditions, passes
from newsprism.show.report import write_report
from newsprism.show.store_info import WRITER_KEY, StoreInfo, store_info
from newsprism.stages.corrections import SplitSummary, split_actor
from newsprism.store import Store, open_store, schema
from newsprism.understand.techniques import TECHNIQUES

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DB = "newsprism.db"
__all__ = [
    "DEFAULT_DB", "RECORD_TYPES", "Corpus", "NamingMatrix", "StoreInfo", "analyze",
    "open_corpus",
]  # fmt: skip
class NamingMatrix(dict):
    """The naming matrix: `{"columns": [...], "rows": [...]}` as `newsprism export --format
    framing` writes it, plus pandas views: `to_dataframe()` (actors x outlets) and
    `profiles()` (each outlet's framing profile)."""

    def to_dataframe(self, long: bool = False) -> pd.DataFrame:
        """Actors x outlets, each cell the phrases that outlet calls that actor, most telling
        first ("the Holt regime (loaded); Prime Minister x3"); empty where it never names it.
        `long=True`: one row per actor, outlet and phrase instead, with its kind, whether it is
        loaded (and by which words) and its count.

        >>> frame = corpus.naming_matrix().to_dataframe()
        >>> frame.index.name, "Valley Post" in frame.columns
        ('actor', True)
        """
        import pandas as pd

        names = {c["id"]: c["name"] for c in self["columns"]}
        if long:
            return pd.DataFrame.from_records(self._phrases(names), columns=PHRASE_COLUMNS)
        cells = {
            _row_name(row, self["rows"]): {
                names[cid]: "; ".join(_phrase_text(p) for p in phrases)
                for cid, phrases in row["cells"].items()
            }
            for row in self["rows"]
        }
        frame = pd.DataFrame.from_dict(cells, orient="index", columns=list(names.values()))
        frame.index.name = "actor"
        return frame

    def _phrases(self, names: dict[str, str]) -> Iterable[dict[str, Any]]:
        for row in self["rows"]:
            for cid, phrases in row["cells"].items():
                for p in phrases:
                    yield {
                        "entity_id": row["entity_id"], "actor": row["name"],
                        "outlet": names[cid], "column_id": cid, "label": p["label"],
                        "kind": p["kind"], "loaded": p["loaded"],
                        "loaded_terms": "; ".join(p["loaded_terms"]), "count": p["count"],
                    }  # fmt: skip

    def profiles(self) -> pd.DataFrame:
        """Each outlet's framing profile, one row per outlet (or untitled-outlet article):
        articles, words, loaded labels and persuasion techniques, counted and per 1,000 words,
        with its top loaded terms and techniques.

        >>> print(corpus.naming_matrix().profiles().loc["Valley Post", "articles"])
        3
        """
        import pandas as pd

        rows = [
            {
                "outlet": c["name"], "articles": len(c["articles"]), "words": c["words"],
                "loaded_labels": c["loaded_labels"],
                "loaded_labels_per_1000_words": c["loaded_labels_per_1000_words"],
                "techniques": c["techniques"],
                "techniques_per_1000_words": c["techniques_per_1000_words"],
                "top_loaded_terms": "; ".join(t for t, _ in c["top_loaded_terms"]),
                "top_techniques": "; ".join(t["technique"] for t in c["technique_counts"][:3]),
            }
            for c in self["columns"]
        ]  # fmt: skip
        return pd.DataFrame.from_records(rows, columns=PROFILE_COLUMNS).set_index("outlet")


PHRASE_COLUMNS = (
    "entity_id", "actor", "outlet", "column_id", "label", "kind", "loaded", "loaded_terms",
    "count",
)  # fmt: skip
PROFILE_COLUMNS = (
    "outlet", "articles", "words", "loaded_labels", "loaded_labels_per_1000_words", "techniques",
    "techniques_per_1000_words", "top_loaded_terms", "top_techniques",
)  # fmt: skip


def _phrase_text(phrase: dict[str, Any]) -> str:
    count = f" x{phrase['count']}" if phrase["count"] > 1 else ""
    return f"{phrase['label']}{count}{' (loaded)' if phrase['loaded'] else ''}"


def _row_name(row: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The actor's name, with its id where two actors share a name (an index must be unique)."""
    same = sum(1 for r in rows if r["name"] == row["name"])
    return row["name"] if same == 1 else f"{row['name']} ({row['entity_id']})"


class Corpus:
    """A store of analyzed articles, read as records (dicts, as the exports write them).

    Made by `analyze` or `open_corpus`; close it (or use `with`) when done.

    >>> corpus
    <Corpus sqlite:///newsprism.db: 12 articles>
    """

    def __init__(self, store: Store, summary: RunSummary | None = None) -> None:
        self.store = store
        self._run = summary

    @property
    def summary(self) -> RunSummary | StoreInfo:
        """What the run that made this corpus did (`analyze`: a RunSummary, with
        `new_articles`, `errors`, `crosscheck`...); for a corpus opened with `open_corpus`, which
        no run made, what the store holds (`info()`: a StoreInfo).

        >>> newsprism.open_corpus("newsprism.db").summary.records["article"]
        12
        """
        return self._run if self._run is not None else self.info()

    def info(self) -> StoreInfo:
        """What the store holds: records per type, outlets, publication dates, verdicts, and
        the schema and newsprism version that wrote it (as `newsprism info` shows).

        >>> info = corpus.info()
        >>> info.records["article"], info.written_by == newsprism.__version__
        (12, True)
        """
        return store_info(self.store)

    def articles(self) -> list[dict[str, Any]]:
        """Every article, in arrival order: source, outlet, title, dates, language, duplicate
        group, where else it was seen, what was removed as boilerplate, and its text.

        >>> sorted(a["outlet"] for a in corpus.articles() if a["outlet"])[:2]
        ['Harbor Wire', 'Harbor Wire']
        """
        return list(article_records(self.store))

    def errors(self) -> list[dict[str, Any]]:
        """Inputs that could not be read (source, line, reason): the run kept going past them.

        >>> [e["source"].split("/")[-1] for e in corpus.errors()][:1]
        ['broken-feed.xml']
        """
        return list(error_records(self.store))

    def records(self, type: str | None = None) -> list[dict[str, Any]]:
        """Records as exported, optionally of one `type`: one of RECORD_TYPES (article, entity,
        mention, place, timeref, quantity, attribution, label, technique, action, claim, story,
        event, error); another raises ValueError listing them.

        >>> len(corpus.records("article"))
        12
        >>> corpus.records("claims")
        Traceback (most recent call last):
        ValueError: unknown record type 'claims': use one of article, entity, ...
        """
        return list(records(self.store, type))

    def query(
        self,
        type: str,
        where: Mapping[str, Any] | Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Records of one `type` that pass every condition of `where`, at most `limit` of them
        (as `newsprism query`). `where` maps export field names to values, compared as a
        reader would: any case, 12 equal to 12.0, a list matching when one item does; a
        field of an object by its CSV column name ("statement.counts"). It may instead be
        conditions as strings: "field=value", or "field~text" for a field holding the text.
        An unknown type, field or verdict raises ValueError listing the valid ones.

        >>> [a["title"] for a in corpus.query("article", {"outlet": "harbor wire"})][:1]
        ['Velmora Dam partly breaches on the Keth; at least 12 dead in Dravik']
        >>> [c["statement"]["text"] for c in corpus.query("claim", ["verdict=Contradicted",
        ...                                                          "statement.counts~person"])]
        ['19 people']
        >>> corpus.query("claim", {"verdikt": "corroborated"})
        Traceback (most recent call last):
        ValueError: unknown field 'verdikt' of claim records: use one of type, id, kind, ...
        """
        wanted = conditions(type, where)
        found = []
        for record in records(self.store, type):
            if all(passes(record, c) for c in wanted):
                found.append(record)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def entities(self) -> list[dict[str, Any]]:
        """Real-world actors and places across the corpus: canonical name, every alias and
        role linked to it, and for places their GeoNames id and coordinates.

        >>> "Keth Hydro" in {e["name"] for e in corpus.entities()}
        True
        """
        return self.records("entity")

    def places(self) -> list[dict[str, Any]]:
        """Place mentions, each geocoded offline (GeoNames id, name, lat, lon, country).

        >>> "Dravik" in {p["text"] for p in corpus.places()}
        True
        """
        return self.records("place")

    def claims(self, verdict: str | None = None) -> list[dict[str, Any]]:
        """Claim groups across the corpus, optionally only those with one `verdict` (one of
        VERDICTS: corroborated, contradicted, related, unconfirmed, single-source,
        unattributed); another name raises ValueError listing them.

        >>> [c["verdict"] for c in corpus.claims("contradicted")][:1]
        ['contradicted']
        >>> corpus.claims("Corroborated")
        Traceback (most recent call last):
        ValueError: unknown verdict 'Corroborated' (did you mean 'corroborated'?): use one of ...
        """
        check_name("verdict", verdict, VERDICTS)
        return [c for c in self.records("claim") if verdict is None or c["verdict"] == verdict]

    def stories(self) -> list[dict[str, Any]]:
        """Stories: the articles about one happening (joined as they arrive, by shared actors,
        days named, claim groups and alike leads), each with a title, outlets, first and last
        day, key actors and places; `aliases` lists the ids of stories merged into it.

        >>> max(s["size"] for s in corpus.stories()) > 1
        True
        """
        return self.records("story")

    def story(self, story_id: str) -> dict[str, Any] | None:
        """The story an id stands for, the id of a story merged into another included; None
        when no story has that id.

        >>> first = corpus.stories()[0]
        >>> corpus.story(first["id"])["title"] == first["title"]
        True
        """
        story_id = self.store.story_aliases().get(story_id, story_id)
        return next((s for s in self.stories() if s["id"] == story_id), None)

    def timeline(self, story: str | None = None, actor: str | None = None
                 ) -> list[dict[str, Any]]:
        """Events in the order they happened (first day, then last; undated last), of the
        whole corpus or one `story` (its id, or the id of a story merged into it), optionally
        only those `actor` takes part in (an entity id, or its name or an alias, any case).
        Each has its date range, how sure the date is and why, its verdict, the outlets that
        tell it and its evidence spans. An unknown story or actor raises ValueError.

        >>> events = corpus.timeline(actor="Keth Hydro")
        >>> all(e["first"] <= f["first"] for e, f in zip(events, events[1:]) if f["first"])
        True
        >>> corpus.timeline(actor="Nobody Known")
        Traceback (most recent call last):
        ValueError: no actor 'Nobody Known' in this corpus: give an entity id, name or ...
        """
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
        optionally only the labels of one actor (its entity id, name or an alias); an actor
        not in the corpus raises ValueError.

        >>> sorted({lb["label"] for lb in corpus.labels("Anika Holt") if lb["loaded"]})
        ['failed premier']
        """
        labels = self.records("label")
        if entity_id is None:
            return labels
        ids = self._actor_ids(entity_id)
        return [r for r in labels if r["entity_id"] in ids]

    def techniques(self, technique: str | None = None) -> list[dict[str, Any]]:
        """Persuasion-technique spans (SemEval-2020 Task 11 techniques, with the classifier's
        probability and the runners-up), optionally of one `technique` (as in TECHNIQUES:
        "Loaded_Language"); another name raises ValueError listing them.

        >>> corpus.techniques("loaded language")
        Traceback (most recent call last):
        ValueError: unknown technique 'loaded language' (did you mean 'Loaded_Language'?): ...
        """
        check_name("technique", technique, TECHNIQUES)
        found = self.records("technique")
        return [r for r in found if technique is None or r["technique"] == technique]

    def naming_matrix(self) -> NamingMatrix:
        """Actors x outlets: the phrases each outlet uses for each actor, with counts, whether
        loaded and the evidence spans; columns carry each outlet's framing profile (loaded
        labels and persuasion techniques per 1,000 words). A dict (`["rows"]`,
        `["columns"]`) with `.to_dataframe()` and `.profiles()` for pandas.

        >>> matrix = corpus.naming_matrix()
        >>> sorted(matrix), type(matrix.to_dataframe()).__name__
        (['columns', 'rows'], 'DataFrame')
        """
        return NamingMatrix(naming_matrix(
            self.labels(), self.articles(), self.entities(), self.techniques()
        ))  # fmt: skip

    def to_dataframe(self, type: str = "article") -> pd.DataFrame:
        """The records of one type as a pandas DataFrame, one column per export field (lists
        and objects stay Python objects in their cells).

        >>> corpus.to_dataframe("article").shape[0]
        12
        """
        import pandas as pd

        rows = self.records(type)
        # the export fields even when no record has them; a field only some records have, too
        columns = dict.fromkeys([*record_fields(type), *(k for r in rows for k in r)])
        return pd.DataFrame.from_records(rows, columns=list(columns))

    def duplicate_groups(self) -> list[list[dict[str, Any]]]:
        """Near-duplicate groups, each a list of articles with the original first.

        >>> [[a["outlet"] for a in g] for g in corpus.duplicate_groups()]
        [['Harbor Wire', 'northgate-daily.example']]
        """
        groups: dict[str, list[dict[str, Any]]] = {}
        for a in self.articles():
            if a["duplicate_group"]:
                groups.setdefault(a["duplicate_group"], []).append(a)
        return list(groups.values())

    def report(self, path: str | Path) -> Path:
        """Write the offline HTML report (one file, no network needed); returns its path.

        >>> corpus.report("report.html").name
        'report.html'
        """
        return write_report(self.store, path)

    def export(self, fmt: str, out: str | Path | None) -> str:
        """Export as `fmt`: "jsonl" (a file), "csv" (a directory: one flat CSV per record type,
        each list field in its own TYPE.FIELD.csv), "geojson" or "framing"; `out` None or "-"
        writes to standard output (not for CSV). Returns what was written where.

        >>> "CSV files written to exported" in corpus.export("csv", "exported")
        True
        """
        return run_export(self.store, fmt, out)

    def split_actor(
        self, actor: str, names: Sequence[str], articles: Sequence[str] = ()
    ) -> SplitSummary:
        """Undo a wrong identity: the `names` of `actor` (its entity id, or a name or alias
        only one actor has) become an actor of their own, in every article or only in
        `articles` (ids). Mentions, labels, quotes and claims move with them, the verdicts of
        those claims' groups and the timelines of their stories are made again, and the two
        actors are never merged again. ValueError says what was not found.

        >>> corpus.split_actor("Nobody Known", ["Nobody"])
        Traceback (most recent call last):
        ValueError: no actor 'Nobody Known' in this corpus: give an entity id, name or ...
        """
        ids = self._actor_ids(actor)
        if len(ids) > 1:
            raise ValueError(f"{actor!r} names {len(ids)} actors ({', '.join(sorted(ids))}): "
                             "give the id of the one to split")  # fmt: skip
        return split_actor(self.store, next(iter(ids)), names, articles)

    def close(self) -> None:
        """Close the store's connections (a `with` block does it).

        >>> opened = newsprism.open_corpus("newsprism.db")
        >>> opened.close()
        """
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.store.count("article")

    def __repr__(self) -> str:
        return f"<Corpus {self.store.url}: {len(self)} articles>"


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
    (a SQLite file or a PostgreSQL URL, created when missing), then understand, cross-check
    and place the new articles in stories. Running it again on the same inputs adds nothing,
    and skips files read to the end before unless they changed or `rescan` is set. When none
    of `paths` exists, FileNotFoundError is raised before any store is created; a missing
    path among existing ones is an error record, and the others are read.

    `engine` runs the per-article work: "local" (`workers` processes here) or "dask" (the Dask
    scheduler at `scheduler`, tcp://HOST:8786, or without one a cluster of `workers` processes
    started here), or an opened engine (newsprism.engine.dask.DaskEngine) to share between
    runs. The records are the same whichever ran them. A scheduler that cannot be reached
    raises EngineUnavailable before anything is read.

    `outlets` is an outlet manifest (CSV, or YAML: `match`, `outlet`, `country`, `notes`) whose
    matches win over any outlet the sources name; a bad one raises ManifestError (a ValueError)
    before anything is stored.

    >>> with newsprism.analyze("articles/", db="newsprism.db") as again:
    ...     again.summary.new_articles, len(again)
    (0, 12)
    >>> newsprism.analyze("artciles/", db="typo.db")
    Traceback (most recent call last):
    FileNotFoundError: nothing to analyze: no such file or directory: artciles/
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    check_inputs(paths)
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
    note_writer(store)
    return Corpus(store, summary)


def check_inputs(paths: Sequence[str | Path]) -> None:
    """Nothing to read at all is a mistake to say before a store is created; one missing
    path among others becomes an error record of the run, as an unreadable file does.

    >>> check_inputs(["articles/", "nothere.txt"])
    >>> check_inputs(["nothere.txt"])
    Traceback (most recent call last):
    FileNotFoundError: nothing to analyze: no such file or directory: nothere.txt
    """
    if not paths:
        raise FileNotFoundError("nothing to analyze: give files, directories or archives")
    if not any(Path(p).exists() for p in paths):
        missing = ", ".join(str(p) for p in paths)
        raise FileNotFoundError(f"nothing to analyze: no such file or directory: {missing}")


def note_writer(store: Store) -> None:
    """Record which newsprism version wrote the store last (`newsprism info` shows it); run by
    `analyze` when it is done.

    >>> note_writer(corpus.store)
    >>> corpus.info().written_by == newsprism.__version__
    True
    """
    meta = schema.meta
    try:
        with store.engine.begin() as conn:
            done = conn.execute(
                update(meta).where(meta.c.key == WRITER_KEY).values(value=__version__)
            ).rowcount
            if not done:
                conn.execute(insert(meta).values(key=WRITER_KEY, value=__version__))
    except IntegrityError:
        pass  # another run inserted it at the same moment: it wrote its version


def build_options(
    outlet: str | None = None,
    fields: dict[str, str] | None = None,
    max_document_mb: float | None = None,
    outlets: str | Path | None = None,
) -> IngestOptions:
    """The ingest options of `analyze`'s arguments, checked before anything is read.

    >>> build_options(outlet="Valley Post").default_outlet
    'Valley Post'
    >>> build_options(max_document_mb=0)
    Traceback (most recent call last):
    ValueError: --max-document-mb must be a size above 0 (got 0); the default is 5
    """
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


def open_corpus(db: str | Path = DEFAULT_DB) -> Corpus:
    """The store `db` made by `analyze`, to read: a missing path, an empty file or another
    application's database raises StoreError, and nothing is created.

    >>> len(newsprism.open_corpus("newsprism.db"))
    12
    >>> newsprism.open_corpus("typo.db")
    Traceback (most recent call last):
    newsprism.store.store.StoreError: no store at typo.db: run `newsprism analyze ...
    """
    return Corpus(open_store(db, existing=True))
