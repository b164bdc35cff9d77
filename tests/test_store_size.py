"""What the store keeps of each claim and story member: vectors at one byte a dimension and JSON
without what the columns hold, read back to the same groups (issue 21, store size)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from newsprism import analyze
from newsprism.api import open_corpus
from newsprism.encoders.packed import pack, unpack
from newsprism.store import layouts

DIM = 384


def _unit_rows(n: int, seed: int = 7) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_packed_vector_is_a_quarter_of_float32_and_keeps_its_cosines() -> None:
    rows = _unit_rows(50)
    blobs = [pack(r) for r in rows]
    assert {len(b) for b in blobs} == {DIM + 4}
    back = np.vstack([unpack(b, DIM) for b in blobs])
    exact, packed = rows @ rows.T, back @ back.T
    assert float(np.max(np.abs(exact - packed))) < 0.005
    assert np.allclose(np.linalg.norm(back, axis=1), 1.0, atol=1e-5)


def test_older_float32_vectors_still_read_and_other_sizes_are_refused() -> None:
    (row,) = _unit_rows(1)
    assert np.array_equal(unpack(row.tobytes(), DIM), row)
    assert unpack(row.tobytes(), 512) is None  # another model's: embed again
    assert unpack(None, DIM) is None
    assert np.array_equal(unpack(pack(np.zeros(DIM)), DIM), np.zeros(DIM))


def test_a_run_holds_its_vectors_packed_and_reads_each_back_as_the_store_would() -> None:
    """A quarter of float32 in memory, and nothing moves: every row reads back bit for bit as
    `unpack` reads its bytes (a zero vector too), and hands back the very bytes it was given."""
    from newsprism.encoders.packed import PackedRows

    rows = _unit_rows(300)
    rows[5] = 0.0
    blobs = [pack(r) for r in rows]
    held = PackedRows(DIM, capacity=16)  # grown as rows come, a few and many at a time
    for part in (blobs[:3], blobs[3:4], blobs[4:]):
        held.append(part)
    returned = held.rows(range(len(blobs)))
    expected = np.vstack([unpack(b, DIM) for b in blobs])
    assert np.array_equal(returned.view(np.uint32), expected.view(np.uint32))
    some = [7, 5, 299]
    assert np.array_equal(held.rows(some).view(np.uint32), expected[some].view(np.uint32))
    assert all(held.blob(i) == b for i, b in enumerate(blobs))
    assert held.blobs(range(300)) == blobs
    with pytest.raises(ValueError, match="388 bytes"):
        held.append([rows[0].tobytes()])  # float32: not packed
    with pytest.raises(IndexError):
        held.row(300)


def test_a_reloaded_claim_index_compares_exactly_what_the_run_compared() -> None:
    """The store gets the bytes the run's vectors came from, not the run's floats packed again
    (packing is not idempotent: most vectors would move in their last bits), so a second run
    over the store's claims compares the same vectors, bit for bit."""
    from newsprism.crosscheck import ClaimIndex, claim_vectors, extract_claims
    from newsprism.crosscheck.embed import HashEmbedder

    embedder = HashEmbedder(dim=DIM)
    text = ("At least 82 people were killed and 1,700 injured in Nairobi on Friday, police said. "
            "The army said 40 soldiers were wounded near Velmora on Monday.")  # fmt: skip
    article = {"id": "a1", "text": text, "title": "", "published": "2026-11-30"}
    records = [{"type": "quantity", "start": text.index("82"), "end": text.index("82") + 2,
                "value": 82, "unit": "people", "text": "82"}]  # fmt: skip
    claims = extract_claims(article, records)
    assert claims
    vectors = claim_vectors(claims, embedder)
    run = ClaimIndex(embedder=embedder)
    run.add(claims, {"a1": article}, vectors)
    stored = [run.stored_vector(c.id) for c in claims]
    assert stored == [vectors[c.meaning_text] for c in claims]
    # what storing the run's floats would have written instead
    assert any(pack(run.vector_of(c.id)) != b for c, b in zip(claims, stored, strict=True))
    reloaded = ClaimIndex(embedder=embedder)
    reloaded.restore(claims, [run.group_of_claim(c.id) for c in claims], stored)
    for c in claims:
        assert run.vector_of(c.id).tobytes() == reloaded.vector_of(c.id).tobytes()
    state = ClaimIndex.from_state(run.to_state(), embedder=embedder)
    assert [state.stored_vector(c.id) for c in claims] == stored


