"""`newsprism watch`: poll RSS/Atom feeds and folders, and analyze what is new through the
pipeline (a layer above the stages `analyze` runs, beside the engines they run on)."""

from newsprism.watch.loop import WatchSummary, watch
from newsprism.watch.schedule import parse_every
from newsprism.watch.sources import WatchError

__all__ = ["WatchError", "WatchSummary", "parse_every", "watch"]
