"""What a claim index keeps of each claim by its position: its id, its group and its article,
in flat arrays rather than Python strings, lists and dicts.

A run's index holds every claim of the corpus (its vector search needs them all), so what it
keeps per claim sets how its memory grows with the corpus (issue 21): a dict of ids, a list of
group ids and a dict of per-article lists kept about 180 bytes a claim more than these arrays
(about 36 bytes a claim) in a run, whose claims are in the store (on the 31,026 claims of a
2,462-article store; 22 MB at 10,000 articles, 220 MB at 100,000). Claim ids are the first
20 hex digits of a SHA-1 (claims.claim_id): 10 bytes each. A group made by a claim is named
after it ("g" and its id), so a group is its first claim's position; ids of another form (a
caller's own, a group whose first claim is gone) are kept as they are, beside the arrays.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable

import numpy as np

ID_BYTES = 10
_HEX_ID = re.compile(r"[0-9a-f]{20}")
# ids added since the sorted lookup was last rebuilt are found in a dict: rebuilt when they
# are a quarter of the sorted ones (or this many), so rebuilding costs O(log n) sorts in all
MERGE_AT = 8192


class ClaimPositions:
    """Each claim's id, group id and article id, by position (the order claims were added)."""

    def __init__(self) -> None:
        self._ids = bytearray()  # ID_BYTES a claim; zeros where the id is of another form
        self._odd_ids: dict[int, str] = {}  # position -> an id not of claim_id's form
        # the group of each claim: its first claim's position, or -(k + 1) for the k-th group
        # whose id is not "g" and a claim of this index's id
        self._group = array("i")
        self._odd_groups: list[str] = []
        self._odd_group_number: dict[str, int] = {}
        self._article = array("i")  # a number per article id
        self._article_number: dict[str, int] = {}
        self._lookup = _IdLookup(self)

    def __len__(self) -> int:
        return len(self._group)

    def add(self, claim_id: str, article_id: str, group_id: str) -> int:
        """Append a claim; its position."""
        position = len(self._group)
        if _HEX_ID.fullmatch(claim_id):
            self._ids += bytes.fromhex(claim_id)
        else:
            self._ids += bytes(ID_BYTES)
            self._odd_ids[position] = claim_id
        self._lookup.add(claim_id, position)
        self._group.append(self._group_number(group_id, claim_id, position))
        number = self._article_number.setdefault(article_id, len(self._article_number))
        self._article.append(number)
        return position

    def position(self, claim_id: str) -> int | None:
        return self._lookup.find(claim_id)

    def id_at(self, position: int) -> str:
        odd = self._odd_ids.get(position)
        if odd is not None:
            return odd
        start = position * ID_BYTES
        return self._ids[start : start + ID_BYTES].hex()

    def group_at(self, position: int) -> str:
        return self._group_id(self._group[position])

    def groups(self) -> list[str]:
        """Every group id, in the order groups were first met."""
        return list(dict.fromkeys(self._group_id(n) for n in dict.fromkeys(self._group)))

    def groups_of_articles(self, article_ids: Iterable[str]) -> set[str]:
        """Ids of the groups holding a claim of any of `article_ids`."""
        numbers = [self._article_number[a] for a in set(article_ids) if a in self._article_number]
        if not numbers:
            return set()
        articles = np.frombuffer(self._article, dtype=np.int32)
        groups = np.frombuffer(self._group, dtype=np.int32)[np.isin(articles, numbers)]
        return {self._group_id(int(n)) for n in np.unique(groups)}

    def _group_number(self, group_id: str, claim_id: str, position: int) -> int:
        founder = group_id[1:]
        if group_id.startswith("g") and _HEX_ID.fullmatch(founder):
            at = position if founder == claim_id else self._lookup.find(founder)
            if at is not None:
                return at
        number = self._odd_group_number.get(group_id)
        if number is None:
            self._odd_groups.append(group_id)
            number = self._odd_group_number[group_id] = -len(self._odd_groups)
        return number

    def _group_id(self, number: int) -> str:
        return "g" + self.id_at(number) if number >= 0 else self._odd_groups[-number - 1]


class _IdLookup:
    """A claim id's position (its last, should an id be added twice): the ids of claim_id's form
    by the first 8 of their 10 bytes, in a sorted array (12 bytes an id, each hit checked
    against the whole id), the newest and the others in a dict."""

    def __init__(self, positions: ClaimPositions) -> None:
        self._positions = positions
        self._keys = np.zeros(0, dtype=np.uint64)
        self._at = np.zeros(0, dtype=np.int32)
        self._recent: dict[str, int] = {}
        self._odd: dict[str, int] = {}

    def add(self, claim_id: str, position: int) -> None:
        if not _HEX_ID.fullmatch(claim_id):
            self._odd[claim_id] = position
            return
        self._recent[claim_id] = position
        if len(self._recent) >= max(MERGE_AT, len(self._keys) // 4):
            self._merge()

    def find(self, claim_id: str) -> int | None:
        if not _HEX_ID.fullmatch(claim_id):
            return self._odd.get(claim_id)
        found = self._recent.get(claim_id)
        if found is not None:
            return found
        key = np.uint64(int(claim_id[:16], 16))
        low = int(np.searchsorted(self._keys, key, side="left"))
        high = int(np.searchsorted(self._keys, key, side="right"))
        same = [int(at) for at in self._at[low:high] if self._positions.id_at(int(at)) == claim_id]
        return max(same, default=None)

    def _merge(self) -> None:
        ids = list(self._recent)
        keys = np.fromiter((int(i[:16], 16) for i in ids), dtype=np.uint64, count=len(ids))
        at = np.fromiter(self._recent.values(), dtype=np.int32, count=len(ids))
        keys = np.concatenate([self._keys, keys])
        at = np.concatenate([self._at, at])
        order = np.argsort(keys, kind="stable")
        self._keys, self._at = keys[order], at[order]
        self._recent = {}
