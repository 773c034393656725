"""orglife distribute / collect on the sample cycle, with the mess a committee really receives.

The returned folder holds: ZB01 twice (an older and a newer save), ZB02 and a
copy of it made for another cycle, ZB04 with an error, an Excel lock file, a
text file, a "workbook" that is really text; ZB03 arrives in a zip whose
Chinese names are GBK without the UTF-8 flag, next to an entry trying to
climb out of the zip. ZB05 sends nothing. Figures in the summary are checked
against figures computed here from sample_data, not from the toolkit.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import time
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from toolkit.app.cli import main
from toolkit.committee.cycle import branch_content, load_cycle
from toolkit.core import sample_data
from toolkit.core.status import measure_status
from toolkit.workflows.demo import cycle_content, filled_content
from toolkit.writers.workbook import write_branch_workbook, write_cycle_workbook

AS_OF = dt.date(2023, 10, 31)
SHEETS = ["总览", "支部情况", "问题总表", "整改总台账", "民主评议汇总", "未报送", "文件清单", "校验问题", "_meta"]


class GbkInfo(zipfile.ZipInfo):
    """A zip entry whose name is stored as raw GBK without the UTF-8 flag, as Chinese Windows tools do."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def returned_branch(cycle, branch_id: str, filled: dict | None = None):
    row = next(b for b in cycle.branches if b["branch_id"] == branch_id)
    return filled_content(branch_content(cycle, row), filled or sample_data.BRANCHES[branch_id])


def expected_rows(data: dict) -> dict:
    """What the summary must show for a branch, counted from the sample dict's Chinese headers."""
    members = data["参会人员"]
    problems = data["问题清单"]
    measures = data["整改台账"]
    overdue = 0
    for m in measures:
        deadline, status = m.get("整改时限"), m.get("完成状态")
        if status != "已完成" and status != "长期坚持" and isinstance(deadline, dt.date) and deadline < AS_OF:
            overdue += 1
    # leaders attending 以普通党员身份参加 are members of the meeting, and were there
    leaders = sum(1 for g in data.get("列席指导", []) if g["参会方式"] == "以普通党员身份参加")
    return {
        "应到": len(members) + leaders,
        "实到": sum(1 for m in members if m["是否参会"] == "是") + leaders,
        "问题": len(problems),
        "类别": Counter(p["问题类别"] for p in problems),
        "措施": len(measures),
        "已完成": sum(1 for m in measures if m.get("完成状态") == "已完成"),
        "逾期": overdue,
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("collect")
    cycle_path = base / "周期设置.xlsx"
    write_cycle_workbook(cycle_path, cycle_content())
    cycle = load_cycle(cycle_path)

    inbox = base / "回收"
    (inbox / "第二批").mkdir(parents=True)
    # ZB01 twice: the older save lacks its last problems and measures
    older = copy.deepcopy(sample_data.BRANCHES["ZB01"])
    older["问题清单"] = older["问题清单"][:3]
    older["整改台账"] = [m for m in older["整改台账"] if m["问题编号"] in {p["问题编号"] for p in older["问题清单"]}]
    write_branch_workbook(inbox / "办公室党支部.xlsx", returned_branch(cycle, "ZB01", older))
    time.sleep(1.1)  # the newer file must be saved at a later second
    write_branch_workbook(inbox / "第二批" / "办公室党支部（修改版）.xlsx", returned_branch(cycle, "ZB01"))
    os.utime(inbox / "办公室党支部.xlsx", (time.time() - 3600, time.time() - 3600))

    write_branch_workbook(inbox / "公路建设管理处党支部.xlsx", returned_branch(cycle, "ZB02"))
    stale = returned_branch(cycle, "ZB02")
    stale.meta = {**stale.meta, "周期编号": "2022-ZZ"}
    write_branch_workbook(inbox / "公路建设管理处党支部（去年）.xlsx", stale)

    # ZB04 with an error: a measure for a problem that is not in 问题清单
    zb04 = copy.deepcopy(sample_data.BRANCHES["ZB04"])
    zb04["整改台账"].append({"问题编号": "P99", "整改措施": "补充完善学习台账", "责任人": "陈茂林",
                          "整改时限": dt.date(2023, 9, 30), "完成状态": "推进中"})
    write_branch_workbook(inbox / "离退休干部党支部.xlsx", returned_branch(cycle, "ZB04", zb04))

    (inbox / "~$离退休干部党支部.xlsx").write_bytes(b"\x0bowner" + b"\x00" * 150)
    (inbox / "报送说明.txt").write_text("各支部材料已收齐。", encoding="utf-8")
    (inbox / "第二批" / "统计表.xlsx").write_text("这不是工作簿", encoding="utf-8")

    zb03 = base / "zb03.xlsx"
    write_branch_workbook(zb03, returned_branch(cycle, "ZB03"))
    zip_path = base / "邮件附件.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        info = GbkInfo("养护中心/市公路养护中心党支部.xlsx", date_time=(2023, 9, 10, 9, 30, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, zb03.read_bytes())
        zf.writestr("../越界.xlsx", b"PK\x03\x04 not really")

    out = base / "汇总"
    code = main(["collect", str(inbox), str(zip_path), "--cycle", str(cycle_path), "--as-of",
                 AS_OF.isoformat(), "-o", str(out), "--jobs", "2", "--pdf"])
    return {"base": base, "inbox": inbox, "zip": zip_path, "out": out, "code": code, "cycle": cycle_path,
            "zb04": zb04}


@pytest.fixture(scope="module")
def book(run):
    return openpyxl.load_workbook(run["out"] / "汇总表.xlsx")


def table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:] if any(v is not None for v in r)]


