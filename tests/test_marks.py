"""collect --previous keeps the committee's marks in 整改总台账, on the right rows."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import python_calamine

from toolkit.app.cli import main
from toolkit.committee.marks import CommitteeMarks, Mark
from toolkit.core import sample_data as sd

LEDGER = "整改总台账"


def ledger_rows(path) -> list[dict]:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_name(LEDGER).to_python(skip_empty_area=False)
    head = [str(h) for h in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:] if any(v not in (None, "") for v in r)]


def who(row) -> tuple:
    return row["支部编号"], row["问题编号"], row["整改措施"]


@pytest.fixture(scope="module")
def recollected(tmp_path_factory):
    from two_cycles import branch_content, current_cycle, cycle_workbook

    from toolkit.writers.workbook import write_branch_workbook

    base = tmp_path_factory.mktemp("marks")
    paths = current_cycle(base / "回收")
    cycle = cycle_workbook(base / "周期设置.xlsx")
    assert main(["collect", str(base / "回收"), "--cycle", str(cycle), "--as-of", "2023-12-25",
                 "-o", str(base / "汇总1")]) == 0

    # The committee marks every ledger row (a note that names the row), closes some, adds a column.
    first = base / "汇总1" / "汇总表.xlsx"
    marked = base / "党委标记" / "汇总表.xlsx"
    marked.parent.mkdir()
    wb = openpyxl.load_workbook(first)
    ws = wb[LEDGER]
    head = {c.value: c.column for c in ws[1]}
    ws.cell(1, ws.max_column + 1, "督办意见")
    own = ws.max_column
    expected = {}
    for r in range(2, ws.max_row + 1):
        key = tuple(ws.cell(r, head[h]).value for h in ("支部编号", "问题编号", "整改措施"))
        marks = {"备注": f"核对：{key[0]} {key[1]} {key[2][:8]}"}
        if r % 3 == 0:
            marks["党委销号"] = "已销号"
            if ws.cell(r, head["销号日期"]).value is None:
                marks["销号日期"] = dt.date(2023, 12, 20)
        if r % 5 == 0:
            marks["督办意见"] = f"请{key[0]}在月底前报送佐证"
        for h, v in marks.items():
            ws.cell(r, own if h == "督办意见" else head[h], v)
        expected[key] = marks
    wb.save(marked)

    # ZB01 sends its ledger again: rows reversed, one measure touched up, one removed.
    data = {**sd.BRANCHES["ZB01"]}
    measures = list(reversed(data["整改台账"]))
    touched = measures[0]["整改措施"]
    measures[0] = {**measures[0], "整改措施": touched + "，确保落实"}
    removed = measures.pop(1)
    data["整改台账"] = measures
    write_branch_workbook(paths["ZB01"], branch_content(data, "2023-ZT", "ZB01"))
    assert main(["collect", str(base / "回收"), "--cycle", str(cycle), "--as-of", "2023-12-25",
                 "--previous", str(marked), "-o", str(base / "汇总2")]) == 0
    return {"expected": expected, "rows": ledger_rows(base / "汇总2" / "汇总表.xlsx"),
            "touched": (touched, measures[0]["整改措施"]), "removed": removed}


def _marks_of(row) -> dict:
    out = {h: row.get(h) for h in ("备注", "党委销号", "督办意见") if row.get(h) not in (None, "")}
    return out


def test_every_mark_kept_on_its_row(recollected):
    expected, rows = recollected["expected"], recollected["rows"]
    old_touched, new_touched = recollected["touched"]
    removed = recollected["removed"]
    matched = [r for r in rows if r["统计日状态"] != "未对应"]
    assert len(matched) == len(expected) - 1  # one measure removed
    for row in matched:
        key = who(row)
        if key == ("ZB01", removed["问题编号"], new_touched):
            key = ("ZB01", removed["问题编号"], old_touched)
        if row["整改措施"] == new_touched:
            key = (row["支部编号"], row["问题编号"], old_touched)
        want = {h: v for h, v in expected[key].items() if h != "销号日期"}
        assert _marks_of(row) == want, row
        if "销号日期" in expected[key]:
            assert row["销号日期"] in (dt.date(2023, 12, 20), dt.datetime(2023, 12, 20))


def test_removed_measure_keeps_its_marks_visibly(recollected):
    removed = recollected["removed"]
    orphans = [r for r in recollected["rows"] if r["统计日状态"] == "未对应"]
    assert [who(r) for r in orphans] == [("ZB01", removed["问题编号"], removed["整改措施"])]
    key = who(orphans[0])
    assert _marks_of(orphans[0]) == {h: v for h, v in recollected["expected"][key].items() if h != "销号日期"}
    assert any("没有找到这条整改措施" in str(v) for v in orphans[0].values())


def test_equal_measures_told_apart_by_order():
    def mark(n, note):
        return Mark("ZB01", "办公室党支部", "P01", "每月学习1次", {"备注": note}, row=n + 2, n=n)

    marks = CommitteeMarks(columns=["备注"], marks=[mark(0, "第一条"), mark(1, "第二条")])
    rows = [{"支部编号": "ZB01", "党组织名称": "办公室党支部", "问题编号": "P01", "整改措施": "每月学习 1 次"}
            for _ in range(3)]
    assert marks.apply(rows) == []
    assert [r.get("备注") for r in rows] == ["第一条", "第二条", None]


def test_different_measure_not_matched():
    marks = CommitteeMarks(columns=["备注"], marks=[
        Mark("ZB01", "", "P01", "每月开展1次专题研讨", {"备注": "x"}, row=2)])
    rows = [{"支部编号": "ZB01", "问题编号": "P01", "整改措施": "年底前形成2篇调研报告"},
            {"支部编号": "ZB02", "问题编号": "P01", "整改措施": "每月开展1次专题研讨"}]
    assert len(marks.apply(rows)) == 1
    assert all("备注" not in r for r in rows)
