"""Returned branch workbooks (folders, zips) -> compact records -> summary and report.

A committee may collect from five branches or from ten thousand, out of a
folder tree or out of the zip a mail client saved. Every input file ends up
exactly once in 文件清单 with an outcome and a reason, so nothing is dropped
silently. Workbooks are read in worker processes that send back compact
records (the rows the summary needs, never raw cells), so memory grows with
the data kept, not with the workbooks read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from toolkit.errors import Issue, IssueCode, Severity, ToolkitError, UsageError, WorkbookError
from toolkit.messages import issue
from toolkit.io.inputs import NOT_BRANCH, UNREADABLE, InputFile, ScratchDir, classify_by_name, gather  # the one walker
from toolkit.schema.workbooks import LONG_TERM, MEASURES, MEMBERS, PROBLEMS
from toolkit.core.values import fold

# Outcomes in 文件清单 (fixed by the workbook contract).
DONE, HAS_ERRORS, DUPLICATE = "已汇总", "有错误", "重复提交"
OUTCOMES = (DONE, HAS_ERRORS, DUPLICATE, UNREADABLE, NOT_BRANCH)

APPRAISALS = ("优秀", "合格", "基本合格", "不合格", "不评定")

# Status of a measure as of the collection date (整改总台账).
ST_DONE, ST_OVERDUE, ST_DUE_SOON, ST_NORMAL, ST_LONG, ST_NO_DEADLINE = (
    "已完成", "已逾期", "10天内到期", "正常", LONG_TERM, "未填时限")
DUE_SOON_DAYS = 10


@dataclass
class BranchRecord:
    """What the summary needs from one branch workbook (picklable, compact)."""

    file: str
    meta: dict[str, str]
    saved: str  # docProps modified time written by Excel/WPS on save, "" when absent
    org_name: str
    branch_id: str
    info: dict[str, Any]
    counts: dict[str, int]
    guests: list[tuple[str, str, str]]  # (name, title, mode)
    problems: list[tuple]  # PROBLEM_FIELDS
    measures: list[tuple]  # MEASURE_FIELDS
    issues: list[Issue]
    categories: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.issues) - self.errors


PROBLEM_FIELDS = ("pid", "level", "owner", "category", "summary", "detail", "source", "_row")
MEASURE_FIELDS = ("pid", "measure", "owner", "deadline", "status", "done_date", "evidence",
                  "closed_date", "_row")
_INFO_KEPT = ("superior", "org_name", "meeting_type", "year", "theme", "meeting_date", "place", "host",
              "report_date")


@dataclass
class CollectResult:
    files: list[InputFile]
    branches: list[BranchRecord]  # the records used, in summary order
    missing: list[dict[str, Any]]  # 支部名册 rows with no usable workbook
    roster: list[dict[str, Any]]
    categories: tuple[str, ...]
    as_of: dt.date
    cycle_id: str
    cycle_info: dict[str, Any]
    others: list[BranchRecord] = field(default_factory=list)  # duplicates and other cycles
    figures: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for benchmarks
    summary_path: Path | None = None
    report_path: Path | None = None
    appraisal_path: Path | None = None  # 民主评议情况汇总表.docx
    pdf_paths: list[Path] = field(default_factory=list)
    book: Any = None  # toolkit.writers.book.BookResult: 情况报告汇编.docx, who is in it and who is not (--book)

    def outcome_counts(self) -> Counter:
        return Counter(f.outcome for f in self.files)

    @property
    def ok(self) -> bool:
        """True when no input had errors or could not be read."""
        counts = self.outcome_counts()
        return not counts[HAS_ERRORS] and not counts[UNREADABLE]


# --- reading (runs in worker processes) ---------------------------------------

def read_record(path: str, shown: str) -> tuple[str, Any]:
    """("ok", BranchRecord) or (outcome, reason) for a file that gives no branch data."""
    from toolkit.branch.validate import check_file

    try:
        branch, report = check_file(path)
    except WorkbookError as exc:
        message = str(exc).replace(Path(path).name, PurePosixPath(shown).name)
        return (NOT_BRANCH if exc.reason == "not-branch" else UNREADABLE), message
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop ten thousand
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
    members = branch.rows(MEMBERS.key)
    present = sum(1 for r in members if r.get("present") is True)
    absent = sum(1 for r in members if r.get("present") is False)
    appraisal = Counter(r.get("appraisal") for r in members)
    opinions = branch.rows("opinions")
    counts = {
        "应到": len(members), "实到": present, "请假": absent,
        "学习研讨": len(branch.rows("studies")), "谈心谈话": len(branch.rows("talks")),
        "征求意见": len(opinions), "纳入问题清单": sum(1 for r in opinions if r.get("adopted") is True),
        **{a: appraisal.get(a, 0) for a in APPRAISALS},
        "评议未填": appraisal.get(None, 0),
    }
    problems = [tuple(r.get(k) for k in PROBLEM_FIELDS) for r in branch.rows(PROBLEMS.key)]
    measures = [tuple(r.get(k) for k in MEASURE_FIELDS) for r in branch.rows(MEASURES.key)]
    guests = [(r.get("name") or "", r.get("title") or "", r.get("mode") or "")
              for r in branch.rows("guests")]
    info = {k: branch.info.get(k) for k in _INFO_KEPT}
    org = branch.info.get("org_name") or ""
    return BranchRecord(file=shown, meta=dict(branch.meta), saved=saved, org_name=org,
                        branch_id=branch.meta.get("支部编号", ""), info=info, counts=counts,
                        guests=guests, problems=problems, measures=measures, issues=list(issues),
                        categories=tuple(branch.categories))


def read_all(files: list[InputFile], jobs: int | None, progress: bool) -> Iterator[tuple[InputFile, str, Any]]:
    """Read workbooks in parallel, yielding results as they come (in input order)."""
    todo = [f for f in files if not f.outcome]
    jobs = max(1, jobs or os.cpu_count() or 1)
    tasks = [(f.path, f.shown) for f in todo]
    with _progress(progress, len(todo)) as advance:
        if jobs == 1 or len(todo) < 8:
            results: Iterable = map(_read_task, tasks)
            for f, (kind, payload) in zip(todo, results):
                advance()
                yield f, kind, payload
            return
        chunk = max(1, min(32, len(todo) // (jobs * 8) or 1))
        done = 0
        try:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for f, (kind, payload) in zip(todo, pool.map(_read_task, tasks, chunksize=chunk)):
                    done += 1
                    advance()
                    yield f, kind, payload
        except BrokenProcessPool:
            # A worker died (a file crashed the spreadsheet library, or the system
            # killed it): read the rest one process per file, so only the file
            # that kills its process is lost, and it is listed as such.
            for f, task in zip(todo[done:], tasks[done:]):
                try:
                    with ProcessPoolExecutor(max_workers=1) as single:
                        kind, payload = single.submit(_read_task, task).result()
                except BrokenProcessPool:
                    kind, payload = UNREADABLE, ("读取该文件时读取进程意外退出（文件可能已损坏或过于复杂），"
                                                 "请用 Excel 或 WPS 打开后重新保存再提交")
                advance()
                yield f, kind, payload


@contextlib.contextmanager
def _progress(enabled: bool, total: int):
    if not enabled or total == 0:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(TextColumn("读取填报表"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=False) as bar:
        task = bar.add_task("read", total=total)
        yield lambda: bar.advance(task)


# --- deciding which records count ---------------------------------------------

def _branch_key(rec: BranchRecord) -> str:
    return f"id:{fold(rec.branch_id)}" if rec.branch_id else f"name:{fold(rec.org_name or rec.file)}"


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


def measure_status(deadline: Any, status: Any, done_date: Any, as_of: dt.date) -> str:
    """整改总台账 status as of the collection date."""
    if status == "已完成" or (done_date and status in (None, "已完成")):
        return ST_DONE
    if deadline == LONG_TERM or status == LONG_TERM:
        return ST_LONG
    if not isinstance(deadline, dt.date):
        return ST_NO_DEADLINE
    if deadline < as_of:
        return ST_OVERDUE
    if (deadline - as_of).days <= DUE_SOON_DAYS:
        return ST_DUE_SOON
    return ST_NORMAL


# --- the whole command --------------------------------------------------------

def collect(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, *,
            cycle: str | os.PathLike | None = None, as_of: dt.date | None = None, pdf: bool = False,
            jobs: int | None = None, previous: str | os.PathLike | None = None,
            previous_cycle: Iterable[str | os.PathLike] | None = None,
            progress: bool = True, book: bool = False) -> CollectResult:
    """Read every returned workbook and write 汇总表.xlsx and 汇总报告.docx into out_dir.

    ``previous`` is last run's 汇总表.xlsx: the committee's own columns
    (党委销号, 备注) are carried over from it. ``previous_cycle`` is the last
    cycle's workbooks or 汇总表: problems repeating one of them are flagged.
    ``book`` also writes 情况报告汇编.docx, every usable branch's 情况报告 in one book.
    """
    from toolkit.io.fsutil import ensure_dir

    paths = list(paths)
    if not paths:
        raise UsageError("请指定要汇总的文件夹或压缩包")
    as_of = as_of or dt.date.today()
    out_dir = ensure_dir(out_dir)
    loaded = None
    if cycle is not None:
        from toolkit.committee.distribute import load_cycle

        loaded = load_cycle(cycle)
    clock = time.perf_counter()
    # Zip entries are read from copies in this folder. The book reads its
    # branches again at the end, so with --book the folder stays until then.
    workdir = ScratchDir(prefix="orglife-collect-")  # removed on SIGTERM too
    with (contextlib.nullcontext(workdir.name) if book else workdir) as tmp:
        files = gather(paths, Path(tmp))
        for f in files:
            classify_by_name(f)
        read: list[tuple[InputFile, BranchRecord]] = []
        for f, kind, payload in read_all(files, jobs, progress):
            if kind == "ok":
                read.append((f, payload))
            else:
                f.outcome, f.reason = kind, payload
    if previous_cycle:
        from toolkit.committee.previous import load_previous
        from toolkit.committee.repeated import flag_collected

        # Before assemble, so the 提醒 counts and per-branch figures include the repeats.
        flag_collected((rec for _, rec in read), load_previous(previous_cycle))
    timings = {"read": time.perf_counter() - clock}
    result = assemble(files, read, loaded, as_of)
    from toolkit.writers.consolidate import write_summary

    clock = time.perf_counter()
    # The report is written by a forked child while this process writes the
    # summary: both are single-threaded, and the second core is idle otherwise.
    report = _Background(_write_report, result, out_dir / "汇总报告.docx")
    result.summary_path = write_summary(result, out_dir / "汇总表.xlsx", previous=previous)
    timings["summary"] = time.perf_counter() - clock
    clock = time.perf_counter()
    result.report_path = report.result()
    from toolkit.writers.appraisal import write_for_collect

    result.appraisal_path = write_for_collect(result, out_dir)
    timings["report"] = time.perf_counter() - clock
    if book:
        from toolkit.writers.book import write_book

        clock = time.perf_counter()
        try:
            write_book(result, out_dir, jobs=jobs)  # its PDF comes with the report's, in one soffice call
        finally:
            workdir.cleanup()
        timings["book"] = time.perf_counter() - clock
    if pdf:
        from toolkit.io.pdf import convert_to_pdf

        clock = time.perf_counter()
        docs, timeout = [result.report_path], None
        if result.book:
            from toolkit.writers.book import pdf_timeout

            docs.append(result.book.path)
            timeout = pdf_timeout(len(result.branches))
        result.pdf_paths = list(convert_to_pdf(docs, out_dir, timeout=timeout))
        if result.book:
            result.book.pdf = result.pdf_paths[-1]
        timings["pdf"] = time.perf_counter() - clock
    result.timings = timings
    return result


def _write_report(result: CollectResult, path: Path) -> Path:
    from toolkit.writers.committee_report import write_committee_report

    return write_committee_report(result, path)


class _Background:
    """Run fn(*args) in a forked child (inherits the data, nothing pickled in); in-line where fork is missing."""

    def __init__(self, fn, *args):
        import multiprocessing

        self._value = None
        self._proc = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._value = fn(*args)
            return
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=self._child, args=(send, fn, args), daemon=True)
        self._proc.start()
        send.close()

    @staticmethod
    def _child(send, fn, args) -> None:
        try:
            send.send(("ok", fn(*args)))
        except ToolkitError as exc:
            send.send(("toolkit", (type(exc).__name__, str(exc), exc.exit_code)))
        except BaseException as exc:  # noqa: BLE001 - reported by the parent as the bug it is
            send.send(("bug", f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    def result(self):
        if self._proc is None:
            return self._value
        try:
            kind, value = self._recv.recv()
        except EOFError:
            kind, value = "bug", f"子进程意外退出（退出码 {self._proc.exitcode}）"
        finally:
            self._proc.join()
            self._recv.close()
        if kind == "ok":
            return value
        if kind == "toolkit":
            name, message, code = value
            error = ToolkitError(message)
            error.exit_code = code
            raise error
        raise RuntimeError(f"写汇总报告时出错：{value}")


def assemble(files: list[InputFile], read: list[tuple[InputFile, BranchRecord]], cycle,
             as_of: dt.date) -> CollectResult:
    """Decide each file's outcome and order the branches as the roster does."""
    if cycle is not None:
        cycle_id = cycle.cycle_id
        how = "周期设置表"
    else:
        ids = Counter(r.meta.get("周期编号", "") for _, r in read if r.meta.get("周期编号"))
        cycle_id = ids.most_common(1)[0][0] if ids else ""
        how = "多数文件（未指定 --cycle）"
    current: list[tuple[InputFile, BranchRecord]] = []
    others: list[BranchRecord] = []  # read but not used: kept for 校验问题 only
    for f, rec in read:
        theirs = rec.meta.get("周期编号", "")
        if cycle_id and theirs and theirs != cycle_id:
            f.outcome = NOT_BRANCH
            f.reason = f"属于其他周期的填报表（周期编号 {theirs}，本次为 {cycle_id}，以{how}为准），未汇总"
            f.org_name, f.branch_id = rec.org_name, rec.branch_id
            rec.issues.insert(0, issue(IssueCode.OTHER_CYCLE, "_meta", "", theirs, reason=f.reason))
            rec.problems, rec.measures = [], []
            others.append(rec)
            continue
        current.append((f, rec))

    roster = list(cycle.branches) if cycle is not None else []
    by_id = {fold(b["branch_id"]): b for b in roster if b.get("branch_id")}
    by_name = {fold(b["org_name"]): b for b in roster if b.get("org_name")}
    chosen: dict[str, tuple[InputFile, BranchRecord]] = {}
    for f, rec in current:
        # A workbook from a blank template carries no 支部编号: find it by name.
        if not rec.branch_id and rec.org_name and fold(rec.org_name) in by_name:
            rec.branch_id = by_name[fold(rec.org_name)]["branch_id"]
        key = _branch_key(rec)
        f.branch_key, f.org_name, f.branch_id = key, rec.org_name, rec.branch_id
        if key in chosen:
            old = chosen[key]
            newer, older = ((f, rec), old) if _recency(f, rec) > _recency(*old) else (old, (f, rec))
            chosen[key] = newer
            older[0].outcome = DUPLICATE
            older[0].reason = _recency_reason(newer, older)
            # The kept file's reason is set below; the dropped one keeps only its listing.
            older[1].problems, older[1].measures = [], []
            others.append(older[1])
        else:
            chosen[key] = (f, rec)
    dup_count = Counter(f.branch_key for f in files if f.outcome == DUPLICATE)
    for f, rec in chosen.values():
        f.outcome = HAS_ERRORS if rec.errors else DONE
        notes = []
        if rec.errors:
            notes.append(f"有 {rec.errors} 个错误，可读取的内容已汇总，错误见“校验问题”")
        if rec.warnings:
            notes.append(f"{rec.warnings} 条提醒")
        if roster and not (fold(rec.branch_id) in by_id or fold(rec.org_name) in by_name):
            notes.append("支部名册中没有该支部")
        if not rec.meta.get("周期编号"):
            notes.append("文件中没有周期编号（可能使用了空白模板）")
        if dup_count[f.branch_key]:
            notes.append(f"同一支部另有 {dup_count[f.branch_key]} 份较早的文件未使用")
        f.reason = "；".join(notes) or "检查通过"

    order = {fold(b["branch_id"]): i for i, b in enumerate(roster) if b.get("branch_id")}
    used = sorted(chosen.values(), key=lambda fr: (order.get(fold(fr[1].branch_id), len(order)),
                                                    fr[1].branch_id or "~", fr[1].org_name, fr[0].shown))
    branches = [rec for _, rec in used]
    for rec in branches:  # the roster's name is the official one when the workbook's is blank
        if not rec.org_name and fold(rec.branch_id) in by_id:
            rec.org_name = by_id[fold(rec.branch_id)]["org_name"]
    reported_ids = {fold(r.branch_id) for r in branches if r.branch_id}
    reported_names = {fold(r.org_name) for r in branches if r.org_name}
    missing = []
    # Files a branch may have meant as its return: broken ones and other cycles' (not lock files).
    refused = [f for f in files if f.outcome == UNREADABLE or f.reason.startswith("属于其他周期")]
    for b in roster:
        if fold(b.get("branch_id") or "") in reported_ids or fold(b.get("org_name") or "") in reported_names:
            continue
        bad = [f for f in refused if fold(b["org_name"]) in fold(PurePosixPath(f.shown).name)]
        note = "未收到填报表"
        if bad:
            note = "收到的文件无法作为本次填报表使用：" + "、".join(PurePosixPath(f.shown).name for f in bad[:3])
        missing.append({**b, "note": note})

    categories = tuple(cycle.categories) if cycle is not None else _categories_of(branches)
    cycle_info = dict(cycle.info) if cycle is not None else _info_of(branches)
    result = CollectResult(files=files, branches=branches, missing=missing, roster=roster,
                           categories=categories, as_of=as_of, cycle_id=cycle_id, cycle_info=cycle_info,
                           others=others)
    result.figures = figures(result)
    return result


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


