"""Multi-level roll-up: a lower committee's 汇总表 read back as branch records, and merged.

A higher committee collects branch workbooks and lower committees' 汇总表 in
the same folders and zips. A 汇总表 is recognised by content (io.inputs.is_summary_file)
and read here into the same BranchRecord a branch workbook gives, so every sheet
of the higher 汇总表 is the union of its inputs and every figure is computed from
rows, at every level. Its hidden _meta is checked against its rows: a summary
edited by hand (or a forged _meta) is reported, not summed.

Computes only; the workflow wires it and consolidate writes the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path
from typing import Any

from toolkit.branch.read import sheet_rows
from toolkit.committee.model import (
    APPRAISALS,
    DONE,
    DUPLICATE,
    NOT_BRANCH,
    UNREADABLE,
    BranchRecord,
    Guest,
    InputFile,
    LowerSummary,
    Measure,
    Problem,
)
from toolkit.core.headers import find_sheet, scan_header
from toolkit.core.keys import branch_key, name_key
from toolkit.core.values import BadValue, cell_text, clean_name, is_blank, parse_date, parse_deadline
from toolkit.errors import Issue, IssueCode, Severity, WorkbookError
from toolkit.io.container import open_summary_scanned
from toolkit.schema.summary import (
    BRANCHES_NAME,
    ISSUES,
    LEDGER,
    LOWER,
    META_KIND,
    META_SHEET,
    MISSING,
    PARENT,
    PARENT_SEPARATOR,
    PROBLEMS,
    summary_hash,
)

LOWER_KINDS = ("党委", "党总支")  # 支部名册 类型 values whose row expects a 汇总表
ROW_LIMIT = 1_048_576
# rows a sheet may hold beyond what _meta declares: header, 合计, the ledger's marks of measures gone
ROW_SLACK = 2_000

# 支部情况 headers read back -> the record's count keys
_BRANCH_COLUMNS = {
    "支部编号": "branch_id", "党组织名称": "org_name", "召开日期": "meeting_date", "上级指导": "guidance",
    "应到人数": "应到", "实到人数": "实到", "请假人数": "请假", "学习研讨次数": "学习研讨",
    "谈心谈话次数": "谈心谈话", "征求意见条数": "征求意见", "查摆问题数": "问题", "整改措施数": "措施",
    "评议未填": "评议未填", "来源文件": "file", PARENT.header: "parent",
    **{f"评议{a}": a for a in APPRAISALS},
}
_COUNT_KEYS = ("应到", "实到", "请假", "学习研讨", "谈心谈话", "征求意见", *APPRAISALS, "评议未填")
_PROBLEM_KEYS = ("branch_id", "org_name", "pid", "level", "owner", "category", "summary", "detail", "source",
                 "row", "parent")
_MEASURE_KEYS = ("branch_id", "org_name", "pid", "measure", "owner", "deadline", "status", "done_date",
                 "evidence", "closed_date", "row", "parent")
_GUEST_RE = re.compile(r"([^；（]+)（(?:([^，）]*)，)?([^）]*)）")


class Refused(Exception):
    """A 汇总表 that cannot be summed: the reason, in Chinese."""


def is_lower_row(row: dict[str, Any]) -> bool:
    return (row.get("kind") or "") in LOWER_KINDS


def join_path(*parts: str) -> str:
    return PARENT_SEPARATOR.join(p for p in parts if p)


# --- reading (runs in worker processes) ---------------------------------------

def read_lower_summary(path: str, shown: str) -> tuple[str, Any]:
    """("summary", LowerSummary) or (outcome, reason)."""
    try:
        wb, container = open_summary_scanned(Path(path))
    except WorkbookError as exc:
        return UNREADABLE, str(exc).replace(Path(path).name, Path(shown).name)
    try:
        return "summary", _read(wb, shown, container.error_cells)
    except Refused as exc:
        return UNREADABLE, f"下级党组织汇总表不能汇总：{exc}"
    except Exception as exc:  # calamine raises several unrelated types for broken files
        return UNREADABLE, f"读取下级党组织汇总表时出错（{type(exc).__name__}），请让该党组织重新生成汇总表后报送"
    finally:
        wb.close()


class _Texts(dict):
    """cell_text once per distinct cell text. A summary repeats its branch ids, names,
    categories, levels and statuses on every row: one str object per distinct text
    keeps the records small and the conversion off the per-cell path."""

    def text(self, raw: Any) -> str:
        if type(raw) is str:
            t = self.get(raw)
            if t is None:
                t = self[raw] = cell_text(raw)
            return t
        return cell_text(raw)

    def opt(self, raw: Any) -> str | None:
        """The text, None when blank."""
        return None if raw is None else (self.text(raw) or None)


def _meta(wb) -> dict[str, str]:
    real = find_sheet(wb.sheet_names, META_SHEET)
    rows = sheet_rows(wb, real, 200) if real else []
    meta = {cell_text(r[0]): cell_text(r[1]) for r in rows if len(r) >= 2 and not is_blank(r[0])}
    if meta.get("表类型") != META_KIND:
        raise Refused("隐藏工作表 _meta 没有注明“表类型：汇总表”")
    return meta


def sheet_parts(names: list[str], name: str) -> list[str]:
    """The sheet ``name`` and the numbered sheets it goes on in past Excel's row limit
    (问题总表（2）, 问题总表（3）, …), as the summary writer splits a long list."""
    first = find_sheet(names, name)
    if first is None:
        return []
    parts = [first]
    while (more := find_sheet(names, f"{name}（{len(parts) + 1}）")) is not None:
        parts.append(more)
    return parts


def _formula_errors(parts: list[str], errors: dict[str, dict[tuple[int, int], str]]) -> None:
    """A #REF! (or any formula error) in a lower 汇总表 is named by sheet and cell, not taken for a count."""
    for real in parts:
        if errors.get(real):
            (r, c), text = min(errors[real].items())
            raise Refused(f"“{real}”第 {r + 1} 行 {xl_cell(r, c)} 单元格是公式错误 {text}（汇总表可能被手工修改过），"
                          "请让该党组织重新汇总后报送")


