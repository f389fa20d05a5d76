"""The cyclic GC pause around whole-interchange reads: no collection while an interchange is
read, and the caller's collector state restored afterwards, also after a failing read."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from edifact_examples import DIS01_LINES

import medbridge
from medbridge.gcpause import gc_paused

LIMITS = medbridge.Limits(max_input_bytes=1 << 30, max_segments=1 << 30)


def _interchange(messages: int, unz: str | None = None) -> bytes:
    una, unb, *body, _ = DIS01_LINES
    own = [line.replace("EPI0000042", f"EPI{n:07d}") for n in range(messages) for line in body]
    lines = [una, unb, *own, unz or f"UNZ+{messages}+ENV0000042'"]
    return "\n".join(lines).encode("iso-8859-1")


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations of the automatic collections that run during the test."""
    seen: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(count)
    try:
        yield seen
    finally:
        gc.callbacks.remove(count)


@pytest.fixture
def gc_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


@pytest.mark.usefixtures("gc_enabled")
def test_no_collection_runs_while_an_interchange_is_read(collections: list[int]) -> None:
    data = _interchange(300)
    # A first read in a fresh process imports the codecs and letter tables before the pause
    # starts, and those imports may run a collection of their own: warm up, then count.
    medbridge.read(_interchange(1), limits=LIMITS)
    # A full collection resets the collector's counters, so that the one collection allowed when
    # it is back on is a young one, whatever earlier tests left behind.
    gc.collect()
    collections.clear()
    message = medbridge.read(data, limits=LIMITS)  # ~50 objects per segment, 14,000 segments
    assert len(message.letters) == 300
    # Unpaused, this read runs about 135 collections, full ones among them; paused, at most the
    # young-generation one that runs when the collector is back on.
    assert collections in ([], [0])
    assert gc.isenabled()


@pytest.mark.usefixtures("gc_enabled")
def test_a_paused_read_leaves_no_cycles_behind() -> None:
    data = _interchange(50)
    gc.collect()
    with gc_paused():
        medbridge.read(data, limits=LIMITS)
        found = gc.collect()  # an explicit collection still runs inside the pause
    assert found == 0


@pytest.mark.usefixtures("gc_enabled")
def test_the_collector_is_restored_after_a_failing_read() -> None:
    bad = _interchange(3, unz="UNZ+7+ENV0000042'")
    with pytest.raises(medbridge.InputError):
        medbridge.read(bad)
    assert gc.isenabled()
    report = medbridge.validate(bad)
    assert not report.ok and gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        medbridge.read(_interchange(2))
        with pytest.raises(ValueError), gc_paused():
            raise ValueError
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("gc_enabled")
def test_pauses_nest_and_overlap_across_threads() -> None:
    inside = threading.Event()
    release = threading.Event()

    def other() -> None:
        with gc_paused():
            inside.set()
            release.wait(10)

    with gc_paused():
        thread = threading.Thread(target=other)
        thread.start()
        assert inside.wait(10)
        with gc_paused():
            assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's pause is still open
    release.set()
    thread.join(10)
    assert gc.isenabled()
    thresholds = gc.get_threshold()
    with gc_paused():
        pass
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0
