"""Repeated problems (年年提、年年改、年年有) across the two sample cycles."""

from __future__ import annotations

import json

import pytest

from toolkit.app.cli import main
from toolkit.committee.repeated import REPEAT_THRESHOLD, ProblemRef, find_repeats
from toolkit.core import sample_data as sd

# The close rewordings planted in sample_data: (branch, 2023 pid, 2022 pid).
PLANTED = {("ZB01", "P01", "P01"), ("ZB02", "P04", "P01"), ("ZB03", "P02", "P01"), ("ZB04", "P01", "P01")}


def refs(branches: dict) -> list[ProblemRef]:
    return [ProblemRef(bid, b["基本信息"]["党组织名称"], p["问题编号"], p["问题概述"], p["问题类别"])
            for bid, b in branches.items() for p in b["问题清单"]]


def test_planted_repeats_found_and_nothing_else():
    found = find_repeats(refs(sd.BRANCHES), refs(sd.PREVIOUS_BRANCHES))
    assert {(r.current.branch_id, r.current.pid, r.previous.pid) for r in found} == PLANTED
    for r in found:
        assert r.score >= REPEAT_THRESHOLD
        assert r.previous.summary in r.reason and r.current.category == r.previous.category


# A second, hand-made set: rewordings, and unrelated problems of the same kind.
EARLIER = ["理论学习系统性不强，学用结合不够紧密", "开展批评和自我批评不够大胆，存在“好人主义”思想",
           "联系服务群众不够主动，深入基层调研次数偏少", "落实“三会一课”制度不够严格，组织生活质量不高",
           "担当作为意识不强，遇到难题有畏难情绪", "厉行节约意识有所淡化，公务接待把关不严"]
REWORDED = ["理论学习不够系统，学用结合还不紧密", "批评和自我批评不够大胆，仍有好人主义思想",
            "联系服务群众主动性不够，深入基层调研偏少", "“三会一课”制度落实不够严格，组织生活质量有待提高",
            "担当作为意识不够强，遇到难题存在畏难情绪", "节约意识有所淡化，公务接待审核把关不严"]
UNRELATED = ["理论学习深度不够，对新理论新思想钻研不深", "党建与业务融合不够，存在“两张皮”现象",
             "政治敏锐性不强，对网络上的错误言论辨别不够", "工作作风不够扎实，文件办理存在拖延现象",
             "廉洁自律要求落实不严，八小时以外监督有漏洞", "业务能力跟不上新要求，数字化办公水平不高",
             "组织生活形式单一，党员参与积极性不高", "创新意识不足，工作满足于按部就班"]


def _problems(bid, name, texts, prefix="P"):
    return [ProblemRef(bid, name, f"{prefix}{i:02d}", t) for i, t in enumerate(texts, start=1)]


def test_rewordings_found_unrelated_not():
    earlier = _problems("ZB09", "综合科党支部", EARLIER)
    current = _problems("ZB09", "综合科党支部", REWORDED + UNRELATED, prefix="Q")
    found = find_repeats(current, earlier)
    assert sorted((r.current.pid, r.previous.pid) for r in found) == [
        (f"Q{i:02d}", f"P{i:02d}") for i in range(1, len(REWORDED) + 1)]


def test_only_the_same_branch_is_compared():
    earlier = _problems("ZB09", "综合科党支部", EARLIER)
    other = _problems("ZB10", "财务科党支部", EARLIER)
    assert find_repeats(other, earlier) == []


def test_branch_matched_by_id_then_name():
    earlier = _problems("ZB09", "综合科党支部", EARLIER[:1])
    renamed = _problems("ZB09", "综合与法规科党支部", REWORDED[:1])
    renumbered = [{"支部编号": "ZB31", "党组织名称": "综合科党支部", "问题编号": "Q01", "问题概述": REWORDED[0]}]
    assert len(find_repeats(renamed, earlier)) == 1
    assert len(find_repeats(renumbered, earlier)) == 1
    assert find_repeats(_problems("ZB31", "财务科党支部", REWORDED[:1]), earlier) == []


