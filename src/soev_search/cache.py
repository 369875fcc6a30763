"""A small thread-safe LRU mapping, for the per-build caches of recent queries."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class RecentCache(Generic[K, V]):
    """Keeps the most recently used entries, up to `size` of them, or, with `weigh`, as many
    as weigh `size` together (the latest entry is kept whatever it weighs)."""

    def __init__(self, size: int, weigh: Callable[[V], int] | None = None) -> None:
        self._size = size
        self._weigh = weigh
        self._weight = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        weigh = self._weigh
        with self._lock:
            old = self._items.get(key)
            if weigh is not None:
                self._weight += weigh(value) - (0 if old is None else weigh(old))
            self._items[key] = value
            self._items.move_to_end(key)
            while self._over():
                _, dropped = self._items.popitem(last=False)
                if weigh is not None:
                    self._weight -= weigh(dropped)

    def _over(self) -> bool:
        if self._weigh is None:
            return len(self._items) > self._size
        return len(self._items) > 1 and self._weight > self._size
