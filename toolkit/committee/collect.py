"""Returned branch workbooks (folders, zips) -> compact records -> the collected model.

A committee may collect from five branches or from ten thousand, out of a
folder tree or out of the zip a mail client saved. Every input file ends up
exactly once in 文件清单 with an outcome and a reason, so nothing is dropped
silently. Workbooks are read in worker processes that send back compact
records (the rows the summary needs, never raw cells), so memory grows with
the data kept, not with the workbooks read.

This module computes only: gather, read, assemble, figures. The summary,
report and book are written by the writers, wired in workflows/collect.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path, PurePosixPath
from typing import Any

from toolkit.committee.model import (
    APPRAISALS,
    DONE,
    DUPLICATE,
    HAS_ERRORS,
    NOT_BRANCH,
    OTHER_CATEGORY,
    OUTCOMES,
    UNREADABLE,
    BranchRecord,
    CollectResult,
    Guest,
    InputFile,
    Measure,
    Problem,
)
from toolkit.core.keys import branch_key, branch_keys, id_key, name_key
from toolkit.core.status import (
    ST_DONE,
    ST_DUE_SOON,
    ST_LONG,
    ST_NO_DEADLINE,
    ST_NORMAL,
    ST_OVERDUE,
    measure_status,
)
from toolkit.errors import FileCode, Issue, IssueCode, WorkbookError
from toolkit.messages import issue
from toolkit.schema.workbooks import MEASURES, MEMBERS, PROBLEMS

_INFO_KEPT = ("superior", "org_name", "meeting_type", "year", "theme", "meeting_date", "place", "host",
              "report_date")


# --- reading (runs in worker processes) ---------------------------------------

def read_record(path: str, shown: str) -> tuple[str, Any]:
    """("ok", BranchRecord), or (outcome, (reason, FileCode value)) for a file that gives no branch data."""
    from toolkit.branch.validate import check_file
    from toolkit.io.inputs import is_summary_file

    if is_summary_file(path):  # a lower committee's 汇总表, recognised by content
        from toolkit.committee.rollup import read_lower_summary

        return read_lower_summary(path, shown)
    try:
        branch, report = check_file(path)
    except WorkbookError as exc:
        message = str(exc).replace(Path(path).name, PurePosixPath(shown).name)
        return (NOT_BRANCH if exc.reason == "not-branch" else UNREADABLE), (message, exc.code.value)
    except Exception as exc:
        return UNREADABLE, f"读取时出现意外错误（{type(exc).__name__}: {exc}），请把该文件发给维护人员"
    return "ok", compact(branch, report.issues, shown, _saved_time(path))


def _read_task(task: tuple[str, str]) -> tuple[str, Any]:
    return read_record(*task)


def _saved_time(path: str) -> str:
    """dcterms:modified from docProps/core.xml: when Excel or WPS last saved the file."""
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/core.xml")[:20000].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return ""
    m = re.search(r"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>", xml)
    return m.group(1).strip() if m else ""


def compact(branch, issues: list[Issue], shown: str, saved: str = "") -> BranchRecord:
    from toolkit.branch.context import attendance_counts, leader_grades

    members = branch.rows(MEMBERS.key)
    # leaders attending 以普通党员身份参加 count as the branch report counts them
    expected, present, absent = attendance_counts(members, branch.rows("guests"))
    appraisal = Counter(r.get("appraisal") for r in members)
    appraisal.update(leader_grades(branch))
    opinions = branch.rows("opinions")
    counts = {
        "应到": expected, "实到": present, "请假": absent,
        "相互批评": len(branch.rows("criticisms")), "上次整改": len(branch.rows("previous")),
        "学习研讨": len(branch.rows("studies")), "谈心谈话": len(branch.rows("talks")),
        "征求意见": len(opinions), "纳入问题清单": sum(1 for r in opinions if r.get("adopted") is True),
        **{a: appraisal.get(a, 0) for a in APPRAISALS},
        "评议未填": appraisal.get(None, 0),
    }
    problems = [Problem.from_row(r) for r in branch.rows(PROBLEMS.key)]
    measures = [Measure.from_row(r) for r in branch.rows(MEASURES.key)]
    guests = [Guest(r.get("name") or "", r.get("title") or "", r.get("mode") or "")
              for r in branch.rows("guests")]
    info = {k: branch.info.get(k) for k in _INFO_KEPT}
    org = branch.info.get("org_name") or ""
    return BranchRecord(file=shown, meta=dict(branch.meta), saved=saved, org_name=org,
                        branch_id=branch.meta.get("支部编号", ""), info=info, counts=counts,
                        guests=guests, problems=problems, measures=measures, issues=list(issues),
                        categories=tuple(branch.categories))


def read_all(files: list[InputFile], jobs: int | None, progress=None) -> Iterator[tuple[InputFile, str, Any]]:
    """Read workbooks in parallel, yielding results as they come (in input order).

    ``progress``: called with no argument after each file read (a bool is accepted and ignored).
    """
    todo = [f for f in files if not f.outcome]
    jobs = max(1, jobs or os.cpu_count() or 1)
    tasks = [(f.path, f.shown) for f in todo]
    with _progress(progress, len(todo)) as advance:
        if jobs == 1 or len(todo) < 8:
            results: Iterable = map(_read_task, tasks)
            for f, (kind, payload) in zip(todo, results):
                advance()
                yield f, kind, _coded(f, payload)
            return
        chunk = max(1, min(32, len(todo) // (jobs * 8) or 1))
        done = 0
        pool = ProcessPoolExecutor(max_workers=jobs)
        try:
            for f, (kind, payload) in zip(todo, pool.map(_read_task, tasks, chunksize=chunk)):
                done += 1
                advance()
                yield f, kind, _coded(f, payload)
        except BrokenProcessPool:
            # A worker died (a file crashed the spreadsheet library, or the system
            # killed it): read the rest one process per file, so only the file
            # that kills its process is lost, and it is listed as such.
            pool.shutdown()
            for f, task in zip(todo[done:], tasks[done:]):
                try:
                    with ProcessPoolExecutor(max_workers=1) as single:
                        kind, payload = single.submit(_read_task, task).result()
                except BrokenProcessPool:
                    kind, payload = UNREADABLE, ("读取该文件时读取进程意外退出（文件可能已损坏或过于复杂），"
                                                 "请用 Excel 或 WPS 打开后重新保存再提交", FileCode.DAMAGED.value)
                advance()
                yield f, kind, _coded(f, payload)
        except BaseException:
            # SIGTERM (raised as SystemExit), Ctrl-C or a consumer that stops early:
            # the queued files are not read, and the workers go with the run.
            _abandon(pool)
            raise
        else:
            pool.shutdown()


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: drop the queued tasks and end the workers mid-file."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    # a worker the pool started while shutting down is ended too
    workers += [p for p in (getattr(pool, "_processes", None) or {}).values() if p not in workers]
    for proc in workers:
        if proc.is_alive():
            proc.terminate()
    for proc in workers:
        proc.join(timeout=5)


def _coded(f: InputFile, payload: Any) -> Any:
    """A failure's (reason, code): the FileCode goes on the file (文件清单, check --json), the reason on."""
    if isinstance(payload, tuple) and len(payload) == 2 and isinstance(payload[0], str):
        f.code = payload[1]
        return payload[0]
    return payload