def test_exit_status_says_inputs_had_errors(run):
    assert run["code"] == 1  # ZB04 has an error and two files cannot be read
    assert (run["out"] / "汇总表.xlsx").stat().st_size > 0
    assert (run["out"] / "汇总报告.docx").stat().st_size > 0


def test_sheets_are_the_contract(book):
    assert book.sheetnames == SHEETS


def test_every_input_file_listed_once_with_outcome(book, run):
    rows = table(book["文件清单"])
    shown = [r["文件"] for r in rows]
    assert len(shown) == len(set(shown))
    expected = {
        "回收/办公室党支部.xlsx": "重复提交",
        "回收/第二批/办公室党支部（修改版）.xlsx": "已汇总",
        "回收/公路建设管理处党支部.xlsx": "已汇总",
        "回收/公路建设管理处党支部（去年）.xlsx": "非填报表",
        "回收/离退休干部党支部.xlsx": "有错误",
        "回收/~$离退休干部党支部.xlsx": "非填报表",
        "回收/报送说明.txt": "非填报表",
        "回收/第二批/统计表.xlsx": "无法读取",
        "邮件附件.zip/养护中心/市公路养护中心党支部.xlsx": "已汇总",
        "邮件附件.zip/../越界.xlsx": "无法读取",
    }
    assert {r["文件"]: r["结果"] for r in rows} == expected
    reasons = {r["文件"]: r["说明"] for r in rows}
    assert "修改时间" in reasons["回收/办公室党支部.xlsx"] or "保存时间" in reasons["回收/办公室党支部.xlsx"]
    assert "修改版" in reasons["回收/办公室党支部.xlsx"]
    assert "2022-ZZ" in reasons["回收/公路建设管理处党支部（去年）.xlsx"]
    assert "锁定" in reasons["回收/~$离退休干部党支部.xlsx"]
    assert "已拒绝解压" in reasons["邮件附件.zip/../越界.xlsx"]
    # nothing was extracted next to the inputs
    assert not (run["base"] / "越界.xlsx").exists()


def test_branch_figures_match_the_sample_data(book, run):
    data = {"ZB01": sample_data.BRANCHES["ZB01"], "ZB02": sample_data.BRANCHES["ZB02"],
            "ZB03": sample_data.BRANCHES["ZB03"], "ZB04": run["zb04"]}
    rows = {r["支部编号"]: r for r in table(book["支部情况"])}
    assert list(rows) == ["ZB01", "ZB02", "ZB03", "ZB04"]  # roster order; ZB05 did not report
    cats = sample_data.CYCLE["问题类别"]
    for bid, d in data.items():
        want, got = expected_rows(d), rows[bid]
        assert (got["应到人数"], got["实到人数"], got["请假人数"]) == (want["应到"], want["实到"],
                                                              want["应到"] - want["实到"])
        assert got["查摆问题数"] == want["问题"]
        assert {c: got[c] for c in cats} == {c: want["类别"].get(c, 0) for c in cats}
        assert (got["整改措施数"], got["已完成"], got["逾期"]) == (want["措施"], want["已完成"], want["逾期"])
    assert rows["ZB04"]["校验状态"] == "有错误"
    assert rows["ZB01"]["校验状态"] == "已汇总"
    assert "贺振邦" in rows["ZB01"]["上级指导"] and "以普通党员身份参加" in rows["ZB01"]["上级指导"]


