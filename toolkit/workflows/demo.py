"""`orglife demo`: the whole pipeline on the built-in sample cycle.

``run_demo`` tells what happens through ``say`` (the CLI passes its printer),
step by step as the work is done, and returns the exit status.

The committee writes its cycle workbook and distributes branch workbooks; four
of five branches return them filled (the fifth shows up as 未报送); each is
checked and its documents are rendered; the committee collects the returned
files. The same library functions as the individual commands do the work, so
the demo is also a smoke test of the whole toolkit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.committee.cycle import branch_content, load_cycle
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

    result.distributed = distribute(result.cycle, out / DISTRIBUTED, progress=progress).written
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

    status = max(status, _leadership_step(out, result, say, pdf))

    say("")
    say("生成的文件：")
    say(f"  周期设置表    {result.cycle}")
    say(f"  下发填报表    {out / DISTRIBUTED}（{len(result.distributed)} 个）")
    say(f"  回收填报表    {returned_dir}（{len(result.returned)} 个）")
    say(f"  支部材料      {out / DOCUMENTS}（{len(result.documents)} 个文件）")
    for path in result.summary:
        say(f"  党委汇总      {path}")
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
    say(f"【6】党组填写民主生活会填报表并生成材料：{workbook}")
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