@contextlib.contextmanager
def _progress(advance, total: int):
    """The caller's ``advance()`` after each file (it draws the bar, app/present.py); anything else is silence."""
    yield advance if callable(advance) and total else (lambda: None)


def _recency(f: InputFile, rec: BranchRecord) -> tuple:
    return (rec.saved, f.mtime, rec.meta.get("生成时间", ""), f.shown)


def _recency_reason(kept: tuple[InputFile, BranchRecord], dropped: tuple[InputFile, BranchRecord]) -> str:
    (kf, kr), (df, dr) = kept, dropped
    if kr.saved and dr.saved and kr.saved != dr.saved:
        how = f"最后保存时间 {_show_stamp(kr.saved)}，本文件为 {_show_stamp(dr.saved)}"
    elif int(kf.mtime) != int(df.mtime):
        how = f"文件修改时间 {_show_time(kf.mtime)}，本文件为 {_show_time(df.mtime)}"
    elif kr.meta.get("生成时间", "") != dr.meta.get("生成时间", ""):
        how = f"模板生成时间 {kr.meta.get('生成时间', '')}，本文件为 {dr.meta.get('生成时间', '')}"
    else:
        how = "两份文件时间相同，按文件路径顺序取后者"
    who = f"支部编号 {kr.branch_id}" if kr.branch_id else f"党组织名称“{kr.org_name}”"
    return f"与 {kf.shown} 是同一支部（{who}）的填报表，汇总使用较新的那份（{how}）"


