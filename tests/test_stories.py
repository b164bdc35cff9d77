"""Stories: articles about one happening grouped as they arrive, through the API on invented
articles (the fictional town of Brannock; no real events), the story index's merges, and the
seed articles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsprism import analyze
from newsprism.api import open_corpus
from newsprism.encoders.packed import unpack
from newsprism.stories import ArticleFeatures, StoryIndex, Weights
from newsprism.stories.embed import story_embedder

FLOOD = (
    "Floodwater closed the Brannock rail bridge on May 3 after the Silla River rose over its "
    "supports, the regional operator Kestrel Rail said. Mayor Ilse Varga said about 2,000 "
    "commuters a day would need buses until engineers inspect the bridge. Kestrel Rail said "
    "the inspection of the Brannock bridge would take at least two weeks."
)
ARTICLES = [
    {
        "title": "Flood closes Brannock rail bridge",
        "text": FLOOD + " Residents filled sandbags along the river on Thursday.",
        "outlet": "Harbor Wire",
        "published": "2031-05-04",
        "url": "https://harborwire.example/brannock-bridge",
    },
    {
        "title": "Brannock bridge shut by floodwater, 2,000 commuters on buses",
        "text": (
            "The Silla River rose over the supports of the Brannock rail bridge on May 3, and "
            "Kestrel Rail closed it. About 2,000 commuters a day will ride buses, Mayor Ilse "
            "Varga said, while engineers inspect the Brannock bridge, which Kestrel Rail said "
            "would take at least two weeks."
        ),
        "outlet": "Valley Post",
        "published": "2031-05-04",
        "url": "https://valleypost.example/bridge-closed",
    },
    {
        "title": "Tellin orchestra opens its season with a new symphony",
        "text": (
            "The Tellin Philharmonic opened its autumn season with the first performance of a "
            "symphony by the composer Mara Odell. The conductor Petr Ansel said the orchestra "
            "had rehearsed the piece for six months. Tickets for the next concerts sold out."
        ),
        "outlet": "Harbor Wire",
        "published": "2031-09-20",
        "url": "https://harborwire.example/tellin-symphony",
    },
    {
        "title": "Flood closes Brannock rail bridge",
        "text": FLOOD + " Residents filled sandbags along the river on Thursday night.",
        "outlet": "Northgate Times",
        "published": "2031-05-05",
        "url": "https://northgate.example/brannock",
    },
]


@pytest.fixture(scope="module")
def stories_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stories")
    source = folder / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    db = folder / "s.db"
    with analyze(source, db=db, workers=1) as corpus:
        assert corpus.summary.stories.articles == 4
    return db


def _by_url(corpus) -> dict[str, str]:
    urls = {a["id"]: a["url"] for a in corpus.articles()}
    return {urls[a]: s["id"] for s in corpus.stories() for a in s["article_ids"]}


def test_two_outlets_on_one_event_share_a_story(stories_db: Path) -> None:
    with open_corpus(stories_db) as corpus:
        story_of = _by_url(corpus)
        assert story_of[ARTICLES[0]["url"]] == story_of[ARTICLES[1]["url"]]
        story = corpus.story(story_of[ARTICLES[0]["url"]])
    assert story is not None
    assert {"Harbor Wire", "Valley Post"} <= set(story["outlets"])
    assert story["first"] == "2031-05-04" and story["last"] >= "2031-05-04"
    assert story["title"] and any("Kestrel" in a or "Varga" in a for a in story["actors"])


def test_an_unrelated_article_starts_its_own_story(stories_db: Path) -> None:
    with open_corpus(stories_db) as corpus:
        story_of = _by_url(corpus)
        stories = corpus.stories()
    assert story_of[ARTICLES[2]["url"]] != story_of[ARTICLES[0]["url"]]
    assert len(stories) == 2
    assert all(s["type"] == "story" and s["article_ids"] for s in stories)


def test_near_duplicates_share_a_story(stories_db: Path) -> None:
    with open_corpus(stories_db) as corpus:
        copy = next(a for a in corpus.articles() if a["url"] == ARTICLES[3]["url"])
        assert copy["duplicate_of"]  # the Northgate copy of the Harbor Wire article
        assert _by_url(corpus)[ARTICLES[3]["url"]] == _by_url(corpus)[ARTICLES[0]["url"]]


def test_running_again_adds_nothing(stories_db: Path, tmp_path: Path) -> None:
    with open_corpus(stories_db) as corpus:
        before = corpus.stories()
    source = stories_db.parent / "articles.jsonl"
    with analyze(source, db=stories_db, workers=1, rescan=True) as corpus:
        assert corpus.summary.stories.articles == 0
        assert corpus.stories() == before
    with open_corpus(stories_db) as corpus:
        corpus.export("jsonl", tmp_path / "all.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert sum(r["type"] == "story" for r in lines) == 2


def test_a_storys_articles_and_claim_groups_are_read_from_its_members(stories_db: Path) -> None:
    """A story record lists its articles in the order they were placed and every claim group
    of their claims, read from the articles placed in it: its row, written again each time a
    batch touches the story (every batch, for a story of thousands of articles), keeps
    neither."""
    with open_corpus(stories_db) as corpus:
        placed = corpus.store.story_articles()
        groups: dict[str, set[str]] = {}
        for claim in corpus.records("claim"):
            for told in claim["evidence"]:
                groups.setdefault(told["article_id"], set()).add(claim["id"])
        stories = corpus.stories()
        assert any(len(s["article_ids"]) > 1 for s in stories)
        for story in stories:
            assert story["article_ids"] == placed[story["id"]]
            assert story["claim_groups"] == sorted(
                {g for a in story["article_ids"] for g in groups.get(a, ())})
            assert story["size"] == len(story["article_ids"])
        with corpus.store.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT data FROM story").scalars().all()
        assert rows and not any(a in row for row in rows for a in placed[stories[0]["id"]])


def _features(name: str, claims: list[str]) -> ArticleFeatures:
    return ArticleFeatures(id=name * 8, headline=f"headline {name}", claims=claims)


def test_an_article_bridging_two_stories_merges_them_and_the_old_id_resolves() -> None:
    index = StoryIndex(dim=2, weights=Weights(join=0.8, merge=0.9, claims=0.5))
    a = index.add(_features("a", ["g1"]), np.array([1.0, 0.0]))
    b = index.add(_features("b", ["g2"]), np.array([0.0, 1.0]))
    assert a.created and b.created and a.story_id != b.story_id
    bridge = index.add(_features("c", ["g1", "g2"]), np.array([0.7071, 0.7071]))
    assert bridge.merged == {b.story_id: a.story_id}  # the older story keeps its id
    assert index.resolve(b.story_id) == a.story_id == bridge.story_id
    assert index.summary(b.story_id)["aliases"] == [b.story_id]
    assert len(index.summary(a.story_id)["article_ids"]) == 3


def test_a_story_merged_into_one_that_is_merged_again_keeps_resolving_and_is_listed() -> None:
    """b goes into a, then a into the older x: b's and a's ids resolve to x and x's summary lists
    both, also in an index rebuilt from the stored memberships and aliases."""
    index = StoryIndex(dim=3, weights=Weights(join=0.8, merge=0.9, claims=0.5))
    x = index.add(_features("x", ["g3"]), np.array([0.0, 0.0, 1.0]))
    a = index.add(_features("a", ["g1"]), np.array([1.0, 0.0, 0.0]))
    b = index.add(_features("b", ["g2"]), np.array([0.0, 1.0, 0.0]))
    index.add(_features("c", ["g1", "g2"]), np.array([0.7071, 0.7071, 0.0]))
    centre = index.stories[a.story_id].centroid() + np.array([0.0, 0.0, 1.0])
    bridge = index.add(_features("e", ["g1", "g2", "g3"]), centre / np.linalg.norm(centre))
    assert bridge.merged == {a.story_id: x.story_id}
    assert index.resolve(b.story_id) == index.resolve(a.story_id) == x.story_id
    assert index.aliases[b.story_id] == x.story_id  # repointed: no chain to follow
    assert index.summary(x.story_id)["aliases"] == sorted([a.story_id, b.story_id])
    assert index.summary(b.story_id)["aliases"] == sorted([a.story_id, b.story_id])

    again = StoryIndex(dim=3)
    story = index.stories[x.story_id]
    again.restore([(_features(m[0], []), x.story_id, v) for m, v in zip(
        story.members, story.vectors, strict=True)], dict(index.aliases))  # fmt: skip
    assert again.summary(a.story_id)["aliases"] == sorted([a.story_id, b.story_id])


def test_an_article_left_alone_joins_the_story_its_later_reports_grew() -> None:
    """Placing is incremental: a report that came before the others of its story met none it
    fit and stood alone; once they have grown the story it fits as an arriving report would,
    settling the grown stories takes it in, and its story's id keeps resolving. A story it
    does not fit leaves it alone."""
    index = StoryIndex(dim=4, weights=Weights(join=0.9, merge=1.05, claims=0.5, actors=0.0))
    early = index.add(_features("a", []), np.array([1.0, 0.0, 0.0, 0.0]))
    other = index.add(_features("o", []), np.array([0.0, 0.0, 1.0, 0.0]))
    b = index.add(_features("b", ["g"]), np.array([0.85, 0.5268, 0.0, 0.0]))
    c = index.add(_features("c", ["g"]), np.array([0.85, -0.5268, 0.0, 0.0]))
    assert b.created and not c.created and c.story_id == b.story_id  # their shared claim
    assert index.resolve(early.story_id) != index.resolve(b.story_id)  # 0.85 each alone
    merged = index.settle([c.story_id, other.story_id])
    assert merged == {b.story_id: early.story_id}  # the older story keeps its id
    assert index.resolve(b.story_id) == index.resolve(early.story_id)
    assert len(index.summary(b.story_id)["article_ids"]) == 3
    assert index.resolve(other.story_id) == other.story_id  # nothing it fits
    assert index.settle([c.story_id]) == {}


def test_a_claim_group_many_stories_hold_ties_no_article_to_a_story() -> None:
    # a stock line (a reprint credit the cleaner missed) is one claim group in every story;
    # sharing it says nothing of which story an article belongs to
    index = StoryIndex(dim=3, weights=Weights(join=0.8, merge=9.0, claims=0.5))
    axes = np.eye(3)
    first = [index.add(_features(n, ["stock"]), axes[i]) for i, n in enumerate("abc")]
    assert len({p.story_id for p in first}) == 3  # nothing in common but the stock line
    # text alone (cosine 0.71) is not enough; the stock line would have added 0.5
    lone = index.add(_features("d", ["stock"]), np.array([0.7071, 0.7071, 0.0]))
    assert lone.created
    # a group that only one story holds still counts
    told = index.add(_features("e", ["own"]), np.array([0.0, 0.0, 1.0]))
    follow = index.add(_features("f", ["own"]), np.array([0.6, 0.0, 0.8]))
    assert not follow.created and follow.story_id == told.story_id


def test_a_merged_story_id_resolves_in_the_store(stories_db: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(stories_db, db)
    with open_corpus(db) as corpus:
        first, second = (s["id"] for s in corpus.stories())
        corpus.store.save_stories([], [], {second: first})
        assert corpus.story(second)["id"] == first
        assert [s["id"] for s in corpus.stories()] == [first]


def test_seeds_form_three_stories(seeds_dir: Path, tmp_path: Path) -> None:
    with analyze(seeds_dir, db=tmp_path / "seeds.db", workers=1) as corpus:
        names = {a["id"]: Path(a["source"]).name[:3] for a in corpus.articles()}
        groups = sorted(sorted(names[a] for a in s["article_ids"]) for s in corpus.stories())
    assert groups == [["000", "001", "002"], ["003"], ["004"]]


def test_a_store_made_before_stories_gets_their_tables_on_open(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from newsprism.store import open_store

    store = open_store(tmp_path / "old.db")
    with store.engine.begin() as conn:
        for table in ("story", "story_member", "story_alias"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
    store.close()
    store = open_store(tmp_path / "old.db")
    try:
        names = set(inspect(store.engine).get_table_names())
        assert {"story", "story_member", "story_alias"} <= names
        assert store.stories() == [] and store.pending_stories("1:x") == []
    finally:
        store.close()


# The same kind of happening a year apart is two stories; two outlets in the same week, one.
# (Invented: the Brannock floods of 2031 and 2032.)
FLOODS = [
    {
        "title": "Silla River floods Brannock, rail bridge closed",
        "text": (
            "The Silla River burst its banks in Brannock on May 3 and floodwater closed the "
            "Kestrel Rail bridge, the operator said. Mayor Ilse Varga said buses would carry "
            "about 2,000 commuters a day until engineers inspect the bridge's supports. "
            "Volunteers filled sandbags along the river overnight."
        ),
        "outlet": "Harbor Wire",
        "published": "2031-05-04",
        "url": "https://harborwire.example/flood-2031",
    },
    {
        "title": "Brannock bridge stays shut after the flood",
        "text": (
            "Kestrel Rail kept the Brannock rail bridge closed on Thursday, three days after the "
            "Silla River flooded its supports. Mayor Ilse Varga said replacement buses were "
            "carrying about 2,000 commuters a day while engineers inspect the bridge."
        ),
        "outlet": "Valley Post",
        "published": "2031-05-06",
        "url": "https://valleypost.example/bridge-still-shut",
    },
    {
        "title": "Silla River floods Brannock again, rail bridge closed",
        "text": (
            "For the second spring running, the Silla River has flooded Brannock: the water "
            "rose over the Kestrel Rail bridge on May 10 and the operator closed it. Mayor Ilse "
            "Varga said buses would again carry commuters while engineers check the supports, "
            "and asked the region to pay for a higher bridge."
        ),
        "outlet": "Harbor Wire",
        "published": "2032-05-11",
        "url": "https://harborwire.example/flood-2032",
    },
]


@pytest.fixture(scope="module")
def floods_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("floods")
    source = folder / "floods.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in FLOODS) + "\n", encoding="utf-8")
    db = folder / "f.db"
    with analyze(source, db=db, workers=1) as corpus:
        assert corpus.summary.stories.articles == 3
    return db


def test_the_same_kind_of_event_a_year_apart_is_two_stories(floods_db: Path) -> None:
    with open_corpus(floods_db) as corpus:
        story_of = _by_url(corpus)
        stories = {s["id"]: s for s in corpus.stories()}
    first, same_week, next_year = (story_of[a["url"]] for a in FLOODS)
    assert first == same_week  # two outlets, two days apart: one story
    assert next_year != first  # the flood of the next May is news of its own
    assert stories[first]["first"] == "2031-05-04" and stories[first]["last"] == "2031-05-06"
    assert stories[next_year]["first"] == stories[next_year]["last"] == "2032-05-11"


def test_without_the_time_penalty_the_floods_would_be_one_story(floods_db: Path) -> None:
    """What the dates decide: the text alone puts the two floods together."""
    from newsprism.store import open_store

    store = open_store(floods_db)
    try:
        stored = list(store.stored_story_members())
    finally:
        store.close()
    dim = story_embedder().dim
    members = [(ArticleFeatures.from_dict(d), unpack(v, dim)) for d, _, v in stored]
    timeless = StoryIndex(dim=dim, weights=Weights(late=0.0))
    placed = [timeless.add(f, v).story_id for f, v in members]
    assert len(set(placed)) == 1


def _dated(name: str, day: str | None) -> ArticleFeatures:
    from newsprism.stories.features import parse_day

    ordinal = parse_day(day)
    return ArticleFeatures(
        id=name * 8, headline=name, day=ordinal, date_weight=1.0 if ordinal else 0.0
    )


def test_time_distance_counts_only_when_both_sides_have_dates() -> None:
    index = StoryIndex(dim=2, weights=Weights(join=0.8, merge=9.0, aftermath_days=28, late=0.2))
    v = np.array([1.0, 0.0])  # the same text throughout: only the dates differ
    first = index.add(_dated("a", "2031-05-04"), v).story_id
    assert index.add(_dated("b", "2031-05-10"), v).story_id == first  # same week
    assert index.add(_dated("c", "2031-05-30"), v).story_id == first  # within the aftermath
    assert index.add(_dated("d", "2032-05-04"), v).created  # a year on: a story of its own
    assert index.add(_dated("e", None), v).story_id == first  # undated: joins by content
    # an article inside a story's days costs nothing, however long the story already is
    assert index.add(_dated("f", "2031-05-20"), v).story_id == first


def test_an_article_fitting_two_stories_a_year_apart_does_not_merge_them() -> None:
    index = StoryIndex(dim=2, weights=Weights(join=0.8, merge=0.9, aftermath_days=28, late=0.2))
    v = np.array([1.0, 0.0])
    first = index.add(_dated("a", "2031-05-04"), v).story_id
    later = index.add(_dated("b", "2032-05-04"), v).story_id
    assert first != later
    undated = index.add(_dated("c", None), v)  # fits both as well as can be
    assert undated.merged == {} and len(index) == 2


def _placed(name: str, places: dict[str, float]) -> ArticleFeatures:
    return ArticleFeatures(id=name * 8, headline=name, places=places)


def test_two_outbreaks_told_alike_in_two_countries_are_two_stories() -> None:
    """"Outbreak", "death toll", "health ministry": an epidemic in one country reads like one in
    another. Undated, nothing else tells them apart; their countries do, unless an article
    names both (a caravan from Honduras at the US border)."""
    from newsprism.stories.scoring import elsewhere

    index = StoryIndex(dim=2, weights=Weights(join=0.85, merge=9.0, elsewhere=0.3))
    alike = np.array([0.6, 0.8]), np.array([0.8, 0.6])  # cosine 0.96
    velmora = index.add(_placed("a", {"g:1": 0.9, "c:VL": 0.45}), alike[0]).story_id
    ostrova = index.add(_placed("b", {"g:2": 0.9, "c:OS": 0.45}), alike[1])
    assert ostrova.created  # 0.96 - 0.3 < 0.85
    follow = index.add(_placed("c", {"g:1": 0.7, "c:VL": 0.7}), alike[1])
    assert follow.story_id == velmora
    both = {"c:OS": 0.6, "c:VL": 0.3}
    assert elsewhere(both, {"c:VL": 1.0}) == 0.0 and elsewhere({}, {"c:VL": 1.0}) == 0.0
    assert elsewhere({"c:OS": 1.0}, {"c:VL": 1.0}) == 1.0
