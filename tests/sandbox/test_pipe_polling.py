"""Poll-before-block on the host<->worker pipes: a speed measure that must never change data."""

from __future__ import annotations

import os
import time

from sandbox._worker import _frames


def test_runnable_tasks_are_read_from_the_kernel() -> None:
    assert 1 <= _frames.PollGauge().runnable_tasks() < 1 << 30


def test_polling_never_consumes_input_and_returns_once_it_is_there() -> None:
    read_fd, write_fd = os.pipe()
    try:
        poller = _frames.poller_for(read_fd)
        os.write(write_fd, b"frame")
        started = time.perf_counter()
        _frames.PollGauge().wait_briefly(poller)
        waited = time.perf_counter() - started
        assert os.read(read_fd, 16) == b"frame"
        # With input waiting the poll ends at once; bounded by the window either way.
        assert waited < 1.0
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_polling_on_an_empty_pipe_gives_up_after_its_window() -> None:
    read_fd, write_fd = os.pipe()
    try:
        _frames.PollGauge().wait_briefly(_frames.poller_for(read_fd))  # must return, not block
        os.write(write_fd, b"x")
        assert os.read(read_fd, 1) == b"x"
    finally:
        os.close(read_fd)
        os.close(write_fd)
