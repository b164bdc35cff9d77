"""The store: same behaviour on SQLite and PostgreSQL; re-runs add nothing; a run killed with
kill -9 leaves a consistent store that the next run completes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from newsprism import analyze, open_corpus
from newsprism.store import open_store, schema
from newsprism.store.schema import article, sighting
from newsprism.store.store import StoreError
from newsprism.understand.article import UNDERSTAND_VERSION

WORDS = (
    "river council rescue convoy border village minister shelter bridge harbour storm grain "
    "ferry school clinic market road tunnel station airport factory"
).split()


def write_articles(directory: Path, n: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        # distinct word sequences so no two articles near-duplicate each other
        body = " ".join(
            WORDS[(i * 7 + k * (i % 5 + 1)) % len(WORDS)] + str(i * 31 + k) for k in range(40)
        )
        (directory / f"story-{i:04d}.txt").write_text(
            f"Report number {i} from the valley\n\nOfficials said on Monday that {body}.\n",
            encoding="utf-8",
        )


def test_same_results_and_idempotent(expected: dict, db_target: str, examples_dir: Path) -> None:
    with analyze(examples_dir, db=db_target, workers=1) as first:
        assert first.summary.new_articles == expected["articles_stored"]
        titles = sorted(a["title"] or "" for a in first.articles())
        groups = len(first.duplicate_groups())
        errors = first.store.count("ingest_error")
    with analyze(examples_dir, db=db_target, workers=1) as second:
        assert second.summary.new_articles == 0
        assert second.store.count("article") == expected["articles_stored"]
        assert second.store.count("ingest_error") == errors
        assert second.store.count("sighting") == expected["articles_stored"]
        assert sorted(a["title"] or "" for a in second.articles()) == titles
        assert len(second.duplicate_groups()) == groups == 1


def test_exact_copy_stored_once_and_both_sightings_kept(db_target: str, tmp_path: Path) -> None:
    text = "Dam wall gives way\n\nThe dam wall gave way on Friday night, officials said.\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "first.example_a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "second.example_b.txt").write_text(
        text.replace("Friday", "Friday "), encoding="utf-8"
    )
    with analyze(tmp_path / "in", db=db_target, workers=1) as corpus:
        assert corpus.summary.new_articles == 1
        assert corpus.summary.exact_duplicates == 1
        [stored] = corpus.articles()
        assert {s["outlet"] for s in stored["seen_in"]} == {"first.example", "second.example"}


def test_parallel_workers_give_the_same_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("newsprism.stages.ingest.PARALLEL_MIN_BYTES", 0)
    write_articles(tmp_path / "in", 100)
    with analyze(tmp_path / "in", db=tmp_path / "one.db", workers=1) as one:
        ids_one = [a["id"] for a in one.articles()]
    with analyze(tmp_path / "in", db=tmp_path / "two.db", workers=2) as two:
        ids_two = [a["id"] for a in two.articles()]
    assert ids_one == ids_two and len(ids_one) == 100


def _count_read_only(db: Path) -> int:
    """Articles stored so far, read the way a second reader would while a run writes: read-only,
    never waiting. (Opening the store proper may create its schema and wait up to the busy
    timeout for the writer: on a fast machine the run then finished before anything was seen.)"""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return 0
    try:
        return conn.execute("SELECT count(*) FROM article").fetchone()[0]
    except sqlite3.Error:  # the schema may not be created yet
        return 0
    finally:
        conn.close()


def test_kill_9_mid_run_then_rerun_completes(tmp_path: Path) -> None:
    n = 400
    write_articles(tmp_path / "in", n)
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "newsprism.cli", "analyze", str(tmp_path / "in"),
           "--db", str(db), "--workers", "1", "--no-progress"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            stored = _count_read_only(db)
            if stored >= 20:
                break
        time.sleep(0.05)
    still_running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)  # a no-op, not an error, when the run has already ended
    proc.wait()
    # Killed mid-run: while storing articles, or after them while understanding them.
    assert still_running and stored > 0, "the run must be killed mid-way to mean anything"

    store = open_store(db)
    with store.engine.connect() as conn:
        articles = conn.execute(select(func.count()).select_from(article)).scalar_one()
        orphans = conn.execute(
            select(func.count())
            .select_from(article)
            .where(~article.c.id.in_(select(sighting.c.article_id)))
        ).scalar_one()
    store.close()
    assert 0 < articles <= n
    assert orphans == 0  # every stored article came with its sighting, in one transaction

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with open_corpus(db) as corpus:
        assert corpus.store.count("article") == n
        assert corpus.store.count("sighting") == n
        assert len({a["id"] for a in corpus.articles()}) == n
        assert corpus.store.pending_understanding(UNDERSTAND_VERSION) == []


def test_unreachable_postgres_gives_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_unwritable_store_path_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store(blocker / "sub" / "x.db")


def test_long_sources_and_outlet_names_fit_both_stores(db_target: str, tmp_path: Path) -> None:
    deep = tmp_path / "in" / ("d" * 200) / ("e" * 200) / ("f" * 200) / ("g" * 200) / ("h" * 200)
    deep.mkdir(parents=True)
    record = {
        "text": "The ferry resumed service on Tuesday morning after the storm.",
        "outlet": "X" * 5000,
    }
    (deep / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    with analyze(tmp_path / "in", db=db_target, workers=1) as corpus:
        [article] = corpus.articles()
        assert len(article["source"]) > 1000
        assert article["outlet"] == "X" * 200


def test_unchanged_files_are_skipped_changed_ones_read_again(
    db_target: str, tmp_path: Path
) -> None:
    write_articles(tmp_path / "in", 3)
    with analyze(tmp_path / "in", db=db_target, workers=1) as first:
        assert first.summary.new_articles == 3
    changed = tmp_path / "in" / "story-0001.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nA correction was added on Tuesday.\n",
        encoding="utf-8",
    )
    with analyze(tmp_path / "in", db=db_target, workers=1) as second:
        assert second.summary.unchanged_files == 2
        assert second.summary.new_articles == 1  # the corrected version is a new article
        assert second.store.count("article") == 4
        assert second.store.count("source_file") == 3


def test_a_store_from_before_an_index_was_added_gets_it(tmp_path: Path) -> None:
    from newsprism.store import open_store

    db = tmp_path / "old.db"
    open_store(db).close()
    with sqlite3.connect(db) as conn:  # as a store made before the index was in the schema,
        conn.execute("DROP INDEX ix_span_record_entity")  # with the one it replaced
        conn.execute("CREATE INDEX ix_span_record_entity_article ON span_record "
                     "(entity_id, article_seq)")  # fmt: skip
        conn.execute("CREATE INDEX ix_span_record_type ON span_record (type)")  # retired too
    open_store(db, existing=True).close()
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT article_seq FROM span_record WHERE entity_id = 'actor:1'"))
    assert "ix_span_record_entity" in names and "ix_span_record_entity_article" not in names
    assert "ix_span_record_type" not in names
    assert "COVERING INDEX ix_span_record_entity" in plan  # no row read


def test_the_text_as_read_is_kept_compressed_and_read_back(db_target: str, tmp_path: Path) -> None:
    # the text before cleaning (page furniture included) is kept for provenance, compressed
    text = (
        "Dam wall gives way\n\nThe dam wall gave way on Friday night, officials said, and water "
        "reached the lower town by dawn. Rescuers worked through the night.\n\n"
        + "Share this story on Facebook\n\nRead more: flood coverage\n\n" * 30
    )
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "harbor.example_dam.txt").write_text(text, encoding="utf-8")
    with analyze(tmp_path / "in", db=db_target, workers=1) as corpus:
        [stored] = corpus.store.articles(with_raw=True)
        assert "raw" not in corpus.articles()[0] and "raw_zlib" not in stored
        with corpus.store.engine.connect() as conn:
            raw, packed = conn.execute(select(article.c.raw, article.c.raw_zlib)).one()
    assert "The dam wall gave way" in stored["raw"] and "Share this story" in stored["raw"]
    assert "Share this story" not in stored["text"]
    assert raw == "" and len(packed) < len(stored["raw"]) / 4


def test_a_store_from_before_raw_was_compressed_reads_its_raw(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    text = "Dam wall gives way\n\nThe dam wall gave way on Friday night, officials said.\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "first.example_a.txt").write_text(text, encoding="utf-8")
    analyze(tmp_path / "in", db=db, workers=1).close()
    with sqlite3.connect(db) as conn:  # as the store kept it before raw_zlib
        conn.execute("UPDATE article SET raw = ?, raw_zlib = NULL", (text,))
        conn.execute("ALTER TABLE article DROP COLUMN raw_zlib")
    store = open_store(db, existing=True)  # the column comes back, empty
    try:
        [stored] = store.articles(with_raw=True)
    finally:
        store.close()
    assert stored["raw"] == text


def _flood_reports(path: Path, n: int, speaker: str = "the mayor") -> Path:
    """`n` one-line reports of a flood in Riverton, a day apart, as JSONL."""
    path.write_text("".join(json.dumps({
        "id": f"flood-{i}", "title": f"Flood in Riverton {i}", "outlet": "Valley Post",
        "published": f"2024-05-0{1 + i % 9}",
        "text": f"Floods in Riverton killed {i + 3} people on Monday, {speaker} said. "
                "Rescue teams from Hillford arrived on Tuesday.",
    }) + "\n" for i in range(n)), encoding="utf-8")
    return path


def test_planner_statistics_follow_the_store_as_it_grows(tmp_path: Path) -> None:
    """The web benchmark's store, analyzed at 60 articles and grown to 100k by copying rows,
    kept the statistics of 60 (PRAGMA optimize on SQLite 3.40 re-analyzes only what its own
    connection queried): the planner, told span_record held 6,704 rows, scanned all 13
    million for an outlet's page (4.4 s, not 0.1). A refresh now reads every index again."""
    source = _flood_reports(tmp_path / "floods.jsonl", 2)
    db = tmp_path / "grown.db"
    analyze(source, db=db, workers=1).close()
    with sqlite3.connect(db) as conn:  # another writer grows the store tenfold
        conn.execute("ANALYZE")
        for copy in range(1, 11):
            conn.execute("INSERT INTO span_record SELECT article_seq + ?, ordinal, type, start, "
                         "\"end\", text, entity_id, value, lat, lon, data FROM span_record "
                         "WHERE article_seq < 1000", (1000 * copy,))
    store = open_store(db, existing=True)
    try:
        store.refresh_statistics()
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        stat = conn.execute("SELECT stat FROM sqlite_stat1 WHERE idx = "
                            "'ix_span_record_entity'").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM span_record WHERE entity_id IS NOT NULL"
                            ).fetchone()[0]  # fmt: skip
    assert int(stat.split()[0]) == rows


