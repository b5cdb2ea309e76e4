"""First run: while no admin exists, a one-time link creates the first one.

The token is random, lives only in this process's memory, and dies when it is used:
``serve`` prints the link, whoever opens it first (the person at the terminal) sets
up the admin account, and a restart of a set-up tinyapp prints nothing.
"""

import threading

from tinyapp.errors import NotFound
from tinyapp.models import User
from tinyapp.security.tokens import new_secret, same
from tinyapp.services import accounts


class FirstRun:
    def __init__(self):
        self._token: str | None = new_secret()
        self._lock = threading.Lock()

    def pending_link(self, base_url: str) -> str | None:
        """The setup link to print, or None when an admin exists (call with a connection)."""
        if self._token is None or User.admins_exist():
            return None
        return f"{base_url.rstrip('/')}/setup?token={self._token}"

    def check(self, token: str) -> None:
        """Raise NotFound unless token is the live setup token and no admin exists yet."""
        if self._token is None or not same(token, self._token) or User.admins_exist():
            raise NotFound("This setup link is not valid (any more). Sign in instead.")

    def create_admin(self, token: str, email: str, name: str, password: str) -> User:
        """Create the first admin with the live token, which then dies."""
        with self._lock:
            self.check(token)
            user = accounts.create_user(email, name, password, role="admin")
            self._token = None
        return user

    def done(self) -> bool:
        return self._token is None
