"""`orglife demo`: the whole pipeline on the built-in sample cycle.

``run_demo`` tells what happens through ``say`` (the CLI passes its printer),
step by step as the work is done, and returns the exit status.

The committee writes its cycle workbook and distributes branch workbooks; four
of five branches return them filled (the fifth shows up as 未报送); each is
checked and its documents are rendered; the committee collects the returned
files. One level up, a 工委 runs the same cycle over that committee, a second
one, a silent third and a branch of its own, and collects their 汇总表 and the
branch's workbook together (_rollup_step). The same library functions as the individual commands do the work, so
the demo is also a smoke test of the whole toolkit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.committee.cycle import branch_content, load_cycle
from toolkit.committee.rollup import is_silent_committee
from toolkit.core import sample_data
from toolkit.io.fsutil import ensure_dir, inside, safe_filename
from toolkit.schema.content import Content
from toolkit.schema.workbooks import BRANCH_SHEETS, CYCLE_BRANCHES, CYCLE_MEMBERS, CYCLE_SETTINGS, INFO
from toolkit.workflows.distribute import distribute
from toolkit.workflows.steps import steps
from toolkit.writers.workbook import from_headers, write_branch_workbook, write_cycle_workbook

Say = Callable[[str], None]

# Folders inside the demo output, in the order the work happens.
CYCLE_FILE = "周期设置.xlsx"
DISTRIBUTED = "1-下发"
RETURNED = "2-回收"
DOCUMENTS = "3-支部材料"
SUMMARY = "4-党委汇总"
LEADERSHIP = "5-党组民主生活会"
ROLLUP = "6-工委逐级汇总"


def cycle_content(data: dict = sample_data.CYCLE) -> Content:
    """The sample cycle as the committee would fill 周期设置.xlsx."""
    tables = {
        CYCLE_BRANCHES.key: [from_headers(CYCLE_BRANCHES, r) for r in data["支部名册"]],
        CYCLE_MEMBERS.key: [from_headers(CYCLE_MEMBERS, r) for r in data["党员名册"]],
        "categories": [{"category": c} for c in data.get("问题类别", ())],
    }
    return Content(info=from_headers(CYCLE_SETTINGS, data["基本设置"]), tables=tables)


def filled_content(distributed: Content, filled: dict) -> Content:
    """A distributed workbook after the branch secretary has filled it."""
    info = {**distributed.info, **from_headers(INFO, filled["基本信息"])}
    tables = {s.key: [from_headers(s, r) for r in filled.get(s.name, [])]
              for s in BRANCH_SHEETS if not s.form}
    return Content(info=info, tables=tables, meta=distributed.meta, categories=distributed.categories)


def leadership_content(data: dict = sample_data.LEADERSHIP_MEETING) -> Content:
    """The sample 局党组's 民主生活会 workbook as its secretary would fill it."""
    return Content(info=from_headers(INFO, data["基本信息"]),
                   tables={s.key: [from_headers(s, r) for r in data.get(s.name, [])]
                           for s in BRANCH_SHEETS if not s.form})


def as_of_date(cycle_info: dict) -> dt.date:
    """A date some weeks after the meeting deadline, when progress is worth a look."""
    deadline = cycle_info.get("deadline") or dt.date.today()
    return deadline + dt.timedelta(days=45)


@dataclass
class DemoResult:
    out: Path
    cycle: Path
    distributed: list[Path] = field(default_factory=list)
    returned: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    summary: list[Path] = field(default_factory=list)
    leadership: list[Path] = field(default_factory=list)
    rollup: list[Path] = field(default_factory=list)  # the 工委's 汇总表, 汇总报告, book