def test_a_store_whose_records_name_articles_by_id_is_rekeyed_when_opened(
    db_target: str, tmp_path: Path
) -> None:
    """Span rows and claims keyed by the article's 32-character id (as stores were written
    until span_table and claim_table) are rewritten once, in one transaction, the same records
    in the same order; claims written after draw seqs past the copied ones."""
    source = _flood_reports(tmp_path / "floods.jsonl", 4, speaker="Mayor Ann Lee")
    first = tmp_path / "first.jsonl"
    first.write_text("".join(source.read_text(encoding="utf-8").splitlines(True)[:3]))
    kinds = ("mention", "place", "timeref", "claim")
    with analyze(first, db=db_target, workers=1) as corpus:
        before = {kind: corpus.records(kind) for kind in kinds}
        with corpus.store.engine.begin() as conn:  # back to the layout of a store written before
            for statement in (
                "CREATE TABLE span_old AS SELECT s.type, a.id AS article_id, s.start, s.\"end\", "
                "s.text, s.entity_id, s.value, s.lat, s.lon, s.data FROM span_record s "
                "JOIN article a ON a.seq = s.article_seq ORDER BY s.article_seq, s.ordinal",
                "DROP TABLE span_record",
                "ALTER TABLE span_old RENAME TO span_record",
                "CREATE INDEX ix_span_record_article ON span_record (article_id)",
                "CREATE TABLE claim_old AS SELECT c.seq, c.id, a.id AS article_id, c.start, "
                "c.\"end\", substr(a.text, c.start + 1, c.\"end\" - c.start) AS text, c.kind, "
                "c.group_id, c.vector, c.data FROM claim c JOIN article a ON a.seq = c.article_seq",
                "DROP TABLE claim",
                "ALTER TABLE claim_old RENAME TO claim",
                "CREATE INDEX ix_claim_article ON claim (article_id)",
            ):
                conn.exec_driver_sql(statement)
    assert all(before.values())
    with open_corpus(db_target) as reopened:
        assert {kind: reopened.records(kind) for kind in before} == before
        with reopened.store.engine.connect() as conn:
            keys = conn.exec_driver_sql("SELECT count(DISTINCT article_seq) FROM span_record")
            assert keys.scalar() == 3
            texts = conn.exec_driver_sql("SELECT DISTINCT text, article_seq FROM claim").all()
            assert {t for t, _ in texts} == {""} and len({a for _, a in texts}) == 3
    with analyze(source, db=db_target, workers=1) as grown:  # the fourth report's claims
        claims = grown.records("claim")
        with grown.store.engine.connect() as conn:
            seqs = conn.exec_driver_sql("SELECT count(*), count(DISTINCT seq) FROM claim").one()
    assert seqs[0] == seqs[1] > len(before["claim"])
    assert len({a for c in claims for a in c["articles"]}) == 4


