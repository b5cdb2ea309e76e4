"""``given`` sets context variables for a block and always puts the old values back."""

import contextvars
import threading

import pytest

from tinyapp.context import given

colour = contextvars.ContextVar("colour", default="none")
size = contextvars.ContextVar("size", default=0)


def test_the_values_hold_in_the_block_and_the_old_ones_come_back_after_it():
    with given((colour, "red"), (size, 3)) as first:
        assert (first, colour.get(), size.get()) == ("red", "red", 3)
        with given((colour, "blue")):
            assert (colour.get(), size.get()) == ("blue", 3)
        assert colour.get() == "red"
    assert (colour.get(), size.get()) == ("none", 0)


def test_the_old_values_come_back_when_the_block_raises():
    with pytest.raises(LookupError), given((colour, "red"), (size, 3)):
        raise LookupError("inside the block")
    assert (colour.get(), size.get()) == ("none", 0)


def test_another_thread_does_not_see_the_values():
    seen = []
    with given((colour, "red")):
        thread = threading.Thread(target=lambda: seen.append(colour.get()))
        thread.start()
        thread.join()
    assert seen == ["none"]