def test_a_story_member_stores_the_bytes_its_story_was_chosen_by(
    examples_db: Path, tmp_path: Path
) -> None:
    """Each lead vector goes to the store as the worker packed it (not the unpacked floats
    packed again), so a later run places new articles against exactly what this run compared."""
    from newsprism.crosscheck.embed import HashEmbedder
    from newsprism.stages.stories import article_features, run_stories
    from newsprism.store import open_store

    db = tmp_path / "stories.db"
    shutil.copy(examples_db, db)
    embedder = HashEmbedder(dim=DIM)  # another model: every story is built again with it
    store = open_store(db)
    try:
        summary = run_stories(store, progress=False, embedder=embedder)
        members = list(store.stored_story_members())
        ids = [data["id"] for data, _, _ in members]
        names = {e["id"]: e["name"] for e in store.entities()}
        _, leads = article_features(store, ids, store.article_meta(), names)
    finally:
        store.close()
    assert summary.articles == len(members) > 5
    expected = [pack(v) for v in embedder.encode(leads)]
    assert [vector for _, _, vector in members] == expected


def test_claim_rows_repeat_neither_columns_nor_defaults(examples_db: Path) -> None:
    """Nor a sentence's vector: the second figure of a sentence reads its vector from the
    first."""
    with sqlite3.connect(examples_db) as db:
        rows = db.execute(
            "SELECT a.id, c.text, substr(a.text, c.start + 1, c.\"end\" - c.start), "
            "c.data, length(c.vector) FROM claim c JOIN article a ON a.seq = c.article_seq "
            "ORDER BY c.seq"
        ).fetchall()
    assert rows
    stored: set[tuple[str, str]] = set()
    for article_id, own, at_offsets, data, size in rows:
        assert own == ""  # the sentence is the article's: cut from it on reading
        text = at_offsets
        assert data.startswith("[")  # by position: the field names are not spelled again
        fields = layouts.unpack("claim", data)
        sentence = (article_id, fields.get("context") or text)
        assert size == (0 if sentence in stored else DIM + 4)
        stored.add(sentence)
        assert not {"id", "article_id", "start", "end", "text", "kind"} & set(fields)
        assert None not in fields.values() and False not in fields.values()
        assert fields.get("mood") != "fact"


def test_a_run_in_two_batches_groups_and_places_as_one_run(
    examples_dir: Path, examples_db: Path, tmp_path: Path
) -> None:
    """The second run reads the first run's packed vectors back; the stages compared the
    packed ones all along, so nothing moves."""
    files = sorted(p for p in examples_dir.rglob("*") if p.is_file())
    db = tmp_path / "two-runs.db"
    with analyze(files[: len(files) // 2], db=db, workers=1):
        pass
    with analyze(examples_dir, db=db, workers=1) as twice, open_corpus(examples_db) as once:
        assert _claim_groups(twice) == _claim_groups(once)
        assert _stories(twice) == _stories(once)


def _claim_groups(corpus) -> list[tuple[str, ...]]:
    """Each group as the sorted evidence spans it holds (group ids depend on arrival order)."""
    return sorted(
        tuple(sorted(f"{e['article_id']}:{e['start']}" for e in g["evidence"]))
        for g in corpus.claims()
    )


def _stories(corpus) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(s["article_ids"])) for s in corpus.stories())


def test_span_rows_keep_neither_ids_nor_defaults_and_read_back_whole(examples_db: Path) -> None:
    """A span record's id is computed from its row, and its JSON leaves out what a column
    holds and every field at its default; reading gives every field of the record back."""
    from newsprism.store.span_codec import defaults

    with sqlite3.connect(examples_db) as db:
        columns = {r[1] for r in db.execute("PRAGMA table_info(span_record)")}
        rows = db.execute("SELECT type, value, data FROM span_record").fetchall()
    assert "id" not in columns
    for kind, value, data in rows:
        assert data.startswith("[")  # by position: the field names are not spelled again
        fields = layouts.unpack(kind, data)
        default = defaults(kind)
        assert not [k for k, v in fields.items()
                    if type(v) is type(default.get(k)) and v == default[k]]  # fmt: skip
        assert "lat" not in fields and "lon" not in fields  # the columns hold them
        if kind == "timeref":
            assert "value" not in fields and value
    with open_corpus(examples_db) as corpus:
        places = corpus.records("place")
        times = corpus.records("timeref")
    assert places and times
    for place in places:
        assert {"geonameid", "lat", "lon", "admin1", "feature_code", "confidence"} <= set(place)
        assert len(place["id"]) == 40
    assert all(t["value"] and "anchor" in t and "mod" in t for t in times)


