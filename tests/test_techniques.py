"""Persuasion techniques: the task's measures, the PTC reader, the tagger's windows and decoding,
the shipped model on text of our own, its records in the pipeline, report and API, the
benchmark on a PTC-format folder, and (with torch) the training script end to end."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsprism.training.ptc import (
    PTCError,
    every_fifth,
    merge,
    read_articles,
    si_scores,
    tc_micro_f1,
)
from newsprism.understand.nlp import load_nlp
from newsprism.understand.technique_features import SpanVectoriser
from newsprism.understand.technique_spans import (
    MAX_PIECES,
    TokenView,
    decode,
    piece_tokenizers,
    sentence_starts,
    token_probabilities,
    windows,
)
from newsprism.understand.techniques import GRAPHS, TECHNIQUES, TechniqueModelError, load_tagger

ROOT = Path(__file__).resolve().parents[1]
LAYERS = 6  # fine-tuned MiniLM layers in the shipped tagger

# Our own text, written for these tests: a partisan op-ed in the register the PTC annotates.
OPED = (
    "Traitors in Washington Sell Out Our Heroes Again\n\n"
    "The corrupt, cowardly bureaucrats in Washington have once again stabbed our brave soldiers "
    "in the back.\n"
    "Every patriot knows the truth: this disgraceful surrender will unleash a wave of terror on "
    "our streets.\n"
    "Either we stand up now or we lose our country forever.\n"
    "So-called experts claim the deal is safe, but can anyone really believe these liars?\n"
    "Make America strong again!\n"
)


# --- the task's measures ---------------------------------------------------------------------


def test_si_measure_gives_partial_credit_and_merges_overlaps() -> None:
    gold = {"a": [(0, 10), (5, 20), (30, 40)]}  # merged: (0, 20), (30, 40)
    assert merge(gold["a"]) == [(0, 20), (30, 40)]
    assert si_scores(gold, gold) == (1.0, 1.0, 1.0)
    p, r, f = si_scores({"a": [(10, 30)]}, gold)
    # one predicted span, half inside (0, 20): P = 10/20; R = (10/20 + 0) / 2
    assert (p, r) == pytest.approx((0.5, 0.25)) and f == pytest.approx(1 / 3)
    p, r, _ = si_scores({"a": [(0, 5), (3, 8), (35, 45)], "b": [(0, 4)]}, gold)
    # (0, 8) wholly inside: 1; (35, 45) half: 0.5; b's span is wrong: 0 -> P = 1.5 / 3
    assert (p, r) == pytest.approx((0.5, (8 / 20 + 5 / 10) / 2))
    assert si_scores({}, gold) == (0.0, 0.0, 0.0)
    assert merge([(0, 5), (5, 9)]) == [(0, 5), (5, 9)]  # touching spans are two spans


def test_tc_measure_compares_a_spans_techniques_as_a_multiset() -> None:
    gold = {("a", 0, 5): ["Doubt", "Slogans"], ("a", 9, 12): ["Repetition"]}
    assert tc_micro_f1({("a", 0, 5): ["Slogans", "Doubt"], ("a", 9, 12): ["Doubt"]}, gold) == (
        pytest.approx(2 / 3)
    )
    assert tc_micro_f1({}, gold) == 0.0


def test_ptc_reader_sorts_by_id_splits_every_fifth_and_names_a_bad_line(tmp_path: Path) -> None:
    articles, labels = tmp_path / "articles", tmp_path / "labels"
    articles.mkdir()
    labels.mkdir()
    for i in (12, 3, 7, 100, 25, 40):
        (articles / f"article{i}.txt").write_text(f"Text {i} is here.\n", encoding="utf-8")
    (labels / "article3.labels").write_text("3\tDoubt\t0\t4\n3\t5\t6\n", encoding="utf-8")
    found = read_articles(articles, labels)
    assert [a.id for a in found] == ["3", "7", "12", "25", "40", "100"]
    assert [(s.start, s.end, s.technique) for s in found[0].spans] == [
        (0, 4, "Doubt"), (5, 6, None),
    ]  # fmt: skip
    rest, fifth = every_fifth(found)
    assert [a.id for a in fifth] == ["3", "100"] and len(rest) == 4
    (labels / "article7.labels").write_text("7\tDoubt\tzero\t4\n", encoding="utf-8")
    with pytest.raises(PTCError, match=r"article7\.labels:1"):
        read_articles(articles, labels)
    with pytest.raises(PTCError, match="not a folder"):
        read_articles(tmp_path / "nowhere")


# --- windows and decoding ----------------------------------------------------------------------


def test_long_lines_are_read_in_sentence_windows_that_fit_the_model() -> None:
    nlp = load_nlp()
    sentence = "The minister said the convoy reached the border crossing before dawn on Friday. "
    text = "Short headline\n" + sentence * 30 + "\nA closing line."
    doc = nlp(text)
    lines, pieces = piece_tokenizers()
    ranges = windows(text, [s.start_char for s in doc.sents], lines)
    assert ranges[0] == (0, len("Short headline")) and text[slice(*ranges[-1])] == "A closing line."
    long_windows = ranges[1:-1]
    assert len(long_windows) > 1
    starts = {s.start_char for s in doc.sents} | {len("Short headline\n")}
    for a, b in long_windows:
        assert a in starts  # cut where a sentence (or the line) begins
        assert len(pieces.encode(text[a:b]).ids) <= MAX_PIECES
    covered = "".join(text[a:b] for a, b in long_windows).replace(" ", "")
    assert covered == (sentence * 30).replace(" ", "")  # nothing lost between windows


def test_decoding_keeps_runs_inside_a_window_trims_punctuation_and_drops_short_runs() -> None:
    nlp = load_nlp()
    text = "They are evil, vile liars.\nThey lie."
    doc = nlp(text)
    view = TokenView.of(doc, 96)
    probs = np.array([0.1, 0.2, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1], np.float32)[
        : len(doc)
    ]
    ranges = [(0, 26), (27, len(text))]
    spans = decode(probs, view, ranges, threshold=0.5)
    texts = [text[a:b] for a, b in spans]
    assert texts[0] == "evil, vile liars"  # the final full stop is trimmed
    assert all("\n" not in t for t in texts)  # never across a line
    assert decode(probs, view, ranges, threshold=0.5, min_tokens=10) == []


def test_decoded_spans_are_whole_words() -> None:
    nlp = load_nlp()
    text = "A war-torn land, they're told, lies in anti-ISIS ruins."
    doc = nlp(text)
    view = TokenView.of(doc, 96)
    high = {"torn", "'re", "ISIS"}
    probs = np.array([0.9 if t.text in high else 0.0 for t in doc], np.float32)
    spans = decode(probs, view, [(0, len(text))], threshold=0.5)
    assert [text[a:b] for a, b in spans] == ["war-torn", "they're", "anti-ISIS"]


def test_decoded_spans_do_not_open_or_close_on_a_function_word() -> None:
    # seen on the seeds: "Betrayed Kurdish allies throw rotten tomatoes at", "and the ..."
    nlp = load_nlp()
    text = "Angry residents hurled rotten tomatoes at the convoy, and the corrupt regime lied."
    doc = nlp(text)
    view = TokenView.of(doc, 96)
    words = [t.text for t in doc]
    flagged = set(range(words.index("at") + 1)) | set(range(9, 13))  # ... at | and ... regime
    probs = np.array([0.9 if i in flagged else 0.0 for i in range(len(doc))], np.float32)
    spans = decode(probs, view, [(0, len(text))], threshold=0.5)
    found = [text[a:b] for a, b in spans]
    assert found == ["Angry residents hurled rotten tomatoes", "the corrupt regime"]
    lone = np.array([0.9 if t.text == "at" else 0.0 for t in doc], np.float32)
    assert decode(lone, view, [(0, len(text))], threshold=0.5) == []


def test_a_run_is_a_span_only_where_it_reaches_the_peak_and_keeps_its_low_bounds() -> None:
    nlp = load_nlp()
    text = "The council said the so-called peace plan was a shameful betrayal of its own people."
    doc = nlp(text)
    view = TokenView.of(doc, 96)
    probs = np.zeros(len(doc), np.float32)
    words = [t.text for t in doc]
    # a mild run with no peak ("said the"), and a run whose middle peaks ("shameful")
    probs[words.index("said") : words.index("so")] = 0.3
    start, end = words.index("a"), words.index("betrayal")
    probs[start : end + 1] = 0.3
    probs[words.index("shameful")] = 0.8
    ranges = [(0, len(text))]
    found = [text[a:b] for a, b in decode(probs, view, ranges, threshold=0.25, peak=0.5)]
    assert found == ["a shameful betrayal"]  # its bounds are the low threshold's
    assert [text[a:b] for a, b in decode(probs, view, ranges, threshold=0.25)] == [
        "said",  # "the" is a function word at its edge
        "a shameful betrayal",
    ]
    assert [text[a:b] for a, b in decode(probs, view, ranges, threshold=0.5)] == ["shameful"]


def test_classifier_vectoriser_survives_the_round_trip_through_plain_arrays() -> None:
    nlp = load_nlp()
    text = "Cowards and traitors run the country.\nThe vote is on Monday.\nCowards!"
    doc = nlp(text)
    view = TokenView.of(doc, 96)
    spans = [(0, 19), (38, 60), (61, 68)]
    words, chars, line = SpanVectoriser.vectorisers()
    for v in (words, chars, line):
        v.set_params(min_df=1)
    phrases = [text[a:b] for a, b in spans]
    words.fit(phrases)
    chars.fit(phrases)
    line.fit(phrases)
    fitted = SpanVectoriser(words, chars, line, np.zeros(17 + 96, np.float32), np.ones(113))
    vectors = np.ones((3, 384), np.float32)
    rebuilt = SpanVectoriser.from_arrays(fitted.arrays("x_"), "x_")
    before = fitted.transform(text, spans, view, vectors).toarray()
    after = rebuilt.transform(text, spans, view, vectors).toarray()
    assert np.allclose(before, after, atol=1e-6)
    # "Cowards" said twice: the repetition cue sees it
    assert fitted.transform(text, spans, view, vectors).shape[0] == 3


# --- the shipped model ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tagger():
    return load_tagger()


def test_shipped_model_knows_the_fourteen_techniques(tagger) -> None:
    assert sorted(tagger.classes) == sorted(TECHNIQUES)
    assert tagger.meta["layers"] == LAYERS
    assert 1 <= tagger.meta["exit"]["layer"] < LAYERS
    shipped = ROOT / "src/newsprism/understand/technique_model"
    assert sum((shipped / name).stat().st_size for name in GRAPHS) < 16_000_000
    assert not (shipped / "span_tagger.npz").exists()
    assert not (shipped / "span_tagger.onnx").exists()


def test_a_model_folder_of_an_older_form_says_to_rebuild(tmp_path: Path) -> None:
    shipped = ROOT / "src/newsprism/understand/technique_model"
    for name in ("meta.json", "classifier.npz"):
        (tmp_path / name).write_bytes((shipped / name).read_bytes())
    (tmp_path / "span_tagger.onnx").write_bytes((shipped / GRAPHS[0]).read_bytes())  # one graph
    with pytest.raises(
        TechniqueModelError, match=r"no span_tagger_lower\.onnx.*make techniques-model"
    ):
        load_tagger(str(tmp_path))


def test_windows_the_gate_stops_carry_no_span_but_spans_to_classify_are_read_in_full(
    tagger, monkeypatch
) -> None:
    doc = load_nlp()(OPED)
    spans = [(t.start, t.end) for t in tagger.tag(OPED, doc)]
    assert spans
    read_by_gate = tagger.classify(OPED, doc, spans)
    monkeypatch.setattr(tagger.spans, "gate", 2.0)  # above any probability: every window stops
    assert tagger.identify(OPED, doc).spans == []
    forced = tagger.classify(OPED, doc, spans)
    # the same techniques: the windows holding the spans went through every layer regardless
    assert (forced.argmax(1) == read_by_gate.argmax(1)).all()
    assert np.abs(forced - read_by_gate).max() < 0.05


def test_plain_reporting_lines_stop_at_the_exit_and_a_loaded_one_goes_on(tagger) -> None:
    # bug: the gate read the exit head's output on [CLS] and [SEP] too, which it was never
    # taught on, and every window went through all six layers
    text = (
        "The city council met on Tuesday to review the budget for the coming year.\n"
        "Members approved funding for two new bus routes and a library renovation.\n"
        "The meeting lasted three hours and was open to the public.\n"
        "A vote on the parking plan was postponed until next month.\n"
        "The clerk said the minutes would be published online by Friday.\n"
        "These corrupt traitors want to destroy our great nation and must be stopped!"
    )
    seen, read = tagger.spans.windows_seen, tagger.spans.windows_read
    found = tagger.tag(text, load_nlp()(text))
    assert tagger.spans.windows_seen - seen == 6
    assert 1 <= tagger.spans.windows_read - read <= 3
    assert found and all(t.start >= text.index("These") for t in found)


def test_the_gate_is_the_highest_that_skips_no_more_than_the_allowed_share_of_spans():
    from newsprism.training.technique_tagger.gate import gate_for

    tops = np.array([0.9, 0.05, 0.5, 0.1, 0.2])  # each window's top exit probability
    spans = np.array([67, 0, 30, 1, 2])  # spans the whole tagger finds in it (100 in all)
    gate, share = gate_for(tops, spans, 0.03)
    assert 0.2 < gate <= 0.5 and share == 0.4  # stops the three lowest windows: 3 spans lost
    gate, share = gate_for(tops, spans, 0.005)
    assert 0.05 < gate <= 0.1 and share == 0.8  # only the window with no span stops
    assert gate_for(tops, np.zeros(5, int), 0.03) == (0.0, 1.0)  # nothing to lose: read all


def test_regate_chooses_the_gate_on_the_shipped_graphs_and_keeps_the_taggers_spans(
    tmp_path: Path,
) -> None:
    from newsprism.training.technique_tagger.settings import GATE_LOSS
    from newsprism.training.techniques import main

    ptc = tmp_path / "ptc"
    (ptc / "train-articles").mkdir(parents=True)
    (ptc / "unlabeled-articles").mkdir()
    plain = "The council met on Tuesday and approved the budget for the coming year."
    for n, text in enumerate([OPED, plain, OPED.replace("\n", " ") + "\n" + plain]):
        (ptc / "unlabeled-articles" / f"article{n}.txt").write_text(text, encoding="utf-8")
    shipped = ROOT / "src/newsprism/understand/technique_model"
    model = tmp_path / "model"
    model.mkdir()
    for item in shipped.iterdir():
        (model / item.name).write_bytes(item.read_bytes())
    meta = json.loads((model / "meta.json").read_text())
    meta["exit"]["gate"] = 0.99  # a gate that would stop nearly everything
    (model / "meta.json").write_text(json.dumps(meta))

    assert main(["--ptc", str(ptc), "--out", str(model), "--regate"]) == 0
    exit_ = json.loads((model / "meta.json").read_text())["exit"]
    assert 0 < exit_["gate"] < 0.99 and exit_["chosen_on"] == "unlabeled-articles (3 articles)"
    assert exit_["most_spans_skipped"] == GATE_LOSS
    regated = load_tagger(str(model)).spans
    assert regated.gate == exit_["gate"]
    knobs = meta["decoding"]

    def spans_found(gate: float) -> int:
        regated.gate, count = gate, 0
        for path in sorted((ptc / "unlabeled-articles").iterdir()):
            text = path.read_text(encoding="utf-8")
            doc = load_nlp()(text)
            view = TokenView.of(doc, regated.tensor_width)
            ranges = windows(text, sentence_starts(doc), regated.tokenizer)
            _, offsets, piece_probs, _ = regated.read_windows(text, ranges, view)
            probs = token_probabilities(view, piece_probs, offsets)
            count += len(decode(probs, view, ranges, **knobs))
        return count

    everything, kept = spans_found(0.0), spans_found(exit_["gate"])
    assert everything > 0 and everything - kept <= GATE_LOSS * everything


def test_regate_without_a_model_says_so(tmp_path: Path, capsys) -> None:
    from newsprism.training.techniques import main

    (tmp_path / "ptc" / "train-articles").mkdir(parents=True)
    args = ["--ptc", str(tmp_path / "ptc"), "--out", str(tmp_path / "none"), "--regate"]
    assert main(args) == 2
    assert "no model with an exit gate there" in capsys.readouterr().err


def test_the_refitted_taggers_threshold_flags_as_much_unlabeled_text_as_the_tuned_one() -> None:
    from newsprism.training.technique_tagger.fitting import matched_threshold

    rng = np.random.default_rng(0)
    before = rng.beta(1, 6, 20_000)
    after = np.clip(before * 1.7, 0, 1)  # a surer model: the same ranking, higher scores
    threshold = matched_threshold(before, after, 0.1)
    assert threshold > 0.1
    assert abs((after >= threshold).mean() - (before >= 0.1).mean()) < 0.002
    assert matched_threshold(before, np.zeros(0), 0.1) == 0.1  # nothing to compare: kept


def test_shipped_model_flags_every_line_of_an_oped(tagger) -> None:
    doc = load_nlp()(OPED)
    found = tagger.tag(OPED, doc)
    assert found, "an op-ed written to persuade must yield technique spans"
    for t in found:
        assert OPED[t.start : t.end] == t.text and t.technique in TECHNIQUES
        assert 0 < t.score <= 1 and t.text.strip() == t.text
    flagged = " ".join(t.text for t in found).lower()
    assert any(w in flagged for w in ("corrupt", "cowardly", "traitors", "liars", "disgraceful"))
    lines = [line for line in OPED.splitlines() if line.strip()]
    assert all(any(t.text in line for t in found) for line in lines)
    # "So-called experts" alone reads as a label, within "So-called experts claim the deal is
    # safe" as casting doubt: which span the tagger draws moved with a dependency update
    # (December 2026), and the PTC annotates "so-called X" both ways
    so_called = next(t for t in found if "So-called experts" in t.text)
    assert so_called.technique in ("Doubt", "Name_Calling,Labeling")


def test_shipped_model_names_a_quoted_epithet_in_plain_reporting(tagger) -> None:
    text = (
        "Lawmakers voted 52 to 48 on Thursday to approve the new border funding bill.\n"
        "The measure provides $4.2 billion for additional staff and equipment at ports of entry.\n"
        "Senator Mark Ellis called the plan \"a disgraceful giveaway to corrupt cronies\".\n"
        "The White House said it expected the president to sign the bill next week."
    )
    found = tagger.tag(text, load_nlp()(text))
    epithet = [t for t in found if "corrupt cronies" in t.text]
    assert epithet and epithet[0].technique in {"Loaded_Language", "Name_Calling,Labeling"}
    assert len(epithet[0].text) < 50, "the epithet, not the whole sentence"
    assert not [t for t in found if "52 to 48" in t.text or "White House" in t.text]


def test_a_spacy_model_without_sentences_or_vectors_still_gets_spans(tagger) -> None:
    import spacy

    text = "The corrupt cowards in the capital sold our heroes out again. " * 40  # one long line
    found = tagger.tag(text, spacy.blank("en")(text))
    assert found and all(text[t.start : t.end] == t.text for t in found)


def test_plain_reporting_yields_few_techniques(tagger) -> None:
    plain = (
        "The city council met on Tuesday to discuss the budget for the next fiscal year.\n"
        "Members approved funding for two new bus routes and a library renovation.\n"
        "The vote was seven to two, according to the council's published minutes.\n"
    )
    loaded = tagger.tag(OPED, load_nlp()(OPED))
    calm = tagger.tag(plain, load_nlp()(plain))
    assert len(calm) * 1000 / len(plain.split()) < len(loaded) * 1000 / len(OPED.split())


# --- pipeline, API, report, exports ------------------------------------------------------------


def test_techniques_are_stored_exported_and_profiled_per_outlet(tmp_path: Path) -> None:
    from newsprism.api import analyze

    src = tmp_path / "in"
    src.mkdir()
    (src / "oped.patriot-daily.txt").write_text(OPED, encoding="utf-8")
    (src / "council.city-news.txt").write_text(
        "Council approves budget\n\nThe city council approved the budget on Tuesday, "
        "officials said.\n",
        encoding="utf-8",
    )
    with analyze(src, db=tmp_path / "t.db", workers=1) as corpus:
        techniques = corpus.techniques()
        articles = {a["id"]: a for a in corpus.articles()}
        assert techniques
        for t in techniques:
            body = articles[t["article_id"]]
            source = body["title"] if t["field"] == "title" else body["text"]
            assert source[t["start"] : t["end"]] == t["text"]
            assert {"type", "id", "technique", "score", "alternatives"} <= set(t)
        one = techniques[0]["technique"]
        assert all(t["technique"] == one for t in corpus.techniques(one))
        columns = {c["name"]: c for c in corpus.naming_matrix()["columns"]}
        oped = next(c for name, c in columns.items() if "Traitors" in name or "patriot" in name)
        assert oped["techniques"] > 0 and oped["techniques_per_1000_words"] > 0
        assert sum(t["count"] for t in oped["technique_counts"]) == oped["techniques"]
        report = corpus.report(tmp_path / "r.html").read_text(encoding="utf-8")
        assert "Framing profile of each outlet" in report
        anchor = next(t for t in techniques if t["field"] == "text")["id"]
        assert f'id="t-{anchor}"' in report and f'href="#t-{anchor}"' in report
        corpus.export("jsonl", tmp_path / "out.jsonl")
        corpus.export("framing", tmp_path / "framing.json")
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").open(encoding="utf-8")]
    assert sum(r["type"] == "technique" for r in exported) == len(techniques)
    document = json.loads((tmp_path / "framing.json").read_text(encoding="utf-8"))
    profiles = {c["name"]: c for c in document["columns"]}
    assert profiles[oped["name"]]["techniques_per_1000_words"] == oped["techniques_per_1000_words"]


def test_analysis_goes_on_without_a_technique_model(tmp_path: Path, monkeypatch) -> None:
    from newsprism.api import analyze
    from newsprism.understand import components

    monkeypatch.setenv("NEWSPRISM_TECHNIQUE_MODEL", str(tmp_path / "no-model"))
    components.process_tagger.cache_clear()
    load_tagger.cache_clear()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(OPED, encoding="utf-8")
    try:
        with (
            pytest.warns(UserWarning, match="no technique model"),
            analyze(tmp_path / "in", db=tmp_path / "t.db", workers=1) as corpus,
        ):
            assert corpus.techniques() == []
            assert "Washington" in [p["text"] for p in corpus.places()]  # the rest went on
    finally:
        components.process_tagger.cache_clear()
        load_tagger.cache_clear()


def test_a_fused_skip_layer_norm_split_in_two_computes_the_same() -> None:
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    from newsprism.training.technique_tagger.onnx_export import split_skip_layer_norms

    rng = np.random.default_rng(0)
    weights = {name: rng.normal(size=8).astype(np.float32) for name in ("gamma", "beta", "bias")}
    node = helper.make_node(
        "SkipLayerNormalization", ["x", "skip", "gamma", "beta", "bias"], ["y"],
        domain="com.microsoft", epsilon=1e-12,
    )  # fmt: skip
    graph = helper.make_model(
        helper.make_graph(
            [node], "skip-layer-norm",
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, [2, 3, 8]) for n in ("x", "skip")],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 8])],
            [numpy_helper.from_array(v, name) for name, v in weights.items()],
        ),
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
    )  # fmt: skip
    feeds = {n: rng.normal(size=(2, 3, 8)).astype(np.float32) for n in ("x", "skip")}

    def run(model: object) -> np.ndarray:
        session = onnxruntime.InferenceSession(model.SerializeToString())  # type: ignore[attr-defined]
        return session.run(None, feeds)[0]

    fused = run(graph)
    split = split_skip_layer_norms(onnx.load_from_string(graph.SerializeToString()))
    assert [n.op_type for n in split.graph.node] == ["Add", "Add", "LayerNormalization"]
    assert np.allclose(run(split), fused, atol=1e-5)
    total = feeds["x"] + feeds["skip"] + weights["bias"]
    expected = (total - total.mean(-1, keepdims=True)) / total.std(-1, keepdims=True)
    assert np.allclose(fused, expected * weights["gamma"] + weights["beta"], atol=1e-4)


# --- the benchmark and the training script -----------------------------------------------------


def _ptc_folder(root: Path) -> tuple[Path, Path]:
    articles, labels = root / "articles", root / "labels"
    articles.mkdir(parents=True)
    labels.mkdir()
    (articles / "article1.txt").write_text(OPED, encoding="utf-8")
    start = OPED.index("corrupt, cowardly bureaucrats")
    (labels / "article1.labels").write_text(
        f"1\tLoaded_Language\t{start}\t{start + len('corrupt, cowardly')}\n"
        f"1\tSlogans\t{OPED.index('Make America')}\t{OPED.index('again!') + 5}\n",
        encoding="utf-8",
    )
    return articles, labels


def test_benchmark_scores_any_ptc_format_folder_and_ends_with_its_figures(tmp_path: Path) -> None:
    articles, labels = _ptc_folder(tmp_path)
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/techniques.py"), str(articles), str(labels)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-4:]
    assert last[0].startswith("SI span F1") and "F1" in last[0]
    assert last[1].startswith("TC micro-F1") and ", 2 lines)" in last[1]
    assert last[2].startswith("exit gate:") and "windows read by all 6 layers" in last[2]
    assert last[3].startswith("cost:") and "ratio" in last[3]
    bad = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/techniques.py"), str(tmp_path / "x"), str(labels)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert bad.returncode == 2 and "not a folder" in bad.stderr


@pytest.mark.slow
@pytest.mark.skipif(
    not (importlib.util.find_spec("torch") and importlib.util.find_spec("onnx")),
    reason="training needs torch and onnx (`make techniques-model` installs them)",
)
def test_training_script_builds_a_model_the_tagger_loads(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    run = subprocess.run(
        [sys.executable, "-m", "newsprism.training.techniques", "--ptc",
         str(shared_dir / "data/ptc"), "--out", str(out), "--limit", "4", "--epochs", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    tagger = load_tagger(str(out))
    found = tagger.tag(OPED, load_nlp()(OPED))
    assert all(OPED[t.start : t.end] == t.text for t in found)


needs_torch = pytest.mark.skipif(
    not (importlib.util.find_spec("torch") and importlib.util.find_spec("onnx")),
    reason="training needs torch and onnx (`make techniques-model` installs them)",
)


@needs_torch
def test_a_soup_of_runs_is_their_mean_and_keeps_the_frozen_word_vectors() -> None:
    import torch

    from newsprism.training.technique_tagger.model import soup, trained_weights

    one = trained_weights(_small_tagger(torch))
    two = {k: v + 1.0 for k, v in one.items()}
    mixed = soup(torch, [one, two], 2)
    for name, value in trained_weights(mixed).items():
        assert torch.allclose(value, one[name] + 0.5), name
    base = _small_tagger(torch)
    assert torch.equal(mixed.word.weight, base.word.weight)  # not averaged, not trained
    assert not mixed.word.weight.requires_grad


def _small_tagger(torch):
    from newsprism.encoders.minilm import load_safetensors, model_dir
    from newsprism.training.technique_tagger.model import build_model

    torch.manual_seed(0)
    return build_model(torch, 2, load_safetensors(model_dir() / "model.safetensors"))


@pytest.mark.slow
@needs_torch
def test_training_on_two_processes_gives_the_model_one_process_gives(
    shared_dir: Path, tmp_path: Path
) -> None:
    def train(workers: int) -> Path:
        out = tmp_path / f"workers{workers}"
        run = subprocess.run(
            [sys.executable, "-m", "newsprism.training.techniques", "--ptc",
             str(shared_dir / "data/ptc"), "--out", str(out), "--limit", "3", "--epochs", "1",
             "--layers", "2", "--exit-layer", "1", "--soup", "2", "--workers", str(workers)],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        return out

    serial, parallel = train(1), train(2)
    meta = [json.loads((d / "meta.json").read_text()) for d in (serial, parallel)]
    assert meta[0]["settings"]["soup_of_runs"] == 2
    assert meta[0]["decoding"] == meta[1]["decoding"]
    assert meta[0]["exit"]["gate"] == meta[1]["exit"]["gate"]
    coefs = [np.load(d / "classifier.npz")["coef"] for d in (serial, parallel)]
    assert np.array_equal(coefs[0], coefs[1])


LOADED_OPENING = "The corrupt, cowardly bureaucrats"


def _articles_opening_with_an_epithet() -> list:
    """Twelve short articles, each opening with the same gold Name_Calling span, parsed."""
    from newsprism.training.ptc import GoldSpan, PTCArticle
    from newsprism.training.technique_tagger.windows import parse

    loaded = LOADED_OPENING
    articles = [
        PTCArticle(
            str(n),
            f"{loaded} met on day {n}. The council approved the budget after a long debate.\n",
            [GoldSpan(0, len(loaded), "Name_Calling")],
        )
        for n in range(12)
    ]
    return parse(articles, load_nlp(), piece_tokenizers())


def test_decoding_is_chosen_on_the_tune_part_and_scores_what_it_chose() -> None:
    from newsprism.training.technique_tagger.fitting import choose_decoding
    from newsprism.training.technique_tagger.settings import DECODING_GRID

    rng = np.random.default_rng(3)
    loaded = LOADED_OPENING
    parsed = _articles_opening_with_an_epithet()
    token_probs = []
    for p in parsed:
        inside = p.view.ends <= len(loaded)
        # the loaded words score high; elsewhere noise, loud in some articles
        noise = rng.uniform(0, rng.choice([0.2, 0.6]), len(inside))
        token_probs.append(np.where(inside, 0.9, noise).astype(np.float32))
    knobs, f1 = choose_decoding(parsed, token_probs)
    for knob, value in knobs.items():
        assert value in DECODING_GRID[knob]
    predicted = {
        p.article.id: decode(probs, p.view, p.ranges, **knobs)
        for p, probs in zip(parsed, token_probs, strict=True)
    }
    gold = {p.article.id: [(0, len(loaded))] for p in parsed}
    assert f1 == pytest.approx(si_scores(predicted, gold)[2])
    assert f1 > 0.9 and 0.2 < knobs["threshold"] < 0.9  # above the quiet noise, below the signal


def test_decoding_chooses_a_peak_where_the_spans_are_faint_at_their_edges(monkeypatch) -> None:
    from newsprism.training.technique_tagger.fitting import choose_decoding
    from newsprism.training.technique_tagger.settings import DECODING_GRID

    rng = np.random.default_rng(5)
    loaded = LOADED_OPENING
    parsed = _articles_opening_with_an_epithet()
    token_probs = []
    for p in parsed:
        texts = list(p.view.texts)
        # a span sure only of its core word, its edges as faint as a decoy run in plain words
        probs = np.where(p.view.ends <= len(loaded), 0.35, 0.05)
        probs[texts.index("cowardly")] = 0.9
        decoy = slice(texts.index("council"), texts.index("debate") + 1)
        probs[decoy] = rng.uniform(0.36, 0.4, decoy.stop - decoy.start)
        token_probs.append(probs.astype(np.float32))
    knobs, f1 = choose_decoding(parsed, token_probs)
    assert knobs["threshold"] < knobs["peak"] and f1 > 0.9
    # no single threshold can both keep the faint edges and drop the noise
    monkeypatch.setitem(DECODING_GRID, "peak", [0.0])
    without_peak, f1_without = choose_decoding(parsed, token_probs)
    assert without_peak["peak"] == 0.0 and f1_without < f1 - 0.1
