"""Charts of the web app as server-side SVG: no script, so they show without JavaScript and
under the Content-Security-Policy. Colours are presentation attributes or classes of
static/style.css (a `style` attribute would need 'unsafe-inline'). Every label is untrusted
text (outlet names, techniques): escaped, shortened, with the whole text in a <title>, which
screen readers and tooltips read; each chart is role="img" with a summary as its label."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from hashlib import sha1

from markupsafe import Markup, escape

LABEL_CHARS = 24  # outlet and technique names are cut to this in the chart; <title> has it all


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    link: str | None = None  # a path of this app (built from quoted ids), never article text
    css: str | None = None  # a class of style.css (fixed names, never data)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _open(kind: str, width: int, height: int, title: str) -> tuple[str, str]:
    """The <svg> tag and its <title>: the title labels the chart for assistive technology."""
    tid = f"chart-{sha1(f'{kind} {title}'.encode()).hexdigest()[:10]}"  # same page, same id
    return (
        f'<svg class="chart {kind}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{tid}">',
        f'<title id="{tid}">{escape(title)}</title>',
    )


def _linked(mark: str, link: str | None) -> str:
    return f'<a href="{escape(link)}">{mark}</a>' if link else mark


def bar_chart(bars: Sequence[Bar], title: str, width: int = 640, unit: str = "") -> Markup:
    """Horizontal bars, one a row, each labelled with its value; empty markup with no bar."""
    if not bars:
        return Markup("")
    row, label_w, right = 22, 190, 60
    top = max(b.value for b in bars) or 1
    height = row * len(bars)
    head, name = _open("bars", width, height, title)
    parts = [head, name]
    for i, b in enumerate(bars):
        y = i * row
        w = (width - label_w - right) * b.value / top
        tip = f"{b.label}: {b.value:,}{unit}"
        css = f' class="{escape(b.css)}"' if b.css else ""
        parts.append(_linked(
            f"<g><title>{escape(tip)}</title>"
            f'<text x="0" y="{y + 15}">{escape(_short(b.label))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="14"{css}/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{b.value:,}</text></g>', b.link))
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bar(segments: Sequence[Bar], title: str, width: int = 640) -> Markup:
    """One bar split into segments (with a legend below): the shares of a whole."""
    segments = [s for s in segments if s.value > 0]
    total = sum(s.value for s in segments)
    if not total:
        return Markup("")
    height, bar_h = 52, 22
    head, name = _open("stacked", width, height, title)
    parts, x, legend_x = [head, name], 0.0, 0
    for s in segments:
        w = width * s.value / total
        tip = f"{s.label}: {_plural(s.value, 'claim')} ({100 * s.value / total:.0f}%)"
        css = f' class="{escape(s.css)}"' if s.css else ""
        parts.append(_linked(
            f"<g><title>{escape(tip)}</title>"
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}"{css}/></g>', s.link))
        legend = f"{_short(s.label)} {s.value:,}"
        parts.append(_linked(
            f'<g><rect x="{legend_x}" y="32" width="10" height="10"{css}/>'
            f'<text x="{legend_x + 14}" y="41">{escape(legend)}</text></g>', s.link))
        x += w
        legend_x += 22 + 7 * len(legend)
    parts.append("</svg>")
    return Markup("".join(parts))


def day_range(days: Iterable[str], span: int, today: date | None = None) -> list[str]:
    """`span` consecutive days ending on the latest of `days` (ISO dates) that is not in the
    future: a mistyped year 2099 would otherwise leave the chart empty. A corpus dated wholly
    in the future (a scenario, a test set, a clock set wrong) gets the window that holds the
    most of its days, the latest on ties: one stray date does not choose it."""
    today = today or date.today()
    every = sorted({date.fromisoformat(d) for d in days if _is_day(d)})
    if not every:
        return []
    past = [d for d in every if d <= today]
    last = past[-1] if past else _busiest_window_end(every, span)
    return [(last - timedelta(days=n)).isoformat() for n in range(span - 1, -1, -1)]


def _busiest_window_end(days: Sequence[date], span: int) -> date:
    """The last day of the `span`-day window ending on one of `days` (sorted, distinct) that
    holds the most of them; the latest such window on ties."""
    best, best_end, first = 0, days[-1], 0
    for i, end in enumerate(days):
        while (end - days[first]).days >= span:
            first += 1
        if i - first + 1 >= best:
            best, best_end = i - first + 1, end
    return best_end


def _is_day(text: str | None) -> bool:
    if not text or len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def day_columns(counts: Mapping[str, int], days: Sequence[str], title: str,
                width: int = 640) -> Markup:
    """A column a day (days with none too: a gap is news), the first and last day labelled."""
    if not days or not any(counts.get(d) for d in days):
        return Markup("")
    height, bottom = 120, 18
    step = width / len(days)
    top = max(counts.get(d, 0) for d in days)
    head, name = _open("columns", width, height, title)
    parts = [head, name]
    for i, d in enumerate(days):
        n = counts.get(d, 0)
        h = (height - bottom - 14) * n / top
        parts.append(
            f"<g><title>{d}: {_plural(n, 'article')}</title>"
            f'<rect x="{i * step + 1:.1f}" y="{height - bottom - h:.1f}" '
            f'width="{max(step - 2, 1):.1f}" height="{h:.1f}"/></g>')  # fmt: skip
    parts.append(f'<text x="0" y="{height - 4}">{days[0]}</text>'
                 f'<text x="{width}" y="{height - 4}" text-anchor="end">{days[-1]}</text>'
                 f'<text x="0" y="10">{top:,} a day at most</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class HeatRow:
    label: str
    counts: Mapping[str, int]  # day → articles
    link: str | None = None


def day_heatmap(rows: Sequence[HeatRow], days: Sequence[str], title: str,
                width: int = 640) -> Markup:
    """A row of cells per outlet, a column per day; a cell's shade is its count against the
    busiest cell, its <title> the count."""
    if not rows or not days:
        return Markup("")
    label_w, row_h, bottom = 170, 18, 18
    cell = (width - label_w) / len(days)
    top = max((r.counts.get(d, 0) for r in rows for d in days), default=0) or 1
    height = row_h * len(rows) + bottom
    head, name = _open("heatmap", width, height, title)
    parts = [head, name]
    for i, row in enumerate(rows):
        y = i * row_h
        total = sum(row.counts.get(d, 0) for d in days)
        parts.append(_linked(
            f"<g><title>{escape(row.label)}: {_plural(total, 'article')}</title>"
            f'<text x="0" y="{y + 13}">{escape(_short(row.label, 20))} ({total:,})</text></g>',
            row.link))
        parts += [_cell(row, d, label_w + n * cell, y, cell, row_h, top)
                  for n, d in enumerate(days)]  # fmt: skip
    parts.append(f'<text x="{label_w}" y="{height - 4}">{days[0]}</text>'
                 f'<text x="{width}" y="{height - 4}" text-anchor="end">{days[-1]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _cell(row: HeatRow, day: str, x: float, y: int, w: float, h: int, top: int) -> str:
    n = row.counts.get(day, 0)
    shade = f' fill-opacity="{0.2 + 0.8 * n / top:.2f}"' if n else ""
    return (f'<rect x="{x:.1f}" y="{y + 2}" width="{max(w - 1, 1):.1f}" height="{h - 3}" '
            f'class="{"on" if n else "off"}"{shade}>'
            f"<title>{escape(row.label)} · {day}: {_plural(n, 'article')}</title></rect>")