def test_closed_words_are_kept_by_position_and_other_words_as_written() -> None:
    """A technique's name and its runners-up, a mention's type, a claim's actions: words of a
    closed set are their position in it (layouts.WORDS); a word the set lacks stays as
    written, and both read back as they were. A row of the layout before reads as it did."""
    technique = {"technique": "Slogans", "score": 0.88, "field": "title",
                 "alternatives": [["Flag-Waving", 0.05], ["A_New_Technique", 0.01]]}  # fmt: skip
    current = span_codec_layout("technique")
    stored = layouts.pack("technique", current, technique)
    assert "Slogans" not in stored and "Flag-Waving" not in stored and "title" not in stored
    assert "A_New_Technique" in stored
    assert layouts.unpack("technique", stored) == technique
    claim = {"actions": ["kill", "stab"], "qualifier": "at least", "mood": "possible"}
    from newsprism.stages.crosscheck import CLAIM_LAYOUT

    packed = layouts.pack("claim", CLAIM_LAYOUT, claim)
    assert '"kill"' not in packed and '"stab"' in packed
    assert layouts.unpack("claim", packed) == claim
    # the layout before it, with the same fields, holds the words themselves
    index, mask, *values = json.loads(stored)
    words = {"technique": "Slogans", "field": "title",
             "alternatives": technique["alternatives"]}  # fmt: skip
    names = [n for bit, n in enumerate(current.split()) if mask >> bit & 1]
    before = json.dumps([index - 1, mask, *(words.get(n, v) for n, v in zip(names, values,
                                                                            strict=True))])
    assert layouts.unpack("technique", before) == technique


def span_codec_layout(kind: str) -> str:
    from newsprism.store.span_codec import layout_of

    return layout_of(kind)


def test_a_mention_keeps_its_name_only_where_a_role_is_split_off() -> None:
    """"Pamela Geller" is its own name: the row's text and offsets hold it. "Turkish President
    Erdogan" keeps "Erdogan" and where it stands. Both read back whole."""
    from newsprism.store.span_codec import read_record, record_row

    def mention(text: str, start: int, name: str, name_start: int, role: str | None) -> dict:
        return {"type": "mention", "id": None, "article_id": "a1", "start": start,
                "end": start + len(text), "text": text, "entity_id": "actor:000001",
                "name": name, "name_start": name_start, "name_end": name_start + len(name),
                "role": role, "metonymy_of": None, "entity_type": "person"}  # fmt: skip

    whole = mention("Pamela Geller", 92, "Pamela Geller", 92, None)
    titled = mention("Turkish President Erdogan", 10, "Erdogan", 28, "Turkish President")
    rows = [record_row(whole), record_row(titled)]
    assert layouts.unpack("mention", rows[0]["data"]) == {"entity_type": "person"}
    assert layouts.unpack("mention", rows[1]["data"]) == {  # the name ends where the span does
        "name": "Erdogan", "name_start": 28, "role": "Turkish President", "entity_type": "person",
    }  # fmt: skip
    for row, record in zip(rows, (whole, titled), strict=True):
        back = read_record(row)
        assert {k: v for k, v in back.items() if k != "id"} == {
            k: v for k, v in record.items() if k != "id"
        }
    # a row written before keeps the name in its JSON, and reads the same
    older = {**rows[0], "data": json.dumps({"name": "Pamela Geller", "name_start": 92,
                                            "name_end": 105, "entity_type": "person"})}  # fmt: skip
    assert read_record(older) == read_record(rows[0])


def test_every_record_type_is_written_by_position_in_a_registered_layout() -> None:
    """A record type whose fields changed must have its new layout appended to
    store/layouts.py (span_codec.layout_of gives it; a claim's, CLAIM_LAYOUT); until then its
    rows are JSON objects, which read the same but take twice the room."""
    from newsprism.stages.crosscheck import CLAIM_LAYOUT
    from newsprism.store.layouts import LAYOUTS
    from newsprism.store.span_codec import layout_of
    from newsprism.understand.components import COMPONENTS

    assert CLAIM_LAYOUT in [" ".join(layout.split()) for layout in LAYOUTS["claim"]], (
        f"append {CLAIM_LAYOUT!r} to LAYOUTS['claim'] in store/layouts.py"
    )
    for component in COMPONENTS:
        kind = component.record_type
        registered = [" ".join(layout.split()) for layout in LAYOUTS.get(kind, ())]
        assert layout_of(kind) in registered, (
            f"append {layout_of(kind)!r} to LAYOUTS[{kind!r}] in store/layouts.py"
        )


