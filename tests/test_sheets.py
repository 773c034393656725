"""The meeting's own sheets (相互批评, 专项剖析, 民主评议计票) and the checks behind them (issue 12)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from fixtures import clone, meeting_content, valid_content

from toolkit.app.cli import main
from toolkit.branch.read import read_branch
from toolkit.branch.validate import check_file, counts
from toolkit.committee.cycle import load_cycle
from toolkit.core import sample_data
from toolkit.schema.workbooks import (
    BALLOT_COUNTS,
    CRITICISMS,
    INFO,
    LIST_SHEETS,
    OPTIONS_SHEET,
    SPECIAL_ANALYSES,
    TALLY_RULE_TEXT,
)
from toolkit.workflows.distribute import distribute
from toolkit.writers.workbook import Content, from_headers, write_branch_workbook, write_cycle_workbook

NEW_SHEETS = (CRITICISMS.name, SPECIAL_ANALYSES.name, BALLOT_COUNTS.name)


def write(tmp_path: Path, content: Content, name: str = "支部.xlsx") -> Path:
    path = tmp_path / name
    write_branch_workbook(path, content)
    return path


def issues_of(path: Path) -> set[tuple[str, str]]:
    _, report = check_file(path)
    return {(i.code.value, i.location) for i in report.issues}


def sample(data: dict, categories=None) -> Content:
    return Content(info=from_headers(INFO, data["基本信息"]),
                   tables={s.key: [from_headers(s, r) for r in data.get(s.name, [])] for s in LIST_SHEETS},
                   categories=categories)


# --- the filled sheets -----------------------------------------------------------


def test_meeting_sheets_read_back_and_check_clean(tmp_path):
    branch, report = check_file(write(tmp_path, meeting_content()))
    assert report.issues == []
    assert [r["target"] for r in branch.rows("criticisms")] == ["林晓雯", "宋立新"]
    assert branch.rows("analyses")[0]["item"] == "典型案例剖析"
    assert branch.info["valid_ballots"] == 3
    assert branch.info["addressees"] == "市档案局机关党委\n市档案局机关纪委"
    assert report.appraisal == [{"name": "周明远", "proposed": "优秀"}, {"name": "林晓雯", "proposed": "合格"},
                                {"name": "马国栋", "proposed": "合格"}, {"name": "何雨桐", "proposed": "不评定"},
                                {"name": "宋立新", "proposed": "合格"}]
    figures = counts(branch)
    assert (figures["相互批评"], figures["专项剖析"], figures["民主评议计票"]) == (2, 1, 5)
    assert (figures["拟定优秀"], figures["拟定合格"], figures["拟定不评定"]) == (1, 3, 1)


def _ballot(c: Content, name: str, *votes):
    row = next(r for r in c.tables["ballots"] if r["name"] == name)
    row.update(zip(("excellent", "qualified", "basic", "unqualified"), votes))


@pytest.mark.parametrize("change, expected", [
    # 基本信息 rows: ... 召开日期 B9, 主持人 B11, 报告日期 B12, 主送机关 B13, 有效票数 B14
    (lambda c: c.info.pop("report_date"), ("report-date-missing", "基本信息!B12")),
    (lambda c: c.info.update(report_date=dt.date(2023, 8, 24)), ("report-date-before-meeting", "基本信息!B12")),
    # 宋立新 (参会人员 row 6) loses his own problem P06 and its measure
    (lambda c: (c.tables["problems"].pop(5), c.tables["measures"].pop(6)),
     ("member-without-problem", "参会人员!B6")),
    (lambda c: c.tables["criticisms"][0].update(critic="赵无名"), ("critic-not-in-roster", "相互批评!B2")),
    (lambda c: c.tables["criticisms"][0].update(target="支部班子"), ("criticised-not-in-roster", "相互批评!C2")),
    (lambda c: c.tables["criticisms"][1].update(critic="班子"), ("critic-not-in-roster", "相互批评!B3")),
    (lambda c: c.tables["analyses"][0].update(item="党性分析"), ("not-in-choices", "专项剖析!B2")),
    (lambda c: c.tables["analyses"][0].update(content=None), ("missing-required", "专项剖析!D2")),
    (lambda c: (c.info.update(meeting_type="专题组织生活会"), c.tables.update(analyses=[])),
     ("special-analysis-missing", "专项剖析")),
    (lambda c: c.info.pop("valid_ballots"), ("valid-ballots-missing", "基本信息!B14")),
    (lambda c: c.info.update(valid_ballots="三张"), ("bad-integer", "基本信息!B14")),
    (lambda c: c.tables["ballots"][0].update(name="赵无名"), ("ballot-name-not-in-roster", "民主评议计票!A2")),
    (lambda c: c.tables["ballots"].append({"name": "周明远", "excellent": 3}),
     ("duplicate-ballot-name", "民主评议计票!A7")),
    (lambda c: _ballot(c, "林晓雯", -1, 4, 0, 0), ("negative-votes", "民主评议计票!B3")),
    (lambda c: _ballot(c, "林晓雯", 1, 2, 0, 1), ("votes-exceed-ballots", "民主评议计票!A3")),
    (lambda c: _ballot(c, "林晓雯", None, None, None, None), ("ballot-without-votes", "民主评议计票!A3")),
    (lambda c: _ballot(c, "林晓雯", 1, "很多", 0, 0), ("bad-integer", "民主评议计票!C3")),
    # 4 graded, one 优秀 place: 周明远 and 林晓雯 tie on 2 votes; both proposed 合格
    (lambda c: (_ballot(c, "周明远", 2, 1, 0, 0), _ballot(c, "林晓雯", 2, 1, 0, 0)),
     ("excellent-tie-at-cap", "民主评议计票!A2")),
    (lambda c: (_ballot(c, "周明远", 2, 1, 0, 0), _ballot(c, "林晓雯", 2, 1, 0, 0)),
     ("appraisal-differs-from-tally", "参会人员!H2")),
    (lambda c: _ballot(c, "马国栋", 0, 0, 1, 2), ("proposed-unqualified", "民主评议计票!A4")),
    (lambda c: _ballot(c, "林晓雯", 0, 1, 2, 0), ("appraisal-differs-from-tally", "参会人员!H3")),
    (lambda c: c.info.update(meeting_type="民主生活会"), ("appraisal-in-leadership-meeting", "参会人员!H2")),
    (lambda c: c.info.update(meeting_type="民主生活会"), ("appraisal-in-leadership-meeting", "民主评议计票!A2")),
])
def test_each_new_rule_names_code_and_cell(tmp_path, change, expected):
    content = clone(meeting_content())
    change(content)
    found = issues_of(write(tmp_path, content))
    assert expected in found, found


@pytest.mark.parametrize("change, severity", [
    (lambda c: c.info.pop("report_date"), "warning"),
    (lambda c: c.info.update(report_date=dt.date(2023, 8, 24)), "error"),
    (lambda c: c.tables["criticisms"][0].update(critic="赵无名"), "error"),
    (lambda c: _ballot(c, "马国栋", 0, 0, 1, 2), "warning"),
    (lambda c: c.info.update(meeting_type="民主生活会"), "warning"),
])
def test_severity(tmp_path, change, severity):
    content = clone(meeting_content())
    change(content)
    _, report = check_file(write(tmp_path, content))
    assert {i.severity.value for i in report.issues if i.code.value != "quality-hint"} == {severity}


def test_blank_report_date_says_the_meeting_date_is_used(tmp_path):
    content = clone(meeting_content())
    content.info.pop("report_date")
    branch, report = check_file(write(tmp_path, content))
    [item] = report.issues
    assert "2023年8月25日" in item.message and "召开日期" in item.message
    assert branch.report_date == dt.date(2023, 8, 25)  # never today


def test_a_report_dated_the_meeting_day_is_fine(tmp_path):
    content = clone(meeting_content())
    content.info["report_date"] = content.info["meeting_date"]
    assert issues_of(write(tmp_path, content)) == set()


def test_leader_attending_as_an_ordinary_member_criticises_and_is_appraised(tmp_path):
    content = clone(meeting_content())
    content.tables["guests"][0]["mode"] = "以普通党员身份参加"
    content.tables["criticisms"].append({"seq": 3, "critic": "郑海峰", "target": "周明远",
                                         "content": "到查档窗口一线的次数少。"})
    content.tables["ballots"].append({"name": "郑海峰", "excellent": 0, "qualified": 3})
    _, report = check_file(write(tmp_path, content))
    assert report.issues == []
    assert {"name": "郑海峰", "proposed": "合格"} in report.appraisal


def test_a_guide_is_not_a_member(tmp_path):
    content = clone(meeting_content())  # 郑海峰 出席指导: he comments, he is not criticised or graded
    content.tables["criticisms"][0]["target"] = "郑海峰"
    content.tables["ballots"].append({"name": "郑海峰", "excellent": 0, "qualified": 3})
    found = issues_of(write(tmp_path, content))
    assert {("criticised-not-in-roster", "相互批评!C2"), ("ballot-name-not-in-roster", "民主评议计票!A7")} <= found


def test_no_proposal_while_the_counts_have_errors(tmp_path):
    content = clone(meeting_content())
    _ballot(content, "林晓雯", 1, 2, 0, 1)  # 4 votes of 3 ballots
    _, report = check_file(write(tmp_path, content))
    assert report.appraisal == []
    assert not {"proposed-unqualified", "appraisal-differs-from-tally"} & set(report.codes())


def test_tie_message_names_the_members(tmp_path):
    content = clone(meeting_content())
    _ballot(content, "周明远", 2, 1, 0, 0)
    _ballot(content, "林晓雯", 2, 1, 0, 0)
    _, report = check_file(write(tmp_path, content))
    [tie] = [i for i in report.issues if i.code.value == "excellent-tie-at-cap"]
    assert "周明远、林晓雯" in tie.message
    assert {"name": "周明远", "proposed": "合格"} in report.appraisal
    # the typed 优秀 stays what the secretary typed
    assert read_branch(write(tmp_path, content, "again.xlsx")).rows("members")[0]["appraisal"] == "优秀"


def test_json_carries_the_proposals_per_file(tmp_path, capsys):
    good = write(tmp_path, meeting_content(), "a.xlsx")
    plain = write(tmp_path, valid_content(), "b.xlsx")
    junk = tmp_path / "c.xlsx"
    junk.write_bytes(b"not a workbook")
    assert main(["check", "--json", str(good), str(plain), str(junk)]) == 1
    data = json.loads(capsys.readouterr().out)
    files = data["files"]
    assert files[0]["appraisal"][0] == {"name": "周明远", "proposed": "优秀"}
    assert len(files[0]["appraisal"]) == 5
    assert files[1]["appraisal"] == [] and files[2]["appraisal"] == []


def test_confirmation_counts_the_new_sheets(tmp_path, capsys):
    assert main(["check", str(write(tmp_path, meeting_content()))]) == 0
    out = capsys.readouterr().out
    assert "相互批评 2 条，专项剖析 1 项，民主评议计票 5 人，拟定等次：优秀 1 人、合格 3 人、不评定 1 人。" in out
    assert main(["check", str(write(tmp_path, valid_content(), "plain.xlsx"))]) == 0
    assert "相互批评" not in capsys.readouterr().out  # nothing to count: the line is as before


# --- older workbooks and the template --------------------------------------------


def test_older_workbook_without_the_new_sheets_checks_clean(tmp_path):
    path = write(tmp_path, valid_content())
    wb = openpyxl.load_workbook(path)
    for name in NEW_SHEETS:
        del wb[name]
    info = wb["基本信息"]
    for row in sorted((r for r in range(1, info.max_row + 1) if info.cell(r, 1).value in ("主送机关", "有效票数")),
                      reverse=True):
        info.delete_rows(row)
    options = wb[OPTIONS_SHEET]
    for col in sorted((c for c in range(1, options.max_column + 1)
                       if options.cell(1, c).value in ("剖析项目", "剖析项目提示", "组织类型")), reverse=True):
        options.delete_cols(col)
    wb.save(path)
    branch, report = check_file(path)
    assert report.issues == []
    assert report.appraisal == []
    assert not {"criticisms", "analyses", "ballots"} & branch.sheets_found
    assert counts(branch)["相互批评"] == 0


def test_template_states_the_tally_rule_and_the_new_sheets(tmp_path):
    path = tmp_path / "t.xlsx"
    assert main(["template", "-o", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    for name in NEW_SHEETS:
        assert name in wb.sheetnames
    guide = [str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value]
    assert any(TALLY_RULE_TEXT in text for text in guide)
    described = {text for text in guide if text in NEW_SHEETS}
    assert described == set(NEW_SHEETS)  # every field of every new sheet is listed
    form = [wb["基本信息"].cell(r, 1).value for r in range(1, 20)]
    assert "主送机关" in form and "有效票数" in form
    options = {wb[OPTIONS_SHEET].cell(1, c).value for c in range(1, 30)}
    assert "剖析项目" in options


# --- the cycle: 专项剖析项目 and 类型 ----------------------------------------------


def cycle_with_sections(tmp_path: Path) -> Path:
    path = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(path, Content(
        info={"superior": "市档案局机关党委", "meeting_type": "专题组织生活会", "year": 2023,
              "theme": "主题教育", "deadline": dt.date(2023, 9, 15)},
        tables={"branches": [{"branch_id": "ZB01", "org_name": "综合科党支部", "kind": "党支部"},
                             {"branch_id": "ZB02", "org_name": "档案馆党总支", "kind": "党总支"}],
                "sections": [{"name": "树立和践行正确政绩观检视剖析", "prompt": "对照正确政绩观检视偏差"},
                             {"name": "基层治理检视剖析"}]}))
    return path


def test_cycle_sections_become_the_dropdown_of_distributed_workbooks(tmp_path):
    cycle_path = cycle_with_sections(tmp_path)
    cycle = load_cycle(cycle_path)
    assert cycle.sections == (("树立和践行正确政绩观检视剖析", "对照正确政绩观检视偏差"), ("基层治理检视剖析", ""))
    assert [b["kind"] for b in cycle.branches] == ["党支部", "党总支"]
    [first, _] = distribute(cycle_path, tmp_path / "out").written
    branch = read_branch(first)
    assert [name for name, _ in branch.sections] == ["典型案例剖析", "树立和践行正确政绩观检视剖析", "基层治理检视剖析"]
    assert branch.sections[1][1] == "对照正确政绩观检视偏差"
    dv = [v for v in openpyxl.load_workbook(first)["专项剖析"].data_validations.dataValidation
          if str(v.sqref).startswith("B2")]
    assert dv and dv[0].type == "list" and "选项" in dv[0].formula1


def test_declared_sections_are_checked_against_the_workbook_own_list(tmp_path):
    [first, _] = distribute(cycle_with_sections(tmp_path), tmp_path / "out").written
    branch = read_branch(first)
    content = clone(meeting_content())
    content.info["meeting_type"] = "专题组织生活会"
    content.sections = tuple(branch.sections[1:])
    content.tables["analyses"].append({"seq": 2, "item": "树立和践行正确政绩观检视剖析",
                                       "content": "对照检视，在档案数字化项目上存在重进度、轻实效的倾向。"})
    _, report = check_file(write(tmp_path, content))
    missing = [i for i in report.issues if i.code.value == "special-analysis-missing"]
    assert [i.value for i in missing] == ["基层治理检视剖析"]
    assert report.errors == []
    # the same item in a workbook of a cycle that did not declare it is not in the list
    content.sections = None
    assert ("not-in-choices", "专项剖析!B3") in issues_of(write(tmp_path, content, "other.xlsx"))


def test_themed_meeting_prompts_for_a_case_study(tmp_path):
    content = clone(meeting_content())
    content.info["meeting_type"] = "专题组织生活会"
    content.tables["analyses"] = []
    _, report = check_file(write(tmp_path, content))
    [item] = report.issues
    assert item.code.value == "special-analysis-missing" and item.value == "典型案例剖析"
    assert item.severity.value == "warning"


# --- sample data ---------------------------------------------------------------


@pytest.mark.parametrize("branch_id", sorted(sample_data.BRANCHES))
def test_sample_branches_fill_the_new_sheets_without_errors(tmp_path, branch_id):
    data = sample_data.BRANCHES[branch_id]
    branch, report = check_file(write(tmp_path, sample(data, tuple(sample_data.CYCLE["问题类别"]))))
    assert report.errors == [], [(i.location, i.message) for i in report.errors]
    assert branch.rows("criticisms") and branch.rows("analyses")
    assert "典型案例剖析" in {r["item"] for r in branch.rows("analyses")}
    if any(m.get("民主评议等次") for m in data["参会人员"]):
        assert branch.rows("ballots") and report.appraisal
    else:
        assert not branch.rows("ballots") and report.appraisal == []


def test_sample_zb01_plants_a_tie_at_the_cap(tmp_path):
    _, report = check_file(write(tmp_path, sample(sample_data.BRANCHES["ZB01"])))
    [tie] = [i for i in report.issues if i.code.value == "excellent-tie-at-cap"]
    assert "韩淑芬、邵佳怡" in tie.message
    differs = {i.location for i in report.issues if i.code.value == "appraisal-differs-from-tally"}
    assert differs == {"参会人员!H6", "参会人员!H9"}


def test_sample_proposals_agree_with_the_typed_grades_elsewhere(tmp_path):
    for branch_id in ("ZB02", "ZB03"):
        branch, report = check_file(write(tmp_path, sample(sample_data.BRANCHES[branch_id]), f"{branch_id}.xlsx"))
        typed = {m["name"]: m["appraisal"] for m in branch.rows("members")}
        for p in report.appraisal:
            assert p["proposed"] == typed.get(p["name"], "合格"), (branch_id, p)


def test_sample_leadership_meeting(tmp_path):
    data = sample_data.LEADERSHIP_MEETING
    branch, report = check_file(write(tmp_path, sample(data), "党组.xlsx"))
    assert report.issues == [], [(i.location, i.message) for i in report.issues]
    assert branch.info["meeting_type"] == "民主生活会"
    members = branch.rows("members")
    assert len(members) == 7 and members[0]["role"] == "党组书记" and members[0]["post"] == "局长"
    assert all(m["post"] for m in members)
    assert {g["mode"] for g in branch.rows("guests")} >= {"督导组"}
    assert {p["owner"] for p in branch.rows("problems") if p["level"] == "党员个人"} == {m["name"] for m in members}
    assert any(p["level"] == "支部班子" for p in branch.rows("problems"))
    critics = {(c["critic"], c["target"]) for c in branch.rows("criticisms")}
    assert len(critics) >= 7 and all(a in {m["name"] for m in members} for a, _ in critics)
    assert not branch.rows("ballots") and not any(m["appraisal"] for m in members)
    assert branch.info["addressees"].splitlines() == ["中共临江市纪委", "中共临江市委组织部"]
