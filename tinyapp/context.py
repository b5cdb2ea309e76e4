"""Values that hold for one block of code in one thread: a request, a command.

tinyapp keeps "the database of this request", "its cache", "its request id" and "its
query log" in context variables (``contextvars``): each thread, and each request in
it, sees its own. ``given`` sets some for a block and puts the old values back after
it, also when the block raises::

    with given((_bound, database), (cache.CURRENT, database.cache)):
        ...  # db.current() is database here

It is a class, not a ``@contextlib.contextmanager`` generator, because several of
these run around every request: starting and finishing a generator costs a few times
what setting a variable does.
"""

import contextvars
from typing import Any


class given:
    """Give context variables these values for the block (``with``); the value of the
    block is the first one (``with given((_bound, database)) as database:``)."""

    __slots__ = ("_pairs", "_tokens")

    def __init__(self, *pairs: tuple[contextvars.ContextVar, Any]):
        self._pairs = pairs

    def __enter__(self) -> Any:
        self._tokens = [variable.set(value) for variable, value in self._pairs]
        return self._pairs[0][1]

    def __exit__(self, *exc_info) -> None:
        for (variable, _), token in zip(reversed(self._pairs), reversed(self._tokens),
                                        strict=True):
            variable.reset(token)
