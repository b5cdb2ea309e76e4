"""Random secrets (session cookies, API tokens, setup links) and how they are stored.

A secret is shown once and only its SHA-256 is kept: it is random and long, so a fast
hash is enough (argon2 is for passwords, which people choose and which are guessable).
"""

import hashlib
import hmac
import secrets


def new_secret(prefix: str = "") -> str:
    """Make an unguessable secret (256 bits), e.g. ``tk_3q2...`` for an API token."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """Return what the database keeps of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def cache_name(secret: str) -> str:
    """Name a secret in a cache: a digest unlike the stored one, so a cache dump (Redis
    is often shared) reveals neither the secret nor the hash the database keeps."""
    return hashlib.blake2b(secret.encode(), digest_size=32,
                           person=b"tinyapp-cache").hexdigest()


def same(a: str, b: str) -> bool:
    """Compare secrets in constant time, so timing reveals nothing."""
    return hmac.compare_digest(a.encode(), b.encode())