def _show_stamp(stamp: str) -> str:
    return stamp.replace("T", " ").rstrip("Z")


def _show_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "未知"


# --- deciding which records count ---------------------------------------------

def assemble(files: list[InputFile], read: list[tuple[InputFile, BranchRecord]], cycle,
             as_of: dt.date, summaries: list | None = None) -> CollectResult:
    """Decide each file's outcome and order the branches as the roster does.

    ``summaries``: lower committees' 汇总表 read by rollup.read_lower_summary,
    as (InputFile, LowerSummary); their branches join the direct ones, each once."""
    from toolkit.committee.rollup import is_lower_row, lower_missing, merge_lower

    summaries = summaries or []
    cycle_id, how = _cycle_id(read, cycle, summaries)
    current, others = _this_cycle(read, cycle_id, how)
    rows = list(cycle.branches) if cycle is not None else []
    roster = _Roster([r for r in rows if not is_lower_row(r)])
    chosen, dropped = _choose(current, roster)
    others.extend(rec for _, rec in dropped)
    dup_count = Counter(f.branch_key for f, _ in dropped)
    for f, rec in chosen.values():
        f.outcome = HAS_ERRORS if rec.errors else DONE
        f.off_roster = bool(roster.rows) and not roster.knows(rec)
        f.reason = _used_reason(rec, f.off_roster, dup_count[f.branch_key])
    from_lower, lower = merge_lower(summaries, chosen, cycle_id)
    branches = roster.ordered([*chosen.values(), *from_lower])
    categories = tuple(cycle.categories) if cycle is not None else _categories_of(branches)
    cycle_info = dict(cycle.info) if cycle is not None else _info_of(branches)
    lower_roster = [r for r in rows if is_lower_row(r)]
    missing = roster.missing(branches, files) + lower_missing(lower, lower_roster)
    result = CollectResult(files=files, branches=branches, missing=missing,
                           roster=roster.rows, categories=categories, as_of=as_of, cycle_id=cycle_id,
                           cycle_info=cycle_info, others=others, lower=lower, lower_roster=lower_roster)
    result.figures = figures(result)
    return result


def _cycle_id(read: list[tuple[InputFile, BranchRecord]], cycle, summaries=()) -> tuple[str, str]:
    """This collection's 周期编号 and where it came from (for the reason of other cycles' files)."""
    if cycle is not None:
        return cycle.cycle_id, "周期设置表"
    ids = Counter(r.meta.get("周期编号", "") for _, r in read if r.meta.get("周期编号"))
    ids.update({s.cycle_id: len(s.branches) for _, s in summaries if s.cycle_id})
    return (ids.most_common(1)[0][0] if ids else ""), "多数文件（未指定 --cycle）"


def _this_cycle(read: list[tuple[InputFile, BranchRecord]], cycle_id: str,
                how: str) -> tuple[list[tuple[InputFile, BranchRecord]], list[BranchRecord]]:
    """The records of this cycle, and the others (read but not used: kept for 校验问题 only)."""
    current: list[tuple[InputFile, BranchRecord]] = []
    others: list[BranchRecord] = []
    for f, rec in read:
        theirs = rec.meta.get("周期编号", "")
        if not (cycle_id and theirs and theirs != cycle_id):
            current.append((f, rec))
            continue
        f.outcome, f.other_cycle = NOT_BRANCH, theirs
        f.reason = f"属于其他周期的填报表（周期编号 {theirs}，本次为 {cycle_id}，以{how}为准），未汇总"
        f.org_name, f.branch_id = rec.org_name, rec.branch_id
        rec.issues.insert(0, issue(IssueCode.OTHER_CYCLE, "_meta", "", theirs, reason=f.reason))
        rec.problems, rec.measures = [], []
        others.append(rec)
    return current, others