def test_rows_of_every_layout_read_back_and_an_unknown_layout_says_what_to_do() -> None:
    """A place written by position, as a JSON object (a store written before, or a layout not
    registered yet) and in an older layout of its type all read as the same record."""
    from newsprism.store import span_codec
    from newsprism.store.span_codec import read_record, record_row

    place = {"type": "place", "id": None, "article_id": "a1", "start": 40, "end": 47,
             "text": "Kobani", "entity_id": "geonames:174448", "geonameid": 174448,
             "name": "Kobani", "lat": 36.89, "lon": 38.35, "country": "SY", "admin1": "09",
             "feature_class": "P", "feature_code": "PPLA2", "confidence": 0.93,
             "label": "GPE", "resolution": None}  # fmt: skip
    row = record_row(place)
    fields = layouts.unpack("place", row["data"])
    assert "lat" not in fields and fields["name"] == "Kobani"  # the lat column holds it
    as_object = {**row, "data": json.dumps(fields)}
    assert read_record(as_object) == read_record(row)

    # another layout of the type, without `admin1`: its rows still read, by their own layout
    current = span_codec.layout_of("place").split()
    older = [n for n in current if n != "admin1"]
    kept = [n for n in older if n in fields]
    mask = sum(1 << older.index(n) for n in kept)
    other = len(layouts.LAYOUTS["place"])
    with_older = {**row, "data": json.dumps([other, mask, *(fields[n] for n in kept)])}
    registry = {"place": (*layouts.LAYOUTS["place"], " ".join(older))}
    expected = read_record(row)
    layouts.layout_names.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(layouts, "LAYOUTS", registry)
            back = read_record(with_older)
        assert back["admin1"] is None and back["name"] == "Kobani"
        assert {k: v for k, v in back.items() if k != "admin1"} == {
            k: v for k, v in expected.items() if k != "admin1"
        }
    finally:
        layouts.layout_names.cache_clear()
    unknown = {**row, "data": json.dumps([7, 1, 174448])}
    with pytest.raises(ValueError, match="layout 7.*run analyze again"):
        read_record(unknown)


def _legacy_copy(db: Path, to: Path, with_ids: bool) -> None:
    """`db` as a store written before span rows and claims named their article by seq:
    span_record keyed by article id, its own index on it, each row's fields as a JSON object,
    and (`with_ids`, older still) each record's id in a column, the primary key; claims keyed
    by article id, each with its sentence."""
    from newsprism.store.span_codec import read_record

    shutil.copy(db, to)
    with sqlite3.connect(to) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute(
            "SELECT s.*, a.id AS article_id FROM span_record s JOIN article a "
            "ON a.seq = s.article_seq ORDER BY s.article_seq, s.ordinal")]  # fmt: skip
        conn.execute("DROP TABLE span_record")
        conn.execute(
            f"CREATE TABLE span_record ({'id VARCHAR(40) PRIMARY KEY, ' if with_ids else ''}"
            "type VARCHAR(16) NOT NULL, article_id VARCHAR(64) NOT NULL, start INTEGER NOT NULL, "
            '"end" INTEGER NOT NULL, text TEXT NOT NULL, entity_id VARCHAR(64), value TEXT, '
            "lat FLOAT, lon FLOAT, data TEXT NOT NULL)"
        )
        conn.execute("CREATE INDEX ix_span_record_article ON span_record (article_id)")
        conn.execute("CREATE INDEX ix_span_record_entity ON span_record (entity_id, article_id) "
                     "WHERE entity_id IS NOT NULL")  # fmt: skip
        conn.executemany(
            f"INSERT INTO span_record VALUES ({':id, ' if with_ids else ''}:type, :article_id, "
            ":start, :end, :text, :entity_id, :value, :lat, :lon, :data)",
            [{**r, "id": read_record(r)["id"],
              "data": json.dumps(layouts.unpack(r["type"], r["data"]))} for r in rows],
        )  # fmt: skip
        # claims named their article by id too, and kept their sentence
        conn.executescript(
            "CREATE TABLE claim_old AS SELECT c.seq, c.id, a.id AS article_id, c.start, "
            "c.\"end\", substr(a.text, c.start + 1, c.\"end\" - c.start) AS text, c.kind, "
            "c.group_id, c.vector, c.data FROM claim c JOIN article a ON a.seq = c.article_seq;"
            "DROP TABLE claim; ALTER TABLE claim_old RENAME TO claim;"
            "CREATE INDEX ix_claim_article ON claim (article_id);"
        )