def test_totals_equal_row_counts(book):
    branches = table(book["支部情况"])
    problems = table(book["问题总表"])
    ledger = table(book["整改总台账"])
    assert sum(r["查摆问题数"] for r in branches) == len(problems)
    assert sum(r["整改措施数"] for r in branches) == len(ledger)
    for bid in ("ZB01", "ZB02", "ZB03", "ZB04"):
        row = next(r for r in branches if r["支部编号"] == bid)
        assert row["查摆问题数"] == sum(1 for p in problems if p["支部编号"] == bid)
        assert row["整改措施数"] == sum(1 for m in ledger if m["支部编号"] == bid)
        assert row["逾期"] == sum(1 for m in ledger if m["支部编号"] == bid and m["统计日状态"] == "已逾期")
    # the erroneous row of ZB04 is kept, not dropped
    assert any(m["支部编号"] == "ZB04" and m["问题编号"] == "P99" for m in ledger)


def test_ledger_status_as_of_and_committee_columns(book):
    ws = book["整改总台账"]
    head = [c.value for c in ws[1]]
    assert head[-4:] == ["剩余天数", "党委销号", "备注", "原表行号"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    colours = {r.formula[0].strip('"') for cf in ws.conditional_formatting for r in cf.rules}
    assert {"已完成", "已逾期", "10天内到期", "长期坚持"} <= colours
    for m in table(ws):
        deadline = m["整改时限"]
        if m["完成状态"] == "已完成":
            assert m["统计日状态"] == "已完成"
        elif deadline == "长期坚持":
            assert m["统计日状态"] == "长期坚持"
        elif isinstance(deadline, dt.datetime):
            days = (deadline.date() - AS_OF).days
            assert m["统计日状态"] == ("已逾期" if days < 0 else "10天内到期" if days <= 10 else "正常")
            assert m["剩余天数"] == days


def test_overview_headline_figures(book, run):
    data = [sample_data.BRANCHES[b] for b in ("ZB01", "ZB02", "ZB03")] + [run["zb04"]]
    want = [expected_rows(d) for d in data]
    ws = book["总览"]
    figures = {}
    for row in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        if row[0] is not None and row[0] not in figures:
            figures[row[0]] = row[1]
    assert figures["支部数"] == 5
    assert figures["已报送"] == 4
    assert figures["未报送"] == 1
    assert figures["问题数"] == sum(w["问题"] for w in want)
    assert figures["已逾期"] == sum(w["逾期"] for w in want)
    assert figures["参会率"] == pytest.approx(sum(w["实到"] for w in want) / sum(w["应到"] for w in want))
    total_by_cat = sum((w["类别"] for w in want), Counter())
    for cat in sample_data.CYCLE["问题类别"]:
        assert figures[cat] == total_by_cat.get(cat, 0)
    missing = table(book["未报送"])
    assert [r["党组织名称"] for r in missing] == ["信息中心党支部"]


def test_issues_sheet_names_file_sheet_and_cell(book):
    rows = table(book["校验问题"])
    err = [r for r in rows if r["代码"] == "unknown-problem-id"]
    assert err and err[0]["文件"] == "回收/离退休干部党支部.xlsx" and err[0]["工作表"] == "整改台账"
    assert re.fullmatch(r"[A-Z]+\d+", err[0]["单元格"])
    assert any(r["代码"] == "other-cycle" for r in rows)
    assert any(r["文件"] == "回收/第二批/统计表.xlsx" and r["级别"] == "错误" for r in rows)


def test_charts_reference_the_overview_tables(run, book):
    with zipfile.ZipFile(run["out"] / "汇总表.xlsx") as zf:
        charts = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [zf.read(n).decode("utf-8") for n in charts]
    assert len(xml) == 2
    ws = book["总览"]

    def cells(ref: str):
        sheet, rng = ref.rsplit("!", 1)
        assert sheet.strip("'") == "总览"
        rng = rng.replace("$", "")
        if ":" not in rng:
            return [ws[rng].value]
        return [c.value for row in ws[rng] for c in row]

    by_category = next(x for x in xml if "查摆问题按类别分布" in x)
    refs = re.findall(r"<c:f>([^<]+)</c:f>", by_category)
    labels, values = cells(refs[0]), cells(refs[1])
    assert labels[: len(sample_data.CYCLE["问题类别"])] == sample_data.CYCLE["问题类别"]
    assert sum(values) == len(table(book["问题总表"]))
    assert 'typeface="宋体"' in by_category

    by_branch = next(x for x in xml if "各支部整改进度" in x)
    refs = re.findall(r"<c:f>([^<]+)</c:f>", by_branch)
    names = [v for r in refs if r.count(":") == 0 for v in cells(r)]  # series names
    assert names == ["已完成", "长期坚持", "正常", "10天内到期", "已逾期", "未填时限"]
    assert cells(refs[1]) == ["办公室党支部", "公路建设管理处党支部", "市公路养护中心党支部", "离退休干部党支部"]
    value_refs = [r for r in refs if ":" in r and r != refs[1]]
    assert sum(sum(cells(r)) for r in value_refs) == len(table(book["整改总台账"]))


def test_gbk_zip_names_read_right():
    from toolkit.io.inputs import zip_entry_name as _zip_entry_name

    info = zipfile.ZipInfo("x")
    info.filename = "市公路养护中心党支部.xlsx".encode("gbk").decode("cp437")
    info.flag_bits = 0
    assert _zip_entry_name(info) == "市公路养护中心党支部.xlsx"


def test_distribute_command(tmp_path):
    cycle_path = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(cycle_path, cycle_content())
    assert main(["distribute", str(cycle_path), "-o", str(tmp_path / "下发")]) == 0
    written = sorted(p.name for p in (tmp_path / "下发").glob("*.xlsx"))
    assert written == sorted(f"{b['党组织名称']}.xlsx" for b in sample_data.CYCLE["支部名册"])
    from toolkit.branch.read import read_branch

    branch = read_branch(tmp_path / "下发" / "信息中心党支部.xlsx")
    assert branch.meta["支部编号"] == "ZB05" and branch.meta["周期编号"] == "2023-ZT"
    assert [r["name"] for r in branch.rows("members")][:2] == ["魏晨", "沈佳琪"]


def test_collect_bad_usage(tmp_path):
    assert main(["collect", str(tmp_path / "没有这个文件夹"), "-o", str(tmp_path / "o")]) == 2
    assert main(["collect", str(tmp_path), "-o", str(tmp_path / "o"), "--as-of", "明天"]) == 2


def test_outputs_open_in_libreoffice(run, soffice):
    import subprocess

    report_pdf = run["out"] / "汇总报告.pdf"  # written by collect --pdf
    assert report_pdf.stat().st_size > 0
    pdfs = soffice([run["out"] / "汇总表.xlsx"], "pdf", run["base"] / "pdf")
    text = subprocess.run(["pdftotext", str(report_pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    book = openpyxl.load_workbook(run["out"] / "汇总表.xlsx", read_only=True)
    problems = sum(1 for _ in book["问题总表"].iter_rows(min_row=2))
    assert f"共查摆问题{problems}条" in flat
    assert "贺振邦同志以普通党员身份参加办公室党支部" in flat
    assert "信息中心党支部" in flat  # not reported
    assert "（一）理论学习方面" in flat
    sheet_text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True,
                                check=True).stdout
    assert "整改完成率" in sheet_text


def test_measure_status_rules():
    d = dt.date
    assert measure_status(d(2023, 9, 1), "推进中", None, AS_OF) == "已逾期"
    assert measure_status(d(2023, 11, 10), "推进中", None, AS_OF) == "10天内到期"
    assert measure_status(d(2023, 11, 11), "未启动", None, AS_OF) == "正常"
    assert measure_status(d(2023, 9, 1), "已完成", d(2023, 8, 30), AS_OF) == "已完成"
    assert measure_status("长期坚持", "推进中", None, AS_OF) == "长期坚持"


def test_committee_columns_survive_a_recollect(run, tmp_path):
    """党委销号/备注 typed into last run's 整改总台账 come back in the next run (--previous)."""
    previous = tmp_path / "上次汇总表.xlsx"
    wb = openpyxl.load_workbook(run["out"] / "汇总表.xlsx")
    ws = wb["整改总台账"]
    head = [c.value for c in ws[1]]
    col_closed, col_note = head.index("党委销号") + 1, head.index("备注") + 1
    ws.cell(2, col_closed, "2023-11-05 已销号")
    ws.cell(3, col_note, "请补充佐证材料")
    marked = [(ws.cell(r, 1).value, ws.cell(r, 3).value, ws.cell(r, 6).value) for r in (2, 3)]
    wb.save(previous)
    code = main(["collect", str(run["inbox"]), str(run["zip"]), "--cycle", str(run["cycle"]), "--as-of",
                 AS_OF.isoformat(), "-o", str(tmp_path / "再次汇总"), "--jobs", "1", "--previous", str(previous)])
    assert code == 1
    again = table(openpyxl.load_workbook(tmp_path / "再次汇总" / "汇总表.xlsx")["整改总台账"])
    kept = {(r["支部编号"], r["问题编号"], r["整改措施"]): (r["党委销号"], r["备注"]) for r in again}
    assert kept[marked[0]] == ("2023-11-05 已销号", None)
    assert kept[marked[1]] == (None, "请补充佐证材料")
    assert sum(1 for v in kept.values() if v != (None, None)) == 2


def test_distribute_matches_roster_names_loosely_and_reports_unknown_branches(tmp_path):
    content = cycle_content()
    members = content.tables["members"]
    members[0] = {**members[0], "org_name": "办公室 党支部 "}  # blanks typed into the name
    members.append({"org_name": "办公事党支部", "name": "许多余", "role": "党员", "category": "正式党员"})
    cycle_path = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(cycle_path, content)
    from toolkit.errors import InputError

    with pytest.raises(InputError) as caught:
        load_cycle(cycle_path)
    assert "办公事党支部" in str(caught.value) and "党员名册!A" in str(caught.value)
    members.pop()
    write_cycle_workbook(cycle_path, content)
    cycle = load_cycle(cycle_path)
    office = [m["name"] for m in cycle.members_of("办公室党支部")]
    assert office[0] == sample_data.CYCLE["党员名册"][0]["姓名"] and len(office) == 9


@pytest.mark.parametrize("size", [1, 3, 7, 64, 10_000])
def test_sheet_scan_counts_rows_and_error_cells_across_chunk_borders(size):
    """The fast worksheet scan (what makes reading 10,000 workbooks affordable) misses nothing at chunk borders."""
    from toolkit.io.container import _SheetScanner

    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>{r}</v></c></row>' for r in range(1, 41))
    xml = ('<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<x:sheetData>{rows}<x:row r="41"><x:c r="C41" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c></x:row>'
           '</x:sheetData><x:rowBreaks count="0"/></x:worksheet>').encode()
    scanner = _SheetScanner("问题清单")
    for i in range(0, len(xml), size):
        scanner.feed(Path("t.xlsx"), xml[i:i + size])
    scanner.close(Path("t.xlsx"))
    assert scanner.rows == 41
    assert scanner.errors == {(40, 2): "#DIV/0!"}


def test_same_folder_twice_and_empty_inputs(run, tmp_path):
    """A folder named twice lists its files once; an empty folder still gives a summary, all 未报送."""
    from toolkit.workflows.collect import collect

    twice = collect([run["inbox"], run["inbox"] / "报送说明.txt"], tmp_path / "a", as_of=AS_OF, jobs=1,
                    progress=False)
    shown = [f.shown for f in twice.files]
    assert len(shown) == len(set(shown)) == 8
    empty = tmp_path / "空"
    empty.mkdir()
    none = collect([empty], tmp_path / "b", cycle=run["cycle"], as_of=AS_OF, progress=False)
    assert none.files == [] and none.figures["未报送"] == 5 and none.figures["已报送"] == 0
    assert (tmp_path / "b" / "汇总报告.docx").stat().st_size > 0


def test_a_file_that_kills_its_reader_is_listed_not_fatal(run, tmp_path, monkeypatch):
    """A workbook that crashes the reading process costs that file only (workers are forked, so the patch reaches them)."""
    import shutil

    import toolkit.committee.collect as collect_module

    if collect_module.ProcessPoolExecutor(1)._mp_context.get_start_method() != "fork":
        pytest.skip("needs forked workers to inject the crash")
    inbox = tmp_path / "回收"
    inbox.mkdir()
    for i in range(10):
        shutil.copy(run["inbox"] / "公路建设管理处党支部.xlsx", inbox / f"{i:02d}.xlsx")
    real = collect_module.read_record

    def crashing(path, shown):
        if shown.endswith("03.xlsx"):
            os._exit(3)
        return real(path, shown)

    monkeypatch.setattr(collect_module, "read_record", crashing)
    from toolkit.workflows.collect import collect

    result = collect([inbox], tmp_path / "o", as_of=AS_OF, jobs=2, progress=False)
    outcomes = {f.shown: f.outcome for f in result.files}
    assert len(outcomes) == 10
    assert outcomes["回收/03.xlsx"] == "无法读取"
    assert sum(1 for o in outcomes.values() if o in ("已汇总", "重复提交")) == 9
