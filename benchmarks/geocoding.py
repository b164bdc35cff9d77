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
(c) --cv: the learned place ranker evaluated by 5-fold cross-validation by article over the
    given files (newsprism.training.geocoding): acc@161 and AUC given gold spans for the rules
    and for the ranker, each article ranked by a model that never saw it, and the ranker's
    calibration (acc@161 per confidence decile). Use it for the files the shipped model was
    trained on (GeoWebNews, LGL): (a) and (b) on them would score the ranker on its training
    articles.
Modes (a) and (b) use the default resolution (see places.resolution.USE_RANKER); --rules forces
the rules alone, --ranker the packaged model; both print accuracy per confidence decile.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from newsprism.training.geocoding import (
    ACC_KM,
    Article,
    accuracy,
    auc,
    cross_validate,
    error_km,
    read_corpus,
    report,
    scored_toponyms,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [ROOT.parent / "shared" / "data" / "geoparsing" / n for n in ("GWN.xml", "lgl.xml")]
__all__ = ["Article", "read_corpus", "error_km", "accuracy", "auc"]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def calibration_lines(errors: list[float], confidences: list[float]) -> list[str]:
    """acc@161 per confidence decile."""
    lines = []
    for d in range(10):
        inside = [e for e, c in zip(errors, confidences, strict=True)
                  if d / 10 <= c < (d + 1) / 10 or (d == 9 and c >= 1.0)]  # fmt: skip
        acc = f"{accuracy(inside):.3f}" if inside else "    -"
        lines.append(f"  confidence {d / 10:.1f}-{(d + 1) / 10:.1f}: {len(inside):5d}  {acc}")
    return lines


def gold_span_errors(
    articles: list[Article],
    gazetteer,
    ranker: bool | None = None,
    confidences: list[float] | None = None,
) -> tuple[list[float], list[str]]:
    from newsprism.understand.places import resolve_places

    errors, worst = [], []
    for article in articles:
        scored = [t for t in article.toponyms if t.lat is not None]
        spans = [(t.start, t.end) for t in scored]
        found = resolve_places(article.text, spans, gazetteer, ranker=ranker)
        for gold, place in zip(scored, found, strict=True):
            e = error_km(gold, place.lat, place.lon)
            errors.append(e)
            if confidences is not None:
                confidences.append(place.confidence)
            if e >= ACC_KM:
                worst.append(f"{place.text!r} -> {place.name} ({place.country}) {e:.0f} km")
    return errors, worst


def end_to_end(
    articles: list[Article],
    gazetteer,
    nlp,
    ranker: bool | None = None,
) -> dict[str, float]:
    from newsprism.understand.places import find_places

    texts = [a.text for a in articles]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = [find_places(doc, gazetteer, ranker=ranker) for doc in docs]
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
    parser.add_argument(
        "--cv",
        action="store_true",
        help="cross-validate the learned ranker by article over the files (only)",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--rules", action="store_true", help="resolve by the rules alone")
    which.add_argument("--ranker", action="store_true", help="resolve with the packaged ranker")
    args = parser.parse_args(argv)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2

    from newsprism.understand.gazetteer import Gazetteer

    t0 = time.perf_counter()
    gazetteer = Gazetteer.open_default()
    print(f"gazetteer: {gazetteer.count():,} places ({time.perf_counter() - t0:.1f} s to open)")
    if args.cv:
        items = scored_toponyms(args.files, gazetteer)
        cross_validate(items)
        print("\n".join(report(items)))
        return 0
    ranker = False if args.rules else (True if args.ranker else None)
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
        confidences: list[float] = []
        errors, worst = gold_span_errors(articles, gazetteer, ranker, confidences)
        print(f"{path.name}: {len(articles)} articles, {len(errors)} of {total} toponyms "
              "have coordinates and are scored")  # fmt: skip
        for line in worst[: args.errors]:
            print("  ", line)
        lines.append(
            f"{path.name} gold spans: acc@161 {accuracy(errors):.3f}  AUC {auc(errors):.3f}  "
            f"(n={len(errors)}); acc@161 per confidence decile:"
        )
        lines.extend(calibration_lines(errors, confidences))
        if nlp is not None:
            e2e = end_to_end(articles, gazetteer, nlp, ranker)
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