def run_demo(out: Path, say: Say, *, pdf: bool = False, jobs: int | None = None,
             progress=None) -> int:
    """Run the sample cycle end to end, telling ``say`` what happens. Returns the exit status.

    ``progress`` is told the long steps (workflows/steps.py); ``say`` the results.
    """
    from toolkit.branch.validate import check_file, counts
    from toolkit.workflows.collect import collect
    from toolkit.writers.render import render_set

    out = ensure_dir(out)
    result = DemoResult(out=out, cycle=out / CYCLE_FILE)
    say(f"【1】党委填写周期设置表：{result.cycle}")
    write_cycle_workbook(result.cycle, cycle_content())
    cycle = load_cycle(result.cycle)

    result.distributed = distribute(result.cycle, out / DISTRIBUTED, today=sample_data.NOTICE_DATE,
                                    progress=progress).written
    say(f"【2】下发 {len(result.distributed)} 个支部填报表（已预填支部名称、编号和党员名单）：{out / DISTRIBUTED}")

    returned_dir = ensure_dir(out / RETURNED)
    by_id = {b["branch_id"]: b for b in cycle.branches}
    for branch_id, filled in sample_data.BRANCHES.items():
        row = by_id[branch_id]
        target = inside(returned_dir, safe_filename(row["org_name"]) + ".xlsx")
        write_branch_workbook(target, filled_content(branch_content(cycle, row), filled))
        result.returned.append(target)
    say(f"【3】{len(result.returned)} 个支部填好后报送（另有 {len(by_id) - len(result.returned)} 个支部未报送）："
        f"{returned_dir}")

    say("【4】支部检查填报表并生成材料：")
    status = 0
    for path in result.returned:
        branch, report = check_file(path)
        figures = counts(branch)
        tail = f"，{len(report.warnings)} 条提醒" if report.warnings else ""
        if not report.ok:
            say(f"    ✗ {branch.name}：{len(report.errors)} 个错误，未生成材料")
            status = 1
            continue
        folder = out / DOCUMENTS / safe_filename(branch.name)
        # the whole set a branch hands in: the three documents, the meeting-day ones, each member's own
        docs = render_set(branch, folder).all
        result.documents.extend(docs)
        say(f"    ✓ {branch.name}：参会 {figures['实到']}/{figures['应到']} 人，问题 {figures['问题']} 条，"
            f"整改措施 {figures['整改措施']} 条{tail}；材料 {len(docs)} 份")
    if pdf and result.documents:
        from toolkit.io.pdf import convert_to_pdf

        with steps(progress)("转换 PDF", len(result.documents)) as advance:
            result.documents.extend(convert_to_pdf(result.documents, out / DOCUMENTS / "PDF", done=advance))

    as_of = as_of_date(cycle.info)
    say(f"【5】党委回收汇总（统计截至 {as_of.isoformat()}）：")
    collected = collect([returned_dir], out / SUMMARY, cycle=result.cycle, as_of=as_of, pdf=pdf,
                        jobs=jobs, progress=progress, book=True)
    book = collected.book.path if collected.book else None
    result.summary = [p for p in (collected.summary_path, collected.report_path, collected.appraisal_path,
                                  book, *collected.pdf_paths) if p]
    figures = collected.figures
    rate = figures["整改完成率"]
    say(f"    已报送 {figures['已报送']} 个、未报送 {figures['未报送']} 个支部；问题 {figures['问题']} 条，"
        f"整改措施 {figures['措施']} 条，已完成 {figures['已完成']} 条"
        + (f"（完成率 {rate:.0%}）" if rate is not None else "") + f"，逾期 {figures['逾期']} 条")

    status = max(status, _rollup_step(out, result, say, as_of, collected, jobs=jobs, progress=progress))
    status = max(status, _leadership_step(out, result, say, pdf))

    say("")
    say("生成的文件：")
    say(f"  周期设置表    {result.cycle}")
    say(f"  下发填报表    {out / DISTRIBUTED}（{len(result.distributed)} 个）")
    say(f"  回收填报表    {returned_dir}（{len(result.returned)} 个）")
    say(f"  支部材料      {out / DOCUMENTS}（{len(result.documents)} 个文件）")
    for path in result.summary:
        say(f"  党委汇总      {path}")
    for path in result.rollup:
        say(f"  工委汇总      {path}")
    say(f"  民主生活会    {out / LEADERSHIP}（填报表 1 个，材料 {len(result.leadership)} 个文件）")
    say("可以用 orglife check、orglife render、orglife collect 对上面的文件单独操作。")
    return status


