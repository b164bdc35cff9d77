"""Entity timelines from raw text, scored as in SemEval-2015 Task 4 (TimeLine), main track A.

    python benchmarks/timeline.py DIR [--targets FILE] [--verbose] [--out DIR]

DIR is a corpus folder of the task: CAT XML files (folders named *CAT*) or TimeML files (.tml),
a gold folder (`TimeLines_Gold_Standard/` or `timelines/`) and, when present, the list of target
entities (a .txt file outside the gold folder with one name a line). Without a list, the
targets are the gold timelines' own headers (their first line), else their file names.

What is read from the corpus: the tokens (their text, sentence and number) and the document
creation time (DCT), nothing else — never the gold EVENT or TIMEX3 annotations. The tokens are
joined into plain text (spaces where English puts them), newsprism reads it, and
`newsprism.timeline.entity` gives each target's dated event mentions; they are grouped into
event lines across documents (same lemma and same date: one event), ordered by date (undated
events first with order 0, as the task's rules place them) and written as DOC-SENTENCE-WORD,
the word being the event's tokens as written (a phrasal verb joined by "_": "step_down").

Scores, summed over all targets:
- events: precision, recall and F1 of the mentions, (a) by sentence — a system mention counts
  when the gold timeline has a mention in that document's sentence, a gold one when the system
  has — and (b) token-exact — same document, sentence and word (case-folded);
- date accuracy: share of token-exact matches whose date equals gold's (values compared
  without their X-parts: "2010-XX-XX" is "2010");
- order accuracy: over pairs of token-exact matches that gold orders (both off position 0),
  the share the system orders the same way (before, same position, after);
- temporal awareness (UzZaman and Allen 2011; TempEval-3), the task's official measure: each
  timeline becomes a graph — events on one position are SIMULTANEOUS, a position is BEFORE
  the next, each dated event is SIMULTANEOUS with its time anchor; events at position 0 are
  left out, as the task's scorer does. Precision is the share of the system's reduced graph
  (no relation implied by the others: a position of n events gives n-1 SIMULTANEOUS relations,
  consecutive positions one BEFORE relation, each dated event its anchor relation) that the
  gold graph's temporal closure verifies; recall the share of gold's reduced graph that the
  system's closure verifies. Where several reduced graphs are equivalent (which n-1 pairs
  chain a position, which pair carries a BEFORE), the most favourable one is taken, so the
  score does not hang on an arbitrary choice. Time anchors are leaves of the graph: two
  events are not made simultaneous through a shared date, because the task's timelines
  place events of one date at several positions and a closure through the date would
  contradict them. F1 per timeline, then the micro average the task reports: each timeline's
  F1 weighted by its number of gold lines (also for P and R).

The published floor: the best raw-text run of SemEval-2015 Task 4 reached temporal-awareness
F1 7.85 on the test corpora. The figures are the last lines printed, with the command to run
again.
"""

from __future__ import annotations

import argparse
import html
import re
import shlex
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.timeline.entity import (  # noqa: E402
    EventMention,
    ReadArticle,
    build_timeline,
    guess_kind,
    make_target,
    read_article,
    target_events,
)
from newsprism.understand.article import ArticleInput  # noqa: E402

FLOOR_TA_F1 = 7.85  # best SemEval-2015 Task 4 track A run (raw text), test corpora

# --- corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusToken:
    sentence: int
    number: int
    text: str
    start: int  # offsets in the joined text
    end: int


@dataclass
class CorpusDoc:
    doc_id: str
    published: date | None
    text: str
    tokens: list[CorpusToken]

    def tokens_in(self, start: int, end: int) -> list[CorpusToken]:
        return [t for t in self.tokens if t.start < end and start < t.end]


_CAT_TOKEN = re.compile(r"<token\b([^>]*)>(.*?)</token>", re.S)
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_DCT_TIMEX = re.compile(r'<TIMEX3\b[^>]*functionInDocument="CREATION_TIME"[^>]*>')
_DOC_ID = re.compile(r'<Document\b[^>]*doc_id="([^"]+)"')
_NO_SPACE_BEFORE = {".", ",", ":", ";", "!", "?", ")", "]", "}", "%", "'s", "'", "n't", "'ve",
                    "'re", "'ll", "'d", "'m", "...", "''"}  # fmt: skip
_NO_SPACE_AFTER = {"(", "[", "{", "$", "US$", "£", "€", "``"}


