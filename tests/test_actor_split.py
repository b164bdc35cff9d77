"""`newsprism actor split`: a user undoes a wrong identity, and the split reaches every record
that rested on it (issue 22). All names, outlets and sentences are invented for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.link.entities import EntityIndex
from newsprism.link.entity_table import Entity

# A minister and a football coach who share a surname: the coach's lone "Brenner" is linked to
# the minister (the only Brenner known), so their two counts of evacuated families look like
# one man's figure told twice.
ARTICLES = [
    {"id": "v1", "title": "Valley evacuated", "outlet": "Valley Post", "published": "2031-04-02",
     "text": "Interior Minister Tomas Brenner visited the flooded Arlen valley on Monday. "
             "\"About 40 families were moved out of the valley overnight,\" Brenner said. "
             "Brenner said the army would rebuild the dike before the summer."},
    {"id": "v2", "title": "Coach helps flood victims", "outlet": "Harbor Wire",
     "published": "2031-04-03",
     "text": "The Harbor Rovers football club opened its stadium to flood victims on Tuesday. "
             "\"The club bus helped when 40 families were moved to safety on Monday night,\" "
             "said Brenner, the club's coach. "
             "Brenner said the club would host the families for a month."},
]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Path:
    from newsprism import analyze

    path = tmp_path / "flood.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    db = tmp_path / "store.db"
    analyze([path], db=db, progress=False).close()
    return db


def _records(db: Path) -> dict[str, list[dict]]:
    from newsprism import open_corpus

    with open_corpus(db) as corpus:
        found: dict[str, list[dict]] = {}
        for r in corpus.records():
            found.setdefault(r["type"], []).append(r)
        return found


def _families(records: dict[str, list[dict]]) -> dict:
    (group,) = [c for c in records["claim"] if (c["statement"] or {}).get("counts") == "family"]
    return group


def test_a_split_moves_the_mentions_of_one_article_and_changes_the_verdict(store: Path) -> None:
    before = _records(store)
    (minister,) = [e for e in before["entity"] if e["name"] == "Tomas Brenner"]
    assert "Brenner" in minister["aliases"]
    group = _families(before)
    assert group["verdict"] == "single-source"  # one man's figure, as linking saw it
    coach_article = next(a["id"] for a in before["article"] if a["title"].startswith("Coach"))

    result = CliRunner().invoke(app, ["actor", "split", "Tomas Brenner", "brenner",
                                      "--article", coach_article, "--db", str(store)])
    assert result.exit_code == 0, result.output
    assert "split off" in result.output

    after = _records(store)
    entities = {e["id"]: e for e in after["entity"] if e["entity_type"] != "place"}
    coach = next(e for e in entities.values() if e["id"] != minister["id"]
                 and e["name"] == "Brenner")  # fmt: skip
    kept = entities[minister["id"]]
    assert kept["name"] == "Tomas Brenner"
    assert "Brenner" in kept["aliases"]  # the minister is still "Brenner" in his own article
    assert kept["apart"] == [coach["id"]] and coach["apart"] == [minister["id"]]
    assert any(e.get("split") == "Brenner" for e in kept["evidence"])
    for m in after["mention"]:
        if m["text"] == "Brenner":
            wanted = coach["id"] if m["article_id"] == coach_article else minister["id"]
            assert m["entity_id"] == wanted
    quotes = [a for a in after["attribution"] if a["article_id"] == coach_article]
    assert quotes and all(a["entity_id"] == coach["id"] for a in quotes)
    # two men, two outlets: the figure is now corroborated
    group = _families(after)
    assert group["verdict"] == "corroborated", group["reason"]
    assert group["independent_outlets"] == 2
    sources = {e["source"] for e in group["evidence"]}
    assert sources == {minister["id"], coach["id"]}
    # each actor's page says what the user did, and links the other
    from urllib.parse import quote

    from starlette.testclient import TestClient

    from newsprism.web.app import create_app

    with TestClient(create_app(store)) as client:
        page = client.get(f"/actor/{minister['id']}").text
        assert "split off by a user" in page and f'href="/actor/{quote(coach["id"])}' in page
        page = client.get(f"/actor/{coach['id']}").text
        assert f'href="/actor/{quote(minister["id"])}' in page


def test_a_later_run_keeps_the_split(store: Path, tmp_path: Path) -> None:
    from newsprism import analyze

    coach_article = next(a["id"] for a in _records(store)["article"]
                         if a["title"].startswith("Coach"))  # fmt: skip
    result = CliRunner().invoke(app, ["actor", "split", "Tomas Brenner", "Brenner",
                                      "--article", coach_article, "--db", str(store)])
    assert result.exit_code == 0, result.output
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps({
        "id": "v3", "title": "Dike works begin", "outlet": "Valley Post", "published": "2031-04-20",
        "text": "Interior Minister Tomas Brenner, Brenner said, would open the dike works. "
                "Brenner said 40 families could return home in May.",
    }) + "\n", encoding="utf-8")  # fmt: skip
    analyze([later], db=store, progress=False).close()
    entities = [e for e in _records(store)["entity"] if "Brenner" in e["name"]]
    assert len(entities) == 2
    assert all(e["apart"] for e in entities)


def test_a_split_that_would_leave_nothing_or_names_no_name_fails_clearly(store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["actor", "split", "Tomas Brenner", "Tomas Brenner", "Brenner",
                                 "--db", str(store)])  # fmt: skip
    assert result.exit_code == 2
    assert "nothing would be left" in result.output
    result = runner.invoke(app, ["actor", "split", "Tomas Brenner", "Coachman",
                                 "--db", str(store)])  # fmt: skip
    assert result.exit_code == 2
    assert "has no name 'Coachman'" in result.output and "'Brenner'" in result.output
    result = runner.invoke(app, ["actor", "split", "Nobody Known", "Nobody", "--db", str(store)])
    assert result.exit_code == 2 and "no actor" in result.output
    # nothing changed
    (minister,) = [e for e in _records(store)["entity"] if e["name"] == "Tomas Brenner"]
    assert "apart" not in minister or not minister["apart"]


def test_actors_a_user_split_are_never_merged_again() -> None:
    minister = Entity("actor:000001", "Tomas Brenner", "person", ["Tomas Brenner"],
                      apart=["actor:000002"])  # fmt: skip
    coach = Entity("actor:000002", "Tom Brenner", "person", ["Tom Brenner"],
                   apart=["actor:000001"])  # fmt: skip
    index = EntityIndex.from_entities([minister, coach])
    index._merge("actor:000001", "actor:000002")  # what an apposition or alias would do
    assert {e.id for e in index.entities()} == {"actor:000001", "actor:000002"}
    assert index.merged() == {}
