"""Where a password is hashed: argon2id, with a policy that says what to change.

Only the argon2 hash is stored. Its string carries its own parameters, so when the
defaults here grow stronger, ``needs_rehash`` tells the login to store a new hash.
"""

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 1024
_COMMON = Path(__file__).with_name("common-passwords.txt")

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (64 MiB, t=3, p=4)
_common: set[str] = set()


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the hashing parameters (tests use cheaper ones; old hashes still verify)."""
    global _hasher
    _hasher = hasher


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against a stored hash; never raises for a wrong or broken hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A real hash of nothing anyone knows: verifying against it costs what a real check
# costs, so an unknown e-mail answers as slowly as a wrong password.
def dummy_hash() -> str:
    return _hasher.hash("no user has this password, it only burns the same time")


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
    if len(set(password)) < 4:
        return ["Use more different characters."]
    return []


def _common_passwords() -> set[str]:
    if not _common:
        _common.update(line.strip().lower() for line in _COMMON.read_text().splitlines()
                       if line.strip() and not line.startswith("#"))
    return _common
