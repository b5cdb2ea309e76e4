"""Failures a user can act on, raised by services and turned into responses by web/errors.py.

Invalid input is marshmallow's ``ValidationError`` (field -> messages); everything else
that is the caller's problem is one of these. Anything else is a bug (500).
"""

from typing import Any


class AppError(Exception):
    """Base of the errors a caller can fix; ``message`` is safe to show."""

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(AppError):
    """The thing asked for does not exist (404)."""


class Conflict(AppError):
    """The request clashes with the current state: stock, duplicates, stale versions (409)."""


class PermissionDenied(AppError):
    """The signed-in user may not do this (403)."""


class NotAuthenticated(AppError):
    """No valid credentials came with the request (401)."""


class TooManyRequests(AppError):
    """Slow down; ``details['retry_after']`` says for how many seconds (429)."""


class Busy(AppError):
    """Too much of some costly work at once; try again in a moment (503, Retry-After)."""
