"""Stopping a collect stops its readers: queued files are not read after SIGTERM or Ctrl-C.

SIGTERM reaches ``read_all`` as SystemExit (io.inputs.ScratchDir turns the signal
into one); a consumer that stops early closes the generator. Either way the
queued tasks are dropped and the worker processes end, instead of the pool
reading every remaining file before the run may exit.
"""

from __future__ import annotations

import multiprocessing
import time

import pytest

from toolkit.committee import collect
from toolkit.io.inputs import InputFile

SLOW = 0.05  # seconds per file in the stand-in reader
FILES = 400  # read_all sends chunks of 25 files: 1.25 s of work per chunk in flight
STOP_WITHIN = 1.5  # seconds from the stop to the reader returning (the old pool finished its chunks first)


def slow_read(task: tuple[str, str]) -> tuple[str, str]:
    time.sleep(SLOW)
    return collect.UNREADABLE, task[1]


@pytest.fixture
def slow_reader(monkeypatch):
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the stand-in reader reaches the workers only when they are forked")
    monkeypatch.setattr(collect, "_read_task", slow_read)


def _files() -> list[InputFile]:
    return [InputFile(shown=f"支部{i:03d}.xlsx", path=f"/nonexistent/{i}.xlsx", mtime=0.0, size=0)
            for i in range(FILES)]


def _live_children() -> list:
    return [p for p in multiprocessing.active_children() if p.is_alive()]


def _outlived(before: set) -> set:
    """Reader processes still alive once the stop has been given a moment to be reaped (a loaded machine)."""
    deadline = time.monotonic() + 5
    while (left := set(_live_children()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_consumer_stopping_early_drops_the_queue(slow_reader):
    before = set(_live_children())
    reader = collect.read_all(_files(), jobs=2, progress=False)
    first = next(reader)
    stopped = time.monotonic()
    reader.close()
    elapsed = time.monotonic() - stopped
    assert first[0].shown == "支部000.xlsx"
    assert elapsed < STOP_WITHIN, f"closing waited for the queued files: {elapsed:.1f} s"
    assert not _outlived(before), "reader processes outlived the run"


def test_sigterm_while_reading_ends_the_workers(slow_reader):
    before = set(_live_children())
    reader = collect.read_all(_files(), jobs=2, progress=False)
    next(reader)
    stopped = time.monotonic()
    with pytest.raises(SystemExit):
        reader.throw(SystemExit(143))  # what ScratchDir's SIGTERM handler raises
    elapsed = time.monotonic() - stopped
    assert elapsed < STOP_WITHIN, f"SIGTERM waited for the queued files: {elapsed:.1f} s"
    assert not _outlived(before), "reader processes outlived the run"


def test_a_full_read_still_yields_every_file_in_order(slow_reader):
    files = _files()[:60]
    got = [f.shown for f, _kind, _payload in collect.read_all(files, jobs=2, progress=False)]
    assert got == [f.shown for f in files]
