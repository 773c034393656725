"""Multi-level roll-up: a higher committee collects branch workbooks and lower committees' 汇总表.

Three levels: 市直机关工委 (top) with two direct branches and three lower committees;
甲局机关党委 and 乙局机关党委 send their 汇总表, 丙局党总支 sends nothing. One branch of 甲局
also sends its workbook straight to the top. Every top figure is checked against sums
computed independently from the branch workbooks themselves.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from toolkit.branch.read import read_branch
from toolkit.committee.cycle import branch_content, load_cycle
from toolkit.core import sample_data
from toolkit.workflows.collect import collect
from toolkit.workflows.demo import cycle_content, filled_content
from toolkit.writers.workbook import write_branch_workbook, write_cycle_workbook

AS_OF = dt.date(2023, 10, 31)
TOP = "临江市直机关工委"


def _cycle(base: Path, name: str, committee: str, roster: list[tuple[str, str, str]]) -> Path:
    data = copy.deepcopy(sample_data.CYCLE)
    data["基本设置"]["上级党组织"] = committee
    data["支部名册"] = [{"支部编号": bid, "党组织名称": org, "类型": kind, "书记": "张三", "联系人": "李四",
                     "联系电话": "0710-1234567"} for bid, org, kind in roster]
    data["党员名册"] = []
    path = base / name
    write_cycle_workbook(path, cycle_content(data))
    return path


def _branch(cycle_path: Path, bid: str, sample: str, target: Path) -> Path:
    cycle = load_cycle(cycle_path)
    row = next(b for b in cycle.branches if b["branch_id"] == bid)
    filled = copy.deepcopy(sample_data.BRANCHES[sample])
    filled["基本信息"]["党组织名称"] = row["org_name"]
    target.parent.mkdir(parents=True, exist_ok=True)
    write_branch_workbook(target, filled_content(branch_content(cycle, row), filled))
    return target


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    base = tmp_path_factory.mktemp("rollup")
    # 甲局: three branches, all report; A3 also sends its workbook straight to the top.
    jia = _cycle(base, "甲局周期设置.xlsx", "甲局机关党委",
                 [("A1", "甲局一支部", "党支部"), ("A2", "甲局二支部", "党支部"), ("A3", "甲局三支部", "党支部")])
    jia_files = [_branch(jia, "A1", "ZB03", base / "甲局收件" / "A1.xlsx"),
                 _branch(jia, "A2", "ZB04", base / "甲局收件" / "A2.xlsx"),
                 _branch(jia, "A3", "ZB01", base / "甲局收件" / "A3.xlsx")]
    jia_result = collect([base / "甲局收件"], base / "甲局输出", cycle=jia, as_of=AS_OF, progress=False, jobs=1)
    # 乙局: three branches in its roster, B3 does not report.
    yi = _cycle(base, "乙局周期设置.xlsx", "乙局机关党委",
                [("B1", "乙局一支部", "党支部"), ("B2", "乙局二支部", "党支部"), ("B3", "乙局三支部", "党支部")])
    yi_files = [_branch(yi, "B1", "ZB02", base / "乙局收件" / "B1.xlsx"),
                _branch(yi, "B2", "ZB03", base / "乙局收件" / "B2.xlsx")]
    yi_result = collect([base / "乙局收件"], base / "乙局输出", cycle=yi, as_of=AS_OF, progress=False, jobs=1)
    top = _cycle(base, "工委周期设置.xlsx", TOP,
                 [("D1", "工委直属一支部", "党支部"), ("D2", "工委直属二支部", "党支部"),
                  ("L1", "甲局机关党委", "党委"), ("L2", "乙局机关党委", "党委"), ("L3", "丙局党总支", "党总支")])
    inbox = base / "工委收件"
    direct = [_branch(top, "D1", "ZB01", inbox / "D1.xlsx"), _branch(top, "D2", "ZB02", inbox / "D2.xlsx")]
    shutil.copy(jia_files[2], inbox / "甲局三支部（直接报送）.xlsx")
    # the lower summaries under names that say nothing: recognised by content
    shutil.copy(jia_result.summary_path, inbox / "甲局.xlsx")
    with zipfile.ZipFile(base / "乙局报送.zip", "w") as zf:
        zf.write(yi_result.summary_path, "乙局/材料.xlsx")
    result = collect([inbox, base / "乙局报送.zip"], base / "工委输出", cycle=top, as_of=AS_OF,
                     progress=False, jobs=1)
    counted = [*direct, *jia_files, *yi_files]  # A3 once
    return {"base": base, "result": result, "counted": counted, "top": top, "jia": jia, "jia_result": jia_result}


def _independent(paths: list[Path]) -> dict[str, int]:
    problems = measures = members = 0
    for p in paths:
        b = read_branch(p)
        problems += len(b.rows("problems"))
        measures += len(b.rows("measures"))
        # a leader attending as an ordinary member is one of the branch's 应到 (issue 16)
        names = {r.get("name") for r in b.rows("members")}
        leaders = {r.get("name") for r in b.rows("guests") if r.get("mode") == "以普通党员身份参加"} - names
        members += len(b.rows("members")) + len(leaders)
    return {"问题": problems, "措施": measures, "应到": members}


def test_top_totals_equal_sums_of_branch_workbooks(tree):
    result, want = tree["result"], _independent(tree["counted"])
    fig = result.figures
    assert fig["已报送"] == 7
    assert (fig["问题"], fig["措施"], fig["应到"]) == (want["问题"], want["措施"], want["应到"])
    book = openpyxl.load_workbook(result.summary_path, read_only=True)
    assert len(list(book["问题总表"].iter_rows(min_row=2, values_only=True))) == want["问题"]
    ledger = [r for r in book["整改总台账"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(ledger) == want["措施"]


def test_every_branch_once_with_its_committee_path(tree):
    book = openpyxl.load_workbook(tree["result"].summary_path, read_only=True)
    rows = list(book["支部情况"].iter_rows(values_only=True))
    head, body = rows[0], rows[1:]
    parent = head.index("所属党组织")
    names = [r[1] for r in body]
    assert sorted(names) == sorted(["工委直属一支部", "工委直属二支部", "甲局一支部", "甲局二支部", "甲局三支部",
                                    "乙局一支部", "乙局二支部"])
    by_name = {r[1]: r[parent] for r in body}
    assert by_name["甲局一支部"] == "甲局机关党委"
    assert by_name["乙局二支部"] == "乙局机关党委"
    assert not by_name["工委直属一支部"]
    assert not by_name["甲局三支部"]  # its own workbook came directly and is the one counted


def test_every_input_accounted_once(tree):
    result = tree["result"]
    shown = [f.shown for f in result.files]
    assert len(shown) == len(set(shown)) == 5
    by_name = {Path(f.shown).name: f for f in result.files}
    jia = by_name["甲局.xlsx"]
    assert jia.outcome == "已汇总" and "含 3 个支部" in jia.reason and "本级汇总 2 个" in jia.reason
    assert "甲局三支部" in jia.reason  # the duplicate explained
    assert by_name["材料.xlsx"].outcome == "已汇总"


def test_lower_committees_and_missing(tree):
    book = openpyxl.load_workbook(tree["result"].summary_path, read_only=True)
    lower = list(book["下级党组织"].iter_rows(values_only=True))
    rows = {r[0]: r for r in lower[1:]}
    assert set(rows) == {"甲局机关党委", "乙局机关党委", "丙局党总支"}
    assert rows["乙局机关党委"][2:5] == (3, 2, 1)
    missing = [r[1] for r in list(book["未报送"].iter_rows(values_only=True))[1:]]
    assert "丙局党总支" in missing and "乙局三支部" in missing
    # 总览 adds up: 支部数 = 已报送 + 未报送 (branches); the silent 党总支 is counted on its own line
    overview = {r[0]: r[1] for r in book["总览"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert (overview["支部数"], overview["已报送"], overview["未报送"]) == (8, 7, 1)
    assert overview["未报送汇总表的下级党组织"] == 1
    assert tree["result"].figures["未报送下级党组织"] == 1
    assert "_meta" in book.sheetnames and book["_meta"].sheet_state == "hidden"


def test_hand_edited_or_forged_summary_is_reported_not_summed(tree, tmp_path):
    base = tree["base"]
    src = base / "甲局输出" / "汇总表.xlsx"
    wb = openpyxl.load_workbook(src)
    ws = wb["问题总表"]
    ws.delete_rows(2)  # a problem removed by hand
    wb.save(tmp_path / "edited.xlsx")
    wb = openpyxl.load_workbook(src)
    meta = wb["_meta"]
    for row in meta.iter_rows():
        if row[0].value == "内容校验":
            row[1].value = "0" * 32
    wb.save(tmp_path / "forged.xlsx")
    other = openpyxl.load_workbook(src)
    for row in other["_meta"].iter_rows():
        if row[0].value == "周期编号":
            row[1].value = "2022-ZT"
    other.save(tmp_path / "other.xlsx")
    result = collect([tmp_path / "edited.xlsx", tmp_path / "forged.xlsx", tmp_path / "other.xlsx"],
                     tmp_path / "out", cycle=tree["top"], as_of=AS_OF, progress=False, jobs=1)
    outcomes = {Path(f.shown).name: f for f in result.files}
    assert outcomes["edited.xlsx"].outcome == "无法读取" and "手工修改" in outcomes["edited.xlsx"].reason
    assert outcomes["forged.xlsx"].outcome == "无法读取" and "内容校验" in outcomes["forged.xlsx"].reason
    assert outcomes["other.xlsx"].outcome == "非填报表" and "其他周期" in outcomes["other.xlsx"].reason
    assert result.figures["已报送"] == 0 and result.figures["问题"] == 0


def test_older_copy_of_same_lower_summary_is_not_summed(tree, tmp_path):
    base = tree["base"]
    src = base / "甲局输出" / "汇总表.xlsx"
    older = openpyxl.load_workbook(src)
    for row in older["_meta"].iter_rows():
        if row[0].value == "生成时间":
            row[1].value = "2000-01-01T00:00:00.000000"
    older.save(tmp_path / "旧.xlsx")
    shutil.copy(src, tmp_path / "新.xlsx")
    result = collect([tmp_path], tmp_path / "out", cycle=tree["top"], as_of=AS_OF, progress=False, jobs=1)
    outcomes = {Path(f.shown).name: f.outcome for f in result.files}
    assert outcomes == {"旧.xlsx": "重复提交", "新.xlsx": "已汇总"}
    assert result.figures["已报送"] == 3


# --- hostile 汇总表: refused like a hostile branch workbook -------------------------------

def _part_of(path: Path, sheet: str) -> str:
    import re

    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="([^"]+)"', book).group(1)
    return "xl/" + re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels).group(1)


def _rewrite(src: Path, target: Path, part: str, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == part else data)
    return target


def _bomb(xml: bytes) -> bytes:
    return xml.replace(b"<sheetData>", b" " * (20 * 1024 * 1024) + b"<sheetData>", 1)


def _entities(xml: bytes) -> bytes:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    head = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'.encode()
    return head + xml.split(b"?>", 1)[1].replace(b"<t>", b"<t>&l9;", 1)


def _million(xml: bytes) -> bytes:
    far = (b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>ZB99</t></is></c></row></sheetData>')
    return xml.replace(b"</sheetData>", far, 1)


def _formula_errors(xml: bytes) -> bytes:
    # every 查摆问题数 of 支部情况 (column L) becomes #REF!
    import re

    return re.sub(rb'<c r="(L\d+)"[^>]*>.*?</c>', lambda m: b'<c r="' + m.group(1) + b'" t="e"><v>#REF!</v></c>'
                  if m.group(1) != b"L1" else m.group(0), xml)


def _formula_error_in_text(xml: bytes) -> bytes:
    # one 问题概述 (column G) of the second problem row becomes #N/A: refused by cell, never read as a blank
    import re

    return re.sub(rb'<c r="G3"[^>]*>.*?</c>', b'<c r="G3" t="e"><v>#N/A</v></c>', xml, count=1)


@pytest.mark.parametrize(("name", "sheet", "change", "said"), [
    ("炸弹.xlsx", "问题总表", _bomb, "压缩"),
    ("实体炸弹.xlsx", "_meta", _entities, "实体"),
    ("百万行.xlsx", "问题总表", _million, "行"),
    ("公式错误.xlsx", "支部情况", _formula_errors, "“支部情况”第 2 行 L2 单元格是公式错误 #REF!"),
    ("明细公式错误.xlsx", "问题总表", _formula_error_in_text, "“问题总表”第 3 行 G3 单元格是公式错误 #N/A"),
])
def test_hostile_summary_is_refused_with_its_reason(tree, tmp_path, name, sheet, change, said):
    src = tree["base"] / "甲局输出" / "汇总表.xlsx"
    bad = _rewrite(src, tmp_path / name, _part_of(src, sheet), change)
    result = collect([bad], tmp_path / "out", cycle=tree["top"], as_of=AS_OF, progress=False, jobs=1)
    (f,) = result.files
    assert f.outcome == "无法读取", f.reason
    assert said in f.reason, f.reason
    assert result.figures["已报送"] == 0


def test_distribute_gives_a_lower_committee_its_own_cycle_workbook(tree, tmp_path):
    from toolkit.workflows.distribute import distribute

    top = load_cycle(tree["top"])
    result = distribute(tree["top"], tmp_path)
    names = sorted(p.name for p in result.written)
    assert "甲局机关党委_周期设置.xlsx" in names and "丙局党总支_周期设置.xlsx" in names
    assert "工委直属一支部.xlsx" in names and len(names) == 5
    lower = load_cycle(tmp_path / "甲局机关党委_周期设置.xlsx")
    assert lower.cycle_id == top.cycle_id
    assert lower.info["superior"] == "甲局机关党委"
    assert (lower.info["theme"], lower.info["deadline"]) == (top.info["theme"], top.info["deadline"])
    assert lower.categories == top.categories
    assert lower.branches == []
    # the contact its own 通知 prints: the higher roster's row for it, not the higher committee's
    assert (lower.info["contact"], lower.info["phone"]) == ("李四", "0710-1234567")


def test_a_list_past_the_row_limit_goes_on_in_numbered_sheets(tree, tmp_path, monkeypatch):
    from toolkit.writers import consolidate

    monkeypatch.setattr(consolidate, "DATA_ROWS", 10)
    result = collect([tree["base"] / "甲局收件"], tmp_path, as_of=AS_OF, progress=False, jobs=1)
    book = openpyxl.load_workbook(result.summary_path, read_only=True)
    parts = [n for n in book.sheetnames if n.startswith("问题总表")]
    want = result.figures["问题"]
    assert len(parts) == -(-want // 10) > 1
    rows = [r for n in parts for r in book[n].iter_rows(min_row=2, values_only=True)]
    assert len(rows) == want
    assert all(next(book[n].iter_rows(max_row=1, values_only=True))[0] == "支部编号" for n in parts)
    ledger = [r for n in book.sheetnames if n.startswith("整改总台账")
              for r in book[n].iter_rows(min_row=2, values_only=True)]
    assert len(ledger) == result.figures["措施"]
    overview = [r[0] for r in book["总览"].iter_rows(values_only=True)]
    assert "问题总表分表数" in overview


def test_a_lower_summary_split_over_numbered_sheets_is_read_back_whole(tree, tmp_path, monkeypatch):
    from toolkit.writers import consolidate

    monkeypatch.setattr(consolidate, "DATA_ROWS", 4)
    lower = collect([tree["base"] / "甲局收件"], tmp_path / "甲局", cycle=tree["jia"], as_of=AS_OF, progress=False,
                    jobs=1)
    names = openpyxl.load_workbook(lower.summary_path, read_only=True).sheetnames
    assert "问题总表（2）" in names and "整改总台账（2）" in names
    monkeypatch.undo()
    result = collect([lower.summary_path], tmp_path / "工委", cycle=tree["top"], as_of=AS_OF, progress=False, jobs=1)
    (f,) = result.files
    assert f.outcome == "已汇总", f.reason
    want = tree["jia_result"].figures
    assert (result.figures["已报送"], result.figures["问题"], result.figures["措施"]) == (
        want["已报送"], want["问题"], want["措施"])
    assert result.figures["类别"] == want["类别"]


def test_the_higher_committees_marks_survive_a_recollect(tree, tmp_path):
    src = tree["result"].summary_path
    wb = openpyxl.load_workbook(src)
    ws = wb["整改总台账"]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    target = next(r for r in ws.iter_rows(min_row=2) if r[col["所属党组织"]].value == "乙局机关党委")
    target[col["党委销号"]].value = "已销号"
    target[col["备注"]].value = "工委复核通过"
    key = (target[col["支部编号"]].value, target[col["问题编号"]].value, target[col["整改措施"]].value)
    wb.save(tmp_path / "上次.xlsx")
    base = tree["base"]
    inbox = base / "工委收件"
    result = collect([inbox, base / "乙局报送.zip"], tmp_path / "out", cycle=tree["top"], as_of=AS_OF,
                     previous=tmp_path / "上次.xlsx", progress=False, jobs=1)
    again = openpyxl.load_workbook(result.summary_path, read_only=True)["整改总台账"]
    rows = list(again.iter_rows(values_only=True))
    col = {h: i for i, h in enumerate(rows[0])}
    kept = [r for r in rows[1:] if (r[col["支部编号"]], r[col["问题编号"]], r[col["整改措施"]]) == key]
    assert kept and kept[0][col["党委销号"]] == "已销号" and kept[0][col["备注"]] == "工委复核通过"
    assert list(rows[0]).count("所属党组织") == 1


def test_the_duplicate_is_explained_in_the_issues_sheet(tree):
    book = openpyxl.load_workbook(tree["result"].summary_path, read_only=True)
    rows = list(book["校验问题"].iter_rows(values_only=True))
    said = [r for r in rows[1:] if r[1] == "甲局三支部" and "重复报送" in (r[8] or "")]
    assert len(said) == 1 and said[0][0].startswith("工委收件/甲局.xlsx")


def test_the_appraisal_table_has_one_row_per_lower_committee(tree):
    import docx

    result = tree["result"]
    doc = docx.Document(result.summary_path.parent / "民主评议情况汇总表.docx")
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    head, body = rows[0], rows[1:]
    by_name = {r[head.index("党组织名称")]: r for r in body}
    assert "乙局机关党委" in by_name and "乙局一支部" not in by_name
    assert "2个支部合计" in by_name["乙局机关党委"][-1]
    assert "甲局三支部" in by_name  # came directly: its own row
    yi = [rec for rec in result.branches if rec.parent == "乙局机关党委"]
    assert int(by_name["乙局机关党委"][head.index("党员人数")]) == sum(rec.counts["应到"] for rec in yi)
    total = next(r for r in body if r[1] == "合计")
    assert int(total[head.index("党员人数")]) == result.figures["应到"]
