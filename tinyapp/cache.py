"""A small cache with two backends: ``memory://`` (one process) and ``redis://`` (several).

Reports and the dashboard are cached under keys that include a *generation* number per
topic they depend on. A write that changes a topic bumps its generation after it
commits (``invalidate``), so the next read misses and recomputes; stale entries are
never read again and expire on their own. With Redis, every process sees the bump.

Topics, each bumped by the services that change it: "sales" (orders placed, fulfilled
or cancelled), "orders" (any change to any order), "stock" (any stock movement),
"catalog" (products and categories), "customers", "accounts" (users and API tokens).
"""

import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from tinyapp.db import database

log = logging.getLogger("tinyapp.cache")


class MemoryCache:
    """A thread-safe LRU dictionary whose entries expire, bounded in entries and in bytes.

    The byte bound matters: stale entries (of an old generation) leave only by LRU, and
    one cached page can be large, so a count alone would let memory grow to gigabytes.
    """

    def __init__(self, max_entries: int = 10_000, max_bytes: int = 32_000_000,
                 clock: Callable[[], float] = time.monotonic):
        self._entries: OrderedDict[str, tuple[float, Any, int]] = OrderedDict()
        self._generations: dict[str, int] = {}  # apart from the entries: never evicted
        self._lock = threading.Lock()
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._clock = clock

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value, _ = entry
            if expires < self._clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: Any, ttl: float) -> None:
        size = len(value) if isinstance(value, str) else len(json.dumps(value, default=str))
        with self._lock:
            self._drop(key)
            self._entries[key] = (self._clock() + ttl, value, size)
            self._bytes += size
            while len(self._entries) > self._max or self._bytes > self._max_bytes:
                self._drop(next(iter(self._entries)))  # the least recently used

    def delete(self, key: str) -> None:
        with self._lock:
            self._drop(key)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[2]

    def generation(self, topic: str) -> str:
        with self._lock:
            return str(self._generations.get(topic, 0))

    def bump(self, topic: str) -> None:
        with self._lock:
            self._generations[topic] = self._generations.get(topic, 0) + 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def ping(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self._entries)


class RedisCache:
    """The same interface on Redis; values travel as JSON. Redis errors count as misses."""

    def __init__(self, url: str, prefix: str = "tinyapp:"):
        import redis  # installed with the "redis" extra

        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._prefix = prefix
        self._errors = (redis.RedisError, OSError)

    def _call(self, method: str, key: str, *args, default=None):
        try:
            return getattr(self._redis, method)(self._prefix + key, *args)
        except self._errors as exc:
            log.warning("redis %s failed, carrying on without the cache: %s", method, exc)
            return default

    def get(self, key: str) -> Any | None:
        raw = self._call("get", key)
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, ttl: float) -> None:
        self._call("set", key, json.dumps(value), max(1, int(ttl)))

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def generation(self, topic: str) -> str:
        # A random token, not a counter: if Redis ever evicts it, the new token cannot
        # collide with keys cached under the old one (a restarted counter could).
        key = self._prefix + "gen:" + topic
        try:
            value = self._redis.get(key)
            if value is None:
                self._redis.set(key, uuid.uuid4().hex, nx=True)
                value = self._redis.get(key)
            return value.decode()
        except self._errors as exc:
            log.warning("redis generation failed, carrying on without the cache: %s", exc)
            return "unavailable"

    def bump(self, topic: str) -> None:
        self._call("set", "gen:" + topic, uuid.uuid4().hex)

    def clear(self) -> None:
        try:
            for key in self._redis.scan_iter(self._prefix + "*"):
                self._redis.delete(key)
        except self._errors as exc:
            log.warning("redis clear failed: %s", exc)

    def ping(self) -> bool:
        try:
            return bool(self._redis.ping())
        except self._errors:
            return False


def make_cache(url: str):
    """Build the cache a CACHE_URL names."""
    if url.startswith(("redis://", "rediss://")):
        return RedisCache(url)
    return MemoryCache()


class _Stats:
    def __init__(self):
        self.hits = 0
        self.misses = 0


_state = {"cache": MemoryCache()}
stats = _Stats()


def init_cache(url: str):
    """Point the app's cache at the backend a CACHE_URL names, and return it."""
    _state["cache"] = make_cache(url)
    return _state["cache"]


def current():
    """The app's cache (memory until init_cache is called)."""
    return _state["cache"]


def key_for(name: str, params: dict, topics: tuple[str, ...]) -> str:
    """The cache key of a result: its name, parameters and the current topic generations."""
    backend = _state["cache"]
    generations = ",".join(f"{t}{backend.generation(t)}" for t in topics)
    return f"{name}:{generations}:{json.dumps(params, sort_keys=True, default=str)}"


def cached(name: str, params: dict, compute: Callable[[], Any], ttl: float = 300,
           topics: tuple[str, ...] = ("sales",)) -> Any:
    """Return compute()'s JSON-able result, reusing it until a topic is invalidated."""
    backend = _state["cache"]
    key = key_for(name, params, topics)
    value = backend.get(key)
    if value is not None:
        stats.hits += 1
        return value
    stats.misses += 1
    value = compute()
    backend.set(key, value, ttl)
    return value


def invalidate(*topics: str) -> None:
    """Make cached results about these topics stale once the current transaction commits."""
    def bump():
        for topic in topics:
            _state["cache"].bump(topic)

    if database.obj is not None and database.in_transaction():
        database.after_commit(bump)
    else:
        bump()