@pytest.mark.parametrize("with_ids", [False, True], ids=["keyed-by-article-id", "with-span-ids"])
def test_a_store_written_before_is_rekeyed_on_opening_reads_the_same_and_grows_the_same(
    examples_dir: Path, tmp_path: Path, with_ids: bool
) -> None:
    files = sorted(p for p in examples_dir.rglob("*") if p.is_file())
    first = tmp_path / "first.db"
    with analyze(files[: len(files) // 2], db=first, workers=1):
        pass
    old = tmp_path / "old.db"
    _legacy_copy(first, old, with_ids)
    with open_corpus(first) as new_format, open_corpus(old) as old_format:
        for kind in ("mention", "place", "timeref", "label", "claim"):
            assert old_format.records(kind) == new_format.records(kind)
    with sqlite3.connect(old) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(span_record)")}
        claim_columns = {r[1] for r in conn.execute("PRAGMA table_info(claim)")}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        leftover = conn.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE "
                                "'%_rekeyed'").fetchone()[0]  # fmt: skip
        sentences = {r[0] for r in conn.execute("SELECT text FROM claim")}
    assert {"article_seq", "ordinal"} <= columns and not {"id", "article_id"} & columns
    assert "article_seq" in claim_columns and "article_id" not in claim_columns
    assert sentences == {""}  # left to the article as the claims were rewritten
    assert not {"ix_span_record_article", "ix_claim_article"} & indexes and not leftover
    assert {"ix_claim_article_seq", "ix_claim_group"} <= indexes
    # both grow by the other half: the same records
    with analyze(examples_dir, db=first, workers=1) as grown:
        expected = {kind: grown.records(kind)
                    for kind in ("mention", "timeref", "attribution", "claim")}  # fmt: skip
    with analyze(examples_dir, db=old, workers=1) as grown_old:
        for kind, records in expected.items():
            assert grown_old.records(kind) == records


def test_span_rows_name_their_article_by_seq_and_lie_together(examples_db: Path) -> None:
    """No index of their own for reading an article's records: the table is keyed by
    (article_seq, ordinal), and reading one article's records walks that key alone."""
    with sqlite3.connect(examples_db) as conn:
        indexes = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='span_record'")}
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT s.* FROM span_record s JOIN article a "
            "ON a.seq = s.article_seq WHERE a.id = 'x'"))  # fmt: skip
        widths = conn.execute("SELECT DISTINCT typeof(article_seq) FROM span_record").fetchall()
    assert "ix_span_record_article" not in indexes
    assert "PRIMARY KEY (article_seq=?)" in plan, plan
    assert widths == [("integer",)]


def test_claim_groups_keep_claim_ids_and_stances_and_export_whole_evidence(
    examples_db: Path, tmp_path: Path
) -> None:
    """A group's evidence entry is read back from its claim and article: the span, its text,
    the value as written, the speaker, the outlet and day, and its stance where the claim's
    source gives it. A store written before, whose entries held all of it, reads the same."""
    from newsprism.store.claims import FOUNDER, group_fields

    with sqlite3.connect(examples_db) as db:
        rows = dict(db.execute("SELECT id, data FROM claim_group").fetchall())
    assert rows
    # a group of the one claim that founded it keeps no entry; others keep each entry's claim
    # id, and its stance as a pair where the claim's source does not give it (a denial)
    kept = [json.loads(d)["evidence"] for d in rows.values()]
    assert FOUNDER in kept and any(isinstance(ev, list) for ev in kept)
    assert all(ev == FOUNDER or all(isinstance(e, str) or (isinstance(e, list) and len(e) == 2)
                                    for e in ev) for ev in kept)  # fmt: skip
    stored = {i: group_fields(d, i) for i, d in rows.items()}
    entries = [e for g in stored.values() for e in g["evidence"]]
    assert entries and all("claim_id" in e and set(e) <= {"claim_id", "stance"} for e in entries)
    with open_corpus(examples_db) as corpus:
        groups = corpus.claims()
        texts = {a["id"]: a["text"] for a in corpus.articles()}
    stances = {e["stance"] for g in groups for e in g["evidence"]}
    assert stances <= {"asserts", "reports-as-said-by", "disputes"}, stances
    assert {"asserts", "reports-as-said-by"} <= stances
    assert any(g["statement"]["text"] for g in groups)
    told_by_outlet = 0
    # a group's articles are those of its evidence, kept only where some claim is not evidence
    # (a report that contests what it tells) or the order differs
    assert any("articles" not in data for data in stored.values())
    for g in groups:
        assert set(g["statement"]) >= {"subject", "predicate", "value", "text"}
        assert set(g["articles"]) >= {e["article_id"] for e in g["evidence"]} and g["articles"]
        for e in g["evidence"]:
            assert e["text"] == texts[e["article_id"]][e["start"]:e["end"]]
            told_by_outlet += e["outlet"] is not None
    assert told_by_outlet
    # the same store as written before: every entry whole but its text, every statement kept
    old = tmp_path / "old-groups.db"
    shutil.copy(examples_db, old)
    by_id = {g["id"]: g for g in groups}
    with sqlite3.connect(old) as db:
        for group_id, data in stored.items():
            whole = by_id[group_id]
            data["statement"] = {k: v for k, v in whole["statement"].items() if v is not None}
            data["evidence"] = [{k: v for k, v in e.items() if k != "text"}
                                for e in whole["evidence"]]  # fmt: skip
            data["articles"] = whole["articles"]
            db.execute("UPDATE claim_group SET data = ? WHERE id = ?",
                       (json.dumps(data, ensure_ascii=False), group_id))  # fmt: skip
    with open_corpus(old) as corpus:
        assert corpus.claims() == groups