def read_cat(path: Path) -> CorpusDoc:
    """A CAT XML document: its tokens and its DCT (the CREATION_TIME TIMEX3's value)."""
    raw = path.read_text(encoding="utf-8")
    doc_id = _DOC_ID.search(raw)
    rows = []
    for match in _CAT_TOKEN.finditer(raw):
        attrs = dict(_ATTR.findall(match.group(1)))
        rows.append((int(attrs["sentence"]), int(attrs["number"]), html.unescape(match.group(2))))
    return _joined(doc_id.group(1) if doc_id else path.stem.split("_")[0], _dct(raw), rows)


_TML_SENTENCE = re.compile(r'<s\b[^>]*\bid="(\d+)"[^>]*>(.*?)</s>', re.S)
_TAG = re.compile(r"<[^>]+>")


def read_timeml(path: Path) -> CorpusDoc:
    """A TimeML document of the task: the title (EXTRAINFO) is sentence 0, each <s id=N> is
    sentence N, tokens are separated by spaces; tags are dropped."""
    raw = path.read_text(encoding="utf-8")
    doc_id = re.search(r"<DOCID>\s*([^<\s]+)\s*</DOCID>", raw)
    title = re.search(r"<EXTRAINFO>(.*?)</EXTRAINFO>", raw, re.S)
    sentences = [(0, title.group(1))] if title else []
    sentences += [(int(n), body) for n, body in _TML_SENTENCE.findall(raw)]
    rows: list[tuple[int, int, str]] = []
    for sent, body in sentences:
        for word in html.unescape(_TAG.sub(" ", body)).split():
            rows.append((sent, len(rows), word))
    return _joined(doc_id.group(1) if doc_id else path.stem.split("_")[0], _dct(raw), rows)


def _dct(raw: str) -> date | None:
    tag = _DCT_TIMEX.search(raw)
    value = dict(_ATTR.findall(tag.group(0))).get("value", "") if tag else ""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _joined(doc_id: str, published: date | None, rows: list[tuple[int, int, str]]) -> CorpusDoc:
    """Plain text from tokens, one sentence a line, spaces where English writes them."""
    parts: list[str] = []
    tokens: list[CorpusToken] = []
    length = 0
    previous: tuple[int, str] | None = None
    open_quote = False
    for sentence, number, word in sorted(rows, key=lambda r: r[1]):
        sep = _separator(previous, sentence, word, open_quote)
        if word == '"':
            open_quote = not open_quote
        parts.append(sep)
        length += len(sep)
        tokens.append(CorpusToken(sentence, number, word, length, length + len(word)))
        parts.append(word)
        length += len(word)
        previous = (sentence, word)
    return CorpusDoc(doc_id, published, "".join(parts), tokens)


def _separator(previous: tuple[int, str] | None, sentence: int, word: str, open_quote: bool) -> str:
    if previous is None:
        return ""
    if previous[0] != sentence:
        return "\n"
    before = previous[1]
    if word in _NO_SPACE_BEFORE or before in _NO_SPACE_AFTER:
        return ""
    if word == '"':
        return "" if open_quote else " "  # a closing quote hugs the word before it
    if before == '"' and open_quote:
        return ""  # an opening quote hugs the word after it
    return " "


def corpus_files(folder: Path) -> list[Path]:
    """The corpus documents: CAT files where a CAT folder exists, else TimeML files; never
    the gold folder's."""
    cat = sorted(p for p in folder.rglob("*.xml") if "cat" in p.parent.name.lower())
    if cat:
        return cat
    return sorted(folder.rglob("*.tml"))


def read_doc(path: Path) -> CorpusDoc:
    return read_timeml(path) if path.suffix == ".tml" else read_cat(path)


# --- gold and targets ---------------------------------------------------------------------

_MENTION = re.compile(r"^(\d+)-(\d+)-(\S+)$")


@dataclass
class Line:
    order: int
    date: str
    mentions: list[str]  # DOC-SENT-word, case-folded


@dataclass
class Timeline:
    name: str
    lines: list[Line] = field(default_factory=list)


def read_timeline(path: Path) -> Timeline:
    """A timeline file: a header line (the entity), then ORDER<TAB>DATE<TAB>MENTION...; stray
    fields that are no DOC-SENT-word mention are skipped."""
    rows = path.read_text(encoding="utf-8").splitlines()
    timeline = Timeline(rows[0].strip() if rows else path.stem)
    for row in rows[1:]:
        fields = row.strip().split("\t")
        if len(fields) < 3 or not fields[0].strip().isdigit():
            continue
        mentions = [f.strip().lower() for f in fields[2:] if _MENTION.match(f.strip())]
        timeline.lines.append(Line(int(fields[0]), fields[1].strip(), mentions))
    return timeline


def gold_folder(folder: Path) -> Path | None:
    for name in ("TimeLines_Gold_Standard", "timelines"):
        found = sorted(p for p in folder.rglob(name) if p.is_dir())
        if found:
            return found[0]
    return None