def _leadership_step(out: Path, result: DemoResult, say: Say, pdf: bool) -> int:
    """A 党组's 民主生活会: the same workbook in 班子 vocabulary, checked and rendered."""
    from toolkit.branch.validate import check_file
    from toolkit.writers.render import render_set

    folder = ensure_dir(out / LEADERSHIP)
    workbook = inside(folder, "局党组民主生活会填报表.xlsx")
    write_branch_workbook(workbook, leadership_content())
    branch, report = check_file(workbook)
    say(f"【7】党组填写民主生活会填报表并生成材料：{workbook}")
    if not report.ok:
        say(f"    ✗ {branch.name}：{len(report.errors)} 个错误，未生成材料")
        return 1
    docs = render_set(branch, folder / "材料").all  # the kind's documents, as a render writes them
    result.leadership.extend(docs)
    if pdf:
        from toolkit.io.pdf import convert_to_pdf

        result.leadership.extend(convert_to_pdf(docs, folder / "材料" / "PDF"))
    say(f"    ✓ {branch.name}：班子成员 {len(branch.rows('members'))} 人，材料 {len(docs)} 份"
        f"（情况报告、班子对照检查材料、整改方案、个人对照检查材料 {len(docs) - 3} 份）：{folder / '材料'}")
    return 0


def _level_line(figures: dict) -> str:
    """One level's figures, as step 【5】 says them."""
    rate = figures["整改完成率"]
    return (f"已报送 {figures['已报送']} 个、未报送 {figures['未报送']} 个支部；问题 {figures['问题']} 条，"
            f"整改措施 {figures['措施']} 条，已完成 {figures['已完成']} 条"
            + (f"（完成率 {rate:.0%}）" if rate is not None else "") + f"，逾期 {figures['逾期']} 条")


def _top_cycle(path: Path) -> Path:
    """The 工委's 周期设置: the sample cycle one level up, its 支部名册 naming three lower
    committees and one branch of its own."""
    top = sample_data.TOP_COMMITTEE
    data = {**sample_data.CYCLE,
            "基本设置": {**sample_data.CYCLE["基本设置"], "上级党组织": top["党组织名称"],
                     "汇总报告主送": top["汇总报告主送"], "依据文件文号": top["依据文件文号"],
                     "联系人": top["联系人"], "联系电话": top["联系电话"]},
            "支部名册": [*top["下级党组织"], _roster_row(top["直属支部"])],
            "党员名册": []}
    write_cycle_workbook(path, cycle_content(data))
    return path


def _roster_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "样本"}


def _sample_branch(cycle, row: dict, sample: str, names: dict, target: Path,
                   guests: list | None = None) -> Path:
    """A branch of the new units: a meeting of BRANCHES under its own unit and person names."""
    filled = sample_data.renamed(sample_data.BRANCHES[sample], names)
    filled["基本信息"].update({"党组织名称": row["org_name"], "上级党组织": cycle.info.get("superior")})
    if guests is not None:
        filled["列席指导"] = guests
    write_branch_workbook(target, filled_content(branch_content(cycle, row), filled))
    return target


