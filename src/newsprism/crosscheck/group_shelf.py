"""Where a claim index keeps its groups' claims: all of them in memory (`HeldGroups`, an index
of its own), or in the store, the groups a run is working on and the most recently used held
(`StoredGroups`, the cross-checking stage's).

A run's index searches every claim of the corpus, but grouping and judging a new claim look at
only the few groups its nearest neighbours belong to: the claims themselves (about 1.1 KB each
with their sentences) need not stay in memory for a corpus of 100,000 articles (issue 21).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsprism.crosscheck.claims import Claim

# claims of groups not being worked on that a run keeps at hand, about 1.1 KB each: enough for
# the groups of the stories a batch of news tells again, a bound the corpus does not move
KEPT_CLAIMS = 20_000


@dataclass
class ClaimGroup:
    id: str
    kind: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(c.article_id for c in self.claims))


class HeldGroups:
    """Every group with its claims, in memory."""

    def __init__(self) -> None:
        self._groups: dict[str, ClaimGroup] = {}

    def __contains__(self, group_id: str) -> bool:
        return group_id in self._groups

    def group(self, group_id: str) -> ClaimGroup:
        return self._groups[group_id]

    def create(self, group_id: str, kind: str) -> ClaimGroup:
        self._groups[group_id] = group = ClaimGroup(group_id, kind)
        return group

    def fetch(self, group_ids: Iterable[str]) -> None:
        """Nothing to read: every group is here."""

    def changing(self, group_id: str) -> ClaimGroup:
        return self._groups[group_id]

    def saved(self) -> None:
        """Nothing to let go: every group stays."""


# group ids → each group's claims in the order they joined it
GroupReader = Callable[[list[str]], dict[str, list[Claim]]]


class StoredGroups:
    """Groups read from the store when a claim or a verdict needs them. A group that took a
    claim since the last `saved()` (whose rows the store does not hold yet) stays in memory
    until then; others are kept, most recently used first, up to `kept_claims` claims."""

    def __init__(self, read: GroupReader, kept_claims: int | None = None) -> None:
        self._read = read
        self._kept_claims = KEPT_CLAIMS if kept_claims is None else kept_claims
        self._unsaved: dict[str, ClaimGroup] = {}
        self._kept: OrderedDict[str, ClaimGroup] = OrderedDict()
        self._kept_size = 0

    def group(self, group_id: str) -> ClaimGroup:
        if group_id in self._unsaved:
            return self._unsaved[group_id]
        self.fetch([group_id])  # kept: marked as just used; else read
        if group_id not in self._kept:
            raise KeyError(f"claim group {group_id} is neither in this run nor stored")
        return self._kept[group_id]

    def create(self, group_id: str, kind: str) -> ClaimGroup:
        self._unsaved[group_id] = group = ClaimGroup(group_id, kind)
        return group

    def changing(self, group_id: str) -> ClaimGroup:
        """The group, to take a claim: held until saved."""
        group = self.group(group_id)
        if group_id in self._kept:
            del self._kept[group_id]
            self._kept_size -= len(group.claims)
        self._unsaved[group_id] = group
        return group

    def fetch(self, group_ids: Iterable[str]) -> None:
        """Read the groups not at hand, all in one query."""
        wanted = [g for g in dict.fromkeys(group_ids) if g not in self._unsaved]
        for g in wanted:
            if g in self._kept:
                self._kept.move_to_end(g)
        missing = [g for g in wanted if g not in self._kept]
        if not missing:
            return
        for group_id, claims in self._read(missing).items():
            if claims:
                self._keep(ClaimGroup(group_id, claims[0].kind, claims))
        self._trim()

    def saved(self) -> None:
        """The store now holds every claim given so far: the groups being worked on join the
        kept ones."""
        for group in self._unsaved.values():
            self._keep(group)
        self._unsaved.clear()
        self._trim()

    def _keep(self, group: ClaimGroup) -> None:
        if group.id in self._kept:
            self._kept_size -= len(self._kept.pop(group.id).claims)
        self._kept[group.id] = group
        self._kept_size += len(group.claims)

    def _trim(self) -> None:
        # the most recently used stay; the one just read stays whatever its size
        while self._kept_size > self._kept_claims and len(self._kept) > 1:
            _, oldest = self._kept.popitem(last=False)
            self._kept_size -= len(oldest.claims)