def target_names(
    folder: Path, gold: dict[str, Timeline], listed: Path | None, gold_dir: Path | None = None
) -> list[str]:
    """The targets: the list file given or found in the corpus folder (outside the gold
    folder), else the gold timelines' headers."""
    if listed is None:
        candidates = [
            p
            for p in sorted(folder.rglob("*.txt"))
            if ("target" in p.name.lower() or "list" in p.name.lower())
            and (gold_dir is None or gold_dir not in p.parents)
        ]
        listed = candidates[0] if candidates else None
    if listed is not None:
        return [row.strip() for row in listed.read_text("utf-8").splitlines() if row.strip()]
    return [gold[key].name or key.replace("_", " ") for key in sorted(gold)]


def file_key(name: str) -> str:
    """A target's timeline file name (without .txt), as the task names them."""
    return re.sub(r"\s+", "_", name.strip().lower())


# --- system -------------------------------------------------------------------------------


def mention_id(doc: CorpusDoc, event: EventMention) -> str | None:
    """DOC-SENTENCE-WORD of an event: its tokens joined by '_' ("step_down")."""
    tokens = doc.tokens_in(event.start, event.end)
    if not tokens:
        return None
    words = "_".join(t.text for t in tokens)
    return f"{doc.doc_id}-{tokens[0].sentence}-{words}".lower()


def system_timeline(
    name: str, docs: dict[str, CorpusDoc], reads: list[ReadArticle]
) -> tuple[Timeline, list[EventMention]]:
    target = make_target(name, guess_kind(name, reads))
    events = [e for read in reads for e in target_events(read, target)]
    timeline = Timeline(name)
    for line in build_timeline(events):
        ids = [mention_id(docs[e.article_id], e) for e in line.mentions]
        unique = list(dict.fromkeys(i for i in ids if i))
        if unique:
            timeline.lines.append(Line(line.order, line.date, unique))
    return timeline, events


