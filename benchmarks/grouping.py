"""Claim grouping quality: precision and recall of the claim groups against a labelled set.

    python benchmarks/grouping.py [LABELS] [--shared DIR] [--workers N] [--errors N]
    python benchmarks/grouping.py --candidates OUT.json [LABELS]   # items to label
    python benchmarks/grouping.py --verdicts [VERDICT_LABELS] [--split dev|test|heldout|all]
        [--errors N]
    python benchmarks/grouping.py --verdicts --split dev --candidates OUT.json   # groups to label

LABELS (default benchmarks/data/claim_groups.json) names the articles and, for each labelled
numeric claim, its span in the article text newsprism stores (checked by a SHA-1 of the span, so
that labels never hold third-party text) and the gold group it belongs to: claims telling the
same figure of the same measure, place and time, whoever tells it; a figure nobody else tells is
a group of its own. Articles come from ../shared (the seeds; AQUAINT TimeML files, read as
records with their creation time as publication date and the agency as outlet) and from our own
fictional `examples/articles`.

The whole `analyze` pipeline runs on those articles (ingest, understanding, cross-checking), then
every labelled item is matched to the stored numeric claim whose quantity it is. Scores, over
pairs of labelled items: precision = pairs the system groups together that gold groups
together / pairs the system groups together; recall = the reverse; B-cubed as well. An item the
system extracts no claim for is a group of its own on the system side (its pairs are missed).
The figures are the last lines printed.

--verdicts (labels: benchmarks/data/claim_verdicts.json) scores the verdicts of the claim groups
on real multi-outlet reporting, split by event: `dev` (the seeds on the US withdrawal from
northern Syria, AQUAINT's reports of the 1998 embassy bombings) to tune on, `test` (WikiRef220's
Paris attacks reports) held out, `heldout` (WikiRef220's reports of the first days of the search
for flight MH370) held out as well; `all` runs the three. Each labelled statement (article span
+ SHA-1, its proposition, its stance toward it, the source the article gives) comes with its
proposition's gold verdict, derived by the rule written in the label file's "about". Evidence
spans and statements match when they overlap by half the shorter span. A system group is right
when its evidence shows its verdict on the labels:
- corroborated: two supporting spans from different outlets assert one gold-corroborated
  proposition, and no two supporting spans of different outlets conflict (rival figures, or an
  assertion and its denial);
- contradicted: a supporting and a disputing span from different outlets are an assertion and a
  denial of one proposition, or assertions of two rival propositions, that is gold-contradicted;
- single-source (the system's single-source and unattributed): a supporting span asserts a gold
  single-source proposition (or is a denial no other outlet tells);
- related and unconfirmed, verdicts only the system gives, scored for precision: related is
  right when outlets tell different propositions of one labelled topic, none told by two of
  them; unconfirmed is right unless the labels show its disputing span disputing it from
  another outlet.
A group none of whose evidence is a labelled statement is unjudged (for unconfirmed: none of its
disputing evidence). Recall: the gold propositions of a verdict that some group of that verdict
shows as above (corroborated: asserted by two of its outlets). Each split runs the whole
pipeline on its own articles, into its own store.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsprism.api import analyze  # noqa: E402
from newsprism.crosscheck import Claim  # noqa: E402
from newsprism.ingest.decode import decode_bytes  # noqa: E402
from timex import parse_tml  # noqa: E402

DEFAULT_LABELS = ROOT / "benchmarks" / "data" / "claim_groups.json"
DEFAULT_VERDICTS = ROOT / "benchmarks" / "data" / "claim_verdicts.json"
DEFAULT_SHARED = ROOT.parent / "shared"
AGENCIES = {"APW": "Associated Press", "XIE": "Xinhua", "NYT": "The New York Times"}
SEARCH_WINDOW = 400  # characters either side a drifted span is looked for


def span_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# --- the articles -------------------------------------------------------------------------


@dataclass
class Source:
    key: str
    path: Path
    match: str  # what the stored article's `source` ends with


def resolve_sources(labels: dict[str, Any], shared: Path, work: Path) -> list[Source]:
    """Where each labelled article is read from. TimeML files become one JSONL record each."""
    sources = []
    for key, spec in labels["articles"].items():
        path = shared / spec["shared"] if "shared" in spec else ROOT / spec["repo"]
        if not path.exists():
            sys.exit(f"{key}: {path} not found (--shared names the folder with corpus/, data/)")
        if path.suffix == ".tml":
            sources.append(Source(key, _timeml_record(path, work), path.stem + ".jsonl:1"))
        else:
            # one entry of a feed ("#2") or one line of a JSONL file (":2")
            sources.append(Source(key, path, path.name + spec.get("part", "")))
    return sources


def timeml_fields(path: Path, outlet: str) -> dict[str, Any]:
    """A TimeML file as a record: its text, its creation time as publication date."""
    doc = parse_tml(path)
    if doc is None:
        sys.exit(f"{path}: no <TEXT> element; not a TimeML file")
    published = doc.anchor.isoformat() if doc.anchor else None
    return {"text": doc.text.strip(), "published": published, "outlet": outlet}


def _timeml_record(path: Path, work: Path) -> Path:
    record = timeml_fields(path, AGENCIES.get(path.stem[:3], path.stem[:3]))
    out = work / (path.stem + ".jsonl")
    out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def stored_articles(corpus: Any, sources: list[Source]) -> dict[str, dict[str, Any]]:
    """The stored article of each labelled key."""
    by_key: dict[str, dict[str, Any]] = {}
    articles = corpus.articles()
    for source in sources:
        found = [a for a in articles if str(a["source"]).endswith(source.match)]
        if len(found) != 1:
            sys.exit(f"{source.key}: {len(found)} stored articles match {source.match!r}")
        by_key[source.key] = found[0]
    return by_key


# --- items and claims ---------------------------------------------------------------------


@dataclass
class Item:
    n: int
    article: str
    start: int
    end: int
    group: str
    claim: Claim | None = None


def locate(text: str, item: dict[str, Any]) -> tuple[int, int] | None:
    """The item's span in `text`: where the label puts it, else the nearest span of the same
    length and hash (ingest changed the text before it)."""
    start, end, want = item["start"], item["end"], item["sha1"]
    if span_hash(text[start:end]) == want:
        return start, end
    length = end - start
    for delta in range(1, SEARCH_WINDOW):
        for s in (start - delta, start + delta):
            if s >= 0 and s + length <= len(text) and span_hash(text[s : s + length]) == want:
                return s, s + length
    return None


def figure_spans(c: Claim, text: str) -> list[tuple[int, int]]:
    """Where the claim's quantity as written stands inside its clause (once, usually)."""
    written = c.value_text or ""
    spans = []
    at = text.find(written, c.start, c.end) if written else -1
    while at >= 0:
        spans.append((at, at + len(written)))
        at = text.find(written, at + 1, c.end)
    return spans


