"""When to poll: `--every` durations ("30s", "10m", "1h30m") and the back-off of a failing
source (one poll interval, doubled at each failure in a row, up to an hour)."""

from __future__ import annotations

import re

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_BACKOFF_SECONDS = 3600.0
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def parse_every(text: str) -> float:
    """Seconds in a duration such as "30s", "10m", "1h", "1h30m" (a bare number is seconds).
    ValueError, saying how to write one, for anything else."""
    cleaned = text.strip().lower().replace(" ", "")
    try:
        seconds = float(cleaned)
    except ValueError:
        seconds = _sum_parts(cleaned, text)
    if not seconds > 0 or seconds == float("inf"):  # also NaN
        raise ValueError(f"--every {text!r}: give a duration above 0, such as 30s, 10m or 1h")
    return seconds


def _sum_parts(cleaned: str, text: str) -> float:
    parts = _PART.findall(cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ValueError(
            f"--every {text!r} is not a duration: write it as 30s, 10m, 1h or 1h30m "
            "(s, m, h, d; a bare number is seconds)"
        )
    return sum(float(n) * UNITS[u] for n, u in parts)


def format_seconds(seconds: float) -> str:
    """A duration as people write it: 45s, 10m, 1h20m."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    return text + (f"{secs}s" if secs and not hours else "")


def backoff_delay(failures: int, every: float, cap: float = MAX_BACKOFF_SECONDS) -> float:
    """How long a source that failed `failures` times in a row waits before its next try: the
    poll interval, doubled at each further failure, never above `cap` (nor below the interval:
    a source is never polled more often than the others)."""
    doublings = min(max(failures - 1, 0), 32)  # 2**32 intervals is past any cap already
    return min(every * 2**doublings, max(cap, every))