def test_a_group_whose_claim_is_gone_reads_every_evidence_field_and_its_page_shows(
    examples_db: Path, tmp_path: Path
) -> None:
    """A group's evidence is read from its claims: where a claim row is missing (a store cut
    by hand, a copy of part of one), the entry keeps the export's fields, empty, and the web
    page says so instead of failing."""
    from starlette.testclient import TestClient

    from newsprism.store.claims import EVIDENCE_FIELDS, group_fields
    from newsprism.web import create_app

    db = tmp_path / "cut.db"
    shutil.copy(examples_db, db)
    with sqlite3.connect(db) as conn:
        group_id, data = conn.execute("SELECT id, data FROM claim_group LIMIT 1").fetchone()
        gone = group_fields(data, group_id)["evidence"][0]["claim_id"]
        conn.execute("DELETE FROM claim WHERE id = ?", (gone,))
    with open_corpus(db) as corpus:
        (group,) = [g for g in corpus.claims() if g["id"] == group_id]
    (entry,) = [e for e in group["evidence"] if e["claim_id"] == gone]
    assert list(entry) == list(EVIDENCE_FIELDS)
    assert entry["article_id"] is None and entry["text"] is None
    with TestClient(create_app(db)) as client:
        page = client.get(f"/claim/{group_id}")
    assert page.status_code == 200 and "no longer in the store" in page.text


def test_a_signature_takes_four_bytes_a_value_and_one_stored_at_eight_still_matches() -> None:
    from newsprism.ingest.dedupe import NUM_PERM, NearDuplicateIndex, signature

    text = ("Floods in Riverton killed twelve people on Monday, the mayor said, and rescue "
            "teams from Hillford arrived on Tuesday to search the flooded valley.")  # fmt: skip
    sig = signature(text)
    assert len(sig) == NUM_PERM * 4
    index = NearDuplicateIndex()
    wide = np.frombuffer(sig, dtype="<u4").astype("<u8").tobytes()  # as stores before kept it
    index.add("older", wide, None)
    assert index.match(signature(text + " More soon.")) == ("older", pytest.approx(0.9, abs=0.1))
    assert index.match(signature("An unrelated report on wheat prices in the north.")) is None


def test_the_text_as_read_is_packed_against_the_clean_text_and_older_packs_still_read() -> None:
    import zlib

    from newsprism.store.articles import pack_raw, raw_text

    text = "The dam wall gave way on Friday night, officials said. " * 40
    raw = "Dam wall gives way\n\n" + text + "\n\nShare this story\n"
    packed = pack_raw(raw, text)
    assert len(packed) < 80 < len(zlib.compress(raw.encode()))  # the copy points back to `text`
    assert raw_text(packed, "", text) == raw
    assert raw_text(zlib.compress(raw.encode()), "", text) == raw  # packed before, no dictionary
    assert raw_text(None, raw, text) == raw  # kept in `raw` before raw_zlib
    long_text = " ".join(f"word{i}" for i in range(20_000))  # past zlib's 32 KB window
    assert raw_text(pack_raw("Title\n\n" + long_text, long_text), "", long_text).endswith("19999")


def test_a_claim_sharing_its_sentences_vector_reads_it_and_one_left_alone_is_embedded() -> None:
    """A claim row with an empty vector takes the vector its sentence was stored with earlier
    in its article; where no earlier row of that article holds it (a row moved by hand), the
    sentence is embedded again rather than the claim dropped."""
    from newsprism.crosscheck.embed import HashEmbedder
    from newsprism.stages.crosscheck import SAME_SENTENCE, load_index

    embedder = HashEmbedder(dim=DIM)
    sentence = "At least 82 were killed and more than 1,700 injured in Nairobi on Friday."
    alone = "Officials said 40 people were hurt in Velmora on Monday."

    def row(cid: str, article: str, text: str, vector: bytes) -> tuple[dict, str, bytes]:
        data = {"id": cid, "article_id": article, "start": 0, "end": len(text), "text": text,
                "kind": "numeric"}  # fmt: skip
        return data, "g" + cid, vector

    first = pack(embedder.encode([sentence])[0])
    stored = [
        row("c1", "a1", sentence, first),
        row("c2", "a1", sentence, SAME_SENTENCE),
        row("c3", "a2", alone, SAME_SENTENCE),  # its sentence stored nowhere before it
    ]

    class Rows:
        def stored_claims(self):
            return iter(stored)

    index = load_index(Rows(), embedder)  # type: ignore[arg-type]
    assert len(index) == 3
    assert np.array_equal(index.vector_of("c2"), index.vector_of("c1"))
    assert np.allclose(index.vector_of("c3"), unpack(pack(embedder.encode([alone])[0]), DIM))


