"""The built-in sample cycles (2022 and 2023) written as real workbooks for tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

from toolkit.core import sample_data as sd
from toolkit.schema.workbooks import BRANCH_SHEETS
from toolkit.writers.workbook import Content, branch_meta, from_headers, write_branch_workbook, write_cycle_workbook


def branch_content(data: dict, cycle_id: str, branch_id: str) -> Content:
    info: dict = {}
    tables: dict = {}
    for sheet in BRANCH_SHEETS:
        if sheet.name not in data:
            continue
        if sheet.form:
            info = from_headers(sheet, data[sheet.name])
        else:
            tables[sheet.key] = [from_headers(sheet, r) for r in data[sheet.name]]
    return Content(info=info, tables=tables, meta=branch_meta(cycle_id, branch_id))


def write_branches(folder: Path, branches: dict, cycle_id: str) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for bid, data in branches.items():
        path = folder / f"{data['基本信息']['党组织名称']}.xlsx"
        write_branch_workbook(path, branch_content(data, cycle_id, bid))
        paths[bid] = path
    return paths


def previous_cycle(folder: Path) -> dict[str, Path]:
    return write_branches(folder, sd.PREVIOUS_BRANCHES, sd.PREVIOUS_CYCLE["基本设置"]["周期编号"])


def current_cycle(folder: Path) -> dict[str, Path]:
    return write_branches(folder, sd.BRANCHES, sd.CYCLE["基本设置"]["周期编号"])


def cycle_workbook(path: Path, data: dict | None = None) -> Path:
    from toolkit.workflows.demo import cycle_content

    write_cycle_workbook(path, cycle_content(data or sd.CYCLE))
    return path


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for f in sorted(folder.rglob("*.xlsx")):
            zf.write(f, f"上期/{f.name}")
    return target
