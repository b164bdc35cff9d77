"""Outlets are real and users can name them: a file name names a domain only under a real
public suffix, and the outlet manifest (`--outlets FILE`) is the user's word over any guess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.ingest.provenance import domain_in_path
from newsprism.store.store import database_url

runner = CliRunner()

# Invented news prose, one paragraph per file, distinct enough that none is a copy of another.
TEXTS = [
    "The harbour authority in Velmora closed the eastern pier on Tuesday for six weeks of "
    "repairs, and fishing crews were told to land their catch at the southern docks.",
    "Schools across the northern district reopened after a week of heavy snow, and the "
    "district promised to review its winter bus timetable before next year.",
    "A bakery on Linden Street won the regional bread prize for its dark rye loaf, and its "
    "owner said the prize money would pay for a second oven.",
    "Engineers found cracks in two stone arches of the old rail bridge over the Keth, and "
    "freight trains will slow to walking pace until the council decides on repairs.",
    "The city orchestra played its first concert in the restored market hall on Saturday, "
    "and the conductor thanked the volunteers who had painted the hall all winter.",
    "Ferry crossings to the outer islands were cancelled for a third day as gales swept the "
    "coast, and the coast guard flew medicine to the island clinic.",
    "The regional football league moved its final to a smaller stadium after the pitch at "
    "the river ground flooded during the spring storms.",
    "Passengers on the night flight from Dravik waited four hours on the runway while "
    "mechanics replaced a faulty valve in the left engine.",
]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _analyze(*args: str | Path) -> str:
    result = runner.invoke(
        app, ["analyze", *map(str, args), "--no-understand", "--workers", "1", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _exported_articles(db: Path | str, tmp_path: Path) -> dict[str, dict]:
    """Article records as `newsprism export` writes them, by file name."""
    out = tmp_path / "export.jsonl"
    result = runner.invoke(
        app, ["export", "--format", "jsonl", "--out", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {Path(r["source"]).name: r for r in records if r["type"] == "article"}


# -- outlets from file names --------------------------------------------------------------------


def test_words_joined_by_dots_in_file_names_are_not_outlets(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder / "premier.league.3.txt", TEXTS[6])
    _write(folder / "malaysia.airlines.flight.10.txt", TEXTS[7])
    _write(folder / "bbc.co.uk-article.txt", TEXTS[0])
    _write(folder / "rt.com_2019-10-20_story.txt", TEXTS[1])
    _write(
        folder / "www.aljazeera.com_2019.html",
        f"<html><head><title>Snow days end</title></head><body><article><h1>Snow days end</h1>"
        f"<p>{TEXTS[2]}</p><p>{TEXTS[3]}</p></article></body></html>",
    )
    db = tmp_path / "names.db"
    output = _analyze(folder, "--db", db)
    assert "premier.league" not in output and "airlines.flight" not in output
    articles = _exported_articles(db, tmp_path)
    outlets = {name: (a["outlet"], a["outlet_source"]) for name, a in articles.items()}
    assert outlets == {
        "premier.league.3.txt": (None, None),
        "malaysia.airlines.flight.10.txt": (None, None),
        "bbc.co.uk-article.txt": ("bbc.co.uk", "filename"),
        "rt.com_2019-10-20_story.txt": ("rt.com", "filename"),
        "www.aljazeera.com_2019.html": ("aljazeera.com", "filename"),
    }
    assert articles["premier.league.3.txt"]["domain"] is None


@pytest.mark.parametrize(
    ("source", "domain"),
    [
        ("in/bbc.co.uk-article.txt", "bbc.co.uk"),
        ("in/rt.com.2019-10-20.txt", "rt.com"),
        ("in/feeds.zip!/news.example.co.uk/item.txt", "news.example.co.uk"),
        ("in/harborwire.example_story.txt", "harborwire.example"),  # RFC 2606: fiction's TLD
        ("in/premier.league.3.txt", None),
        ("in/news.sky.com_weather.txt", "news.sky.com"),
        ("in/league.final.txt", "league.final"),  # .final is a TLD
        ("in/world.cup.final.txt", None),  # but three words are not a domain under it
        ("in/cypriot.financial.crisis.5.txt", None),  # nor two words with more after them
        ("in/notes.md.txt", None),  # .md is a TLD, but here it names a file type
        ("in/co.uk-story.txt", None),  # a suffix alone is no domain
    ],
)
def test_domain_in_path_needs_a_public_suffix(source: str, domain: str | None) -> None:
    assert domain_in_path(source) == domain


# -- the outlet manifest ------------------------------------------------------------------------


@pytest.fixture
def mixed_sources(tmp_path: Path) -> Path:
    """One article per way an outlet can be found: a bare file, a file-name domain, metadata
    with a URL, a folder, and nothing at all."""
    folder = tmp_path / "in"
    _write(folder / "seeds" / "000_f7ab.txt", TEXTS[0])
    _write(folder / "harborwire.example_ferry.txt", TEXTS[1])
    record = {
        "text": TEXTS[2],
        "outlet": "Valley Post (as its feed says)",
        "url": "https://news.valleypost.example/2031/03/15/bakery",
    }
    _write(folder / "records.jsonl", json.dumps(record) + "\n")
    _write(folder / "rt" / "story.txt", TEXTS[3])
    _write(folder / "plain.txt", TEXTS[4])
    _write(folder / "bbc.co.uk-article.txt", TEXTS[5])
    return folder


MANIFEST = """match,outlet,country,notes
seeds/000_*.txt,Seed Desk,,invented for the seeds
harborwire.example,Harbor Wire,GB,"wire service, syndicated widely"
valleypost.example,The Valley Post,US,
rt.com,RT,RU,state-funded broadcaster
*/rt/*,RT,,
"""


def test_manifest_names_outlets_over_every_other_guess(
    mixed_sources: Path, tmp_path: Path
) -> None:
    manifest = tmp_path / "outlets.csv"
    _write(manifest, MANIFEST)
    db = tmp_path / "m.db"
    _analyze(mixed_sources, "--db", db, "--outlets", manifest, "--outlet", "Fallback Times")
    articles = _exported_articles(db, tmp_path)
    found = {
        name: (a["outlet"], a["outlet_source"], a["outlet_country"], a["outlet_notes"])
        for name, a in articles.items()
    }
    assert found == {
        "000_f7ab.txt": ("Seed Desk", "manifest", None, "invented for the seeds"),
        # over the domain in the file name
        "harborwire.example_ferry.txt": (
            "Harbor Wire", "manifest", "GB", "wire service, syndicated widely",
        ),
        # over the record's own outlet field, by the host of its URL (a subdomain)
        "records.jsonl:1": ("The Valley Post", "manifest", "US", None),
        # a folder glob; the country comes from the outlet's other row
        "story.txt": ("RT", "manifest", "RU", "state-funded broadcaster"),
        "plain.txt": ("Fallback Times", "cli", None, None),
        "bbc.co.uk-article.txt": ("bbc.co.uk", "filename", None, None),
    }  # fmt: skip


def test_manifest_in_python_api_and_yaml(mixed_sources: Path, tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    import newsprism

    manifest = tmp_path / "outlets.yaml"
    _write(
        manifest,
        "# the user's own outlets\n"
        "- match: harborwire.example\n  outlet: Harbor Wire\n  country: NO\n"
        "- {match: '*/rt/*', outlet: RT, notes: 'state-funded: by the state'}\n",
    )
    with newsprism.analyze(
        mixed_sources, tmp_path / "y.db", outlets=manifest, workers=1, understand=False
    ) as corpus:
        by_name = {Path(a["source"]).name: a for a in corpus.articles()}
    wire, rt = by_name["harborwire.example_ferry.txt"], by_name["story.txt"]
    assert (wire["outlet"], wire["outlet_country"]) == ("Harbor Wire", "NO")  # not False
    assert (rt["outlet"], rt["outlet_notes"]) == ("RT", "state-funded: by the state")
    assert by_name["records.jsonl:1"]["outlet"] == "Valley Post (as its feed says)"


def test_edited_manifest_updates_stored_outlets(mixed_sources: Path, tmp_path: Path) -> None:
    manifest, db = tmp_path / "outlets.csv", tmp_path / "e.db"
    _write(manifest, MANIFEST)
    _analyze(mixed_sources, "--db", db, "--outlets", manifest)
    _write(manifest, MANIFEST.replace("GB,", "Ostravia,"))
    output = _analyze(mixed_sources, "--db", db, "--outlets", manifest)
    assert "unchanged files skipped" in output
    wire = _exported_articles(db, tmp_path)["harborwire.example_ferry.txt"]
    assert wire["outlet_country"] == "Ostravia"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, ": no such outlet manifest"),
        ("domain,outlet\nrt.com,RT\n", ", line 1: unknown column 'domain'"),
        ("match,country\nrt.com,RU\n", ", line 1: no 'outlet' column"),
        ("match,outlet\nrt.com,RT\n,\n", ", line 3: empty row"),
        ("match,outlet\nrt.com,RT\n\n*/rt/*,\n", ", line 4: no outlet"),
        ("match,outlet\nrt.com,RT\nrt.com,RT\n", ", line 3: 'rt.com' is already matched on line 2"),
        (
            "match,outlet,country\nrt.com,RT,RU\n*/rt/*,RT,GB\n",
            ", line 3: 'RT' has country 'GB' here and 'RU' on line 2",
        ),
        ("match,outlet\n", ": the outlet manifest has no rows"),
        ("match,outlet\n[ab]*,X,extra\n", ", line 2: 3 values for 2 columns"),
    ],
)
def test_bad_manifest_is_a_one_line_error_before_anything_is_stored(
    tmp_path: Path, content: str | None, message: str
) -> None:
    _write(tmp_path / "in" / "plain.txt", TEXTS[0])
    manifest, db = tmp_path / "outlets.csv", tmp_path / "bad.db"
    if content is not None:
        _write(manifest, content)
    result = runner.invoke(
        app, ["analyze", str(tmp_path / "in"), "--db", str(db), "--outlets", str(manifest)]
    )
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"error: {manifest}{message}"), line
    assert not db.exists()


# -- stores made before outlets had a country --------------------------------------------------


def test_store_from_before_gets_the_outlet_columns(
    db_target: str, mixed_sources: Path, tmp_path: Path
) -> None:
    _analyze(mixed_sources / "seeds", "--db", db_target, "--outlet", "Old Desk")
    engine = create_engine(database_url(db_target))
    with engine.begin() as conn:  # as a store made before the columns were
        for column in ("country", "notes"):
            conn.exec_driver_sql(f"ALTER TABLE outlet DROP COLUMN {column}")

    before = _exported_articles(db_target, tmp_path)  # opening it adds them back
    assert before["000_f7ab.txt"]["outlet"] == "Old Desk"
    assert before["000_f7ab.txt"]["outlet_country"] is None
    assert {"country", "notes"} <= {c["name"] for c in inspect(engine).get_columns("outlet")}
    engine.dispose()

    manifest = tmp_path / "outlets.csv"
    _write(manifest, MANIFEST)
    _analyze(mixed_sources, "--db", db_target, "--outlets", manifest)
    after = _exported_articles(db_target, tmp_path)
    assert after["harborwire.example_ferry.txt"]["outlet_country"] == "GB"
    # stored before the manifest: it keeps its outlet (see the README)
    assert after["000_f7ab.txt"]["outlet"] == "Old Desk"
