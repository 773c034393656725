"""orglife remind: one notice per branch listing exactly its overdue, due-soon and unreported items."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import openpyxl
import pytest

from toolkit.app.cli import main
from toolkit.core import sample_data as sd

AS_OF = dt.date(2023, 12, 25)


def expected(closed: set[tuple] = frozenset()) -> dict[str, tuple[set, set]]:
    """From the sample data itself: (overdue measures, due-soon measures) per branch name."""
    out = {}
    for bid, data in sd.BRANCHES.items():
        overdue, soon = set(), set()
        for m in data["整改台账"]:
            deadline = m["整改时限"]
            if m["完成状态"] == "已完成" or m.get("销号日期") or not isinstance(deadline, dt.date) \
                    or (bid, m["问题编号"], m["整改措施"]) in closed:
                continue
            days = (deadline - AS_OF).days
            if days < 0:
                overdue.add(m["整改措施"])
            elif days <= 10:
                soon.add(m["整改措施"])
        if overdue or soon:
            out[data["基本信息"]["党组织名称"]] = (overdue, soon)
    return out


def read_notice(path) -> tuple[bool, set, set]:
    text = path.read_text(encoding="utf-8-sig")
    unreported = "尚未报送" in text
    overdue, soon, bucket = set(), set(), None
    for line in text.splitlines():
        if "已超过整改时限" in line:
            bucket = overdue
        elif "天内到期的整改措施" in line:
            bucket = soon
        m = re.match(r"^\d+\.问题P\d+“[^”]*”：(.*)（责任人", line)
        if m:
            bucket.add(m.group(1))
    return unreported, overdue, soon


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    from two_cycles import current_cycle, cycle_workbook

    base = tmp_path_factory.mktemp("remind")
    current_cycle(base / "回收")
    cycle = cycle_workbook(base / "周期设置.xlsx")
    assert main(["collect", str(base / "回收"), "--cycle", str(cycle), "--as-of", "2023-12-25",
                 "-o", str(base / "汇总")]) == 0
    return base


def test_notices_list_exactly_the_open_items(summary, soffice):
    out = summary / "催办"
    assert main(["remind", str(summary / "汇总" / "汇总表.xlsx"), "--as-of", "2023-12-25", "-o", str(out),
                 "--sender", "临江市交通运输局机关党委"]) == 0
    want = expected()
    names = {p.name.removesuffix("_催办提醒.txt") for p in out.glob("*.txt")}
    assert names == set(want) | {"信息中心党支部"}  # ZB05 did not report
    assert read_notice(out / "信息中心党支部_催办提醒.txt") == (True, set(), set())
    for name, (overdue, soon) in want.items():
        assert read_notice(out / f"{name}_催办提醒.txt") == (False, overdue, soon), name
    # the .docx says the same, in a document LibreOffice opens
    docs = sorted(out.glob("*.docx"))
    assert len(docs) == len(names)
    pdfs = soffice(docs, "pdf", summary / "pdf")
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        name = pdf.stem.removesuffix("_催办提醒")
        # pdftotext puts blanks between digits and Chinese, and page numbers (—1—) inside lines
        flat = re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))
        assert name in flat and "2023年12月25日" in flat and "临江市交通运输局机关党委" in flat
        if name in want:
            assert all(re.sub(r"\s+", "", m) in flat for m in want[name][0] | want[name][1])


def test_committee_closure_stops_the_reminder(summary):
    """A measure the committee marked 销号 in 汇总表 is not chased, even if the branch never updated it."""
    marked = summary / "标记" / "汇总表.xlsx"
    marked.parent.mkdir()
    wb = openpyxl.load_workbook(summary / "汇总" / "汇总表.xlsx")
    ws = wb["整改总台账"]
    head = {c.value: c.column for c in ws[1]}
    want = expected()
    name, (overdue, _) = next((n, v) for n, v in want.items() if v[0])
    closed = set()
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, head["党组织名称"]).value == name and ws.cell(r, head["整改措施"]).value in overdue:
            ws.cell(r, head["党委销号"], "已销号")
            closed.add((ws.cell(r, head["支部编号"]).value, ws.cell(r, head["问题编号"]).value,
                        ws.cell(r, head["整改措施"]).value))
    wb.save(marked)
    out = summary / "催办2"
    assert main(["remind", str(marked), "--as-of", "2023-12-25", "-o", str(out)]) == 0
    after = expected(closed)
    got = read_notice(out / f"{name}_催办提醒.txt") if (out / f"{name}_催办提醒.txt").exists() else None
    if name in after:
        assert got == (False, *after[name])
    else:
        assert got is None


def test_before_any_deadline_only_the_unreported_branch(summary, capsys):
    out = summary / "催办3"
    # Long before any deadline, and pretending everybody reported: only ZB05 is due a notice.
    assert main(["remind", str(summary / "汇总" / "汇总表.xlsx"), "--as-of", "2023-09-01", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.txt")) == ["信息中心党支部_催办提醒.txt"]


def test_not_a_summary(summary, capsys):
    cycle = summary / "周期设置.xlsx"
    assert main(["remind", str(cycle), "-o", str(summary / "x")]) == 1
    assert "不是 orglife collect 生成的汇总表" in capsys.readouterr().err
    assert main(["remind", str(summary / "没有.xlsx"), "-o", str(summary / "x")]) == 2
