"""A small cache with two backends: ``memory://`` (one process) and ``redis://`` (several).

Reports, the dashboard, API list pages and API tokens are cached under keys that
include a *generation* per table they read. After a unit of work commits, the
generation of every table it wrote is bumped (tinyapp/unit_of_work.py), so the next
read misses and recomputes; stale entries are never read again and expire on their
own. With Redis, every process sees the bump.
"""

import collections
import contextvars
import hashlib
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

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
        self.stats = Stats()

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

    def bump(self, *topics: str) -> None:
        with self._lock:
            for topic in topics:
                self._generations[topic] = self._generations.get(topic, 0) + 1

    def clear(self) -> bool:
        """Forget everything; True (a memory cache cannot fail to)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
        return True

    def ping(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self._entries)


class RedisCache:
    """The same interface on Redis; values travel as JSON. Redis errors count as misses."""

    def __init__(self, url: str, prefix: str = "tinyapp:"):
        import redis  # installed with the "redis" extra

        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._prefix = self.prefix = prefix  # every key of this database begins with it
        self._errors = (redis.RedisError, OSError)
        self.stats = Stats()

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

    def bump(self, *topics: str) -> None:
        for topic in topics:
            self._call("set", "gen:" + topic, uuid.uuid4().hex)

    def clear(self) -> bool:
        """Delete this database's keys; False (and a warning logged) if Redis failed."""
        try:
            for key in self._redis.scan_iter(self._prefix + "*"):
                self._redis.delete(key)
        except self._errors as exc:
            log.warning("redis clear failed: %s", exc)
            return False
        return True

    def ping(self) -> bool:
        try:
            return bool(self._redis.ping())
        except self._errors:
            return False


def is_shared(url: str) -> bool:
    """Tell whether a CACHE_URL names a cache that other processes see too (Redis)."""
    return url.startswith(("redis://", "rediss://"))


def make_cache(url: str, database_identity: str = ""):
    """Build the cache a CACHE_URL names, for the database of that identity.

    One Redis may serve several tinyapps (a live shop and its staging copy): each
    database's keys start with a digest of its identity (engines.identity_of), so one
    never reads the other's entries, and every process of one database shares them.
    """
    if is_shared(url):
        digest = hashlib.sha1(database_identity.encode()).hexdigest()[:12]
        return RedisCache(url, prefix=f"tinyapp:{digest}:")
    return MemoryCache()


class Stats:
    """How often a cache had the answer (hits) or not (misses), for /metrics and the system page.

    Counted per kind of result too ("sales", "webhooks"...), so one can tell which pay off.
    """

    def __init__(self):
        self.hits = 0
        self.misses = 0
        self.by_name: collections.Counter = collections.Counter()  # (name, "hit"|"miss")

    def count(self, name: str, hit: bool) -> None:
        if hit:
            self.hits += 1
        else:
            self.misses += 1
        self.by_name[name, "hit" if hit else "miss"] += 1

    def hits_of(self, name: str) -> int:
        return self.by_name[name, "hit"]


# The cache of this request or command: Database.bound() sets it with the database.
CURRENT: contextvars.ContextVar = contextvars.ContextVar("tinyapp_cache", default=None)


def current():
    """The cache bound to this request or command (a throwaway one when none is)."""
    backend = CURRENT.get()
    return backend if backend is not None else _UNBOUND


# json.dumps(params, sort_keys=True, default=str), without a new encoder for every key.
_KEY_JSON = json.JSONEncoder(sort_keys=True, default=str)


def key_for(name: str, params: dict, reads: tuple[str, ...]) -> str:
    """The cache key of a result: its name, parameters and its tables' current generations."""
    backend = current()
    generations = ",".join(f"{t}{backend.generation(t)}" for t in reads)
    return f"{name}:{generations}:{_KEY_JSON.encode(params)}"


def cached(name: str, params: dict, compute: Callable[[], Any], reads: tuple[str, ...],
           ttl: float = 300) -> Any:
    """Return compute()'s JSON-able result, reusing it until a table it reads is written.

    ``reads`` names those tables. Every unit of work that commits bumps the generation
    of each table its SQL wrote (tinyapp/unit_of_work.py), so the key changes and the
    next read computes afresh; no write needs to know which results depend on it.
    """
    backend = current()
    key = key_for(name, params, reads)
    value = backend.get(key)
    if value is not None:
        backend.stats.count(name, hit=True)
        return value
    backend.stats.count(name, hit=False)
    value = compute()
    backend.set(key, value, ttl)
    return value


_UNBOUND = MemoryCache(max_entries=0)  # keeps nothing: code outside an app reads fresh
