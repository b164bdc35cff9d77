"""The command line as a user runs it: summary, exit codes, options."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click
import pytest
from typer.testing import CliRunner

from examples_store import analyzed_examples
from newsprism import open_corpus
from newsprism.cli import app

runner = CliRunner()


def test_analyze_prints_summary_and_writes_report(
    expected: dict, examples_dir: Path, tmp_path: Path
) -> None:
    db, report = tmp_path / "e.db", tmp_path / "e.html"
    result = runner.invoke(
        app, ["analyze", str(examples_dir), "--db", str(db), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "new articles stored" in result.output
    assert "broken-feed.xml" in result.output  # errors are listed
    assert "warning" in result.output
    assert report.exists()
    again = runner.invoke(app, ["analyze", str(examples_dir), "--db", str(db)])
    assert again.exit_code == 0
    with open_corpus(db) as corpus:
        assert len(corpus) == expected["articles_stored"]


def test_strict_fails_on_input_errors(examples_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["analyze", str(examples_dir), "--db", str(tmp_path / "s.db"), "--strict"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["analyze", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "n.db")]
    )
    assert result.exit_code == 2
    assert "nothing readable" in result.output


def test_outlet_option_fills_only_unknown_outlets(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plain.txt").write_text(
        "Rain floods the valley\n\nHeavy rain flooded the valley road on Monday, officials said.\n",
        encoding="utf-8",
    )
    (tmp_path / "in" / "tagged.jsonl").write_text(
        json.dumps(
            {
                "text": "The ferry service resumed on Tuesday after the storm passed.",
                "outlet": "Harbor Wire",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "o.db"
    result = runner.invoke(
        app, ["analyze", str(tmp_path / "in"), "--db", str(db), "--outlet", "Valley Times"]
    )
    assert result.exit_code == 0, result.output
    with open_corpus(db) as corpus:
        outlets = {
            Path(a["source"]).name: (a["outlet"], a["outlet_source"]) for a in corpus.articles()
        }
    assert outlets["plain.txt"] == ("Valley Times", "cli")
    assert outlets["tagged.jsonl:1"] == ("Harbor Wire", "metadata")


def test_field_mapping_errors_are_clear(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["analyze", str(tmp_path), "--db", str(tmp_path / "f.db"), "--field", "txt=body"]
    )
    assert result.exit_code == 2
    assert "unknown field" in result.output


def test_bad_store_url_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["analyze", str(tmp_path), "--db", "postgresql://nobody@127.0.0.1:1/x"]
    )
    assert result.exit_code == 2
    assert "cannot open the store" in result.output
    assert "Traceback" not in result.output


def test_store_failure_mid_run_is_a_clear_error_and_keeps_what_was_stored(
    expected: dict, examples_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from newsprism.store.store import Store

    real_save = Store.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr("newsprism.stages.ingest.Store.save", failing_save)
    monkeypatch.setattr("newsprism.ingest.process.BATCH_DOCUMENTS", 2)
    db = tmp_path / "f.db"
    result = runner.invoke(app, ["analyze", str(examples_dir), "--db", str(db)])
    assert result.exit_code == 3
    assert "run the same command again" in result.output
    assert "Traceback" not in result.output
    with open_corpus(db) as corpus:
        kept = len(corpus)
    assert 0 < kept < expected["articles_stored"]
    monkeypatch.setattr("newsprism.stages.ingest.Store.save", real_save)
    again = runner.invoke(app, ["analyze", str(examples_dir), "--db", str(db)])
    assert again.exit_code == 0
    with open_corpus(db) as corpus:
        assert len(corpus) == expected["articles_stored"]


def test_near_duplicate_threshold_option(examples_dir: Path, tmp_path: Path) -> None:
    strict = runner.invoke(
        app,
        ["analyze", str(examples_dir), "--db", str(tmp_path / "a.db"), "--near-duplicate", "0.99"],
    )
    assert strict.exit_code == 0, strict.output
    with open_corpus(tmp_path / "a.db") as corpus:
        assert corpus.duplicate_groups() == []  # the syndicated copy differs by a few words
    loose = runner.invoke(
        app,
        ["analyze", str(examples_dir), "--db", str(tmp_path / "b.db"), "--near-duplicate", "0.8"],
    )
    assert loose.exit_code == 0, loose.output
    with open_corpus(tmp_path / "b.db") as corpus:
        assert len(corpus.duplicate_groups()) == 1


def test_rescan_reads_unchanged_files_again(
    expected: dict, examples_dir: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "r.db")
    assert runner.invoke(app, ["analyze", str(examples_dir), "--db", db]).exit_code == 0
    skipped = runner.invoke(app, ["analyze", str(examples_dir), "--db", db])
    rescanned = runner.invoke(app, ["analyze", str(examples_dir), "--db", db, "--rescan"])
    assert skipped.exit_code == rescanned.exit_code == 0

    def row(output: str, name: str) -> str:
        return next(line for line in output.splitlines() if name in line)

    files = sum(1 for p in examples_dir.rglob("*") if p.is_file() and p.suffix != ".md")
    assert row(skipped.output, "unchanged files skipped").split()[-2] == str(files)
    assert row(rescanned.output, "unchanged files skipped").split()[-2] == "0"
    assert row(rescanned.output, "already in the store").split()[-2] == str(
        expected["articles_stored"]
    )


def test_version_is_printed(tmp_path: Path) -> None:
    from newsprism import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"newsprism {__version__}"


def test_a_filter_naming_nothing_raises_with_the_valid_names(tmp_path: Path) -> None:
    import pytest

    from newsprism.api import analyze

    (tmp_path / "a.txt").write_text(
        "The harbour authority in Velmora said the eastern pier will close for six weeks.",
        encoding="utf-8",
    )
    with analyze(tmp_path, db=tmp_path / "s.db", workers=1, understand=False) as corpus:
        assert corpus.claims("corroborated") == []
        with pytest.raises(ValueError, match="did you mean 'corroborated'.*single-source"):
            corpus.claims("Corroborated")
        with pytest.raises(ValueError, match="unknown verdict 'bogus'"):
            corpus.claims("bogus")
        with pytest.raises(ValueError, match="did you mean 'Loaded_Language'"):
            corpus.techniques("loaded language")


def test_analyze_help_names_what_to_give_not_python_types() -> None:
    result = runner.invoke(app, ["analyze", "--help"])
    said = " ".join(result.output.replace("│", " ").split())  # the table's borders out
    assert result.exit_code == 0
    for python_type in ("<str>", "<path>", "<float>", "<list[str]>", "<int"):
        assert python_type not in said, python_type
    for metavar in ("FILE_OR_URL", "FIELD=COLUMN", "MB", "JACCARD"):
        assert metavar in said
    assert "(all cores)" in said and "[default: 2]" not in said


# -- help, version ----------------------------------------------------------------------------

PYTHON_TYPE = re.compile(r"<(?:bool|str|int|float|path|Path|list\[[^\]]*\]|[a-z]+ range)>")


def _command_paths(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _command_paths(sub, (*path, name))
    return paths


def test_no_command_help_shows_python_types() -> None:
    import typer

    paths = _command_paths(typer.main.get_command(app))
    assert ("query",) in paths and ("info",) in paths and ("gazetteer", "load") in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], terminal_width=200)
        assert result.exit_code == 0, (path, result.output)
        assert not PYTHON_TYPE.search(result.output), (path, PYTHON_TYPE.search(result.output))
        assert "[default: 2]" not in result.output


def test_export_help_lists_the_record_types_and_the_csv_layout() -> None:
    from newsprism.show.export_records import RECORD_TYPES

    result = runner.invoke(app, ["export", "--help"], terminal_width=200)
    said = " ".join(result.output.replace("│", " ").split())
    assert all(kind in said for kind in RECORD_TYPES)
    assert "claim.evidence.csv" in said and "jsonl|csv|geojson|framing" in said


# -- nothing is created by a mistake ----------------------------------------------------------


def test_analyze_of_nothing_that_exists_stops_before_creating_a_store(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = runner.invoke(app, ["analyze", str(tmp_path / "nothere"), "--db", str(db)])
    assert result.exit_code == 2
    assert "nothing to analyze: no such file or directory" in result.output
    assert list(tmp_path.iterdir()) == []


def test_info_and_query_never_create_a_store(tmp_path: Path) -> None:
    for args in (["info"], ["query", "article"]):
        result = runner.invoke(app, [*args, "--db", str(tmp_path / "typo.db")])
        assert result.exit_code == 2 and "no store at" in result.output
    assert list(tmp_path.iterdir()) == []


# -- the summary, info and query on the example corpus ---------------------------------------


def _row(output: str, name: str) -> list[str]:
    line = next(line for line in output.splitlines() if name in line)
    return line.split("│")[-2].split(" / ")


def test_summary_verdict_counts_are_the_stores_and_the_run_count_says_what_it_is() -> None:
    from newsprism.crosscheck.verdicts import VERDICTS

    examples = analyzed_examples()
    stored = [int(n) for n in _row(examples.output, "claim groups in the store")]
    with open_corpus(examples.db) as corpus:
        verdicts = [c["verdict"] for c in corpus.claims()]
    assert stored == [verdicts.count(v) for v in VERDICTS]
    assert "verdicts given this run (a group" in examples.output  # named apart from them


def test_info_shows_counts_outlets_dates_and_versions() -> None:
    from newsprism import __version__

    db = str(analyzed_examples().db)
    result = runner.invoke(app, ["info", "--db", db], terminal_width=200)
    assert result.exit_code == 0, result.output
    for said in (f"newsprism {__version__}", "2031-03-13 to 2031-03-17 (2 undated)",
                 "Valley Post 3", "claim records", "schema version"):  # fmt: skip
        assert said in result.output, said
    as_json = runner.invoke(app, ["info", "--db", db, "--format", "json"])
    facts = json.loads(as_json.stdout)
    with open_corpus(db) as corpus:
        assert facts["records"]["claim"] == len(corpus.claims())
        assert facts["records"]["article"] == len(corpus) == 12
    assert facts["written_by"] == __version__


def test_query_filters_and_writes_table_jsonl_and_flat_csv() -> None:
    db = str(analyzed_examples().db)
    table = runner.invoke(app, ["query", "claim", "--db", db, "--where", "verdict=contradicted"],
                          terminal_width=200)  # fmt: skip
    assert table.exit_code == 0, table.output
    assert "1 claim records" in table.output and "contradicted" in table.output
    lines = runner.invoke(app, ["query", "article", "--db", db, "--format", "jsonl",
                                "--where", "outlet=valley post", "--limit", "2"])  # fmt: skip
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [r["outlet"] for r in records] == ["Valley Post"] * 2
    assert "1 more" in lines.stderr
    flat = runner.invoke(app, ["query", "claim", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(flat.stdout)))
    assert rows and "statement.value" in rows[0] and "statement" not in rows[0]
    assert not [v for r in rows for v in r.values() if v and v[0] in "[{"]  # no JSON in cells
    picked = runner.invoke(app, ["query", "story", "--db", db, "--format", "csv",
                                 "--fields", "id,size"])  # fmt: skip
    assert picked.stdout.splitlines()[0] == "id,size"


@pytest.mark.parametrize(("args", "said"), [
    (["query", "claims"], "unknown record type 'claims': use one of article, entity"),
    (["query", "claim", "--where", "verdikt=x"], "unknown field 'verdikt' of claim records"),
    (["query", "claim", "--where", "verdict=confirmed"], "unknown verdict 'confirmed'"),
    (["query", "claim", "--fields", "id,nope"], "unknown field 'nope'"),
    (["query", "claim", "--format", "xml"], "unknown format 'xml'"),
])  # fmt: skip
def test_query_mistakes_are_errors_listing_what_is_valid(args: list[str], said: str) -> None:
    result = runner.invoke(app, [*args, "--db", str(analyzed_examples().db)])
    assert result.exit_code == 2
    assert said in " ".join(result.output.split())


def test_csv_export_is_flat_with_each_list_in_a_linked_csv(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path),
                                 "--db", str(analyzed_examples().db)])  # fmt: skip
    assert result.exit_code == 0, result.output

    def rows(name: str) -> list[dict[str, str]]:
        with (tmp_path / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    claims = {c["id"]: c for c in rows("claim.csv")}
    assert "statement.value" in next(iter(claims.values()))
    evidence = rows("claim.evidence.csv")
    assert list(evidence[0])[:4] == ["type", "id", "position", "claim_id"]
    assert {e["id"] for e in evidence} <= set(claims)
    for claim_id, claim in claims.items():  # the list column is the count of its linked rows
        assert int(claim["evidence"]) == sum(1 for e in evidence if e["id"] == claim_id)
    alternatives = rows("technique.alternatives.csv")
    assert alternatives and {"technique", "probability"} <= set(alternatives[0])
    assert (tmp_path / "story.aliases.csv").exists()  # every list field, empty or not
    for path in tmp_path.glob("*.csv"):
        cells = [v for r in rows(path.name) for v in r.values()]
        assert not [v for v in cells if v and v[0] in "[{"], path.name


def test_info_and_query_read_sqlite_and_postgresql(db_target: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "pier.txt").write_text(
        "Pier closes for repairs\n\nThe harbour authority in Velmora said the eastern pier "
        "will close for six weeks.\n", encoding="utf-8",
    )  # fmt: skip
    analyzed = runner.invoke(app, ["analyze", str(tmp_path / "in"), "--db", db_target,
                                   "--no-understand", "--outlet", "Harbour News",
                                   "--no-progress"])  # fmt: skip
    assert analyzed.exit_code == 0, analyzed.output
    info = runner.invoke(app, ["info", "--db", db_target, "--format", "json"])
    assert json.loads(info.stdout)["outlets"] == [["Harbour News", 1]]
    found = runner.invoke(app, ["query", "article", "--db", db_target, "--format", "jsonl",
                                "--where", "title~pier"])  # fmt: skip
    assert [json.loads(x)["outlet"] for x in found.stdout.splitlines()] == ["Harbour News"]