def write_timeline(timeline: Timeline, path: Path) -> None:
    rows = [timeline.name] + [
        "\t".join([str(line.order), line.date, *line.mentions]) for line in timeline.lines
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


# --- scoring ------------------------------------------------------------------------------


def norm_date(value: str) -> str:
    """A date compared without its unknown parts: "2010-XX-XX" is "2010"; all-unknown is ''."""
    parts = []
    for part in value.strip().split("-"):
        if not part or "X" in part.upper():
            break
        parts.append(part)
    return "-".join(parts)


def positions(timeline: Timeline) -> tuple[dict[str, int], dict[str, str]]:
    """Each event's position and normalised date; an event listed twice keeps its first line.
    Position 0 (undated, unordered) is left out, as the task's scorer does."""
    pos: dict[str, int] = {}
    dates: dict[str, str] = {}
    for line in timeline.lines:
        if line.order <= 0:
            continue
        for mention in line.mentions:
            if mention not in pos:
                pos[mention] = line.order
                dates[mention] = norm_date(line.date)
    return pos, dates


@dataclass(frozen=True)
class Awareness:
    verified_p: int
    relations_p: int
    verified_r: int
    relations_r: int

    @property
    def precision(self) -> float:
        return self.verified_p / self.relations_p if self.relations_p else 0.0

    @property
    def recall(self) -> float:
        return self.verified_r / self.relations_r if self.relations_r else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def temporal_awareness(gold: Timeline, system: Timeline) -> Awareness:
    """Temporal awareness of a system timeline against gold (see the module's docstring):
    reduced relations of one graph verified by the closure of the other, both ways."""
    gold_pos, gold_dates = positions(gold)
    sys_pos, sys_dates = positions(system)
    vp, np_ = _verified(sys_pos, sys_dates, gold_pos, gold_dates)
    vr, nr = _verified(gold_pos, gold_dates, sys_pos, sys_dates)
    return Awareness(vp, np_, vr, nr)


def _verified(
    pos: dict[str, int],
    dates: dict[str, str],
    other_pos: dict[str, int],
    other_dates: dict[str, str],
) -> tuple[int, int]:
    """(verified, total) reduced relations of one timeline graph against the other's closure.
    The closure of a timeline is read off its positions: same position SIMULTANEOUS, lower
    position BEFORE; anchors are leaves, verified by the same event having the same date."""
    by_position: dict[int, list[str]] = defaultdict(list)
    for event, p in pos.items():
        by_position[p].append(event)
    ordered = sorted(by_position)
    total = verified = 0
    for p in ordered:  # n-1 SIMULTANEOUS relations chain a position's events
        members = by_position[p]
        total += len(members) - 1
        groups: dict[int, int] = defaultdict(int)
        for event in members:
            if event in other_pos:
                groups[other_pos[event]] += 1
        verified += sum(n - 1 for n in groups.values())  # the best spanning chain
    for earlier, later in zip(ordered, ordered[1:], strict=False):  # one BEFORE a step
        total += 1
        firsts = [other_pos[e] for e in by_position[earlier] if e in other_pos]
        seconds = [other_pos[e] for e in by_position[later] if e in other_pos]
        verified += bool(firsts and seconds and min(firsts) < max(seconds))
    for event, value in dates.items():  # each dated event and its anchor
        if not value:
            continue
        total += 1
        verified += other_dates.get(event) == value
    return verified, total


@dataclass
class Counts:
    sys_mentions: int = 0
    gold_mentions: int = 0
    sent_tp_p: int = 0  # system mentions in a gold sentence
    sent_tp_r: int = 0  # gold mentions in a system sentence
    exact: int = 0
    date_right: int = 0
    order_pairs: int = 0
    order_right: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _all_mentions(timeline: Timeline) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for line in timeline.lines:
        for mention in line.mentions:
            found.setdefault(mention, (line.order, norm_date(line.date)))
    return found


def _sentence(mention: str) -> str:
    doc, sent, _ = mention.split("-", 2)
    return f"{doc}-{sent}"


def _words_match(a: str, b: str) -> bool:
    """Token-exact: the same words, or one a multi-word form of the other starting with it
    ("step_down" written "step")."""
    return a == b or a.split("_")[0] == b or b.split("_")[0] == a


def event_counts(gold: Timeline, system: Timeline) -> Counts:
    gold_m = _all_mentions(gold)
    sys_m = _all_mentions(system)
    counts = Counts(sys_mentions=len(sys_m), gold_mentions=len(gold_m))
    gold_sents = {_sentence(m) for m in gold_m}
    sys_sents = {_sentence(m) for m in sys_m}
    counts.sent_tp_p = sum(_sentence(m) in gold_sents for m in sys_m)
    counts.sent_tp_r = sum(_sentence(m) in sys_sents for m in gold_m)
    pairs = _exact_pairs(gold_m, sys_m)
    counts.exact = len(pairs)
    counts.date_right = sum(gold_m[g][1] == sys_m[s][1] for g, s in pairs)
    for (g1, s1), (g2, s2) in combinations(pairs, 2):
        o1, o2 = gold_m[g1][0], gold_m[g2][0]
        if o1 <= 0 or o2 <= 0:
            continue
        counts.order_pairs += 1
        p1, p2 = sys_m[s1][0], sys_m[s2][0]
        if p1 > 0 and p2 > 0 and _sign(o1 - o2) == _sign(p1 - p2):
            counts.order_right += 1
    return counts


def _exact_pairs(gold_m: dict[str, tuple[int, str]], sys_m: dict[str, tuple[int, str]]):
    by_sentence: dict[str, list[str]] = defaultdict(list)
    for mention in gold_m:
        by_sentence[_sentence(mention)].append(mention)
    pairs = []
    used: set[str] = set()
    for mention in sys_m:
        word = mention.split("-", 2)[2]
        for candidate in by_sentence.get(_sentence(mention), []):
            if candidate not in used and _words_match(candidate.split("-", 2)[2], word):
                pairs.append((candidate, mention))
                used.add(candidate)
                break
    return pairs


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def micro_awareness(results: Sequence[tuple[Awareness, int]]) -> tuple[float, float, float]:
    """The task's micro average: each timeline's P, R and F1 weighted by its gold lines."""
    weight = sum(n for _, n in results)
    if not weight:
        return 0.0, 0.0, 0.0
    p = sum(a.precision * n for a, n in results) / weight
    r = sum(a.recall * n for a, n in results) / weight
    f = sum(a.f1 * n for a, n in results) / weight
    return p, r, f


# --- run ----------------------------------------------------------------------------------


def read_corpus(paths: Iterable[Path]) -> tuple[dict[str, CorpusDoc], list[ReadArticle]]:
    docs: dict[str, CorpusDoc] = {}
    reads: list[ReadArticle] = []
    paths = list(paths)
    for n, path in enumerate(paths, start=1):
        doc = read_doc(path)
        docs[doc.doc_id] = doc
        reads.append(read_article(ArticleInput(doc.doc_id, doc.text, doc.published, None)))
        if n % 10 == 0 or n == len(paths):
            print(f"read {n}/{len(paths)} articles", file=sys.stderr, flush=True)
    return docs, reads


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--targets", type=Path, help="file with one target entity a line")
    parser.add_argument("--verbose", action="store_true", help="print each target's timeline")
    parser.add_argument("--out", type=Path, help="write the system timelines here")
    args = parser.parse_args(argv)

    gold_dir = gold_folder(args.dir)
    if gold_dir is None:
        parser.error(f"no TimeLines_Gold_Standard/ or timelines/ folder under {args.dir}")
    gold = {p.stem.lower(): read_timeline(p) for p in sorted(gold_dir.glob("*.txt"))}
    paths = [p for p in corpus_files(args.dir) if gold_dir not in p.parents]
    if not paths:
        parser.error(f"no CAT or TimeML documents under {args.dir}")
    started = time.perf_counter()
    docs, reads = read_corpus(paths)
    names = target_names(args.dir, gold, args.targets, gold_dir)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)

    total = Counts()
    results: list[tuple[Awareness, int]] = []
    header = (
        f"{'target':<22} {'gold':>4} {'sys':>4} | {'sentP':>5} {'sentR':>5} {'sentF':>5} | "
        f"{'exP':>5} {'exR':>5} {'exF':>5} | {'date':>5} {'order':>5} | {'taP':>5} {'taR':>5} "
        f"{'taF1':>5}"
    )
    print(header)
    print("-" * len(header))
    for name in names:
        key = file_key(name)
        reference = gold.get(key, Timeline(name))
        system, _ = system_timeline(name, docs, reads)
        if args.out:
            write_timeline(system, args.out / f"{key}.txt")
        counts = event_counts(reference, system)
        awareness = temporal_awareness(reference, system)
        total.add(counts)
        results.append((awareness, len(reference.lines)))
        _row(name, counts, awareness)
        if args.verbose:
            _show(system)
    print("-" * len(header))
    _row("all (micro)", total, None)
    sp, sr, sf = prf(total.sent_tp_p, total.sys_mentions, total.sent_tp_r, total.gold_mentions)
    ep, er, ef = prf(total.exact, total.sys_mentions, total.exact, total.gold_mentions)
    date_acc = total.date_right / total.exact if total.exact else 0.0
    order_acc = total.order_right / total.order_pairs if total.order_pairs else 0.0
    tp, tr, tf = micro_awareness(results)
    elapsed = time.perf_counter() - started
    print(
        f"\n{len(docs)} articles, {len(names)} targets, {elapsed:.1f} s; "
        f"matched events (token-exact) {total.exact}, ordered pairs {total.order_pairs}"
    )
    print(
        f"temporal awareness (micro, official weighting): P {_pct(tp)} R {_pct(tr)} "
        f"F1 {_pct(tf)} (published floor, best raw-text run: F1 {FLOOR_TA_F1})"
    )
    print(
        f"TIMELINE events sentence P/R/F1 {_pct(sp)}/{_pct(sr)}/{_pct(sf)} | token-exact "
        f"P/R/F1 {_pct(ep)}/{_pct(er)}/{_pct(ef)} | date acc {_pct(date_acc)} | order acc "
        f"{_pct(order_acc)} | TA F1 {_pct(tf)}"
    )
    print("rerun: " + shlex.join(["python", "benchmarks/timeline.py", *sys.argv[1:]]))
    return 0