class _Roster:
    """The 支部名册 of the cycle workbook (empty without --cycle), looked up by identity key."""

    def __init__(self, rows: list[dict[str, Any]]):
        self.rows = rows
        self.by_id = {id_key(b["branch_id"]): b for b in rows if b.get("branch_id")}
        self.by_name = {name_key(b["org_name"]): b for b in rows if b.get("org_name")}

    def knows(self, rec: BranchRecord) -> bool:
        return id_key(rec.branch_id) in self.by_id or name_key(rec.org_name) in self.by_name

    def fill_id(self, rec: BranchRecord) -> None:
        """A workbook from a blank template carries no 支部编号: find it by name."""
        if not rec.branch_id and rec.org_name and name_key(rec.org_name) in self.by_name:
            rec.branch_id = self.by_name[name_key(rec.org_name)]["branch_id"]

    def ordered(self, used: Iterable[tuple[InputFile, BranchRecord]]) -> list[BranchRecord]:
        """Records in 支部名册 order, then by 支部编号 and name; the roster's name fills a blank one."""
        order = {id_key(b["branch_id"]): i for i, b in enumerate(self.rows) if b.get("branch_id")}
        ranked = sorted(used, key=lambda fr: (order.get(id_key(fr[1].branch_id), len(order)),
                                              fr[1].branch_id or "~", fr[1].org_name, fr[0].shown))
        branches = [rec for _, rec in ranked]
        for rec in branches:
            if not rec.org_name and id_key(rec.branch_id) in self.by_id:
                rec.org_name = self.by_id[id_key(rec.branch_id)]["org_name"]
        return branches

    def missing(self, branches: list[BranchRecord], files: list[InputFile]) -> list[dict[str, Any]]:
        """支部名册 rows with no usable workbook, with the refused files that may have been theirs."""
        reported = {k for r in branches for k in branch_keys(r.branch_id, r.org_name)}
        # Files a branch may have meant as its return: broken ones and other cycles' (not lock files).
        refused = [f for f in files if f.outcome == UNREADABLE or f.other_cycle]
        out = []
        for b in self.rows:
            if any(k in reported for k in branch_keys(b.get("branch_id"), b.get("org_name"))):
                continue
            bad = [PurePosixPath(f.shown).name for f in refused
                   if name_key(b["org_name"]) in name_key(PurePosixPath(f.shown).name)]
            note = "未收到填报表"
            if bad:
                note = "收到的文件无法作为本次填报表使用：" + "、".join(bad[:3])
            out.append({**b, "note": note, "refused": bad})
        return out


def _choose(current: list[tuple[InputFile, BranchRecord]], roster: _Roster):
    """One record per branch, the newest; the others listed as 重复提交, each naming the one used."""
    chosen: dict[str, tuple[InputFile, BranchRecord]] = {}
    dropped: list[tuple[InputFile, BranchRecord]] = []
    for f, rec in current:
        roster.fill_id(rec)
        key = branch_key(rec.branch_id, rec.org_name, rec.file)
        f.branch_key, f.org_name, f.branch_id = key, rec.org_name, rec.branch_id
        old = chosen.get(key)
        if old is None:
            chosen[key] = (f, rec)
            continue
        newer, older = ((f, rec), old) if _recency(f, rec) > _recency(*old) else (old, (f, rec))
        chosen[key] = newer
        dropped.append(older)
    # Reasons only once every version is seen: the version used is the last one standing,
    # not whichever happened to beat this file first.
    for f, rec in dropped:
        f.outcome = DUPLICATE
        f.reason = _recency_reason(chosen[f.branch_key], (f, rec))
        rec.problems, rec.measures = [], []
    return chosen, dropped


def _used_reason(rec: BranchRecord, off_roster: bool, duplicates: int) -> str:
    notes = []
    if rec.errors:
        notes.append(f"有 {rec.errors} 个错误，可读取的内容已汇总，错误见“校验问题”")
    if rec.warnings:
        notes.append(f"{rec.warnings} 条提醒")
    if off_roster:
        notes.append("支部名册中没有该支部")
    if not rec.meta.get("周期编号"):
        notes.append("文件中没有周期编号（可能使用了空白模板）")
    if duplicates:
        notes.append(f"同一支部另有 {duplicates} 份较早的文件未使用")
    return "；".join(notes) or "检查通过"


