"""The five founding articles through the whole pipeline: the issue's acceptance on the seeds
(actor variants on one entity each, no person turned into a place, places on the map)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism import analyze
from newsprism.api import open_corpus


@pytest.fixture(scope="module")
def seeds_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeds-understood") / "s.db"
    with analyze(seeds_dir, db=db, workers=1) as corpus:
        assert corpus.summary.understanding.articles == 5
    return db


def _entity_of(mentions: list[dict], *forms: str) -> set[str]:
    return {
        m["entity_id"] for m in mentions if m["text"].rstrip("*") in forms or m["name"] in forms
    }


@pytest.mark.parametrize(
    "forms",
    [
        ("Recep Tayyip Erdogan", "Erdogan", "Erodogan"),
        ("Syrian Democratic Forces", "SDF"),
        ("ISIS", "Islamic State", "Daesh"),
        ("Donald Trump", "Trump"),
        ("Syrian Observatory for Human Rights", "SOHR"),
    ],
)
def test_actor_variants_land_on_one_entity(seeds_db: Path, forms: tuple[str, ...]) -> None:
    with open_corpus(seeds_db) as corpus:
        mentions = corpus.records("mention")
    found = {m["name"] for m in mentions if m["name"] in forms or m["text"].rstrip("*") in forms}
    assert len(found) >= 2, f"too few of {forms} found: {found}"
    assert len(_entity_of(mentions, *forms)) == 1


def test_no_person_becomes_a_place(seeds_db: Path) -> None:
    with open_corpus(seeds_db) as corpus:
        people = [m for m in corpus.records("mention") if m["entity_type"] == "person"]
        places = corpus.places()
    for person in people:
        for place in places:
            overlap = place["start"] < person["name_end"] and person["name_start"] < place["end"]
            assert not (overlap and place["article_id"] == person["article_id"]), (person, place)
    assert any(p["name"] and "Mazloum Kobani" in p["name"] for p in people)


def test_seed_places_are_on_the_map(seeds_db: Path) -> None:
    with open_corpus(seeds_db) as corpus:
        places = {p["text"]: p for p in corpus.places() if p["geonameid"]}
    for name, geonameid in [("Qamishli", 173377), ("Ras al-Ayn", 165509), ("Kobani", 172256),
                            ("Ein Al-Arab", 172256), ("Tal Abyad", 163750), ("al-Tabqah", 172374)]:
        assert places[name]["geonameid"] == geonameid, name
