"""Login throttling: after a few failures, wait; each further failure doubles the wait.

Failures are counted per account and per client address, in the cache (shared by every
process when the cache is Redis). The clock is injectable so tests can move time on.
"""

import time
from collections.abc import Callable

FREE_FAILURES = {"account": 5, "address": 20}
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
FORGET_AFTER_SECONDS = 60 * 60


class LoginThrottle:
    def __init__(self, cache, clock: Callable[[], float] = time.time):
        self.cache = cache
        self.clock = clock

    def retry_after(self, email: str, address: str) -> int:
        """Seconds until a login for this account from this address may be tried (0: now)."""
        now = self.clock()
        waits = [self._state(kind, key)["locked_until"] - now
                 for kind, key in self._keys(email, address)]
        return max(0, int(max(waits) + 0.999))

    def failed(self, email: str, address: str) -> None:
        """Count a failed login; lock the account or address once it has too many."""
        now = self.clock()
        for kind, key in self._keys(email, address):
            state = self._state(kind, key)
            state["failures"] += 1
            over = state["failures"] - FREE_FAILURES[kind]
            if over >= 0:
                lock = min(FIRST_LOCK_SECONDS * 2 ** over, MAX_LOCK_SECONDS)
                state["locked_until"] = now + lock
            self.cache.set(f"throttle:{kind}:{key}", state, FORGET_AFTER_SECONDS)

    def succeeded(self, email: str) -> None:
        """Forget the account's failures after a correct login."""
        self.cache.delete(f"throttle:account:{email.strip().lower()}")

    def _state(self, kind: str, key: str) -> dict:
        return self.cache.get(f"throttle:{kind}:{key}") or {"failures": 0, "locked_until": 0}

    @staticmethod
    def _keys(email: str, address: str) -> list[tuple[str, str]]:
        return [("account", email.strip().lower()), ("address", address or "-")]