@pytest.fixture(scope="module")
def cycles(tmp_path_factory):
    from two_cycles import current_cycle, previous_cycle

    base = tmp_path_factory.mktemp("rep")
    return previous_cycle(base / "上期"), current_cycle(base / "本期"), base


def test_check_previous_flags_the_summary_cell(cycles, capsys):
    _prev, cur, base = cycles
    code = main(["check", "--json", "--previous", str(base / "上期"), str(cur["ZB02"]), str(cur["ZB01"])])
    assert code == 0  # warnings only
    files = json.loads(capsys.readouterr().out)["files"]
    repeated = {(f["path"].rsplit("/", 1)[-1], i["cell"]) for f in files for i in f["issues"]
                if i["code"] == "repeated-problem"}
    assert all(i["severity"] == "warning" for f in files for i in f["issues"] if i["code"] == "repeated-problem")
    # 问题概述 is column E; ZB01 P01 is on row 2, ZB02 P04 on row 5
    assert repeated == {("办公室党支部.xlsx", "E2"), ("公路建设管理处党支部.xlsx", "E5")}


def test_check_summary_counts_repeats(cycles, capsys):
    prev, cur, _base = cycles
    assert main(["check", "--previous", str(prev["ZB03"]), str(cur["ZB03"])]) == 0
    out = capsys.readouterr().out
    assert "与上次重复的问题 1 条" in out and "P01" in out


def test_check_previous_missing_path(cycles, capsys):
    _, cur, base = cycles
    assert main(["check", "--previous", str(base / "没有这个文件夹"), str(cur["ZB01"])]) == 2
    assert "找不到" in capsys.readouterr().err


def test_collect_previous_cycle_counts_repeats_per_branch(cycles, capsys):
    import python_calamine
    from two_cycles import cycle_workbook

    _, _, base = cycles
    cycle = cycle_workbook(base / "周期设置.xlsx")
    assert main(["collect", str(base / "本期"), "--cycle", str(cycle), "--previous-cycle", str(base / "上期"),
                 "-o", str(base / "汇总")]) == 0
    assert "与上一周期重复的问题 4 条" in capsys.readouterr().out
    wb = python_calamine.CalamineWorkbook.from_path(str(base / "汇总" / "汇总表.xlsx"))
    rows = wb.get_sheet_by_name("支部情况").to_python()
    head = rows[0]
    counts = {r[head.index("支部编号")]: r[head.index("与上次重复问题数")] for r in rows[1:]}
    assert counts == {"ZB01": 1, "ZB02": 1, "ZB03": 1, "ZB04": 1}
    issues = wb.get_sheet_by_name("校验问题").to_python()
    ih = issues[0]
    flagged = {(r[ih.index("支部编号")], r[ih.index("单元格")]) for r in issues[1:]
               if r[ih.index("代码")] == "repeated-problem"}
    rows = {(bid, int("".join(ch for ch in cell if ch.isdigit()))) for bid, cell in flagged}
    assert rows == {("ZB01", 2), ("ZB02", 5), ("ZB03", 3), ("ZB04", 2)}  # the problems' rows in 问题清单


@pytest.mark.parametrize("option", ["--previous-cycle", "--previous"])
def test_check_previous_cycle_and_its_old_spelling(cycles, capsys, option):
    """check --previous-cycle is collect's name for the same thing; --previous still works, with a note."""
    _, cur, base = cycles
    assert main(["check", "--json", option, str(base / "上期"), str(cur["ZB02"])]) == 0
    captured = capsys.readouterr()
    issues = [i for f in json.loads(captured.out)["files"] for i in f["issues"]]
    assert [i["cell"] for i in issues if i["code"] == "repeated-problem"] == ["E5"]
    deprecated = "--previous 已改名为 --previous-cycle"
    assert (deprecated in captured.err) == (option == "--previous")
