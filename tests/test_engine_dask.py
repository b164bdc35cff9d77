"""The Dask engine (engine/dask.py): the same inputs give the same records as the local engine,
through the Python API and the command line; a scheduler that cannot be reached, a worker
that dies and a missing model are clear errors. Clusters here are tiny: one worker process of
one thread, started on this machine."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

pytest.importorskip("distributed")

import dask.config

from newsprism import analyze, open_corpus
from newsprism.api import RECORD_TYPES
from newsprism.cli import app
from newsprism.engine.dask import (
    DEBUG_LOG_LENGTH,
    IN_FLIGHT_PER_THREAD,
    LOG_LENGTH_KEY,
    DaskEngine,
)
from newsprism.engine.local import EngineError, EngineUnavailable, LocalEngine
from newsprism.store import open_store
from newsprism.understand.nlp import ModelError

runner = CliRunner()

# An invented corpus: three happenings in an invented country told by five invented outlets,
# with numbers that agree and disagree, quotes, dates, a wire copy and an exact copy.
STORIES = [
    ("harbor-times.example", "2031-05-02", "Ferry fire in Calder Bay",
     "A passenger ferry caught fire in Calder Bay on Friday morning, and 42 people were taken "
     "to hospital, the coast guard said. Captain Mara Jensen said the fire began in the engine "
     "room. \"We got everyone off within twenty minutes,\" she told reporters."),
    ("northern-ledger.example", "2031-05-02", "Dozens hurt as ferry burns off Calder Bay",
     "At least 40 people were hurt when the ferry Sea Lark burned off Calder Bay on Friday. "
     "The Transport Ministry said it would open an inquiry. Minister Tomas Varga called the "
     "fire a disgrace and promised answers by June."),
    ("coastal-post.example", "2031-05-03", "Ferry operator blames engine fault",
     "The operator of the Sea Lark, Bluewake Lines, said on Saturday that an engine fault "
     "caused Friday's fire. Bluewake Lines said 38 passengers were treated in hospital, fewer "
     "than the coast guard reported. Its chief executive, Ilse Brandt, apologised."),
    ("valley-voice.example", "2031-05-03", "Families wait for news at Calder Bay",
     "Families gathered at the Calder Bay terminal on Saturday waiting for news of relatives "
     "who were on the ferry. A nurse at St Anne's Hospital said 42 people had been admitted "
     "and that six remained in serious condition."),
    ("wire-desk.example", "2031-05-04", "Inquiry opens into Sea Lark fire",
     "The Transport Ministry opened an inquiry on Sunday into the fire on the ferry Sea Lark. "
     "Minister Tomas Varga said inspectors would examine every vessel of Bluewake Lines. "
     "\"No ferry sails until it is checked,\" Varga said."),
    ("harbor-times.example", "2031-05-05", "Bluewake Lines suspends sailings",
     "Bluewake Lines suspended all sailings from Calder Bay on Monday while inspectors examine "
     "its fleet. About 3,000 travellers a day use the route, the company said."),
    ("northern-ledger.example", "2031-05-06", "Ferry crew warned of faults, union says",
     "The sailors' union said on Tuesday that the crew of the Sea Lark had reported engine "
     "faults twice in April. Union leader Piet Okafor said the warnings were ignored. Bluewake "
     "Lines denied receiving any report."),
    ("coastal-post.example", "2031-05-07", "Calder Bay port reopens",
     "The port of Calder Bay reopened on Wednesday after five days, the harbour master said. "
     "Ships of other lines resumed sailing, but Bluewake Lines ferries stayed in dock."),
    ("valley-voice.example", "2031-06-10", "Teachers strike in Marrow over pay",
     "Teachers in Marrow walked out on Tuesday in a dispute over pay, closing 120 schools, the "
     "teachers' union said. Union secretary Lena Duval said the government had offered a rise "
     "of 2 percent, which she called an insult."),
    ("wire-desk.example", "2031-06-10", "Schools shut as Marrow teachers strike",
     "About 110 schools in Marrow were closed on Tuesday as teachers went on strike, the "
     "Education Ministry said. Education Minister Karl Wendt urged the union to return to "
     "talks and said the offer of 2 percent was fair."),
    ("harbor-times.example", "2031-06-11", "Parents scramble for childcare in Marrow",
     "Parents in Marrow scrambled to find childcare on Wednesday as the teachers' strike "
     "entered its second day. The city council opened four community centres for children."),
    ("northern-ledger.example", "2031-06-12", "Marrow strike talks resume",
     "Talks between the teachers' union and the Education Ministry resumed on Thursday. Lena "
     "Duval said the union would accept nothing below 5 percent. Karl Wendt said the budget "
     "could not pay for it."),
    ("coastal-post.example", "2031-06-13", "Teachers end strike after deal",
     "Teachers in Marrow ended their strike on Friday after the Education Ministry raised its "
     "offer to 4 percent, the union said. Lena Duval called the deal a victory for pupils."),
    ("valley-voice.example", "2031-06-14", "Marrow schools reopen on Monday",
     "All schools in Marrow will reopen on Monday, the Education Ministry said on Saturday. "
     "Karl Wendt thanked parents for their patience during the four-day strike."),
    ("wire-desk.example", "2031-07-01", "Drought cuts wheat harvest in Estan province",
     "The wheat harvest in Estan province will fall by a third this year after the driest "
     "spring in fifty years, the Agriculture Ministry said on Monday. Farmers' leader Ruth "
     "Amadi said 600 farms had asked for emergency help."),
    ("harbor-times.example", "2031-07-02", "Estan farmers ask for drought aid",
     "Farmers in Estan province asked the government on Tuesday for drought aid. Ruth Amadi "
     "said 650 farms needed help, more than the ministry had counted."),
    ("northern-ledger.example", "2031-07-03", "Government promises drought fund",
     "The government promised a drought fund of 80 million crowns on Wednesday. Agriculture "
     "Minister Sofia Lind said the money would reach farms in Estan province by August."),
    ("coastal-post.example", "2031-07-04", "Bread prices rise after poor harvest",
     "Bakers in Calder Bay raised bread prices by 10 percent on Thursday, blaming the poor "
     "wheat harvest in Estan province. The Agriculture Ministry said prices would settle by "
     "winter."),
    ("valley-voice.example", "2031-07-05", "Rain returns to Estan, too late for wheat",
     "Rain fell across Estan province on Friday for the first time in three months. Ruth Amadi "
     "said it came too late to save the wheat but would help the autumn sowing."),
    ("wire-desk.example", "2031-07-06", "Drought fund opens for applications",
     "The drought fund opened for applications on Saturday, the Agriculture Ministry said. "
     "Sofia Lind said farms could claim up to 50,000 crowns each."),
]
# the wire copy, run again by another outlet with its last sentence changed: a near-duplicate
WIRE_COPY = (
    "coastal-post.example", "2031-07-06", "Drought fund opens for applications",
    "The drought fund opened for applications on Saturday, the Agriculture Ministry said. "
    "Sofia Lind said farms could claim up to 50,000 crowns each, paid within a month.",
)


def write_corpus(folder: Path) -> Path:
    """Twenty-one text files (one an exact copy of another) and a JSONL file of three
    records."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, (outlet, day, title, text) in enumerate(STORIES[:17]):
        (folder / f"{outlet}_{day}_story-{i:02d}.txt").write_text(
            f"{title}\n\n{text}\n", encoding="utf-8"
        )
    (folder / "copy-of-story-00.txt").write_text(
        (folder / f"{STORIES[0][0]}_{STORIES[0][1]}_story-00.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    lines = [
        {"title": title, "text": text, "source": outlet, "published": day}
        for outlet, day, title, text in [*STORIES[17:], WIRE_COPY]
    ]
    (folder / "records.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
    )
    return folder


def comparable(db: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Every exported record by type, without the time each error was first seen."""
    with open_corpus(db) as corpus:
        return {
            kind: [
                {k: v for k, v in r.items() if not (kind == "error" and k == "first_seen")}
                for r in corpus.records(kind)
            ]
            for kind in RECORD_TYPES
        }


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("engine") / "corpus")


@pytest.fixture(scope="module")
def local_db(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.db"
    analyze(corpus_dir, db, engine="local", workers=1).close()
    return db


@pytest.fixture(scope="module")
def local_records(local_db: Path) -> dict[str, list[dict[str, Any]]]:
    return comparable(local_db)


@pytest.fixture(scope="module")
def dask_engine() -> Iterator[DaskEngine]:
    with DaskEngine(workers=1) as engine:
        yield engine


def test_the_invented_corpus_makes_records_of_every_kind(
    local_records: dict[str, list[dict[str, Any]]],
) -> None:
    counts = {kind: len(found) for kind, found in local_records.items()}
    assert counts["article"] == 21, counts  # 22 documents, one an exact copy
    assert sum(1 for a in local_records["article"] if a["duplicate_of"]) == 1
    for kind in ("entity", "mention", "place", "timeref", "quantity", "attribution", "claim",
                 "story"):  # fmt: skip
        assert counts[kind] > 0, counts
    assert len(local_records["story"]) >= 3


def test_claims_read_from_their_record_types_alone_are_the_claims_of_every_record(
    local_records: dict[str, list[dict[str, Any]]],
) -> None:
    """Cross-checking reads back and sends to the workers only the record types claims are made
    of (not the techniques and labels): every article's claims are the same as from all its
    records."""
    from newsprism.crosscheck import extract_claims
    from newsprism.crosscheck.claims import CLAIM_RECORD_TYPES

    spans = [kind for kind in RECORD_TYPES
             if local_records[kind] and "start" in local_records[kind][0] and kind != "claim"]
    left_out = {kind for kind in spans if kind not in CLAIM_RECORD_TYPES}
    assert {"label", "technique"} & left_out  # the invented corpus has some to leave out
    claimed = 0
    for article in local_records["article"]:
        every = [r for kind in spans for r in local_records[kind]
                 if r["article_id"] == article["id"]]  # fmt: skip
        some = [r for r in every if r["type"] in CLAIM_RECORD_TYPES]
        claims = extract_claims(article, every)
        assert extract_claims(article, some) == claims, article["id"]
        claimed += len(claims)
    assert claimed > 0


def test_dask_through_the_api_gives_the_same_records_as_local(
    corpus_dir: Path, tmp_path: Path, local_records: dict[str, list[dict[str, Any]]]
) -> None:
    db = tmp_path / "dask.db"
    with analyze(corpus_dir, db, engine="dask", workers=1) as corpus:
        assert corpus.summary is not None and corpus.summary.new_articles == 21
    got = comparable(db)
    for kind in RECORD_TYPES:
        assert got[kind] == local_records[kind], kind


@pytest.mark.postgres
def test_postgresql_holds_the_records_sqlite_holds_in_the_same_order(
    corpus_dir: Path,
    fresh_pg_url: str,
    local_db: Path,
    local_records: dict[str, list[dict[str, Any]]],
) -> None:
    """PostgreSQL takes a batch's rows through COPY (claims and story members through a
    scratch table, to skip those already stored): the records and their order (claims and
    stories in the order they were grouped) are SQLite's."""
    analyze(corpus_dir, fresh_pg_url, engine="local", workers=1).close()
    got = comparable(fresh_pg_url)
    for kind in RECORD_TYPES:
        assert got[kind] == local_records[kind], kind
    # what exports leave out: the claims' vectors, byte for byte, in the order of grouping
    claims = list(open_store(fresh_pg_url).stored_claims())
    assert claims == list(open_store(local_db).stored_claims())
    assert any(vector for _, _, vector in claims)
    analyze(corpus_dir, fresh_pg_url, engine="local", workers=1).close()  # nothing new
    assert comparable(fresh_pg_url) == got


def test_dask_from_the_command_line_on_a_running_cluster_gives_the_same_records_as_local(
    corpus_dir: Path,
    tmp_path: Path,
    local_records: dict[str, list[dict[str, Any]]],
    dask_engine: DaskEngine,
) -> None:
    """`--scheduler` pointed at a cluster that was already running (the fixture's)."""
    db = tmp_path / "cli.db"
    result = runner.invoke(
        app,
        ["analyze", str(corpus_dir), "--db", str(db), "--engine", "dask",
         "--scheduler", dask_engine.address, "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "new articles stored" in result.output
    got = comparable(db)
    for kind in RECORD_TYPES:
        assert got[kind] == local_records[kind], kind


class CountingEngine(LocalEngine):
    """The local engine, noting which per-item functions each stage gave it."""

    def __init__(self) -> None:
        self.mapped: list[str] = []

    def map_ordered(self, fn: Any, items: Any, workers: int, here: Any = None) -> Iterator[Any]:
        self.mapped.append(getattr(fn, "func", fn).__name__)
        return super().map_ordered(fn, items, workers, here)


def test_claims_and_story_leads_are_read_by_the_workers_with_the_same_records(
    corpus_dir: Path,
    tmp_path: Path,
    local_records: dict[str, list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading an article's claims, encoding their meanings and its lead is per-article work:
    two forked local workers do it (batches of four, so that this small corpus has several),
    while this process groups and places, and the records are the ones a run in one process
    makes. This process loads the workers' one-thread encoder before forking them, and never
    a graph of its own (another ~100 MB) for texts it does not encode."""
    import newsprism.crosscheck.embed as embed
    import newsprism.stages.crosscheck as crosscheck_stage
    import newsprism.stages.stories as stories_stage
    from newsprism.stories.embed import story_embedder

    monkeypatch.setattr(crosscheck_stage, "BATCH_ARTICLES", 4)
    monkeypatch.setattr(stories_stage, "BATCH_ARTICLES", 4)
    built: list[int] = []
    build = embed.sentence_session
    monkeypatch.setattr(embed, "sentence_session",
                        lambda weights, threads: built.append(threads) or build(weights, threads))
    caches = (embed._session, embed.default_embedder, story_embedder)
    for cache in caches:  # every encoder made anew in this run
        cache.cache_clear()
    engine = CountingEngine()
    db = tmp_path / "workers.db"
    try:
        analyze(corpus_dir, db, engine=engine, workers=2).close()
    finally:
        for cache in caches:  # none holds the recording builder
            cache.cache_clear()
    assert {"read_claims", "encode_leads"} <= set(engine.mapped), engine.mapped
    assert built == [1], built
    got = comparable(db)
    for kind in RECORD_TYPES:
        assert got[kind] == local_records[kind], kind


def test_one_worker_is_one_cores_work_and_more_let_the_encoders_take_two_threads(
    corpus_dir: Path,
    tmp_path: Path,
    local_records: dict[str, list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With `workers=1` everything runs in this process, and the claims' and leads' encoders
    run on one thread: the run is one core's work, as a user holding it to one core means (and
    as one Dask worker is compared with it). Given more workers, a run too small to fork them
    encodes here on two threads where the machine has two cores. The thread count changes the
    time, not the records."""
    import newsprism.crosscheck.embed as embed
    from newsprism.encoders.minilm import usable_cpus
    from newsprism.stories.embed import story_embedder

    built: list[int] = []
    build = embed.sentence_session
    monkeypatch.setattr(embed, "sentence_session",
                        lambda weights, threads: built.append(threads) or build(weights, threads))
    caches = (embed._session, embed.default_embedder, story_embedder)
    runs = {}
    try:
        for workers in (1, 2):
            for cache in caches:  # every encoder made anew in this run
                cache.cache_clear()
            built.clear()
            db = tmp_path / f"w{workers}.db"
            analyze(corpus_dir, db, engine="local", workers=workers).close()
            runs[workers] = sorted(set(built))
            if workers == 1:
                got = comparable(db)
                for kind in RECORD_TYPES:
                    assert got[kind] == local_records[kind], kind
    finally:
        for cache in caches:  # none holds the recording builder
            cache.cache_clear()
    assert runs[1] == [1], runs
    assert runs[2] == [min(2, usable_cpus())], runs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, corpus_dir: Path) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(
            app,
            ["analyze", str(corpus_dir), "--db", str(tmp_path / "s.db"), "--engine", "dask",
             "--scheduler", address],
        )  # fmt: skip
        said = " ".join(result.output.split())
        assert result.exit_code == 2, result.output
        assert f"cannot reach the Dask scheduler at {address}" in said
        assert "dask scheduler" in said and "leave it out" in said
        with pytest.raises(EngineUnavailable, match="cannot reach"):
            analyze(corpus_dir, tmp_path / "a.db", engine="dask", scheduler=address)


def test_a_scheduler_needs_the_dask_engine_and_engines_are_named(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["analyze", str(tmp_path), "--scheduler", "tcp://127.0.0.1:8786"]
    )
    assert result.exit_code == 2
    assert "--engine dask" in result.output
    result = runner.invoke(app, ["analyze", str(tmp_path), "--engine", "spark"])
    assert result.exit_code == 2
    assert "local, dask" in result.output


def _square(x: int) -> int:
    return x * x


class Counted:
    """The numbers below `n`, counting how many a map has pulled so far."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.pulled = 0

    def __iter__(self) -> Iterator[int]:
        for i in range(self.n):
            self.pulled += 1
            yield i


def test_map_ordered_keeps_input_order_and_bounds_what_is_in_flight(
    dask_engine: DaskEngine,
) -> None:
    items = Counted(40)
    window = IN_FLIGHT_PER_THREAD  # one worker of one thread
    results = []
    for result in dask_engine.map_ordered(_square, items, workers=1):
        results.append(result)
        assert items.pulled - len(results) <= window  # the input is streamed, never read whole
    assert results == [i * i for i in range(40)]
    assert list(LocalEngine().map_ordered(_square, range(5), 1)) == [0, 1, 4, 9, 16]


def _slow_square(x: int) -> int:
    time.sleep(0.2)
    return x * x


def test_this_process_takes_items_while_the_workers_are_busy_and_order_is_kept(
    dask_engine: DaskEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `here`, the client reads an item itself while the oldest one on the workers is not
    done (a stage's claims, a cluster of one worker on a machine of two cores), never more than
    twice the window ahead."""
    import newsprism.engine.dask as engine_module

    monkeypatch.setattr(engine_module, "default_workers", lambda: 2)
    done_here: list[int] = []

    def here(x: int) -> int:
        done_here.append(x)
        return x * x

    items = Counted(20)
    results = []
    for result in dask_engine.map_ordered(_slow_square, items, 1, here=here):
        results.append(result)
        assert items.pulled - len(results) <= 2 * IN_FLIGHT_PER_THREAD
    assert results == [i * i for i in range(20)]
    assert 0 < len(done_here) < 20, done_here  # both sides did some


def test_this_process_takes_no_items_where_the_workers_take_every_core(
    dask_engine: DaskEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cluster on this machine with a worker a core: items taken here would only be moved
    off the workers, and this process would build models of its own for them. It takes none,
    and the results are the same and in order."""
    import newsprism.engine.dask as engine_module

    monkeypatch.setattr(engine_module, "default_workers", lambda: 1)  # the one worker's core
    done_here: list[int] = []

    def here(x: int) -> int:
        done_here.append(x)
        return x * x

    results = list(dask_engine.map_ordered(_slow_square, range(12), 1, here=here))
    assert results == [i * i for i in range(12)]
    assert done_here == []


def test_the_cluster_keeps_a_few_sent_tasks_not_the_last_thousand_batches() -> None:
    """Dask logs each stream's recent messages, the tasks sent with their arguments among
    them; a local cluster's scheduler lives in this process, and by Dask's default it held the
    last 1,000 batches of articles sent to each worker. While the engine lives it and its
    workers keep ten; after, this process's setting is its own again."""
    before = dask.config.get(LOG_LENGTH_KEY)
    texts = [f"{i} " + "word " * 20_000 for i in range(40)]
    with DaskEngine(workers=1) as engine:
        assert list(engine.map_ordered(len, texts, 1)) == [len(t) for t in texts]
        logs = [c.recent_message_log for c in engine._cluster.scheduler.stream_comms.values()]
        assert logs and all(len(log) <= DEBUG_LOG_LENGTH for log in logs)
        on_workers = engine._client.run(dask.config.get, LOG_LENGTH_KEY)
        assert set(on_workers.values()) == {DEBUG_LOG_LENGTH}
    assert dask.config.get(LOG_LENGTH_KEY) == before


def _samples_its_tasks(dask_worker: Any) -> bool:
    return "profile" in dask_worker.periodic_callbacks


def test_a_local_clusters_workers_do_not_sample_their_tasks_stacks() -> None:
    """Dask's workers profile their tasks for the dashboard every 10 ms, taking the GIL from the
    task each time (about 5% of understanding's time): a run's local cluster does not."""
    with DaskEngine(workers=1) as engine:
        assert set(engine._client.run(_samples_its_tasks).values()) == {False}


def test_a_map_left_unfinished_closes_quietly_after_its_engine() -> None:
    """A run that fails mid-stage leaves that stage's map unfinished; it is closed when
    collected, after the engine closed, and says nothing more than the run's own error."""
    import gc

    with DaskEngine(workers=1) as engine:
        mapped = engine.map_ordered(_slow_square, range(12), 1)
        assert next(mapped) == 0
    unraisable: list[object] = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        del mapped
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert unraisable == []


def _die_the_first_time(marker: str) -> str:
    """Kills the worker process it runs in, the first time only."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died once", encoding="utf-8")
        os._exit(1)
    return f"pid {os.getpid()}"


def _always_die(_: object) -> None:
    os._exit(1)


def test_a_task_whose_worker_dies_is_retried_and_one_that_kills_every_worker_is_an_error(
    tmp_path: Path,
) -> None:
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        DaskEngine(workers=1) as engine,
    ):
        marker = str(tmp_path / "died")
        [result] = engine.map_ordered(_die_the_first_time, [marker], 1)
        assert result.startswith("pid") and Path(marker).exists()
        with pytest.raises(EngineError, match="died running one item") as raised:
            list(engine.map_ordered(_always_die, [1], 1))
        assert "run the same command again" in str(raised.value)


def test_a_cluster_left_without_workers_is_an_error_not_a_wait_forever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every worker gone and none coming back: the run's wait for its next item ends with an
    error saying what to do, after the engine's patience, rather than never."""
    import newsprism.engine.dask as engine_module

    monkeypatch.setattr(engine_module, "WATCH_SECONDS", 0.2)
    with DaskEngine(workers=1, no_workers_patience=1.0) as engine:
        assert list(engine.map_ordered(_square, [3], 1)) == [9]
        assert engine._cluster is not None
        engine._cluster.scale(0)
        deadline = time.monotonic() + 30
        while engine._client.nthreads() and time.monotonic() < deadline:
            time.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(EngineError, match="no worker for 1 s") as raised:
            list(engine.map_ordered(_square, [1, 2], 1))
        assert time.monotonic() - started < 15
        assert "dask worker" in str(raised.value) and "run the same command again" in str(
            raised.value
        )


class _ResultAsTheWaitRunsOut:
    """A task's future whose result arrives just as a timed wait for it runs out: Dask's wait
    raises TimeoutError, and the future is done."""

    def result(self, timeout: float | None = None) -> str:
        if timeout is not None:
            raise TimeoutError(f"timed out after {timeout} s.")
        return "the batch's records"

    def done(self) -> bool:
        return True


def test_a_result_that_arrives_as_the_wait_for_it_runs_out_is_the_result(
    dask_engine: DaskEngine,
) -> None:
    """The engine waits for each item a few seconds at a time, to notice a cluster left without
    workers; a result that lands as one of those waits ends is the item's result, not a lost
    scheduler (a 1,000-article run stopped on it once)."""
    assert dask_engine._result(_ResultAsTheWaitRunsOut()) == "the batch's records"


def test_a_worker_that_dies_loading_its_models_is_not_waited_for(tmp_path: Path) -> None:
    """Models are loaded on each worker before a stage; a worker that dies doing it comes back
    under a new address, where the load meant for the old one can never run. The stage goes on
    (the new worker loads on first use) rather than wait for it forever."""
    from functools import partial

    with DaskEngine(workers=1) as engine:
        started = time.monotonic()
        # a load that kills its worker process the first time only (out of memory)
        engine.prepare(partial(_die_the_first_time, str(tmp_path / "died")))
        assert time.monotonic() - started < 60
        assert (tmp_path / "died").exists()
        assert list(engine.map_ordered(_square, [2, 3], 1)) == [4, 9]


def test_a_missing_model_fails_before_any_article_is_understood(
    dask_engine: DaskEngine, corpus_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(ModelError, match="not installed"):
        analyze(corpus_dir, tmp_path / "m.db", engine=dask_engine, model="no_such_model_xx")