def claim_of(item: Item, claims: list[Claim], text: str) -> Claim | None:
    """The numeric claim whose quantity is the item: its clause holds the item and its
    quantity as written overlaps it."""
    for c in claims:
        if c.kind != "numeric" or not (c.start <= item.start and item.end <= c.end):
            continue
        if any(s < item.end and item.start < e for s, e in figure_spans(c, text)):
            return c
    return None


# --- scores -------------------------------------------------------------------------------


def pair_scores(items: list[Item], system: dict[int, str]) -> dict[str, float]:
    gold_pairs = sys_pairs = both = 0
    for a, b in combinations(items, 2):
        g = a.group == b.group
        s = system[a.n] == system[b.n]
        gold_pairs += g
        sys_pairs += s
        both += g and s
    p = both / sys_pairs if sys_pairs else 1.0
    r = both / gold_pairs if gold_pairs else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"pairs_gold": gold_pairs, "pairs_system": sys_pairs, "pairs_both": both,
            "precision": p, "recall": r, "f1": f}  # fmt: skip


def bcubed(items: list[Item], system: dict[int, str]) -> tuple[float, float, float]:
    gold_of: dict[str, set[int]] = defaultdict(set)
    sys_of: dict[str, set[int]] = defaultdict(set)
    for it in items:
        gold_of[it.group].add(it.n)
        sys_of[system[it.n]].add(it.n)
    p = r = 0.0
    for it in items:
        g, s = gold_of[it.group], sys_of[system[it.n]]
        p += len(g & s) / len(s)
        r += len(g & s) / len(g)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --- main ---------------------------------------------------------------------------------


def run_pipeline(sources: list[Source], db: Path, workers: int) -> Any:
    paths = list(dict.fromkeys(s.path for s in sources))
    return analyze(paths, db=db, workers=workers, progress=False)