def _categories_of(branches: list[BranchRecord]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for rec in branches:
        for c in rec.categories:
            seen.setdefault(c, None)
    return tuple(seen)


def _info_of(branches: list[BranchRecord]) -> dict[str, Any]:
    """Without a cycle workbook, the settings most branches agree on."""
    info: dict[str, Any] = {}
    for key in ("superior", "meeting_type", "year", "theme"):
        values = Counter(r.info.get(key) for r in branches if r.info.get(key))
        info[key] = values.most_common(1)[0][0] if values else None
    return info


def category_of(value: Any, categories: tuple[str, ...]) -> str:
    return value if value in categories else OTHER_CATEGORY


def branch_figures(rec: BranchRecord, categories: tuple[str, ...], as_of: dt.date) -> dict[str, Any]:
    """One 支部情况 row's numbers, computed from the record's rows."""
    by_cat = Counter(category_of(p.category, categories) for p in rec.problems)
    st = Counter(measure_status(m.deadline, m.status, m.done_date, as_of) for m in rec.measures)
    raw_status = Counter(m.status for m in rec.measures)
    c = rec.counts
    return {
        **c,
        "参会率": (c["实到"] / c["应到"]) if c["应到"] else None,
        "问题": len(rec.problems),
        "支部班子问题": sum(1 for p in rec.problems if p.level == "支部班子"),
        "党员个人问题": sum(1 for p in rec.problems if p.level == "党员个人"),
        "类别": {cat: by_cat.get(cat, 0) for cat in (*categories, OTHER_CATEGORY)},
        "措施": len(rec.measures),
        "已完成": st[ST_DONE], "推进中": raw_status.get("推进中", 0),
        "未启动": raw_status.get("未启动", 0), "长期坚持": st[ST_LONG], "逾期": st[ST_OVERDUE],
        "10天内到期": st[ST_DUE_SOON], "正常": st[ST_NORMAL], "未填时限": st[ST_NO_DEADLINE],
    }


def rollup_counts(result: CollectResult) -> tuple[int, int]:
    """支部数 (the roster's, or with lower committees: the direct branches plus what each lower
    committee's roster holds) and the number of lower committees."""
    roster_n = len(result.roster)
    if not (result.lower or result.lower_roster):
        return roster_n, 0
    direct = roster_n or sum(1 for r in result.branches if not r.via)
    lower = {name_key(s.committee) for s in result.lower} | {name_key(r.get("org_name") or "")
                                                              for r in result.lower_roster}
    return direct + sum(s.declared["支部数"] for s in result.lower), len(lower)


def figures(result: CollectResult) -> dict[str, Any]:
    """Headline figures for 总览 and the report, all computed from the rows."""
    per = [branch_figures(r, result.categories, result.as_of) for r in result.branches]
    total = lambda key: sum(p[key] for p in per)  # noqa: E731
    cats = {cat: sum(p["类别"][cat] for p in per) for cat in (*result.categories, OTHER_CATEGORY)}
    measures = total("措施")
    countable = measures - total("长期坚持")
    expected, present = total("应到"), total("实到")
    outcomes = result.outcome_counts()
    roster_n, lower_n = rollup_counts(result)
    from toolkit.committee.rollup import is_silent_committee

    return {
        "支部数": roster_n or len(result.branches),
        "已报送": len(result.branches),
        # 支部数 = 已报送 + 未报送: a silent lower committee is not a branch, its branches are unknown
        "未报送": sum(1 for m in result.missing if not is_silent_committee(m)),
        "未报送下级党组织": sum(1 for m in result.missing if is_silent_committee(m)),
        "下级党组织": lower_n,
        "有错误": outcomes[HAS_ERRORS],
        "名册外": sum(1 for f in result.files if f.outcome in (DONE, HAS_ERRORS) and f.off_roster),
        "应到": expected, "实到": present, "请假": total("请假"),
        "参会率": present / expected if expected else None,
        "学习研讨": total("学习研讨"), "谈心谈话": total("谈心谈话"), "征求意见": total("征求意见"),
        "问题": total("问题"), "支部班子问题": total("支部班子问题"), "党员个人问题": total("党员个人问题"),
        "类别": cats,
        "措施": measures, "已完成": total("已完成"), "推进中": total("推进中"), "未启动": total("未启动"),
        "长期坚持": total("长期坚持"), "逾期": total("逾期"), "10天内到期": total("10天内到期"),
        "正常": total("正常"), "未填时限": total("未填时限"),
        "整改完成率": total("已完成") / countable if countable else None,
        "评议": {a: total(a) for a in APPRAISALS},
        "文件": {o: outcomes.get(o, 0) for o in OUTCOMES},
        "per_branch": per,
    }
