"""carry: the previous cycle + the new cycle workbook -> next cycle's branch workbooks with 上次整改情况."""

from __future__ import annotations

import os
from collections.abc import Iterable

from toolkit.committee.carry import CarryResult, carried_books
from toolkit.committee.cycle import load_cycle
from toolkit.committee.previous import PreviousCycle, load_previous
from toolkit.io.fsutil import ensure_dir, inside
from toolkit.workflows.steps import steps


def carry(previous_paths: Iterable[str | os.PathLike], cycle_path: str | os.PathLike,
          out_dir: str | os.PathLike, *, previous: PreviousCycle | None = None, progress=None) -> CarryResult:
    """Write DIR/<党组织名称>.xlsx for every branch of the new cycle; ``progress`` is told each one."""
    from toolkit.writers.workbook import write_branch_workbook

    cycle = load_cycle(cycle_path)
    previous = previous or load_previous(previous_paths)
    out_dir = ensure_dir(out_dir)
    result = CarryResult(notes=list(previous.notes))
    with steps(progress)("写出支部填报表", len(cycle.branches)) as advance:
        for stem, content in carried_books(cycle, previous, result):
            target = inside(out_dir, stem + ".xlsx")
            write_branch_workbook(target, content)
            result.written.append(target)
            advance()
    return result
