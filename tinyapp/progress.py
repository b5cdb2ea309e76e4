"""Progress for long jobs (demo data, backups): a bar on a terminal, plain lines in logs."""

import logging
import sys
import time

log = logging.getLogger("tinyapp.progress")


class Progress:
    """Report ``done`` out of ``total`` for a named step; call ``advance(n)`` as work is done.

    On a terminal it redraws one line with a bar; otherwise (a log, a pipe, a test) it
    logs a line at each tenth, so a long run is visible without flooding the log.
    """

    def __init__(self, label: str, total: int, stream=None):
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.bar = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._next_tenth = 1
        self._started = time.monotonic()

    def advance(self, amount: int = 1) -> None:
        self.done = min(self.total, self.done + amount)
        if self.bar:
            filled = int(30 * self.done / self.total)
            self.stream.write(f"\r{self.label:<22} [{'#' * filled}{'.' * (30 - filled)}] "
                              f"{100 * self.done // self.total:3d}% {self.done:,}/{self.total:,}")
            self.stream.flush()
        elif self.done * 10 >= self._next_tenth * self.total:
            log.info("%s: %d%% (%s of %s)", self.label, 100 * self.done // self.total,
                     f"{self.done:,}", f"{self.total:,}")
            self._next_tenth = self.done * 10 // self.total + 1

    def finish(self) -> float:
        """End the bar's line; return the seconds the step took."""
        self.advance(self.total - self.done)
        if self.bar:
            self.stream.write("\n")
            self.stream.flush()
        return time.monotonic() - self._started
