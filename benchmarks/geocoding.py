"""Geocoding benchmark: how far newsprism puts each place from where the gold data says it is.

    .venv/bin/python benchmarks/geocoding.py [FILES...]

Defaults to ../shared/data/geoparsing/GWN.xml and lgl.xml (GeoWebNews and LGL). Any file in
either format works: LGL-style (<toponym><start/><end/><gaztag><lat/><lon/></gaztag>) or
GWN-style (<toponym><start/><end/><latitude/><longitude/>). Only toponyms with coordinates are
scored (in GeoWebNews about 2,600 of 6,600: the rest are expressions such as "citizens", or
names the annotators did not geolocate).

Metrics as in Gritta et al., "A pragmatic guide to geoparsing evaluation" (2019):
- acc@161: share of toponyms placed within 161 km (100 miles) of gold;
- AUC: area under the curve of sorted log(1 + error km), normalised by log(20039), the largest
  error possible on Earth; lower is better. An unresolved toponym counts as 20,039 km off.

Two modes:
(a) gold spans: resolve_places on the gold toponym spans (geocoding alone);
(b) end to end: spaCy + find_places; detection precision/recall/F1 of toponym spans (exact
    offsets, and overlapping), then acc@161 and AUC on the gold toponyms a detected span
    overlaps.
Speed: find_places time next to the bare spaCy parse of the same texts in the same run.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [ROOT.parent / "shared" / "data" / "geoparsing" / n for n in ("GWN.xml", "lgl.xml")]
MAX_KM = 20039.0
ACC_KM = 161.0


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Article:
    text: str
    toponyms: list[Toponym]


def _float(element: ET.Element, *paths: str) -> float | None:
    for path in paths:
        value = element.findtext(path)
        if value and value.strip():
            return float(value)
    return None


def read_corpus(path: Path) -> list[Article]:
    """Articles of an LGL-style or GWN-style XML file."""
    articles = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        toponyms = []
        for t in article.iter("toponym"):
            start, end = t.findtext("start"), t.findtext("end")
            if start is None or end is None:
                continue
            lat = _float(t, "gaztag/lat", "latitude", "lat")
            lon = _float(t, "gaztag/lon", "longitude", "lon")
            toponyms.append(Toponym(int(start), int(end), lat, lon))
        articles.append(Article(text, sorted(toponyms, key=lambda x: x.start)))
    return articles


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def error_km(gold: Toponym, lat: float | None, lon: float | None) -> float:
    if lat is None or lon is None or gold.lat is None or gold.lon is None:
        return MAX_KM
    return haversine_km(gold.lat, gold.lon, lat, lon)


def accuracy(errors: list[float]) -> float:
    return sum(e < ACC_KM for e in errors) / len(errors) if errors else 0.0


def auc(errors: list[float]) -> float:
    """Area under the sorted log-error curve (trapezoids), normalised to 0..1; lower is better."""
    if not errors:
        return 0.0
    logs = sorted(math.log(1 + min(e, MAX_KM)) for e in errors)
    if len(logs) == 1:
        return logs[0] / math.log(1 + MAX_KM)
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:], strict=False))
    return area / ((len(logs) - 1) * math.log(1 + MAX_KM))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def gold_span_errors(articles: list[Article], gazetteer) -> tuple[list[float], list[str]]:  # noqa: ANN001
    from newsprism.understand.places import resolve_places

    errors, worst = [], []
    for article in articles:
        scored = [t for t in article.toponyms if t.lat is not None]
        found = resolve_places(article.text, [(t.start, t.end) for t in scored], gazetteer)
        for gold, place in zip(scored, found, strict=True):
            e = error_km(gold, place.lat, place.lon)
            errors.append(e)
            if e >= ACC_KM:
                worst.append(f"{place.text!r} -> {place.name} ({place.country}) {e:.0f} km")
    return errors, worst


def end_to_end(articles: list[Article], gazetteer, nlp) -> dict[str, float]:  # noqa: ANN001
    from newsprism.understand.places import find_places

    texts = [a.text for a in articles]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = [find_places(doc, gazetteer) for doc in docs]
    places_s = time.perf_counter() - t0
    exact = overlap = n_pred = n_gold = 0
    errors: list[float] = []
    for article, places in zip(articles, found, strict=True):
        gold = [t for t in article.toponyms if t.lat is not None]
        n_pred += len(places)
        n_gold += len(gold)
        spans = {(p.start, p.end) for p in places}
        exact += sum((t.start, t.end) in spans for t in gold)
        for t in gold:
            match = next((p for p in places if p.start < t.end and t.start < p.end), None)
            if match is not None:
                overlap += 1
                errors.append(error_km(t, match.lat, match.lon))
    p_exact, r_exact = exact / max(n_pred, 1), exact / max(n_gold, 1)
    p_over, r_over = overlap / max(n_pred, 1), overlap / max(n_gold, 1)
    return {
        "p": p_exact, "r": r_exact, "f1": _f1(p_exact, r_exact),
        "p_overlap": p_over, "r_overlap": r_over, "f1_overlap": _f1(p_over, r_over),
        "acc": accuracy(errors), "auc": auc(errors), "matched": len(errors),
        "parse_s": parse_s, "places_s": places_s,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles of each")
    parser.add_argument("--gold-only", action="store_true", help="skip the end-to-end mode")
    parser.add_argument("--errors", type=int, default=0, help="print N misplaced toponyms")
    args = parser.parse_args(argv)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2

    from newsprism.understand.gazetteer import Gazetteer

    t0 = time.perf_counter()
    gazetteer = Gazetteer.open_default()
    print(f"gazetteer: {gazetteer.count():,} places ({time.perf_counter() - t0:.1f} s to open)")
    nlp = None
    if not args.gold_only:
        from newsprism.understand.nlp import load_nlp

        nlp = load_nlp()
    lines = []
    for path in args.files:
        articles = read_corpus(path)
        if args.limit:
            articles = articles[: args.limit]
        total = sum(len(a.toponyms) for a in articles)
        errors, worst = gold_span_errors(articles, gazetteer)
        print(f"{path.name}: {len(articles)} articles, {len(errors)} of {total} toponyms "
              "have coordinates and are scored")  # fmt: skip
        for line in worst[: args.errors]:
            print("  ", line)
        lines.append(
            f"{path.name} gold spans: acc@161 {accuracy(errors):.3f}  AUC {auc(errors):.3f}  "
            f"(n={len(errors)})"
        )
        if nlp is not None:
            e2e = end_to_end(articles, gazetteer, nlp)
            lines.append(
                f"{path.name} end to end: detection P {e2e['p']:.3f} R {e2e['r']:.3f} "
                f"F1 {e2e['f1']:.3f} (overlap: P {e2e['p_overlap']:.3f} R {e2e['r_overlap']:.3f}"
                f" F1 {e2e['f1_overlap']:.3f}); on {e2e['matched']} detected: "
                f"acc@161 {e2e['acc']:.3f}  AUC {e2e['auc']:.3f}"
            )
            lines.append(
                f"{path.name} speed: find_places {e2e['places_s']:.2f} s vs spaCy parse "
                f"{e2e['parse_s']:.2f} s = {e2e['places_s'] / e2e['parse_s']:.1%} of the parse"
            )
    print()
    print("\n".join(lines))
    files = " ".join(str(f) for f in (sys.argv[1:] if argv is None else argv))
    print(f"rerun: .venv/bin/python benchmarks/geocoding.py {files}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
