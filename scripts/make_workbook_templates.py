"""Regenerate the blank templates and launchers committed in workbook_templates/.

Run after changing toolkit/schema.py; tests/test_templates.py fails while the
committed files are out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.writers.workbook import Content, branch_meta, write_branch_workbook, write_cycle_workbook  # noqa: E402

# A fixed stamp keeps the committed files stable across regenerations.
STAMP = "2023-01-01 00:00:00"
BRANCH = ROOT / "workbook_templates" / "支部填报表.xlsx"
CYCLE = ROOT / "workbook_templates" / "周期设置.xlsx"


def build(folder: Path = ROOT / "workbook_templates") -> list[Path]:
    meta = branch_meta()
    meta["生成时间"] = STAMP
    branch = folder / BRANCH.name
    cycle = folder / CYCLE.name
    write_branch_workbook(branch, Content(meta=meta))
    write_cycle_workbook(cycle, Content(meta={"生成时间": STAMP}))
    return [branch, cycle]


def build_launchers(folder: Path = ROOT / "workbook_templates") -> list[Path]:
    """The drag-and-drop launchers for WPS/LibreOffice users (checked by tests/test_macro.py)."""
    from toolkit.writers.excel_build import write_launchers

    return write_launchers(folder)


if __name__ == "__main__":
    for path in [*build(), *build_launchers()]:
        print(f"已生成 {path.relative_to(ROOT)}")
