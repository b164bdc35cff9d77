"""How a stage shares its articles out to the engine's workers."""

from __future__ import annotations

from newsprism.engine.local import tapered_batches


def test_a_stages_last_articles_go_out_in_smaller_batches_so_the_workers_end_together() -> None:
    articles = [f"article-{n}" for n in range(100)]
    batches = [list(b) for b in tapered_batches(articles, 16, workers=2)]
    assert [a for b in batches for a in b] == articles  # each once, in order
    sizes = [len(b) for b in batches]
    # two workers: the last two batches' worth (32 articles) goes out four at a time
    assert sizes == [16] * 4 + [4] * 9
    # one worker waits for no one: whole batches, the last one what is left
    assert [len(b) for b in tapered_batches(articles[:99], 16, workers=1)] == [16] * 6 + [3]
    # fewer articles than the workers' last batches: all of them in small batches
    assert [len(b) for b in tapered_batches(articles[:10], 16, workers=4)] == [4, 4, 2]
    assert list(tapered_batches([], 16, workers=2)) == []
