"""RecentCache: the most recently used entries, by count or by weight."""

from __future__ import annotations

from soev_search.cache import RecentCache


def test_keeps_the_most_recently_used_entries() -> None:
    cache: RecentCache[str, int] = RecentCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)


def test_weighted_entries_are_dropped_oldest_first_until_they_fit() -> None:
    cache: RecentCache[str, list[int]] = RecentCache(10, weigh=len)
    cache.put("six", [0] * 6)
    cache.put("three", [0] * 3)
    cache.put("four", [0] * 4)  # 13 > 10: "six" goes
    assert cache.get("six") is None
    assert cache.get("three") is not None and cache.get("four") is not None
    cache.put("three", [0] * 7)  # replaced: 7 + 4 > 10, "four" goes
    assert cache.get("four") is None
    assert cache.get("three") == [0] * 7


def test_an_entry_heavier_than_the_bound_is_kept_alone() -> None:
    cache: RecentCache[str, list[int]] = RecentCache(10, weigh=len)
    cache.put("small", [0])
    cache.put("huge", [0] * 50)
    assert cache.get("small") is None
    assert cache.get("huge") == [0] * 50