def test_a_claim_group_cites_its_sources_by_number_and_reads_back_whole() -> None:
    """The reason names its sources as `sources` does: stored once, cited by number; evidence
    entries as [claim id, stance] pairs. Whatever cannot be cited back exactly stays as written,
    and a group written before (objects, names spelled out) reads the same."""
    from newsprism.store.claims import group_data, group_fields

    group = {
        "confidence": 0.8,
        "reason": "told by 2 independent sources (AP (via Reuters), Xinhua)",
        "sources": ["AP (via Reuters)", "Xinhua"],
        "evidence": [{"claim_id": "c1", "stance": "asserts"},
                     {"claim_id": "c2", "stance": "reports-as-said-by"}],
    }  # fmt: skip
    stored = group_data(group)
    assert "Xinhua)" not in stored and "claim_id" not in stored
    assert group_fields(stored) == group
    assert group_fields(json.dumps(group)) == group  # as written before
    odd = {**group, "reason": "2 (1 and ⟦0⟧)", "sources": ["1", "2"]}
    assert group_fields(group_data(odd)) == odd
    numbered = {**group, "reason": "told by 1 (via 10)", "sources": ["1", "10"]}
    assert group_fields(group_data(numbered)) == numbered


def test_a_group_of_one_claim_keeps_neither_its_entry_nor_its_reason_nor_a_sure_confidence() -> (
    None
):
    """Most groups are one claim told by one article: its evidence is the claim that founded
    the group (its id is the group's), its stance the one the claim's source gives, its
    reason one of a few sentences word for word, its confidence 1. None of it is spelled out;
    all of it reads back."""
    from newsprism.store.claims import FOUNDER, group_data, group_fields

    group = {
        "confidence": 1.0,
        "reason": "told only by “Tanks in the streets”, citing no identifiable source",
        "sources": ["“Tanks in the streets”"],
        "evidence": [{"claim_id": "c1"}],
    }
    stored = group_data(group, "gc1")
    assert json.loads(stored) == {"sources": group["sources"], "evidence": FOUNDER,
                                  "reason_cited": 1}  # fmt: skip
    assert group_fields(stored, "gc1") == group
    # a group another claim founded, a denial's stance and an unknown reason stay as written
    other = {**group, "reason": "told only by ⟦x⟧", "evidence": [
        {"claim_id": "c1"}, {"claim_id": "c2", "stance": "disputes"}]}  # fmt: skip
    assert json.loads(group_data(other, "gc9"))["evidence"] == ["c1", ["c2", "disputes"]]
    assert group_fields(group_data(other, "gc9"), "gc9") == other


def test_claims_and_quotes_leave_their_text_to_the_article_and_read_it_whole(
    examples_db: Path, tmp_path: Path
) -> None:
    """A claim's sentence and a quote's words are the article's text at their offsets: the rows
    keep them empty and reading cuts them from the article. A store that kept them reads the
    same, and no other record type leaves its text (they are read by the thousand)."""
    cut = 'substr(a.text, {t}.start + 1, {t}."end" - {t}.start)'
    with sqlite3.connect(examples_db) as db:
        quotes = db.execute(
            f"SELECT s.text, {cut.format(t='s')} FROM span_record s "
            "JOIN article a ON a.seq = s.article_seq WHERE s.type = 'attribution'"
        ).fetchall()
        claims = {r[0] for r in db.execute("SELECT text FROM claim")}
        others = db.execute(
            "SELECT count(*) FROM span_record WHERE text = '' AND type != 'attribution'"
        ).fetchone()[0]
    assert quotes and claims == {""} and others == 0
    left = [own for own, _ in quotes if own == ""]
    assert len(left) >= 0.9 * len(quotes)
    assert all(own == "" or own != at_offsets for own, at_offsets in quotes)

    old = tmp_path / "kept-its-text.db"
    shutil.copy(examples_db, old)
    with sqlite3.connect(old) as db:
        db.execute(f"UPDATE claim SET text = (SELECT {cut.format(t='claim')} FROM article a "
                   "WHERE a.seq = claim.article_seq)")  # fmt: skip
        db.execute(f"UPDATE span_record SET text = (SELECT {cut.format(t='span_record')} "
                   "FROM article a WHERE a.seq = span_record.article_seq) WHERE text = ''")
    with open_corpus(examples_db) as corpus, open_corpus(old) as before:
        for kind in ("attribution", "claim"):
            assert corpus.records(kind) == before.records(kind)
        texts = {a["id"]: a["text"] for a in corpus.articles()}
        read = corpus.records("attribution")
        groups = corpus.records("claim")
    body = [q for q in read if q.get("field") != "title"]
    assert len(body) >= len(left)
    assert all(q["text"] and q["text"] == texts[q["article_id"]][q["start"] : q["end"]]
               for q in body)  # fmt: skip
    evidence = [e for g in groups for e in g["evidence"]]
    assert evidence and all(
        e["text"] == texts[e["article_id"]][e["start"] : e["end"]] for e in evidence
    )