def xl_cell(r: int, c: int) -> str:
    """A1-style reference of 0-based (row, column)."""
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _table(wb, name: str, wanted: dict[str, str], declared: int | None = None, texts: _Texts | None = None,
           errors: dict | None = None) -> list[dict[str, Any]]:
    """The sheet's rows by column key, over its numbered parts. ``declared``: the rows _meta
    says it holds; a sheet much taller (a million rows pasted in) is refused before its rows
    become Python objects. "_row" is the row in its sheet, "_sheet" the sheet's name."""
    parts = sheet_parts(wb.sheet_names, name)
    if not parts:
        raise Refused(f"缺少工作表“{name}”")
    _formula_errors(parts, errors or {})
    sheets = [wb.get_sheet_by_name(real) for real in parts]
    height = sum(s.total_height for s in sheets)
    if declared is not None and height > declared + ROW_SLACK * len(parts):
        raise Refused(f"“{name}”有 {height} 行，_meta 记载只有 {declared} 条"
                      "（汇总表可能被手工修改过），请让该党组织重新汇总后报送")
    blank = (texts or _Texts()).text
    out = []
    for real, sheet in zip(parts, sheets):
        rows = _rows(sheet, ROW_LIMIT + 1)
        header_at, cols = scan_header(rows, wanted)
        items = tuple(cols.items())
        for r, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            n = len(row)
            record = {k: (row[c] if c < n else None) for k, c in items}
            if not any(v is not None and blank(v) != "" for v in record.values()):
                continue
            record["_row"], record["_sheet"] = r, real
            out.append(record)
        del rows
    return out


def _rows(sheet, limit: int) -> list[list]:
    """A parsed sheet's rows, row 0 being Excel row 1 (branch.read.sheet_rows, without parsing it again)."""
    start_row, start_col = sheet.start or (0, 0)
    pad = [None] * start_col
    rows: list[list] = [[] for _ in range(start_row)]
    for i, row in enumerate(sheet.iter_rows()):
        if start_row + i >= limit:
            break
        rows.append(pad + list(row) if start_col else list(row))
    return rows


def _count(value: Any, where: str) -> int:
    if is_blank(value):
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
        raise Refused(f"{where}的值“{cell_text(value)}”不是人数或条数")
    return int(value)


