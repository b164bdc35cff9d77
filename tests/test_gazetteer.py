"""The offline gazetteer: transliteration variants meet on one GeoNames place; full GeoNames
dumps load so villages resolve."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.understand.gazetteer import Gazetteer, GazetteerError
from newsprism.understand.toponyms import toponym_base_key, toponym_key

runner = CliRunner()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ein Al-Arab", "‘Ayn al ‘Arab"),
        ("Ras al-Ain", "Ra's al `Ayn"),
        ("Ras al-Ayn", "Ra’s al ‘Ayn"),
        ("Tal Abyad", "Tall Abyaḑ"),
        ("Hasakah", "Al Ḩasakah"),
    ],
)
def test_transliteration_variants_share_a_key(a: str, b: str) -> None:
    assert toponym_base_key(a) == toponym_base_key(b)


def test_keys_keep_what_distinguishes_places() -> None:
    assert toponym_key("Al Qamishli") == "al qamishli"
    assert toponym_base_key("Al Qamishli") == "qamishli"
    assert toponym_key("Kobani") != toponym_key("Kobane")  # spelling variants come from GeoNames


@pytest.mark.parametrize(
    ("name", "geonameid"),
    [
        ("Ein Al-Arab", 172256),  # ‘Ayn al ‘Arab, i.e. Kobani
        ("Kobani", 172256),
        ("Ras al-Ayn", 165509),  # Ra’s al ‘Ayn
        ("Ras al-Ain", 165509),
        ("Tal Abyad", 163750),  # Tall Abyaḑ
        ("al-Tabqah", 172374),  # Ath Thawrah / Al-Tabqa
        ("Qamishli", 173377),  # Al Qāmishlī
        ("Damascus", 170654),
    ],
)
def test_seed_place_names_find_their_geonames_entry(
    default_gazetteer: Gazetteer, name: str, geonameid: int
) -> None:
    candidates = {e.geonameid for e in default_gazetteer.lookup(name)}
    assert geonameid in candidates


def test_lookup_orders_by_main_name_then_population(default_gazetteer: Gazetteer) -> None:
    first = default_gazetteer.lookup("Damascus")[0]
    assert (first.country, first.geonameid) == ("SY", 170654)
    assert abs(first.lat - 33.51) < 0.1 and abs(first.lon - 36.29) < 0.1


@pytest.mark.parametrize(
    ("name", "code", "country", "admin1"),
    [
        ("United States", "PCLI", "US", None),
        ("U.S.", "PCLI", "US", None),
        ("Syria", "PCLI", "SY", None),
        ("Ohio", "ADM1", "US", "OH"),
        ("Rapides Parish", "ADM2", "US", "LA"),
        ("Europe", "CONT", None, None),
    ],
)
def test_default_has_countries_divisions_and_continents_with_points(
    default_gazetteer: Gazetteer, name: str, code: str, country: str | None, admin1: str | None
) -> None:
    first = default_gazetteer.lookup(name)[0]
    assert (first.feature_code, first.country, first.admin1) == (code, country, admin1)
    assert -90 <= first.lat <= 90 and -180 <= first.lon <= 180


def test_country_points_lie_inside_the_country(default_gazetteer: Gazetteer) -> None:
    us = default_gazetteer.lookup("United States")[0]  # the contiguous states, not Alaska
    assert 30 < us.lat < 45 and -105 < us.lon < -85
    syria = default_gazetteer.lookup("Syria")[0]
    assert 33 < syria.lat < 37 and 36 < syria.lon < 41


def test_demonyms_and_state_codes_are_names(default_gazetteer: Gazetteer) -> None:
    assert default_gazetteer.lookup("Syrian")[0].geonameid == 163843
    assert any(e.feature_code == "ADM1" and e.admin1 == "SC"
               for e in default_gazetteer.lookup("S.C."))  # fmt: skip


def test_a_gazetteer_reopens_its_connection_after_fork(default_gazetteer: Gazetteer) -> None:
    gaz = Gazetteer(default_gazetteer.path)
    before = gaz._db
    gaz._pid = -1  # as in a child process forked after the gazetteer was opened
    assert gaz._db is not before
    assert gaz.lookup("Damascus")[0].geonameid == 170654
    gaz.close()


def _geonames_row(gid: int, name: str, alternates: str, lat: float, lon: float, pop: int) -> str:
    cols = [str(gid), name, name, alternates, str(lat), str(lon), "P", "PPL", "SY", "",
            "01", "", "", "", str(pop), "", "300", "Asia/Damascus", "2024-01-01"]  # fmt: skip
    return "\t".join(cols) + "\n"


def test_load_a_country_dump_and_alternate_names(tmp_path: Path) -> None:
    # Fictional villages in the GeoNames country-file format, zipped as GeoNames serves them.
    table = _geonames_row(99000001, "Tall Zahr", "Tal Zahr,Tell Zahr", 36.9, 40.1, 0)
    table += _geonames_row(99000002, "Kharab Nur", "", 36.7, 40.3, 120)
    with zipfile.ZipFile(tmp_path / "XX.zip", "w") as archive:
        archive.writestr("XX.txt", table)
        archive.writestr("readme.txt", "GeoNames readme")
    (tmp_path / "alt.txt").write_text(
        "1\t99000002\ten\tKhirbet Nour\t\t\t\t\t\t\n2\t99000002\tlink\thttps://x.example\t\t\t\t\t\t\n",
        encoding="utf-8",
    )
    gazetteer = tmp_path / "g.sqlite"
    result = runner.invoke(
        app,
        [
            "gazetteer",
            "load",
            str(tmp_path / "XX.zip"),
            "--alternate-names",
            str(tmp_path / "alt.txt"),
            "--gazetteer",
            str(gazetteer),
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert "2 places" in result.output
    with Gazetteer(gazetteer) as gaz:
        assert [e.geonameid for e in gaz.lookup("Tal Zahr")] == [99000001]
        assert [e.geonameid for e in gaz.lookup("Khirbet Nour")] == [99000002]
        assert gaz.lookup("https://x.example") == []
    lookup = runner.invoke(app, ["gazetteer", "lookup", "Tell Zahr", "--gazetteer", str(gazetteer)])
    assert lookup.exit_code == 0 and "99000001" in lookup.output


def test_loading_the_wrong_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "alt.txt").write_text("1\t99000002\ten\tKhirbet Nour\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["gazetteer", "load", str(tmp_path / "alt.txt"), "--gazetteer", str(tmp_path / "g.sqlite")],
    )
    assert result.exit_code == 2
    assert "alt.txt:1" in result.output and "--alternate-names" in result.output
    assert "Traceback" not in result.output


def test_a_gazetteer_built_with_other_keys_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Gazetteer(path) as gaz:
        gaz.set_meta("key_version", "0")
    with pytest.raises(GazetteerError, match="delete it and load it again"):
        Gazetteer(path)
    result = runner.invoke(app, ["gazetteer", "lookup", "Damascus", "--gazetteer", str(path)])
    assert result.exit_code == 2
    assert "delete it and load it again" in result.output and "Traceback" not in result.output


def test_a_file_that_is_not_a_gazetteer_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database file at all, just some text" * 40)
    result = runner.invoke(app, ["gazetteer", "lookup", "Damascus", "--gazetteer", str(junk)])
    assert result.exit_code == 2
    assert "is not a newsprism gazetteer" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_the_default_gazetteer_is_built_in_a_process_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the packaged tables peaks at some 300 MB: a run's process (a Dask run's client)
    must not carry that peak, so the first open builds in a child process."""
    from newsprism.understand.gazetteer import packaged

    def built_here(_gazetteer: Gazetteer) -> None:
        raise AssertionError("the default gazetteer was built in the calling process")

    monkeypatch.setenv("NEWSPRISM_GAZETTEER", str(tmp_path / "fresh.sqlite"))
    monkeypatch.setattr(packaged, "build_default", built_here)
    with Gazetteer.open_default() as gazetteer:
        assert gazetteer.meta("default") is not None
        assert any(p.country == "SY" for p in gazetteer.lookup("Aleppo"))


def test_where_no_process_can_start_the_default_gazetteer_is_built_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsprism.understand.gazetteer import packaged

    built: list[Path] = []

    def build_here(gazetteer: Gazetteer) -> None:
        built.append(gazetteer.path)
        gazetteer.set_meta("default", "test")

    monkeypatch.setenv("NEWSPRISM_GAZETTEER", str(tmp_path / "fresh.sqlite"))
    monkeypatch.setattr(packaged.sys, "executable", str(tmp_path / "no-python"))
    monkeypatch.setattr(packaged, "build_default", build_here)
    with Gazetteer.open_default() as gazetteer:
        assert gazetteer.meta("default") == "test"
    assert built == [tmp_path / "fresh.sqlite"]
