"""The command line as a user runs it: summary, exit codes, options."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

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

    def failing_save(self, *args):  # noqa: ANN001, ANN002, ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_save(self, *args)

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
