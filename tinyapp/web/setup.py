"""First run: while the database has no user at all, a one-time link creates the admin.

The token is random, lives only in this process's memory, and dies when it is used:
``serve`` prints the link, whoever opens it first (the person at the terminal) sets
up the admin account, and a restart of a set-up tinyapp prints nothing. Whether the
link still works is asked of the database each time, not remembered: as soon as any
user exists (made here, by ``tinyapp createuser``, or by another process), it is dead,
and it never comes back, whatever later happens to the admins.
"""

import threading

from tinyapp.errors import Conflict, NotFound
from tinyapp.models import User
from tinyapp.security.tokens import new_secret, same
from tinyapp.services import accounts
from tinyapp.web.auth import require_same_origin

DEAD_LINK = "This setup link is not valid (any more). Sign in instead."


class FirstRun:
    def __init__(self):
        self._token: str | None = new_secret()
        self._lock = threading.Lock()

    def pending_link(self, base_url: str) -> str | None:
        """The setup link to print, or None when an admin exists (call with a connection)."""
        if self._token is None or User.select().exists():
            return None
        return f"{base_url.rstrip('/')}/setup?token={self._token}"

    def check(self, token: str) -> None:
        """Raise NotFound unless token is the live setup token and no user exists yet."""
        if self._token is None or not same(token, self._token) or User.select().exists():
            raise NotFound(DEAD_LINK)

    def create_admin(self, token: str, email: str, name: str, password: str) -> User:
        """Create the first admin with the live token, which then dies.

        Only from tinyapp's own page (another site cannot post it), and only if the
        database still has no user when the admin is written.
        """
        require_same_origin()
        with self._lock:
            self.check(token)
            try:
                user = accounts.create_first_admin(email, name, password)
            except Conflict:
                raise NotFound(DEAD_LINK) from None
            self._token = None
        return user

    def done(self) -> bool:
        return self._token is None
