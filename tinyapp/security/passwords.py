"""Where a password is hashed: argon2id, with a policy that says what to change.

Only the argon2 hash is stored. Its string carries its own parameters, so when the
defaults here grow stronger, ``needs_rehash`` tells the login to store a new hash.

Argon2 is slow and memory-hungry on purpose (about 64 MiB and a core for a tenth of a
second here), so a crowd of sign-ins could starve every other request, or the memory.
A HashLimiter lets LOGIN_SLOTS hashes run at once; a sign-in that finds no free slot
gets a 503 at once instead of queueing: a waiting sign-in would hold a server thread,
and a crowd of them every thread (tests/bench/bench_login.py measures it).
"""

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tinyapp.errors import Busy

MIN_LENGTH = 10
MAX_LENGTH = 1024
# A text of at most three different characters ("aaaaaaaaaa", "abcabcabca"): refused.
AT_MOST_THREE_DISTINCT = r"^([\s\S])\1*(?:([\s\S])(?:\1|\2)*(?:([\s\S])(?:\1|\2|\3)*)?)?$"
_COMMON = Path(__file__).with_name("common-passwords.txt")

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (64 MiB, t=3, p=4)
_common: set[str] = set()


class HashLimiter:
    """At most ``capacity`` password hashes at once; beyond that, Busy (a quick 503)."""

    def __init__(self, capacity: int = 2, wait_seconds: float = 0):
        self.capacity = capacity
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(capacity)

    def try_acquire(self, timeout: float = 0) -> bool:
        return self._slots.acquire(timeout=timeout) if timeout else self._slots.acquire(False)

    def release(self) -> None:
        self._slots.release()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        if not self.try_acquire(self.wait_seconds):
            raise Busy("Too many people are signing in at this moment; try again in a "
                       "second.", retry_after=1)
        try:
            yield
        finally:
            self.release()


_limiter = HashLimiter()


def limit_hashes(capacity: int) -> None:
    """Allow this many password hashes at once in this process (LOGIN_SLOTS)."""
    global _limiter
    _limiter = HashLimiter(capacity)


def limiter() -> HashLimiter:
    return _limiter


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the hashing parameters (tests use cheaper ones; old hashes still verify)."""
    global _hasher
    _hasher = hasher


def hash_password(password: str) -> str:
    with _limiter.slot():
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against a stored hash; never raises for a wrong or broken hash."""
    with _limiter.slot():
        try:
            return _hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A real hash of nothing anyone knows: verifying against it costs what a real check
# costs, so an unknown e-mail answers as slowly as a wrong password.
def dummy_hash() -> str:
    return hash_password("no user has this password, it only burns the same time")


def policy_problems(password: str, email: str = "", name: str = "") -> list[str]:
    """Say what is wrong with a new password, in words a user can act on (empty if fine)."""
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters (this one has {len(password)})."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    lowered = password.lower()
    if lowered in _common_passwords():
        return ["This password is on a list of commonly used passwords; choose another, "
                "for example a few unrelated words."]
    if lowered in {email.lower(), email.lower().split("@")[0], name.lower()} - {""}:
        return ["Do not use your e-mail address or name as your password."]
    if len(set(password)) < 4:  # AT_MOST_THREE_DISTINCT, for the OpenAPI document
        return ["Use more different characters."]
    return []


def _common_passwords() -> set[str]:
    if not _common:
        _common.update(line.strip().lower() for line in _COMMON.read_text().splitlines()
                       if line.strip() and not line.startswith("#"))
    return _common