def test_text_left_to_the_article_is_cut_at_the_same_characters_in_both_databases(
    db_target: str, tmp_path: Path
) -> None:
    """A quote's words and a claim's sentence are cut from the article text by the database
    (substr): past emoji, accents and other scripts its positions must be Python's."""
    lead = "🌊🌊 Ωμέγα — Zoë's town, 東京から. "
    text = (f"{lead}Floods in Riverton killed 7 people on Monday, Mayor Zoë Lee said. "
            "“We lost the bridge 🌉 and the school,” she told reporters. "
            "Rescue teams from Hillford arrived on Tuesday.")  # fmt: skip
    source = tmp_path / "floods.jsonl"
    source.write_text(json.dumps({"id": "f1", "title": "Flood", "outlet": "Valley Post",
                                  "published": "2024-05-02", "text": text}) + "\n",
                      encoding="utf-8")  # fmt: skip
    with analyze(source, db=db_target, workers=1) as corpus:
        (article,) = corpus.articles()
        quotes = corpus.records("attribution")
        groups = corpus.records("claim")
        with corpus.store.engine.connect() as conn:
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM span_record WHERE type = 'attribution' AND text = ''"
            ).scalar()
    body = article["text"]
    assert quotes and left == len([q for q in quotes if q.get("field") != "title"])
    assert {q["text"] for q in quotes} >= {"We lost the bridge 🌉 and the school"}
    for q in quotes:
        assert q["text"] == body[q["start"] : q["end"]]
    evidence = [e for g in groups for e in g["evidence"]]
    assert evidence and all(e["text"] == body[e["start"] : e["end"]] for e in evidence)
    assert any("Zoë" in e["text"] for e in evidence)


