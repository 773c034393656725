"""Progress of the long steps of a workflow, told to whoever runs it.

A workflow takes ``progress``: a callable ``progress(label, total=None)`` that
returns a context manager around one step and yields ``advance()``, to be called
once per item when ``total`` is given. The console's (a rich bar on a terminal,
nothing otherwise) is ``app.present.console_progress``; the Excel buttons and
the library pass nothing and get ``quiet``. Workflows never import app/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

Advance = Callable[[], None]


class Progress(Protocol):
    def __call__(self, label: str, total: int | None = None) -> AbstractContextManager[Advance]: ...


@contextlib.contextmanager
def quiet(label: str, total: int | None = None) -> Iterator[Advance]:
    yield lambda: None


def steps(progress) -> Progress:
    """The progress to use: the one given, or ``quiet`` for None and the old ``progress=True/False``."""
    return progress if callable(progress) else quiet
