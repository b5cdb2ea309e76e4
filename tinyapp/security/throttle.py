"""Login throttling: guessing is slowed where it happens, and nobody else is locked out.

Failures are counted per *pair* of account and source (the client's address, as the
middleware read it from TRUSTED_PROXY), and a lock holds only that pair: Kate, from a
place that has not failed, signs in whatever a stranger or a colleague behind the same
office address tried. After FREE_FAILURES failures a pair waits FIRST_LOCK_SECONDS, and
each further failure doubles the wait, up to MAX_LOCK_SECONDS.

Two wider counts make guessing dearer without locking anyone out:
- an account that failed ACCOUNT_ALARM times from anywhere (guessed from many addresses)
  gives each of its pairs only one free failure;
- an address that failed ADDRESS_ALARM times, for any accounts (one password tried on
  many), does the same for its pairs.
A pair that has not failed is always let through, so a correct password from a fresh
place works. Every count is forgotten an hour after its last failure. The counts live
in the cache (shared by every process when it is Redis); two failures at the same
instant may count once, which the bound on password hashes (passwords.py) keeps small.
The clock is injectable so tests can move time on.
"""

import time
from collections.abc import Callable

FREE_FAILURES = 5
ACCOUNT_ALARM = 20
ADDRESS_ALARM = 20
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
FORGET_AFTER_SECONDS = 60 * 60


class LoginThrottle:
    def __init__(self, cache, clock: Callable[[], float] = time.time):
        self.cache = cache
        self.clock = clock

    def retry_after(self, email: str, address: str) -> int:
        """Seconds until this account may be tried from this address (0: now)."""
        wait = self._get(self._pair(email, address))["locked_until"] - self.clock()
        return max(0, int(wait + 0.999))

    def failed(self, email: str, address: str) -> None:
        """Count a failed login; lock the pair once it has used its free failures."""
        now = self.clock()
        totals = [self._count(key) for key in (f"throttle:account:{email}",
                                               f"throttle:address:{address or '-'}")]
        alarmed = totals[0] >= ACCOUNT_ALARM or totals[1] >= ADDRESS_ALARM
        key = self._pair(email, address)
        state = self._get(key)
        state["failures"] += 1
        over = state["failures"] - (1 if alarmed else FREE_FAILURES)
        if over >= 0:
            state["locked_until"] = now + min(FIRST_LOCK_SECONDS * 2 ** over, MAX_LOCK_SECONDS)
        self.cache.set(key, state, FORGET_AFTER_SECONDS)

    def succeeded(self, email: str, address: str) -> None:
        """Forget this pair's failures after a correct login (the wider counts stay)."""
        self.cache.delete(self._pair(email, address))

    def _count(self, key: str) -> int:
        """Add one to a count of the last hour and return it."""
        count = (self.cache.get(key) or 0) + 1
        self.cache.set(key, count, FORGET_AFTER_SECONDS)
        return count

    def _get(self, key: str) -> dict:
        return self.cache.get(key) or {"failures": 0, "locked_until": 0}

    @staticmethod
    def _pair(email: str, address: str) -> str:
        return f"throttle:pair:{address or '-'}:{email}"