def candidates(corpus: Any, stored: dict[str, dict[str, Any]], out: Path) -> None:
    """Every numeric claim the system finds in the labelled articles, for a person to label
    (without its system group, so that labelling is not led by it)."""
    by_id = {a["id"]: k for k, a in stored.items()}
    rows = []
    for data, _group, _vector in corpus.store.stored_claims():
        c = Claim.from_dict(data)
        if c.kind != "numeric" or c.article_id not in by_id:
            continue
        text = stored[by_id[c.article_id]]["text"]
        start, end = (figure_spans(c, text) or [(c.start, c.end)])[0]
        rows.append({
            "article": by_id[c.article_id], "start": start, "end": end,
            "sha1": span_hash(text[start:end]), "quantity": text[start:end],
            "clause": c.text, "sentence": c.context or c.text,
            "published": stored[by_id[c.article_id]].get("published"),
            "outlet": stored[by_id[c.article_id]].get("outlet"),
        })  # fmt: skip
    out.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{len(rows)} numeric claims written to {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", nargs="?", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--errors",
        type=int,
        default=0,
        help="print this many wrong pairs (with --verdicts: wrong and unjudged groups, then "
        "missed gold propositions)",
    )
    parser.add_argument(
        "--candidates",
        type=Path,
        help="write the items to label here, and stop (with --verdicts: the claim groups with "
        "their evidence text, outside the repository, and go on)",
    )
    parser.add_argument(
        "--verdicts",
        nargs="?",
        type=Path,
        const=DEFAULT_VERDICTS,
        metavar="VERDICT_LABELS",
        help=f"score verdicts instead (labels default {DEFAULT_VERDICTS.relative_to(ROOT)})",
    )
    parser.add_argument("--split", choices=("dev", "test", "heldout", "all"), default="all",
                        help="with --verdicts: the articles to run on")  # fmt: skip
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="with --verdicts: keep each split's store: DIR/SPLIT.db")  # fmt: skip
    args = parser.parse_args(argv)
    if args.verdicts is not None:
        return verdicts_main(args)
    labels = json.loads(args.labels.read_text("utf-8"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = resolve_sources(labels, args.shared, work)
        with run_pipeline(sources, work / "bench.db", args.workers) as corpus:
            stored = stored_articles(corpus, sources)
            if args.candidates:
                candidates(corpus, stored, args.candidates)
                return 0
            claims_by_article: dict[str, list[Claim]] = defaultdict(list)
            group_of: dict[str, str] = {}
            for data, group_id, _vector in corpus.store.stored_claims():
                c = Claim.from_dict(data)
                claims_by_article[c.article_id].append(c)
                group_of[c.id] = group_id
    seconds = time.perf_counter() - started
    items, lost = [], 0
    for n, raw in enumerate(labels["items"]):
        article = stored[raw["article"]]
        span = locate(article["text"], raw)
        if span is None:
            lost += 1
            print(f"label {n} ({raw['article']} {raw['start']}-{raw['end']}): span not found; "
                  "the article text changed, relabel it")  # fmt: skip
            continue
        item = Item(n, raw["article"], span[0], span[1], raw["group"])
        item.claim = claim_of(item, claims_by_article[article["id"]], article["text"])
        items.append(item)
    found = [it for it in items if it.claim is not None]
    system = {it.n: (group_of[it.claim.id] if it.claim else f"none-{it.n}") for it in items}
    scores = pair_scores(items, system)
    bp, br, bf = bcubed(items, system)
    if args.errors:
        show_errors(items, system, stored, args.errors)
    gold_groups = len({it.group for it in items})
    multi = sum(1 for g in {it.group for it in items} if sum(i.group == g for i in items) > 1)
    print(f"command: python {' '.join(sys.argv)}")
    print(f"{len(labels['articles'])} articles, pipeline {seconds:.0f} s; {len(items)} labelled "
          f"claims in {gold_groups} gold groups ({multi} told more than once); "
          f"{len(found)} matched to a system claim, {lost} labels lost")  # fmt: skip
    print(f"pairs: gold {scores['pairs_gold']}, system {scores['pairs_system']}, "
          f"both {scores['pairs_both']}")  # fmt: skip
    print(f"pairwise precision {scores['precision']:.3f} recall {scores['recall']:.3f} "
          f"F1 {scores['f1']:.3f}")  # fmt: skip
    print(f"B-cubed precision {bp:.3f} recall {br:.3f} F1 {bf:.3f}")
    return 0


def show_errors(
    items: list[Item], system: dict[int, str], stored: dict[str, dict[str, Any]], limit: int
) -> None:
    def show(it: Item) -> str:
        text = stored[it.article]["text"]
        return f"{it.article} [{it.group}] {text[it.start:it.end]!r}"

    shown = 0
    for a, b in combinations(items, 2):
        g, s = a.group == b.group, system[a.n] == system[b.n]
        if g != s and shown < limit:
            kind = "merged, gold apart" if s else "apart, gold together"
            print(f"{kind}: {show(a)} | {show(b)}")
            shown += 1


# --- claim verdicts on real multi-outlet reporting (--verdicts) -----------------------------

ASSERTS, DISPUTES = "asserts", "disputes"
CORROBORATED, CONTRADICTED, SINGLE = "corroborated", "contradicted", "single-source"
RELATED, UNCONFIRMED = "related", "unconfirmed"
# Gold verdicts, and the classes the system's groups are scored in: the gold ones, and two that
# only the system gives (several outlets on one subject, none telling the same proposition; a
# denial nearby that may not concern the statement), scored for precision only.
CLASSES = (CORROBORATED, CONTRADICTED, SINGLE)
SCORED = (*CLASSES, RELATED, UNCONFIRMED)
# The system's verdict -> the class it is scored in. A group told by one outlet in its own voice
# (unattributed) rests on one source as much as one relaying one named speaker does; the gold
# rule does not tell them apart.
CLASS_OF = {
    "corroborated": CORROBORATED,
    "contradicted": CONTRADICTED,
    "single-source": SINGLE,
    "unattributed": SINGLE,
    "related": RELATED,
    "unconfirmed": UNCONFIRMED,
}
MIN_OVERLAP = 0.5  # of the shorter span: an evidence span and a statement are the same text


@dataclass
class Statement:
    n: int
    article: str
    start: int
    end: int
    proposition: str
    stance: str
    source: str | None  # the speaker as the article attributes it; None = the outlet's voice
    outlet: str  # the independence unit: the outlet, or the original's for a copy


@dataclass
class Gold:
    verdict: str
    why: str


@dataclass
class EvidenceSpan:
    article: str
    outlet: str
    start: int
    end: int
    side: str  # "for" (asserts, reports-as-said-by) or "against" (disputes)
    text: str
    statements: list[Statement]


@dataclass
class Judgement:
    group: dict[str, Any]
    cls: str
    spans: list[EvidenceSpan]
    status: str  # right, wrong, unjudged
    why: str = ""


def verdict_sources(labels: dict[str, Any], split: str, shared: Path, work: Path) -> list[Source]:
    """The split's articles, each as a one-record JSONL file carrying the outlet the labels
    give it: the articles name their outlet in the text at best, and independence is scored
    on outlets, so the run must not depend on guessing them."""
    sources = []
    for key, spec in labels["articles"].items():
        if spec["split"] != split:
            continue
        path = shared / spec["shared"]
        if not path.exists():
            sys.exit(f"{key}: {path} not found (--shared names the folder with corpus/, data/)")
        if path.suffix == ".tml":
            record = timeml_fields(path, outlet_of(key, labels))
        else:
            # decoded as the text reader decodes it (WikiRef220 is cp1252), so the stored text
            # is the one a plain `newsprism analyze FILE` stores
            text, _encoding = decode_bytes(path.read_bytes())
            record = {"text": text, "published": spec.get("published"),
                      "outlet": outlet_of(key, labels)}  # fmt: skip
        out = work / f"{key}.jsonl"
        out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        sources.append(Source(key, out, out.name + ":1"))
    return sources


def outlet_of(key: str, labels: dict[str, Any]) -> str:
    spec = labels["articles"][key]
    if spec.get("outlet"):
        return str(spec["outlet"])
    stem = Path(spec["shared"]).stem
    return AGENCIES.get(stem[:3], stem[:3])


def independence_unit(key: str, labels: dict[str, Any]) -> str:
    """Who an article's own voice is: its outlet; a copy (`copy_of`) is its original's."""
    seen = set()
    while labels["articles"][key].get("copy_of") and key not in seen:
        seen.add(key)
        key = labels["articles"][key]["copy_of"]
    return outlet_of(key, labels)


def rivals_of(labels: dict[str, Any]) -> dict[str, set[str]]:
    """Rival propositions (incompatible figures for one measure and time), both ways."""
    rivals: dict[str, set[str]] = defaultdict(set)
    for pid, prop in labels["propositions"].items():
        for other in prop.get("rivals", []):
            rivals[pid].add(other)
            rivals[other].add(pid)
    return rivals


def gold_verdicts(labels: dict[str, Any], statements: list[Statement]) -> dict[str, Gold]:
    """The rule of the label file's "about", applied to its statements."""
    rivals = rivals_of(labels)
    by_prop: dict[str, list[Statement]] = defaultdict(list)
    for s in statements:
        by_prop[s.proposition].append(s)
    gold = {}
    for pid in labels["propositions"]:
        asserting = [s for s in by_prop[pid] if s.stance == ASSERTS]
        outlets = {s.outlet for s in asserting}
        against = [s for s in by_prop[pid] if s.stance == DISPUTES] + [
            s for q in sorted(rivals[pid]) for s in by_prop[q] if s.stance == ASSERTS
        ]
        outside = sorted({s.outlet for s in against if s.outlet not in outlets})
        speakers = {s.source for s in asserting}
        if asserting and outside:
            gold[pid] = Gold(CONTRADICTED, f"disputed by {', '.join(outside)}")
        elif len(outlets) >= 2 and (len(speakers) > 1 or None in speakers):
            gold[pid] = Gold(CORROBORATED, f"asserted by {len(outlets)} outlets")
        elif len(outlets) >= 2:
            gold[pid] = Gold(SINGLE, f"{len(outlets)} outlets all relay {speakers.pop()}")
        elif against:
            gold[pid] = Gold(SINGLE, "disputed only within the outlet that asserts it")
        else:
            gold[pid] = Gold(SINGLE, f"asserted by {len(outlets)} outlet(s)")
    return gold


def split_statements(labels: dict[str, Any], split: str) -> list[Statement]:
    """The split's statements where the labels put them."""
    return [
        Statement(n, raw["article"], raw["start"], raw["end"], raw["proposition"],
                  raw["stance"], raw.get("source"), independence_unit(raw["article"], labels))
        for n, raw in enumerate(labels["statements"])
        if labels["articles"][raw["article"]]["split"] == split
    ]  # fmt: skip


def located(
    statements: list[Statement], labels: dict[str, Any], stored: dict[str, dict[str, Any]]
) -> list[Statement]:
    """The statements found in the stored texts (by hash, where ingest moved them)."""
    found = []
    for s in statements:
        raw = labels["statements"][s.n]
        span = locate(stored[s.article]["text"], raw)
        if span is None:
            print(f"statement {s.n} ({s.article} {s.start}-{s.end}): span not found; the "
                  "article text changed, relabel it")  # fmt: skip
            continue
        found.append(replace(s, start=span[0], end=span[1]))
    return found


def check_gold(labels: dict[str, Any], gold: dict[str, Gold], pids: set[str]) -> list[str]:
    """Propositions whose stored verdict is not what the rule derives from the statements."""
    return [
        f"{pid}: stored {labels['propositions'][pid].get('verdict')!r}, rule gives "
        f"{gold[pid].verdict!r} ({gold[pid].why})"
        for pid in sorted(pids)
        if labels["propositions"][pid].get("verdict") != gold[pid].verdict
    ]


def same_text(a: tuple[int, int], b: tuple[int, int]) -> bool:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= MIN_OVERLAP * min(a[1] - a[0], b[1] - b[0])


def evidence_spans(
    group: dict[str, Any],
    key_of: dict[str, str],
    by_article: dict[str, list[Statement]],
    labels: dict[str, Any],
) -> list[EvidenceSpan]:
    spans = []
    for e in group["evidence"]:
        key = key_of.get(e["article_id"], f"?{e['article_id'][:8]}")
        outlet = independence_unit(key, labels) if key in labels["articles"] else key
        mapped = [
            s
            for s in by_article.get(key, [])
            if same_text((s.start, s.end), (e["start"], e["end"]))
        ]
        # a figure's claim is about its figure: of the statements its sentence holds ("killed
        # 253 people and injured 5,000 others"), those that hold the figure, where some do
        figures = figure_offsets(e)
        holding = [s for s in mapped if any(s.start <= f < s.end for f in figures)]
        mapped = holding or mapped
        side = "against" if e["stance"] == "disputes" else "for"
        spans.append(EvidenceSpan(key, outlet, e["start"], e["end"], side, e["text"], mapped))
    return spans


def figure_offsets(evidence: dict[str, Any]) -> list[int]:
    """Where the evidence's quantity as written starts in the article text (none for a claim
    without a figure)."""
    written, text = evidence.get("value_text") or "", evidence.get("text") or ""
    offsets, at = [], text.find(written) if written else -1
    while at >= 0:
        offsets.append(evidence["start"] + at)
        at = text.find(written, at + 1)
    return offsets


def conflict(a: Statement, b: Statement, rivals: dict[str, set[str]]) -> bool:
    """a and b cannot both hold: an assertion and a denial of one proposition, or assertions
    of rival propositions."""
    if a.proposition == b.proposition:
        return {a.stance, b.stance} == {ASSERTS, DISPUTES}
    return b.proposition in rivals[a.proposition] and a.stance == b.stance == ASSERTS


def supporting_conflicts(
    spans: list[EvidenceSpan], rivals: dict[str, set[str]]
) -> list[tuple[Statement, Statement]]:
    """Pairs of statements on the supporting side that cannot both hold."""
    support = [s for sp in spans if sp.side == "for" for s in sp.statements]
    return [(a, b) for a, b in combinations(support, 2) if conflict(a, b, rivals)]


def corroborating(spans: list[EvidenceSpan]) -> dict[str, set[str]]:
    """Proposition -> the outlets whose supporting spans assert it."""
    outlets: dict[str, set[str]] = defaultdict(set)
    for sp in spans:
        if sp.side == "for":
            for s in sp.statements:
                if s.stance == ASSERTS:
                    outlets[s.proposition].add(sp.outlet)
    return outlets


def conflicting_pairs(
    spans: list[EvidenceSpan], rivals: dict[str, set[str]]
) -> list[tuple[Statement, Statement, bool]]:
    """(supporting statement, disputing statement, from different outlets) for each pair of a
    supporting and a disputing span that conflict on the labels."""
    pairs = []
    for a in (sp for sp in spans if sp.side == "for"):
        for b in (sp for sp in spans if sp.side == "against"):
            for sa in a.statements:
                for sb in b.statements:
                    if conflict(sa, sb, rivals):
                        pairs.append((sa, sb, a.outlet != b.outlet))
    return pairs


def judge(
    group: dict[str, Any],
    spans: list[EvidenceSpan],
    gold: dict[str, Gold],
    labels: dict[str, Any],
    rivals: dict[str, set[str]],
    denials: dict[str, set[str]],
) -> Judgement:
    """Whether the group's verdict shows on the labels (see the module docstring); `denials`:
    proposition -> the outlets whose statements dispute it."""
    cls = CLASS_OF.get(group["verdict"], group["verdict"])
    judged = Judgement(group, cls, spans, "unjudged")
    if not any(sp.statements for sp in spans):
        return judged
    if cls == CORROBORATED:
        told = corroborating(spans)
        # a supporting side that holds a rival figure or a denial from another outlet is a
        # contradiction the group missed, whatever else its sentences corroborate
        clash = [(a, b) for a, b in supporting_conflicts(spans, rivals) if a.outlet != b.outlet]
        if not clash and any(
            len(o) >= 2 and gold[p].verdict == CORROBORATED for p, o in told.items()
        ):
            judged.status = "right"
            return judged
        if clash:
            a, b = clash[0]
            judged.why = (f"its supporting side holds a contradiction: {a.proposition} "
                          f"({a.outlet}) vs {b.proposition} {b.stance} ({b.outlet})")  # fmt: skip
        else:
            judged.why = _why_not_corroborated(spans, told, gold, labels)
    elif cls == CONTRADICTED:
        pairs = conflicting_pairs(spans, rivals)
        if any(
            apart and CONTRADICTED in (gold[a.proposition].verdict, gold[b.proposition].verdict)
            for a, b, apart in pairs
        ):
            judged.status = "right"
            return judged
        judged.why = _why_not_contradicted(spans, pairs, gold, labels)
    elif cls == RELATED:
        right, judged.why = _judge_related(spans, gold, labels)
        if right:
            judged.status = "right"
            return judged
    elif cls == UNCONFIRMED:
        # not deciding is right unless the labels show a dispute of it from another outlet
        missed = [(a, b) for a, b, apart in conflicting_pairs(spans, rivals) if apart]
        if not any(sp.statements for sp in spans if sp.side == "against"):
            return judged
        if not missed:
            judged.status = "right"
            return judged
        judged.why = "; ".join(sorted({f"{b.proposition} ({b.stance}) disputes {a.proposition}, "
                                       f"gold {gold[a.proposition].verdict}"
                                       for a, b in missed}))  # fmt: skip
    else:
        asserted = {p for p, _o in corroborating(spans).items()}
        if any(gold[p].verdict == SINGLE for p in asserted):
            judged.status = "right"
            return judged
        # a lone denial ("X denied ...") that no other outlet tells rests on one source too
        denied = {s.proposition for sp in spans if sp.side == "for" for s in sp.statements
                  if s.stance == DISPUTES}  # fmt: skip
        if not asserted and any(len(denials.get(p, ())) == 1 for p in denied):
            judged.status = "right"
            return judged
        if asserted:
            judged.why = "; ".join(f"{p} is gold {gold[p].verdict} ({gold[p].why})"
                                   for p in sorted(asserted))  # fmt: skip
        else:
            judged.why = "its supporting spans are denials told by several outlets"
    judged.status = "wrong"
    return judged


def _judge_related(
    spans: list[EvidenceSpan], gold: dict[str, Gold], labels: dict[str, Any]
) -> tuple[bool, str]:
    """A related group is right when outlets tell different propositions of one topic and no
    proposition of it is told by two of them (that would make it corroborated or, relayed from
    one source, single-source)."""
    told = corroborating(spans)
    many = {p: o for p, o in told.items() if len(o) >= 2}
    if many:
        return False, "; ".join(f"{p} told by {len(o)} outlets, gold {gold[p].verdict}"
                                for p, o in sorted(many.items()))  # fmt: skip
    by_outlet: dict[str, set[str]] = defaultdict(set)
    for p, outlets in told.items():
        for o in outlets:
            by_outlet[o].add(p)
    for ps1, ps2 in combinations([ps for _o, ps in sorted(by_outlet.items())], 2):
        if any(_relation(p, q, labels) == "related" for p in ps1 for q in ps2):
            return True, ""
    if len(by_outlet) < 2:
        return False, "only one outlet's supporting spans are labelled statements"
    return False, "the outlets' propositions are of different topics (" + ", ".join(
        sorted(told)[:4]
    ) + ")"


def _relation(p: str, q: str, labels: dict[str, Any]) -> str:
    if p == q:
        return "same"
    tp = labels["propositions"][p].get("topic")
    return "related" if tp and tp == labels["propositions"][q].get("topic") else "different"


def _props(spans: list[EvidenceSpan], side: str | None = None) -> list[str]:
    return sorted({s.proposition for sp in spans if side in (None, sp.side)
                   for s in sp.statements})  # fmt: skip


def _why_not_corroborated(
    spans: list[EvidenceSpan],
    told: dict[str, set[str]],
    gold: dict[str, Gold],
    labels: dict[str, Any],
) -> str:
    many = {p: o for p, o in told.items() if len(o) >= 2}
    if many:
        return "; ".join(f"{p} told by {len(o)} outlets but gold {gold[p].verdict} "
                         f"({gold[p].why})" for p, o in sorted(many.items()))  # fmt: skip
    support = [sp for sp in spans if sp.side == "for"]
    outlets = {sp.outlet for sp in support}
    if len(outlets) < 2:
        sources = {s.source for sp in support for s in sp.statements}
        return (f"all supporting evidence is from one outlet ({', '.join(sorted(outlets))}; "
                f"{len({sp.article for sp in support})} article(s), speakers "
                f"{sorted(map(str, sources))})")  # fmt: skip
    props = _props(spans, "for")
    unlabelled = sum(1 for sp in support if not sp.statements)
    if len(props) >= 2:
        pairs = sorted({f"{p} vs {q}: {_relation(p, q, labels)}"
                        for p, q in combinations(props, 2)})  # fmt: skip
        return "different propositions grouped (" + "; ".join(pairs[:4]) + ")"
    if len(props) == 1 and unlabelled:
        return (
            f"only one outlet's span is a labelled statement ({props[0]}); "
            f"{unlabelled} supporting span(s) unlabelled"
        )
    return "its supporting spans are no assertion of one proposition by two outlets"


def _why_not_contradicted(
    spans: list[EvidenceSpan],
    pairs: list[tuple[Statement, Statement, bool]],
    gold: dict[str, Gold],
    labels: dict[str, Any],
) -> str:
    against = [sp for sp in spans if sp.side == "against"]
    if not any(sp.statements for sp in against):
        return f"no disputing span is a labelled statement ({len(against)} disputing span(s))"
    if pairs and not any(apart for _a, _b, apart in pairs):
        return "assertion and dispute are told by one outlet only"
    if pairs:
        told = {a.proposition for a, _b, _x in pairs}
        return "; ".join(f"{p} is gold {gold[p].verdict} ({gold[p].why})" for p in sorted(told))
    # for each disputing statement, its nearest supporting proposition: the same one asserted
    # again, a related one (same topic: an update, a hedge, an opinion), or an unrelated one
    rank = {"same": 0, "related": 1, "different": 2}
    support = _props(spans, "for")
    if not support:
        return "the supporting side is no labelled statement"
    reasons: dict[str, int] = {}
    for sb in (s for sp in against for s in sp.statements):
        p = min(support, key=lambda q: rank[_relation(q, sb.proposition, labels)])
        relation = _relation(p, sb.proposition, labels)
        if relation == "same":
            text = f"the disputing span asserts {p} too"
        else:
            text = f"the disputing span is {sb.proposition} ({sb.stance}), {relation} to {p}"
        reasons[text] = min(reasons.get(text, 9), rank[relation])
    best = sorted(reasons, key=lambda t: (reasons[t], t))[:3]
    return "; ".join(best) + "; no denial or rival figure of a supported proposition"


def recall(
    judgements: list[Judgement],
    gold: dict[str, Gold],
    statements: list[Statement],
    rivals: dict[str, set[str]],
) -> dict[str, tuple[set[str], set[str]]]:
    """Per class: (gold propositions of that verdict, those some group of that verdict shows)."""
    asserted = {s.proposition for s in statements if s.stance == ASSERTS}
    wanted = {c: {p for p, g in gold.items() if g.verdict == c and p in asserted}
              for c in CLASSES}  # fmt: skip
    found: dict[str, set[str]] = {c: set() for c in CLASSES}
    for j in judgements:
        if j.cls == CORROBORATED:
            found[j.cls] |= {p for p, o in corroborating(j.spans).items() if len(o) >= 2}
        elif j.cls == CONTRADICTED:
            for a, b, apart in conflicting_pairs(j.spans, rivals):
                if apart:
                    found[j.cls] |= {a.proposition, b.proposition}
        elif j.cls == SINGLE:
            found[j.cls] |= set(corroborating(j.spans))
    return {c: (wanted[c], found[c] & wanted[c]) for c in CLASSES}


@dataclass
class SplitResult:
    split: str
    articles: int
    seconds: float
    statements: list[Statement]
    lost: int
    gold: dict[str, Gold]
    judgements: list[Judgement]
    recall: dict[str, tuple[set[str], set[str]]]
    pairs: Counter[str]


@contextmanager
def split_corpus(
    labels: dict[str, Any], split: str, args: argparse.Namespace
) -> Iterator[tuple[Any, list[Source]] | None]:
    """The split's articles analyzed into a store of their own (`--keep DIR`: DIR/SPLIT.db,
    made anew): the open corpus and the sources; None when the split has no article."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = verdict_sources(labels, split, args.shared, work)
        if not sources:
            yield None
            return
        db = args.keep / f"{split}.db" if args.keep else work / "bench.db"
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for old in args.keep.glob(f"{split}.db*"):
                old.unlink()
        with run_pipeline(sources, db, args.workers) as corpus:
            yield corpus, sources


def run_split(labels: dict[str, Any], split: str, args: argparse.Namespace) -> SplitResult | None:
    started = time.perf_counter()
    with split_corpus(labels, split, args) as opened:
        if opened is None:
            return None
        corpus, sources = opened
        stored = stored_articles(corpus, sources)
        groups = corpus.claims()
    seconds = time.perf_counter() - started
    every = split_statements(labels, split)
    pids = {s.proposition for s in every}
    unknown = pids - set(labels["propositions"])
    if unknown:
        sys.exit(f"statements name propositions the label file lacks: {sorted(unknown)}")
    # gold comes from the labels alone: a statement ingest moved out of reach still counts
    gold = {p: g for p, g in gold_verdicts(labels, every).items() if p in pids}
    statements = located(every, labels, stored)
    lost = len(every) - len(statements)
    rivals = rivals_of(labels)
    by_article: dict[str, list[Statement]] = defaultdict(list)
    for s in statements:
        by_article[s.article].append(s)
    key_of = {a["id"]: k for k, a in stored.items()}
    denials: dict[str, set[str]] = defaultdict(set)
    for s in every:
        if s.stance == DISPUTES:
            denials[s.proposition].add(s.outlet)
    judgements = [
        judge(g, evidence_spans(g, key_of, by_article, labels), gold, labels, rivals, denials)
        for g in groups
    ]
    pairs = statement_pairs(judgements, statements, labels)
    result = SplitResult(split, len(sources), seconds, statements, lost, gold, judgements,
                         recall(judgements, gold, statements, rivals), pairs)  # fmt: skip
    if args.candidates:
        out = args.candidates
        if args.split == "all":  # one dump per split, next to OUT
            out = out.with_name(f"{out.stem}.{split}{out.suffix}")
        write_group_candidates(result, stored, labels, out)
    return result


def statement_pairs(
    judgements: list[Judgement], statements: list[Statement], labels: dict[str, Any]
) -> Counter[str]:
    """Pairs of labelled statements (of different articles) by their gold relation: those the
    system puts in one group, and all of them."""
    together: set[tuple[int, int]] = set()
    for j in judgements:
        members = sorted({s.n for sp in j.spans for s in sp.statements})
        together |= set(combinations(members, 2))
    counts: Counter[str] = Counter()
    for a, b in combinations(sorted(statements, key=lambda s: s.n), 2):
        if a.article == b.article:
            continue
        relation = _relation(a.proposition, b.proposition, labels)
        counts[f"gold {relation}"] += 1
        if (a.n, b.n) in together:
            counts[f"grouped {relation}"] += 1
    return counts


def write_group_candidates(
    result: SplitResult,
    stored: dict[str, dict[str, Any]],
    labels: dict[str, Any],
    out: Path,
) -> None:
    """The split's system groups with their evidence text and the statements it maps to, and
    the stored texts, for a person labelling (never into the repository: it holds their text)."""
    order = {CONTRADICTED: 0, CORROBORATED: 1, SINGLE: 2}
    rows = []
    for j in sorted(result.judgements, key=lambda j: (order.get(j.cls, 3), j.group["id"])):
        rows.append({
            "id": j.group["id"], "verdict": j.group["verdict"], "status": j.status, "why": j.why,
            "reason": j.group.get("reason"),
            "independent_outlets": j.group.get("independent_outlets"),
            "evidence": [
                {"article": sp.article, "outlet": sp.outlet, "side": sp.side,
                 "start": sp.start, "end": sp.end, "text": sp.text,
                 "statements": [f"{s.n}:{s.proposition}:{s.stance}" for s in sp.statements]}
                for sp in j.spans
            ],
        })  # fmt: skip
    articles = {
        k: {"outlet": outlet_of(k, labels), "published": a.get("published"), "text": a["text"]}
        for k, a in stored.items()
    }
    out.write_text(json.dumps({"split": result.split, "groups": rows, "articles": articles},
                              indent=1, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    print(f"{len(rows)} claim groups of split {result.split} written to {out}")


def print_split(result: SplitResult, errors: int, labels: dict[str, Any]) -> None:
    verdicts = Counter(g.verdict for g in result.gold.values())
    print(f"split {result.split}: {result.articles} articles, pipeline {result.seconds:.0f} s; "
          f"{len(result.statements)} statements ({result.lost} lost) in {len(result.gold)} "
          f"propositions: gold " + ", ".join(f"{c} {verdicts[c]}" for c in CLASSES))  # fmt: skip
    systems = Counter(j.group["verdict"] for j in result.judgements)
    print(
        f"  system groups: {len(result.judgements)} ("
        + ", ".join(f"{v} {n}" for v, n in sorted(systems.items()))
        + ")"
    )
    p = result.pairs
    print(
        f"  labelled statements of different articles in one system group / all such pairs: "
        f"same proposition "
        f"{p['grouped same']}/{p['gold same']}, related {p['grouped related']}/"
        f"{p['gold related']}, different {p['grouped different']}/{p['gold different']}"
    )
    if errors:
        show_verdict_errors(result, errors, labels)


def show_verdict_errors(result: SplitResult, limit: int, labels: dict[str, Any]) -> None:
    """Up to `limit` lines of groups: wrong ones, then unjudged ones of the multi-outlet classes
    (the labels to add), then wrong single-source ones; then the gold propositions missed."""

    def line(sp: EvidenceSpan) -> str:
        tags = ",".join(f"{s.proposition}/{s.stance}" for s in sp.statements) or "unlabelled"
        return (f"    {sp.side:7} {sp.article} ({sp.outlet}) {sp.start}-{sp.end} [{tags}] "
                f"{sp.text[:110]!r}")  # fmt: skip

    many = (CORROBORATED, CONTRADICTED, RELATED, UNCONFIRMED)
    order = [("wrong", many), ("unjudged", many), ("wrong", (SINGLE,))]
    shown = 0
    for status, classes in order:
        for j in result.judgements:
            if j.status != status or j.cls not in classes or shown >= limit:
                continue
            shown += 1
            print(f"  {status} {j.group['verdict']} {j.group['id'][:10]}: {j.why}")
            for sp in j.spans[:6]:
                print(line(sp))
    for cls in (CORROBORATED, CONTRADICTED):
        wanted, found = result.recall[cls]
        for pid in sorted(wanted - found)[: max(0, limit - shown)]:
            shown += 1
            note = labels["propositions"][pid].get("note", "")
            print(f"  missed {cls} {pid}: {note} ({result.gold[pid].why})")


def score_table(results: list[SplitResult], title: str) -> None:
    print(f"{title}:")
    print(f"  {'class':14} {'precision':>9} {'right':>6} {'wrong':>6} {'unjudged':>9} "
          f"{'recall':>7} {'found/gold':>11}")  # fmt: skip
    present = {j.cls for r in results for j in r.judgements}
    for cls in [c for c in SCORED if c in CLASSES or c in present]:
        right = sum(j.status == "right" and j.cls == cls for r in results for j in r.judgements)
        wrong = sum(j.status == "wrong" and j.cls == cls for r in results for j in r.judgements)
        unjudged = sum(
            j.status == "unjudged" and j.cls == cls for r in results for j in r.judgements
        )
        gold = sum(len(r.recall[cls][0]) for r in results if cls in r.recall)
        found = sum(len(r.recall[cls][1]) for r in results if cls in r.recall)
        precision = f"{right / (right + wrong):.3f}" if right + wrong else "n/a"
        rec = f"{found / gold:.3f}" if gold else "n/a"
        # recall is defined on gold verdicts only; related / unconfirmed have none
        counts = f"{found:>5}/{gold:<5}" if cls in CLASSES else f"{'-':>5} {'':<5}"
        print(f"  {cls:14} {precision:>9} {right:>6} {wrong:>6} {unjudged:>9} {rec:>7} {counts}")


def verdicts_main(args: argparse.Namespace) -> int:
    if args.candidates and args.candidates.resolve().is_relative_to(ROOT):
        sys.exit(f"{args.candidates}: the dump holds third-party text; write it outside the "
                 "repository")  # fmt: skip
    labels = json.loads(args.verdicts.read_text("utf-8"))
    splits = ["dev", "test", "heldout"] if args.split == "all" else [args.split]
    results = []
    for split in splits:
        result = run_split(labels, split, args)
        if result is None:
            print(f"split {split}: no articles")
            continue
        results.append(result)
    inconsistent = [
        line for r in results
        for line in check_gold(labels, r.gold, set(r.gold))
    ]  # fmt: skip
    for line in inconsistent:
        print(f"label file: {line}")
    print(f"command: python {' '.join(sys.argv)}")
    for r in results:
        print_split(r, args.errors, labels)
    for r in results:
        score_table([r], f"verdicts, split {r.split}")
    if len(results) > 1:
        score_table(results, "verdicts, all splits")
    return 1 if inconsistent else 0


if __name__ == "__main__":
    raise SystemExit(main())