def _rollup_step(out: Path, result: DemoResult, say: Say, as_of: dt.date, collected, *,
                 jobs: int | None, progress) -> int:
    """One level up: a 工委 runs the same cycle over the demo 党委, a second 局机关党委 (one
    branch not reporting), a silent third one and a branch of its own, and collects the
    lower 汇总表 and the branch workbook mixed in one folder."""
    import shutil

    from toolkit.workflows.collect import collect

    top_info = sample_data.TOP_COMMITTEE
    second = sample_data.SECOND_COMMITTEE
    folder = ensure_dir(out / ROLLUP)
    top_path = _top_cycle(folder / CYCLE_FILE)
    top = load_cycle(top_path)
    say(f"【6】{top_info['党组织名称']}逐级汇总：周期设置表列出 {len(top_info['下级党组织'])} 个下级党委和"
        f" 1 个直属支部：{top_path}")
    handed = distribute(top_path, folder / DISTRIBUTED, today=top_info["下发日期"], progress=False).written
    say(f"    下发 {len(handed)} 个文件（下级党委各得一份本级周期设置表，直属支部得填报表）：{folder / DISTRIBUTED}")

    # the second 局机关党委 fills the roster of the 周期设置 it was given and runs its own cycle
    given = load_cycle(next(p for p in handed if p.name.startswith(safe_filename(second["党组织名称"]))))
    lower_dir = ensure_dir(folder / safe_filename(second["党组织名称"]))
    lower_path = lower_dir / CYCLE_FILE
    write_cycle_workbook(lower_path, Content(
        info={**given.info, "report_to": second["汇总报告主送"]},
        tables={CYCLE_BRANCHES.key: [from_headers(CYCLE_BRANCHES, _roster_row(r)) for r in second["支部名册"]],
                CYCLE_MEMBERS.key: [], "categories": [{"category": c} for c in given.categories]}))
    lower = load_cycle(lower_path)
    by_id = {b["branch_id"]: b for b in lower.branches}
    lower_inbox = ensure_dir(lower_dir / RETURNED)
    sent = [_sample_branch(lower, by_id[r["支部编号"]], r["样本"], second["人名"][r["样本"]],
                           inside(lower_inbox, safe_filename(r["党组织名称"]) + ".xlsx"))
            for r in second["支部名册"] if r.get("样本")]
    lower_result = collect([lower_inbox], lower_dir / SUMMARY, cycle=lower_path, as_of=as_of, jobs=jobs,
                           progress=progress)

    # the 工委's inbox: two lower 汇总表, its own branch, and one lower branch sent directly too
    inbox = ensure_dir(folder / RETURNED)
    direct_row = next(b for b in top.branches if b["branch_id"] == top_info["直属支部"]["支部编号"])
    _sample_branch(top, direct_row, top_info["直属支部"]["样本"], top_info["直属支部人名"],
                   inside(inbox, safe_filename(direct_row["org_name"]) + ".xlsx"), top_info["直属支部列席指导"])
    shutil.copy(collected.summary_path, inside(inbox, "交通运输局机关党委汇总表.xlsx"))
    shutil.copy(lower_result.summary_path, inside(inbox, "住建局机关党委汇总表.xlsx"))
    shutil.copy(sent[0], inside(inbox, sent[0].stem + "（直接报送）.xlsx"))
    top_result = collect([inbox], folder / "3-工委汇总", cycle=top_path, as_of=as_of, jobs=jobs,
                         progress=progress, book=True)
    book = top_result.book.path if top_result.book else None
    result.rollup = [p for p in (top_result.summary_path, top_result.report_path, top_result.appraisal_path,
                                  book) if p]

    say(f"    {collected.cycle_info.get('superior')}：{_level_line(collected.figures)}")
    say(f"    {second['党组织名称']}：{_level_line(lower_result.figures)}")
    # 未报送 counts branches; a lower committee that sent nothing is said apart
    silent = [r["org_name"] for r in top_result.missing if is_silent_committee(r)]
    say(f"    {top_info['党组织名称']}（全部层级，每个支部只计一次）：{_level_line(top_result.figures)}"
        + (f"；{'、'.join(silent)}未报送汇总表" if silent else ""))
    return 0
