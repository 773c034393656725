"""民主评议: per-branch counts and the committee's 民主评议情况汇总表 written by collect."""

from __future__ import annotations

import re
import subprocess

from toolkit.app.cli import main
from toolkit.core import sample_data as sd
from toolkit.writers.appraisal import appraisal_counts


def test_counts():
    members = [{"appraisal": "优秀"}, {"appraisal": "合格"}, {"appraisal": "合格"},
               {"appraisal": "不评定", "category": "预备党员"}, {"appraisal": None}]
    c = appraisal_counts(members)
    assert (c["优秀"], c["合格"], c["基本合格"], c["不合格"], c["不评定"], c["未填"]) == (1, 2, 0, 0, 1, 1)
    assert (c["党员人数"], c["参评人数"], c["预备党员"]) == (5, 3, 1)


def _leaders(data: dict) -> list[dict]:
    """Leaders attending 以普通党员身份参加 are members of the meeting, graded by the ballots' majority."""
    from toolkit.branch.appraisal import majority_grade

    ballots = {b["姓名"]: b for b in data.get("民主评议计票", [])}
    valid = data["基本信息"].get("有效票数")
    out = []
    for g in data.get("列席指导", []):
        if g["参会方式"] == "以普通党员身份参加":
            b = ballots.get(g["姓名"])
            grade = majority_grade([b[k] for k in ("优秀", "合格", "基本合格", "不合格")], valid) if b and valid else None
            out.append({"appraisal": grade, "category": "正式党员"})
    return out


def test_summary_table_from_collect(tmp_path, soffice):
    from two_cycles import current_cycle, cycle_workbook

    current_cycle(tmp_path / "回收")
    cycle = cycle_workbook(tmp_path / "周期设置.xlsx")
    assert main(["collect", str(tmp_path / "回收"), "--cycle", str(cycle), "-o", str(tmp_path / "汇总")]) == 0
    doc = tmp_path / "汇总" / "民主评议情况汇总表.docx"
    (pdf,) = soffice([doc], "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # rows by 序号 (collect keeps the 支部名册 order); long names may wrap, so numbers are read after them
    rows = {int(m.group(1)): [int(v) for v in re.findall(r"(?<![\d.])\d+(?![\d.%])", m.group(2))]
            for m in re.finditer(r"^\s*(\d+)\s+\S+(.*)$", text, re.M) if "党支部" in m.group(0)}
    flat = re.sub(r"\s+", "", text)
    for n, data in enumerate(sd.BRANCHES.values(), start=1):
        assert data["基本信息"]["党组织名称"] in flat
        c = appraisal_counts([{"appraisal": m["民主评议等次"] or None, "category": m["党员类别"]}
                              for m in data["参会人员"]] + _leaders(data))
        # 党员人数 参评人数 优秀 (优秀占比 skipped) 合格 基本合格 不合格 不评定 未填 [备注 figures]
        assert rows[n][:8] == [c["党员人数"], c["参评人数"], c["优秀"], c["合格"], c["基本合格"],
                               c["不合格"], c["不评定"], c["未填"]]
    assert "优秀超过参评人数的三分之一" in flat  # ZB01's planted 4 of 9
    assert "未报送的支部（1个，未列入本表）：信息中心党支部" in flat