def test_a_story_member_keeps_its_features_without_its_id_or_defaults(examples_db: Path) -> None:
    from newsprism.stories.features import ArticleFeatures

    with sqlite3.connect(examples_db) as db:
        rows = db.execute("SELECT article_id, data FROM story_member").fetchall()
    assert rows
    for article_id, data in rows:
        kept = json.loads(data)
        assert "id" not in kept and kept["headline"]
        assert "claims" not in kept  # the claim table says which groups its claims are in
        assert None not in kept.values() and {} not in kept.values()
        assert data == json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
        assert ArticleFeatures.from_dict({"id": article_id, **kept}).stored() == data


def test_a_story_member_reads_its_claim_groups_from_the_claims_and_an_older_row_its_own(
    examples_db: Path, tmp_path: Path
) -> None:
    from newsprism.store.store import open_store

    db = tmp_path / "members.db"
    shutil.copy(examples_db, db)
    store = open_store(db, existing=True)
    members = list(store.stored_story_members())
    assert members
    wanted = store.article_claim_groups([m["id"] for m, _, _ in members])
    assert any(wanted.values())
    for features, _story, _vector in members:
        assert features["claims"] == wanted.get(features["id"], [])
    # a row written before kept its groups: they read as kept, whatever the claims say now
    first = members[0][0]["id"]
    with sqlite3.connect(db) as conn:
        (data,) = conn.execute("SELECT data FROM story_member WHERE article_id = ?",
                               (first,)).fetchone()  # fmt: skip
        older = {**json.loads(data), "claims": ["g-kept-before"]}
        conn.execute("UPDATE story_member SET data = ? WHERE article_id = ?",
                     (json.dumps(older), first))  # fmt: skip
    again = {m["id"]: m["claims"] for m, _, _ in open_store(db).stored_story_members()}
    assert again[first] == ["g-kept-before"]
    assert {k: v for k, v in again.items() if k != first} == {
        m["id"]: m["claims"] for m, _, _ in members if m["id"] != first}  # fmt: skip


def test_an_event_row_keeps_neither_its_columns_nor_a_statement_its_evidence_gives(
    examples_db: Path,
) -> None:
    from newsprism.store.timeline import EVENT_COLUMNS

    with sqlite3.connect(examples_db) as db:
        rows = db.execute(f"SELECT {', '.join(EVENT_COLUMNS)}, data FROM timeline_event").fetchall()
    with open_corpus(examples_db) as corpus:
        events = {e["id"]: e for e in corpus.records("event")}
    assert rows and len(events) == len(rows)
    assert any("statement" not in json.loads(data) for *_, data in rows)
    for *columns, data in rows:
        kept = json.loads(data)
        assert not set(kept) & {*EVENT_COLUMNS, "type"}
        event = events[columns[0]]
        assert [event[name] for name in EVENT_COLUMNS] == columns
        assert event["type"] == "event" and event["statement"]
        if "statement" not in kept:
            assert event["statement"] == event["evidence"][0]["text"]


def test_a_batch_of_articles_reads_the_span_records_each_article_reads_alone(
    examples_db: Path,
) -> None:
    """The stages read a batch's span records in one query: each article gets the records, in
    the order, that reading it alone gives, kept to the types asked for."""
    from newsprism.store import open_store

    store = open_store(examples_db, existing=True)
    try:
        ids = [a["id"] for a in store.understanding_inputs(sorted(store.article_meta()))][:7]
        together = store.span_records_by_article(ids)
        profiles = store.span_records_by_article(ids, {"mention", "place"})
        alone = {a: list(store.span_records(article_id=a)) for a in ids}
    finally:
        store.close()
    assert together == alone and sum(map(len, together.values())) > 50
    assert profiles == {
        a: [r for r in alone[a] if r["type"] in ("mention", "place")] for a in ids
    }
    assert {r["type"] for rs in profiles.values() for r in rs} == {"mention", "place"}