def _row(name: str, counts: Counts, awareness: Awareness | None) -> None:
    _, _, sf = prf(counts.sent_tp_p, counts.sys_mentions, counts.sent_tp_r, counts.gold_mentions)
    sp, sr, _ = prf(counts.sent_tp_p, counts.sys_mentions, counts.sent_tp_r, counts.gold_mentions)
    ep, er, ef = prf(counts.exact, counts.sys_mentions, counts.exact, counts.gold_mentions)
    date_acc = _pct(counts.date_right / counts.exact) if counts.exact else "    -"
    order = _pct(counts.order_right / counts.order_pairs) if counts.order_pairs else "    -"
    ta = (
        f"{_pct(awareness.precision)} {_pct(awareness.recall)} {_pct(awareness.f1)}"
        if awareness
        else f"{'':>5} {'':>5} {'':>5}"
    )
    print(
        f"{name[:22]:<22} {counts.gold_mentions:>4} {counts.sys_mentions:>4} | {_pct(sp)} "
        f"{_pct(sr)} {_pct(sf)} | {_pct(ep)} {_pct(er)} {_pct(ef)} | {date_acc} {order} | {ta}"
    )


def _show(timeline: Timeline) -> None:
    for line in timeline.lines:
        print(f"    {line.order:>3} {line.date:<10} {' '.join(line.mentions)}")


if __name__ == "__main__":
    raise SystemExit(main())