def _date(value: Any) -> dt.date | None:
    try:
        return None if is_blank(value) else parse_date(value)
    except BadValue:
        return None


def _deadline(value: Any):
    try:
        return None if is_blank(value) else parse_deadline(value)
    except BadValue:
        return cell_text(value)


def _text(value: Any) -> str | None:
    return cell_text(value) or None


class _Dates(dict):
    """_date / _deadline once per distinct cell value (a ledger holds few distinct dates)."""

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, raw):
        value = self[raw] = self.convert(raw)
        return value

    def of(self, raw: Any):
        if raw is None:
            return None
        try:
            return self[(type(raw), raw)]
        except TypeError:  # unhashable: never from calamine, but never a crash either
            return self.convert(raw)


def _read(wb, shown: str, errors: dict | None = None) -> LowerSummary:
    meta = _meta(wb)
    committee = meta.get("党组织", "")
    declared = {k: _count(_num(meta.get(k)), f"_meta 的“{k}”")
                for k in ("支部数", "已报送", "未报送", "问题数", "整改措施数")}
    texts = _Texts()
    branch_rows = _table(wb, BRANCHES_NAME, _BRANCH_COLUMNS, declared["已报送"], texts, errors)
    problems = _table(wb, PROBLEMS.name, PROBLEMS.wanted(_PROBLEM_KEYS) | PARENT_WANTED, declared["问题数"],
                      texts, errors)
    measures = _table(wb, LEDGER.name, LEDGER.wanted(_MEASURE_KEYS) | PARENT_WANTED, declared["整改措施数"],
                      texts, errors)
    measures = [row for row in measures if texts.text(row.get("state")) != "未对应"]
    _check_totals(declared, branch_rows, problems, measures)
    records: dict[str, BranchRecord] = {}
    for row in branch_rows:
        rec = _record(row, shown, committee)
        records[branch_key(rec.branch_id, rec.org_name)] = rec
    owner = _Owners(records, texts)
    opt = texts.opt
    names: dict[Any, str] = {}
    for row in problems:
        who = row.get("owner")
        if who is not None and who not in names:
            names[who] = clean_name(who) if not is_blank(who) else None
        owner(row, PROBLEMS.name).problems.append(Problem(
            opt(row.get("pid")), opt(row.get("level")), names.get(who) if who is not None else None,
            opt(row.get("category")), opt(row.get("summary")), opt(row.get("detail")),
            opt(row.get("source")), _num(row.get("row"))))
    dates, deadlines = _Dates(lambda k: _date(k[1])), _Dates(lambda k: _deadline(k[1]))
    for row in measures:
        owner(row, LEDGER.name).measures.append(Measure(
            opt(row.get("pid")), opt(row.get("measure")), opt(row.get("owner")),
            deadlines.of(row.get("deadline")), opt(row.get("status")), dates.of(row.get("done_date")),
            opt(row.get("evidence")), dates.of(row.get("closed_date")), _num(row.get("row"))))
    del problems, measures
    _check(meta, branch_rows, records)
    _issues_into(wb, records)
    missing = [{k: cell_text(r.get(k)) for k in (*(c.key for c in MISSING.columns), "parent")}
               for r in _optional(wb, MISSING.name, MISSING.wanted() | PARENT_WANTED)]
    missing = [m for m in missing if m.get("org_name") or m.get("branch_id")]
    lower = [{k: r.get(k) for k in (*(c.key for c in LOWER.columns),)}
             for r in _optional(wb, LOWER.name, LOWER.wanted())]
    return LowerSummary(file=shown, meta=meta, committee=committee, cycle_id=meta.get("周期编号", ""),
                        as_of=_date(meta.get("统计日期")), branches=list(records.values()), missing=missing,
                        lower=lower, declared=declared, stamp=meta.get("生成时间", ""))


PARENT_WANTED = {PARENT.header: "parent"}


