"""Named points where a test can stop tinyapp for real, to prove that a crash loses nothing.

Long operations that must be all-or-nothing (a restore, demo data) call ``point("name")``
between their steps. With ``TINYAPP_KILL_AT=name`` in its environment, the process sends
itself SIGKILL there: no clean-up code, no ``finally``, exactly as a power cut or the
kernel's out-of-memory killer would stop it. ``TINYAPP_KILL_AT=name:INT`` sends SIGINT
instead, as Ctrl-C in a terminal does. Without the variable a point does nothing.
"""

import os
import signal

from tinyapp.config import kill_point


def point(name: str) -> None:
    """Stop here, at once, if the crash tests asked for it (see the module docstring)."""
    wanted = kill_point()
    if wanted is None:
        return
    interrupt = wanted.endswith(":INT")
    if wanted.removesuffix(":INT") == name:
        os.kill(os.getpid(), signal.SIGINT if interrupt else signal.SIGKILL)