def _reworded(words: list[str], every: int, start: int = 0) -> str:
    """The words with one in `every` (from `start`) replaced: a copy edited here and there."""
    return " ".join(f"{w}x" if i >= start and (i - start) % every == 0 else w
                    for i, w in enumerate(words))  # fmt: skip


def test_near_duplicates_are_found_through_the_stores_band_keys(
    db_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs look a new article's near-duplicate candidates up in the store by the band keys of
    its MinHash signature, stored with each article, instead of holding every stored
    article's signature in memory: a copy is found in another batch, in a later run, in a store
    written before the keys were stored (they are made once), and with another threshold
    (its keys are made again)."""
    monkeypatch.setattr("newsprism.ingest.process.BATCH_DOCUMENTS", 1)
    words = [f"{WORDS[i % len(WORDS)]}{i * 7 % 101}" for i in range(160)]
    folder = tmp_path / "in"
    folder.mkdir()

    def put(name: str, body: str) -> None:
        (folder / f"{name}.txt").write_text(f"{name} report\n\n{body}.\n", encoding="utf-8")

    def duplicate_of(corpus: Any) -> dict[str, str | None]:
        return {Path(a["source"]).stem: a["duplicate_of"] for a in corpus.articles()}

    put("1 original", " ".join(words))
    put("2 unrelated", " ".join(reversed(words)))
    put("3 copy", _reworded(words, 40))
    with analyze(folder, db=db_target, workers=1, understand=False) as first:
        ids = {Path(a["source"]).stem: a["id"] for a in first.articles()}
        assert duplicate_of(first) == {"1 original": None, "2 unrelated": None,
                                       "3 copy": ids["1 original"]}  # files in name order
        with first.store.engine.begin() as conn:  # as a store written before the keys were
            conn.execute(schema.minhash_band.delete())
            conn.execute(schema.meta.delete().where(schema.meta.c.key == "minhash_bands"))
    put("4 later copy", _reworded(words, 30, start=5))
    with analyze(folder, db=db_target, workers=1, understand=False) as second:
        found = duplicate_of(second)
        assert found["4 later copy"] == ids["1 original"]
        assert second.store.count("minhash_band") == 4 * 25  # every article's keys, made once
    put("5 loose copy", _reworded(words, 12, start=3))  # near at 0.5, not at 0.9
    put("6 close copy", _reworded(words, 80, start=7))
    with analyze(folder, db=db_target, workers=1, understand=False,
                 near_duplicate_threshold=0.9) as third:  # fmt: skip
        found = duplicate_of(third)
        assert found["6 close copy"] == ids["1 original"] and found["5 loose copy"] is None