def _num(value: Any) -> Any:
    """A count written as a number; _meta values are text ("12")."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _optional(wb, name: str, wanted: dict[str, str]) -> list[dict[str, Any]]:
    try:
        return _table(wb, name, wanted)
    except Refused:
        return []


def _record(row: dict[str, Any], shown: str, committee: str) -> BranchRecord:
    bid, org = cell_text(row.get("branch_id")), cell_text(row.get("org_name"))
    where = f"“{BRANCHES_NAME}”第 {row['_row']} 行"
    counts = {k: _count(row.get(k), f"{where}“{k}”") for k in _COUNT_KEYS}
    counts["纳入问题清单"] = 0
    guests = [Guest(n.strip(), t or "", m) for n, t, m in _GUEST_RE.findall(cell_text(row.get("guidance")))]
    info = {"org_name": org, "meeting_date": _date(row.get("meeting_date"))}
    source = cell_text(row.get("file"))
    return BranchRecord(file=f"{shown}：{source}" if source else shown, meta={"支部编号": bid}, saved="",
                        org_name=org, branch_id=bid, info=info, counts=counts, guests=guests, problems=[],
                        measures=[], issues=[], parent=join_path(committee, cell_text(row.get("parent"))),
                        via=shown)


def _check_totals(declared, branch_rows, problems, measures) -> None:
    """_meta's totals agree with the rows."""
    if declared["已报送"] != len(branch_rows):
        raise Refused(f"_meta 记载已报送 {declared['已报送']} 个支部，“{BRANCHES_NAME}”有 {len(branch_rows)} 行"
                      "（汇总表可能被手工修改过），请让该党组织重新汇总后报送")
    for what, key, n in (("问题数", PROBLEMS.name, len(problems)), ("整改措施数", LEDGER.name, len(measures))):
        if declared[what] != n:
            raise Refused(f"_meta 记载{what} {declared[what]}，“{key}”有 {n} 行（汇总表可能被手工修改过），"
                          "请让该党组织重新汇总后报送")


def _check(meta, branch_rows, records: dict[str, BranchRecord]) -> None:
    """Each branch's counts agree with its rows, and the rows with the content hash written beside them."""
    digest_rows = []
    for row in branch_rows:
        bid, org = cell_text(row.get("branch_id")), cell_text(row.get("org_name"))
        p, m = _count(row.get("问题"), "查摆问题数"), _count(row.get("措施"), "整改措施数")
        rec = records.get(branch_key(bid, org))
        got = [len(rec.problems), len(rec.measures)] if rec is not None else [0, 0]
        if got != [p, m]:
            raise Refused(f"“{BRANCHES_NAME}”第 {row['_row']} 行（{org or bid}）记载问题 {p} 条、措施 {m} 条，"
                          f"明细表中为 {got[0]} 条、{got[1]} 条（汇总表可能被手工修改过），请让该党组织重新汇总后报送")
        digest_rows.append((bid, org, p, m))
    if meta.get("内容校验") != summary_hash(digest_rows):
        raise Refused("_meta 的内容校验与表中数据不符（汇总表可能被手工修改过，或 _meta 被改写），"
                      "请让该党组织重新汇总后报送")


class _Owners:
    """The branch record a detail row belongs to, looked up once per (支部编号, 党组织名称) as written."""

    def __init__(self, records: dict[str, BranchRecord], texts: _Texts):
        self.records, self.texts, self.seen = records, texts, {}

    def __call__(self, row: dict[str, Any], sheet: str) -> BranchRecord:
        bid, org = row.get("branch_id"), row.get("org_name")
        try:
            return self.seen[(bid, org)]
        except (KeyError, TypeError):
            pass
        rec = self.records.get(branch_key(self.texts.text(bid), self.texts.text(org)))
        if rec is None:
            raise Refused(f"“{row.get('_sheet', sheet)}”第 {row['_row']} 行的支部不在“{BRANCHES_NAME}”中")
        with contextlib.suppress(TypeError):
            self.seen[(bid, org)] = rec
        return rec


_ISSUE_KEYS = tuple(c.key for c in ISSUES.columns)


def _issues_into(wb, records: dict[str, BranchRecord]) -> None:
    """校验问题 rows of the lower summary go back onto their branch (so 校验状态 and 错误数 carry up)."""
    for row in _optional(wb, ISSUES.name, ISSUES.wanted()):
        rec = records.get(branch_key(cell_text(row.get("branch_id")), cell_text(row.get("org_name"))))
        if rec is None:
            continue
        try:
            code = IssueCode(cell_text(row.get("code")))
        except ValueError:
            continue
        severity = Severity.ERROR if cell_text(row.get("level")) == "错误" else Severity.WARNING
        rec.issues.append(Issue(code, severity, cell_text(row.get("sheet")), cell_text(row.get("cell")),
                                cell_text(row.get("value")), cell_text(row.get("message"))))