OTHER_CATEGORY = "其他（类别未填或不在本次类别中）"


def category_of(value: Any, categories: tuple[str, ...]) -> str:
    return value if value in categories else OTHER_CATEGORY


def branch_figures(rec: BranchRecord, categories: tuple[str, ...], as_of: dt.date) -> dict[str, Any]:
    """One 支部情况 row's numbers, computed from the record's rows."""
    by_cat = Counter(category_of(p[3], categories) for p in rec.problems)
    st = Counter(measure_status(m[3], m[4], m[5], as_of) for m in rec.measures)
    raw_status = Counter(m[4] for m in rec.measures)
    c = rec.counts
    return {
        **c,
        "参会率": (c["实到"] / c["应到"]) if c["应到"] else None,
        "问题": len(rec.problems),
        "支部班子问题": sum(1 for p in rec.problems if p[1] == "支部班子"),
        "党员个人问题": sum(1 for p in rec.problems if p[1] == "党员个人"),
        "类别": {cat: by_cat.get(cat, 0) for cat in (*categories, OTHER_CATEGORY)},
        "措施": len(rec.measures),
        "已完成": st[ST_DONE], "推进中": raw_status.get("推进中", 0),
        "未启动": raw_status.get("未启动", 0), "长期坚持": st[ST_LONG], "逾期": st[ST_OVERDUE],
        "10天内到期": st[ST_DUE_SOON], "正常": st[ST_NORMAL], "未填时限": st[ST_NO_DEADLINE],
    }


def figures(result: CollectResult) -> dict[str, Any]:
    """Headline figures for 总览 and the report, all computed from the rows."""
    per = [branch_figures(r, result.categories, result.as_of) for r in result.branches]
    total = lambda key: sum(p[key] for p in per)  # noqa: E731
    cats = {cat: sum(p["类别"][cat] for p in per) for cat in (*result.categories, OTHER_CATEGORY)}
    measures = total("措施")
    countable = measures - total("长期坚持")
    expected, present = total("应到"), total("实到")
    outcomes = result.outcome_counts()
    roster_n = len(result.roster)
    return {
        "支部数": roster_n or len(result.branches),
        "已报送": len(result.branches),
        "未报送": len(result.missing),
        "有错误": outcomes[HAS_ERRORS],
        "名册外": sum(1 for f in result.files if f.outcome in (DONE, HAS_ERRORS) and "名册中没有" in f.reason),
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
