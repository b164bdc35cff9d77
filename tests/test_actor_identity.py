"""One entity per real-world actor across articles, and the evidence kept for each name joined.

All names and sentences are invented for these tests.
"""

from __future__ import annotations

from newsprism.link.entities import EntityIndex
from newsprism.link.entity_table import Entity
from newsprism.understand.actors import ActorMention, generation, regnal_name


def mention(
    name: str, kind: str = "person", role: str | None = None, start: int = 0
) -> ActorMention:
    return ActorMention(start, start + len(name), name, name, start, start + len(name), role,
                        kind, None)  # fmt: skip


def titled(title: str, name: str, start: int = 0) -> ActorMention:
    """ "Pope Leo" as the actor finder gives it: the name alone, the title as its role."""
    text = f"{title} {name}"
    name_start = start + len(title) + 1
    return ActorMention(start, start + len(text), text, name, name_start, start + len(text),
                        title, "person", None)  # fmt: skip


def entity(index: EntityIndex, eid: str) -> Entity:
    return next(e for e in index.entities() if e.id == eid)


# --- generational suffixes and middle names ---------------------------------------------------


def test_generation_of_a_name() -> None:
    assert generation("Arlen Voss Jr.") == "jr"
    assert generation("Arlen Voss III") == "iii"
    assert generation("Arlen T. Voss") == ""


def test_a_son_is_never_his_father_but_a_middle_initial_is_the_same_man() -> None:
    index = EntityIndex()
    father, son, lone = index.link(
        "a1",
        [mention("Arlen T. Voss"), mention("Arlen Voss Jr.", start=30), mention("Voss", start=60)],
    )
    assert father != son
    assert lone == father  # the first full name written in the article
    (plain,) = index.link("a2", [mention("Arlen Voss")])
    assert plain == father
    again, short = index.link("a3", [mention("Arlen Voss Jr."), mention("Voss Jr.", start=30)])
    assert again == short == son
    assert "Arlen Voss Jr." not in entity(index, father).aliases


def test_a_nickname_is_the_same_given_name_but_two_names_sharing_one_are_not() -> None:
    """"Mike" is Michael and "Bill" William (the nicknames package's table), so one man is
    one entity however an outlet writes his first name; Samuel and Samantha share "Sam" and
    stay two people."""
    index = EntityIndex()
    (michael,) = index.link("a1", [mention("Michael R. Velko")])
    (mike,) = index.link("a2", [mention("Mike Velko")])
    (bare,) = index.link("a3", [mention("Velko")])
    assert mike == bare == michael
    (samuel,) = index.link("a4", [mention("Samuel Orrin")])
    (samantha,) = index.link("a5", [mention("Samantha Orrin")])
    assert samantha != samuel
    (bill,) = index.link("a6", [mention("Bill Drayce")])
    (william,) = index.link("a7", [mention("William J. Drayce")])
    assert william == bill


def test_a_lone_surname_first_is_not_taken_over_by_a_son() -> None:
    index = EntityIndex()
    (lone,) = index.link("a1", [mention("Voss")])
    (son,) = index.link("a2", [mention("Arlen Voss Jr.")])
    assert son != lone


# --- regnal and religious names ---------------------------------------------------------------


def test_regnal_names() -> None:
    assert regnal_name("Leo", "Pope") == "Pope Leo"
    assert regnal_name("Saint Leo") == "Saint Leo"
    assert regnal_name("St. Leo") == "Saint Leo"
    assert regnal_name("Orlen III", "King") == "King Orlen III"
    assert regnal_name("Faisal bin Omar", "Crown Prince") is None
    assert regnal_name("Marco Rinaldi") is None


def test_a_pope_is_not_the_saint_he_is_named_after_nor_a_lone_namesake() -> None:
    index = EntityIndex()
    (pope,) = index.link("a1", [titled("Pope", "Leo")])
    (saint,) = index.link("a2", [mention("Saint Leo")])
    assert pope != saint
    (lone,) = index.link("a3", [mention("Leo")])  # which Leo? nothing in the article says
    assert lone not in (pope, saint)
    pope_again, leo = index.link("a4", [titled("Pope", "Leo"), mention("Leo", start=40)])
    assert pope_again == leo == pope
    assert entity(index, pope).name == "Pope Leo"


def test_a_king_is_not_the_prince_named_after_him() -> None:
    index = EntityIndex()
    prince, king = index.link(
        "a1", [titled("Crown Prince", "Faisal bin Omar"), titled("King", "Omar", start=50)]
    )
    assert prince != king
    (later,) = index.link("a2", [titled("King", "Omar")])
    assert later == king


def test_a_birth_name_joins_a_pope_only_on_apposition() -> None:
    index = EntityIndex()
    (pope,) = index.link("a1", [titled("Pope", "Leo")])
    (birth,) = index.link("a2", [mention("Marco Rinaldi")])
    assert birth != pope  # no evidence yet

    text = "Pope Leo, Marco Rinaldi, said the council would meet."
    ids = index.link(
        "a3", [titled("Pope", "Leo"), mention("Marco Rinaldi", start=10)], context=text
    )
    assert ids == [pope, pope]
    assert index.merged() == {birth: pope}
    joined = entity(index, pope)
    assert joined.name == "Pope Leo"
    assert {"kind": "apposition", "merged": "Marco Rinaldi", "id": birth, "article": "a3"} in (
        joined.evidence
    )
    # the birth name, and the regnal name with the surname, find him later
    assert index.link("a4", [mention("Rinaldi")]) == [pope]
    assert index.link("a5", [mention("Leo Rinaldi")]) == [pope]
    assert {"kind": "alias pattern", "name": "Leo Rinaldi", "article": "a5"} in joined.evidence


