"""How outlets name actors: labels found in one article, and the naming matrix across outlets
(the seeds' acceptance: "Turkish dictator" / "Turkish President" under Erdogan, "American
Occupiers" under the US forces, the proxies' names under one actor, no neutral title loaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism import analyze
from newsprism.api import open_corpus
from newsprism.link.entities import EntityIndex
from newsprism.show.framing import NO_ACTOR, naming_matrix
from newsprism.understand.actors import ActorMention, find_actors
from newsprism.understand.labels import NAME_CALLING, Label, find_labels


@pytest.fixture(scope="module")
def nlp():
    from newsprism.understand.nlp import load_nlp

    return load_nlp(None)


def labelled(nlp, text: str) -> tuple[list[Label], dict[tuple[int, int], ActorMention]]:
    doc = nlp(text)
    mentions = find_actors(doc)
    return find_labels(doc, mentions), {(m.start, m.end): m for m in mentions}


def label(labels: list[Label], phrase: str) -> Label:
    for found in labels:
        if found.label == phrase:
            return found
    raise AssertionError(f"no label {phrase!r} in {[x.label for x in labels]}")


def test_a_neutral_title_and_a_loaded_epithet(nlp) -> None:
    labels, _ = labelled(
        nlp,
        "Turkish President Recep Tayyip Erdogan spoke on Monday. US Defence Secretary Mark "
        "Esper answered him. Later, Turkish dictator Erdogan threatened the town.",
    )
    title = label(labels, "Turkish President")
    assert (title.kind, title.loaded, title.technique) == ("title", False, None)
    assert not label(labels, "US Defence Secretary").loaded
    epithet = label(labels, "Turkish dictator")
    assert (epithet.kind, epithet.loaded_terms, epithet.technique) == (
        "epithet", ("dictator",), NAME_CALLING,
    )  # fmt: skip


def test_fighters_named_through_their_patron_are_one_actor(nlp) -> None:
    text = (
        "Turkey and its jihadist proxies entered the town on Tuesday. Witnesses said "
        "Turkey-backed Muslim terrorists shot at residents. The Ankara-backed militants then "
        "left."
    )
    labels, mentions = labelled(nlp, text)
    named = {
        found.label: mentions[(found.actor_start, found.actor_end)].name
        for found in labels
        if found.actor_start is not None
    }
    assert named["jihadist proxies"] == "Turkey (proxy forces)"
    assert named["Turkey-backed Muslim terrorists"] == "Turkey (proxy forces)"
    assert named["Ankara-backed militants"] == "Turkey (proxy forces)"
    assert label(labels, "Turkey-backed Muslim terrorists").loaded
    assert not label(labels, "Ankara-backed militants").loaded
    # the backer stays an actor of its own
    assert any(m.name == "Ankara" for m in mentions.values())
    index = EntityIndex.from_entities([])
    ordered = list(mentions.values())
    ids = index.link("a1", ordered, context=text)
    proxies = {i for m, i in zip(ordered, ids, strict=True) if m.name == "Turkey (proxy forces)"}
    assert len(proxies) == 1


def test_scare_quotes_and_so_called(nlp) -> None:
    labels, mentions = labelled(
        nlp,
        "Witnesses blamed the deaths on the \u2018international coalition\u2019 and its "
        "aircraft. The so-called peace plan was never signed.",
    )
    quoted = label(labels, "international coalition")
    assert quoted.kind == "scare-quote" and quoted.loaded
    assert mentions[(quoted.actor_start, quoted.actor_end)].type == "organization"
    so_called = label(labels, "so-called peace plan")
    assert so_called.kind == "so-called" and so_called.actor_start is None


def test_a_loaded_description_stands_for_the_actor_named_before(nlp) -> None:
    labels, mentions = labelled(
        nlp,
        "Kurdish forces fought ISIS for five years in the east. Hundreds of troops stayed "
        "alongside Kurdish forces in the fight against the death cult.",
    )
    cult = label(labels, "death cult")
    assert cult.refers_by == "description"
    assert mentions[(cult.actor_start, cult.actor_end)].name == "ISIS"


def test_a_plain_description_or_bare_name_is_no_label(nlp) -> None:
    labels, _ = labelled(
        nlp, "Trump met Erdogan in Ankara. The group said Damascus would answer."
    )
    assert labels == []


def test_matrix_columns_are_outlets_or_articles_and_cells_count_phrases() -> None:
    def lab(aid: str, entity: str | None, text: str, loaded: bool) -> dict:
        return {
            "id": f"{aid}-{text}", "article_id": aid, "start": 0, "end": len(text),
            "text": text, "entity_id": entity, "label": text, "loaded": loaded,
            "loaded_terms": ["dictator"] if loaded else [], "kind": "epithet" if loaded
            else "title", "refers_by": "name",
        }  # fmt: skip

    articles = [
        {"id": "a1", "outlet": "Daily Star", "title": "One", "word_count": 500},
        {"id": "a2", "outlet": "Daily Star", "title": "Two", "word_count": 500},
        {"id": "a3", "outlet": None, "title": None, "source": "/in/x/003.txt", "word_count": 200},
    ]
    labels = [
        lab("a1", "actor:1", "Turkish dictator", True),
        lab("a2", "actor:1", "Turkish Dictator", True),
        lab("a3", "actor:1", "Turkish President", False),
        lab("a3", None, "so-called fight", True),
    ]
    matrix = naming_matrix(labels, articles, [{"id": "actor:1", "name": "Erdogan"}])
    columns = {c["id"]: c for c in matrix["columns"]}
    assert set(columns) == {"outlet:Daily Star", "article:a3"}
    assert columns["article:a3"]["name"] == "003.txt"
    assert columns["outlet:Daily Star"]["loaded_labels_per_1000_words"] == 2.0
    erdogan = matrix["rows"][0]
    assert erdogan["name"] == "Erdogan"
    star = erdogan["cells"]["outlet:Daily Star"]
    assert len(star) == 1 and star[0]["count"] == 2 and star[0]["loaded"]
    assert [p["label"] for p in erdogan["cells"]["article:a3"]] == ["Turkish President"]
    assert matrix["rows"][-1]["name"] == NO_ACTOR


# --- the seeds ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_matrix(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("seeds-framing") / "s.db"
    with analyze(seeds_dir, db=db, workers=1):
        pass
    with open_corpus(db) as corpus:
        matrix = corpus.naming_matrix()
        names = {a["id"]: a["source"] for a in corpus.articles()}
    columns = {c["id"]: c for c in matrix["columns"]}
    cells: dict[str, dict[str, list[dict]]] = {}
    for row in matrix["rows"]:
        for cid, phrases in row["cells"].items():
            seed = Path(names[columns[cid]["articles"][0]]).name[:3]
            cells.setdefault(row["name"], {})[seed] = phrases
    return cells


def phrases(cells: dict, actor: str, seed: str) -> dict[str, dict]:
    return {p["label"].lower(): p for p in cells.get(actor, {}).get(seed, [])}


def test_seeds_name_erdogan_two_ways(seeds_matrix: dict) -> None:
    assert phrases(seeds_matrix, "Recep Tayyip Erdogan", "000")["turkish dictator"]["loaded"]
    president = phrases(seeds_matrix, "Recep Tayyip Erdogan", "002")["turkish president"]
    assert not president["loaded"]


def test_seeds_us_troops_are_occupiers_in_one_outlet(seeds_matrix: dict) -> None:
    assert phrases(seeds_matrix, "United States (forces)", "001")["american occupiers"]["loaded"]
    assert not phrases(seeds_matrix, "United States (forces)", "000")["us troops"]["loaded"]


def test_seeds_proxies_are_one_actor_named_three_ways(seeds_matrix: dict) -> None:
    in_000 = phrases(seeds_matrix, "Turkey (proxy forces)", "000")
    assert in_000["jihadist proxies"]["loaded"]
    assert in_000["turkey-backed muslim terrorists"]["loaded"]
    assert "ankara-backed militants" in phrases(seeds_matrix, "Turkey (proxy forces)", "001")


def test_seeds_isis_death_cult_and_coalition_in_scare_quotes(seeds_matrix: dict) -> None:
    assert phrases(seeds_matrix, "Islamic State", "002")["death cult"]["loaded"]
    quoted = phrases(seeds_matrix, "international coalition", "004")["international coalition"]
    assert quoted["kind"] == "scare-quote"
    assert phrases(seeds_matrix, NO_ACTOR, "004")["so-called fight"]["kind"] == "so-called"


def test_seeds_no_neutral_title_is_loaded(seeds_matrix: dict) -> None:
    for actor in seeds_matrix.values():
        for cell in actor.values():
            for phrase in cell:
                if phrase["kind"] in ("title", "epithet"):
                    words = phrase["label"].lower().split()
                    assert phrase["loaded"] == ("dictator" in words), phrase
