"""Waiting for a condition another thread or process brings about, when nothing
signals it: poll it, within a deadline, and fail saying what was awaited."""

import time


def wait_until(condition, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll condition() until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(interval)
