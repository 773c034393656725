"""The committee's set-up commands: blank templates, the cycle workbook, one workbook per branch, the desk.

Reads the cycle (``committee/cycle.py``) and writes with the workbook writers;
the macro builder (``writers/excel_build.py``) is imported here and nowhere
below this layer.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.committee.cycle import branch_content, load_cycle, lower_cycle_content, shared_settings
from toolkit.committee.notice import notice_context
from toolkit.committee.rollup import is_lower_row
from toolkit.io.fsutil import ensure_dir, inside, safe_filename
from toolkit.schema.content import Content
from toolkit.workflows.steps import steps
from toolkit.writers.paperwork import write_notice
from toolkit.writers.workbook import MacroParts, write_branch_workbook, write_cycle_workbook

LAUNCHER = "生成材料.cmd"
DESK_LAUNCHER = "汇总.cmd"


def macro_parts() -> MacroParts:
    """The VBA project and buttons of the macro-enabled workbooks (excel_build.py)."""
    from toolkit.writers.excel_build import branch_macro_parts

    return branch_macro_parts()


def _macro_name(out: Path, macro: bool) -> Path:
    return out.with_suffix(".xlsm") if macro and out.suffix.lower() != ".xlsm" else out


def blank_branch_workbook(out: str | os.PathLike, cycle: str | os.PathLike | None = None,
                          macro: bool = False) -> Path:
    """An empty branch workbook; with ``cycle``, pre-filled with its shared settings and categories."""
    content = shared_settings(load_cycle(cycle)) if cycle else Content()
    out = _macro_name(Path(out), macro)
    write_branch_workbook(out, content, macro=macro_parts() if macro else None)
    return out


def cycle_template(out: str | os.PathLike) -> Path:
    """An empty 周期设置 workbook for the committee to fill."""
    write_cycle_workbook(out)
    return Path(out)


@dataclass
class DistributeResult:
    written: list[Path] = field(default_factory=list)
    # (党组织名称, file written) for branches whose name would have given another branch's file name
    renamed: list[tuple[str, Path]] = field(default_factory=list)
    launcher: Path | None = None
    notice: Path | None = None  # the committee's 关于召开…的通知


def _name_key(stem: str) -> str:
    """Names a case-insensitive or width-folding file system (Windows, macOS) treats as one."""
    return unicodedata.normalize("NFKC", stem).casefold()


def _unique_stem(stem: str, branch_id: str, used: set[str]) -> str:
    if _name_key(stem) not in used:
        return stem
    if branch_id:
        candidate = safe_filename(f"{stem}_{branch_id}")
        if _name_key(candidate) not in used:
            return candidate
    n = 2
    while _name_key(f"{stem}_{n}") in used:
        n += 1
    return f"{stem}_{n}"


def distribute(cycle_path: str | os.PathLike, out_dir: str | os.PathLike, *, macro: bool = False,
               launcher: bool = False, today: dt.date | None = None, progress=None) -> DistributeResult:
    """One workbook per 支部名册 row: DIR/<党组织名称>.xlsx (.xlsm with ``macro``).

    Two branches whose names give the same file name (after making the name
    safe, or differing only in case or full/half width) both get a workbook:
    the later one's name carries its 支部编号 (or a number) and is listed in
    ``renamed``. ``launcher`` adds the drag-and-drop 生成材料.cmd for WPS and
    LibreOffice users. ``progress`` is told each workbook written (workflows/steps.py).
    """
    cycle = load_cycle(cycle_path)
    out_dir = ensure_dir(out_dir)
    parts = macro_parts() if macro else None
    suffix = ".xlsm" if macro else ".xlsx"
    result = DistributeResult()
    used: set[str] = set()
    with steps(progress)("写出支部填报表", len(cycle.branches)) as advance:
        for branch in cycle.branches:
            _distribute_one(cycle, branch, out_dir, parts, suffix, used, result)
            advance()
    result.notice = write_notice(notice_context(cycle, today or dt.date.today()), out_dir)
    if launcher:
        from toolkit.writers.excel_build import write_launchers

        write_launchers(out_dir, (LAUNCHER,))
        result.launcher = out_dir / LAUNCHER
    return result


def _distribute_one(cycle, branch: dict, out_dir: Path, parts, suffix: str, used: set[str],
                    result: DistributeResult) -> None:
    if is_lower_row(branch):  # a 党委/党总支 runs the same cycle with its own branches
        result.written.append(_lower_cycle(cycle, branch, out_dir, used))
        return
    first = safe_filename(branch["org_name"])
    stem = _unique_stem(first, branch.get("branch_id") or "", used)
    used.add(_name_key(stem))
    target = inside(out_dir, stem + suffix)
    write_branch_workbook(target, branch_content(cycle, branch), macro=parts)
    result.written.append(target)
    if stem != first:
        result.renamed.append((branch["org_name"], target))


def _lower_cycle(cycle, row: dict, out_dir: Path, used: set[str]) -> Path:
    """DIR/<党组织名称>_周期设置.xlsx for a lower committee: the same cycle, its roster to fill."""
    stem = _unique_stem(safe_filename(f"{row['org_name']}_周期设置"), row.get("branch_id") or "", used)
    used.add(_name_key(stem))
    target = inside(out_dir, stem + ".xlsx")
    write_cycle_workbook(target, lower_cycle_content(cycle, row))
    return target


@dataclass
class DeskResult:
    path: Path
    launcher: Path
    inbox: Path


def committee_desk(out: str | os.PathLike) -> DeskResult:
    """The committee's 汇总台.xlsm, its drag-and-drop launcher and the empty inbox folder beside it."""
    from toolkit.writers.excel_build import DESK_FIELDS, DESK_INPUT_ROW, write_committee_desk, write_launchers

    path = write_committee_desk(out)
    write_launchers(path.parent, (DESK_LAUNCHER,))
    inbox = next(default for row, _l, default, _h in DESK_FIELDS if row == DESK_INPUT_ROW)
    inbox_path = ensure_dir(path.parent / inbox)
    return DeskResult(path=path, launcher=path.parent / DESK_LAUNCHER, inbox=inbox_path)