# --- merging ------------------------------------------------------------------------

def merge_lower(summaries: list[tuple[InputFile, LowerSummary]], chosen: dict[str, tuple[InputFile, BranchRecord]],
                cycle_id: str) -> tuple[list[tuple[InputFile, BranchRecord]], list[LowerSummary]]:
    """The lower summaries' branches not already counted, and the summaries used.

    A branch counts once: a workbook it sent directly wins over its copy in a
    lower summary; between two lower summaries the newer one (統計日期, then
    生成时间) carrying it wins. Every branch not counted again is explained on
    its summary's line of 文件清单 and in 校验问题.
    """
    current = _this_cycle(summaries, cycle_id)
    kept = _newest_per_committee(current)
    taken: dict[str, str] = {key: f.shown for key, (f, _rec) in chosen.items()}
    added: list[tuple[InputFile, BranchRecord]] = []
    used: list[LowerSummary] = []
    kept.sort(key=lambda fs: (fs[1].as_of or dt.date.min, fs[1].stamp), reverse=True)
    for f, summary in kept:
        for rec in summary.branches:
            key = branch_key(rec.branch_id, rec.org_name)
            if key in taken:
                why = f"{rec.org_name or rec.branch_id} 已由 {taken[key]} 报送，不重复计算"
                summary.duplicates.append(why)
                rec.issues.insert(0, Issue(IssueCode.DUPLICATE_BRANCH_ID, Severity.WARNING, BRANCHES_NAME, "",
                                           rec.branch_id, f"同一支部重复报送：{why}"))
                continue
            taken[key] = f.shown
            added.append((f, rec))
            summary.used += 1
        f.outcome, f.org_name = DONE, summary.committee
        f.reason = _reason(summary)
        used.append(summary)
    used.sort(key=lambda s: s.file)
    return added, used


def _this_cycle(summaries, cycle_id: str):
    out = []
    for f, s in summaries:
        if cycle_id and s.cycle_id != cycle_id:
            f.outcome, f.other_cycle, f.org_name = NOT_BRANCH, s.cycle_id or "未知", s.committee
            f.reason = (f"属于其他周期的下级党组织汇总表（周期编号 {s.cycle_id or '未填'}，本次为 {cycle_id}），"
                        "未汇总")
            continue
        out.append((f, s))
    return out


def _newest_per_committee(current):
    best: dict[str, tuple[InputFile, LowerSummary]] = {}
    dropped = []
    for f, s in current:
        key = name_key(s.committee) or f.shown
        old = best.get(key)
        if old is None:
            best[key] = (f, s)
            continue
        newer, older = ((f, s), old) if (s.as_of or dt.date.min, s.stamp) > (old[1].as_of or dt.date.min,
                                                                            old[1].stamp) else (old, (f, s))
        best[key] = newer
        dropped.append(older)
    for f, s in dropped:
        nf, ns = best[name_key(s.committee) or f.shown]
        f.outcome, f.org_name = DUPLICATE, s.committee
        f.reason = (f"与 {nf.shown} 是同一党组织（{s.committee}）的汇总表，使用较新的那份"
                    f"（统计日期 {ns.meta.get('统计日期', '')}、生成时间 {ns.stamp}，本文件为 "
                    f"{s.meta.get('统计日期', '')}、{s.stamp}），本文件未汇总")
    return list(best.values())


def _reason(s: LowerSummary) -> str:
    d = s.declared
    text = (f"下级党组织汇总表（{s.committee}，统计日期 {s.meta.get('统计日期', '')}）：含 {len(s.branches)} 个支部"
            f"（名册 {d['支部数']} 个，未报送 {d['未报送']} 个），本级汇总 {s.used} 个")
    if s.duplicates:
        text += f"；{len(s.duplicates)} 个支部已由其他文件报送，不重复计算：" + "；".join(s.duplicates[:5])
        if len(s.duplicates) > 5:
            text += " 等（全部见“校验问题”）"
    return text