def test_a_list_of_names_is_no_apposition() -> None:
    index = EntityIndex()
    text = "Pope Leo, Marco Rinaldi and Ana Ruiz met on Monday."
    ids = index.link(
        "a1",
        [titled("Pope", "Leo"), mention("Marco Rinaldi", start=10), mention("Ana Ruiz", start=28)],
        context=text,
    )
    assert len(set(ids)) == 3


def test_a_regnal_entity_is_found_again_after_a_reload() -> None:
    index = EntityIndex()
    (pope,) = index.link("a1", [titled("Pope", "Leo")])
    stored = [
        Entity(e.id, e.name, e.type, list(e.aliases), list(e.roles), list(e.evidence))
        for e in index.changed()
    ]
    rebuilt = EntityIndex.from_entities(stored)
    (saint,) = rebuilt.link("a2", [mention("Saint Leo")])
    (again,) = rebuilt.link("a3", [titled("Pope", "Leo")])
    assert again == pope != saint


# --- evidence ---------------------------------------------------------------------------------


def test_each_name_joined_keeps_its_evidence() -> None:
    index = EntityIndex()
    full, lone = index.link("a1", [mention("Recep Tayyip Erdogan"), mention("Erdogan", start=30)])
    (variant,) = index.link("a2", [mention("Recep Erdogan")])
    assert full == lone == variant
    joined = entity(index, full)
    assert joined.evidence == [
        {"kind": "title+surname in one article", "name": "Erdogan", "article": "a1"},
        {"kind": "name variant", "name": "Recep Erdogan", "article": "a2"},
    ]
    assert joined.data() == {"evidence": joined.evidence}
    (alone,) = index.link("a3", [mention("Halden Group", "organization")])
    assert entity(index, alone).data() == {}  # one name, nothing to explain


def test_an_organization_word_is_not_read_as_a_surname() -> None:
    index = EntityIndex()
    (person,) = index.link("a1", [mention("Frank Church", role="Senator")])
    (org,) = index.link("a2", [mention("Church", "organization")])
    assert org != person
    assert entity(index, org).type == "organization"


def test_a_regnal_name_with_and_without_its_number() -> None:
    index = EntityIndex()
    (numbered,) = index.link("a1", [titled("Pope", "Gregor XIX")])
    (plain,) = index.link("a2", [titled("Pope", "Gregor")])
    assert plain == numbered
    (other,) = index.link("a3", [titled("Pope", "Gregor XVIII")])
    assert other != numbered
    (ambiguous,) = index.link("a4", [titled("Pope", "Gregor")])
    assert ambiguous not in (numbered, other)
    assert entity(index, numbered).name == "Pope Gregor XIX"


def test_a_pope_called_by_his_birth_surname() -> None:
    index = EntityIndex()
    index.link("a1", [titled("Pope", "Leo"), mention("Leo Rinaldi", start=20)])
    (pope,) = index.link("a2", [titled("Pope", "Leo")])
    (by_surname,) = index.link("a3", [titled("Pope", "Rinaldi")])
    assert by_surname == pope


def test_organization_aliases_keep_their_evidence() -> None:
    index = EntityIndex()
    text = "The Halden Relief Front (HRF) said the Islamic State and Daesh are one."
    ids = index.link(
        "a1",
        [
            mention("Halden Relief Front", "organization", start=4),
            mention("HRF", "organization", start=text.index("HRF")),
            mention("Islamic State", "organization", start=text.index("Islamic")),
            mention("Daesh", "organization", start=text.index("Daesh")),
        ],
        context=text,
    )
    assert ids[0] == ids[1] and ids[2] == ids[3] != ids[0]
    kinds = {e["name"]: e["kind"] for x in index.entities() for e in x.evidence}
    assert kinds == {
        "HRF": "acronym defined in the article",
        "Daesh": "alias pattern: listed alias",
    }


def test_a_namesake_of_a_saint_or_a_numbered_pope_is_someone_else() -> None:
    index = EntityIndex()
    saint, other = index.link("a1", [mention("Saint Peter"), mention("Peter Halden", start=30)])
    assert saint != other
    pope, priest = index.link("a2", [titled("Pope", "John XXIII"), mention("John Varga", start=30)])
    assert pope != priest


def test_a_regnal_name_seen_first_joins_when_the_birth_name_is_known() -> None:
    index = EntityIndex()
    (by_surname,) = index.link("a1", [titled("Pope", "Rinaldi")])
    pope, pattern = index.link("a2", [titled("Pope", "Leo"), mention("Leo Rinaldi", start=20)])
    assert pattern == pope == by_surname  # merged: the older id survives
    joined = entity(index, pope)
    assert joined.name == "Pope Leo"
    assert [e["kind"] for e in joined.evidence if "merged" in e] == ["alias pattern"]
    assert index.link("a3", [titled("Pope", "Rinaldi")]) == [pope]


def test_why_names_are_one_actor_is_stored_and_exported(tmp_path) -> None:
    import json

    from newsprism import analyze

    path = tmp_path / "council.jsonl"
    records = [
        {"id": "c1", "title": "Council meets", "outlet": "Valley Post",
         "text": "Mayor Ilse Varga opened the council session on Monday. Varga said the "
                 "bridge would reopen in June."},
        {"id": "c2", "title": "Bridge to reopen", "outlet": "Harbor Wire",
         "text": "Ilse Varga, the mayor of Brannock, told reporters the bridge would reopen."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    with analyze([path], db=tmp_path / "store.db", progress=False) as corpus:
        (varga,) = [e for e in corpus.entities()
                    if e["name"] == "Ilse Varga" and e["entity_type"] == "person"]
        assert varga["evidence"], varga
        assert {"kind", "name", "article"} <= set(varga["evidence"][0])