def lower_missing(result_lower: list[LowerSummary], lower_roster: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """未报送 rows for the roll-up: lower committees that sent nothing, then, inside each that
    did, the branches it listed as not reported (with the path of committees above them)."""
    sent = {name_key(s.committee) for s in result_lower}
    out = []
    for row in lower_roster:
        if name_key(row.get("org_name") or "") not in sent:
            out.append({**row, "note": f"未收到该{row.get('kind') or '党组织'}的汇总表（其下属支部均未计入）",
                        "parent": "", "refused": [], "committee": True})
    for s in result_lower:
        # a committee further down that sent nothing is one of its own 下级党组织 rows
        deeper = {name_key(cell_text(d.get("org_name"))) for d in s.lower}
        for m in s.missing:
            out.append({**m, "parent": join_path(s.committee, m.get("parent") or ""),
                        "note": f"{s.committee}报告未报送：{m.get('note') or ''}".rstrip("："),
                        "committee": name_key(cell_text(m.get("org_name"))) in deeper})
    return out


def is_silent_committee(row: dict[str, Any]) -> bool:
    """A 未报送 row that is a lower committee which sent no 汇总表 (its branches are not counted)."""
    return bool(row.get("committee")) or is_lower_row(row)


def lower_rows(result) -> list[dict[str, Any]]:
    """下级党组织: one row per lower committee (and the ones below it, from its own sheet).

    Its figures are the per-branch figures (committee/collect.figures, the measures' status
    computed once) grouped by the 汇总表 each branch came in: a pandas groupby over one row
    per branch. A branch of a summary that was counted through another file is not in those
    figures; its few counts are added by hand, so each row describes the whole summary.
    """
    sums = _sums_by_summary(result)
    used = {id(rec) for rec in result.branches}
    rows = []
    for s in result.lower:
        problems, measures, done, long_term = sums.get(s.file, (0, 0, 0, 0))
        for rec in s.branches:
            if id(rec) not in used:
                p, m, d, lt = _branch_sums(rec, result.as_of)
                problems, measures, done, long_term = problems + p, measures + m, done + d, long_term + lt
        countable = measures - long_term
        note = "；".join(s.duplicates[:3]) if s.duplicates else ""
        rows.append({"org_name": s.committee, "parent": "", "branches": s.declared["支部数"],
                     "reported": s.declared["已报送"], "missing": s.declared["未报送"],
                     "problems": problems, "measures": measures,
                     "done": done, "rate": done / countable if countable else None, "as_of": s.as_of,
                     "file": s.file, "note": note})
        for deeper in s.lower:
            rows.append({**deeper, "parent": join_path(s.committee, cell_text(deeper.get("parent"))),
                         "as_of": _date(deeper.get("as_of"))})
    sent = {name_key(s.committee) for s in result.lower}
    for row in result.lower_roster:
        if name_key(row.get("org_name") or "") not in sent:
            rows.append({"org_name": row.get("org_name"), "parent": "", "note": "未报送汇总表"})
    return rows


SUM_COLUMNS = ("问题", "措施", "已完成", "长期坚持")


def _sums_by_summary(result) -> dict[str, tuple[int, int, int, int]]:
    """(问题, 措施, 已完成, 长期坚持) of the counted branches, by the lower 汇总表 they came in."""
    import pandas as pd

    if not result.lower:
        return {}
    per = result.figures["per_branch"]
    frame = pd.DataFrame({"via": [rec.via for rec in result.branches],
                          **{k: [p[k] for p in per] for k in SUM_COLUMNS}})
    table = frame[frame["via"] != ""].groupby("via", sort=False)[list(SUM_COLUMNS)].sum()
    return {via: tuple(int(v) for v in values) for via, values in zip(table.index, table.to_numpy())}


def _branch_sums(rec: BranchRecord, as_of: dt.date) -> tuple[int, int, int, int]:
    from toolkit.core.status import ST_DONE, ST_LONG, measure_status

    states = [measure_status(m.deadline, m.status, m.done_date, as_of) for m in rec.measures]
    return len(rec.problems), len(rec.measures), states.count(ST_DONE), states.count(ST_LONG)
