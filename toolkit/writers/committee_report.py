"""Collected branch records -> 汇总报告.docx, the committee's consolidated report.

Shaped like a committee's report on a round of branch meetings: preparation
figures, how the meetings went (who attended as an ordinary member, who came
to guide), the problems found by category with representative examples from
branches, rectification progress, branches not yet reported, next steps.
Every figure is counted from the collected rows, never typed, so the report
and 汇总表.xlsx cannot disagree. Page and styles come from docx_format
(GB/T 9704).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections import Counter, defaultdict
from pathlib import Path

from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.shared import Mm

from toolkit.committee.model import OTHER_CATEGORY, BranchRecord, CollectResult, Problem
from toolkit.committee.rollup import is_silent_committee
from toolkit.core.keys import name_key
from toolkit.core.status import ST_DONE, ST_LONG, ST_OVERDUE, measure_status
from toolkit.core.values import fold, format_date, percent
from toolkit.core.wording import bare, category_heading, cn_number, lead, title_lines
from toolkit.io.fsutil import atomic_path
from toolkit.schema.meeting_kinds import kind_of
from toolkit.writers.docx_format import STYLE, finish_document, new_gbt9704_document

# Long lists are cut here and summarised ("等N个"), so a report for ten
# thousand branches stays a report.
MAX_NAMES = 20
EXAMPLES_PER_CATEGORY = 3


def _names(items: list[str], unit: str = "个") -> str:
    items = [i for i in items if i]
    if len(items) <= MAX_NAMES:
        return "、".join(items)
    return "、".join(items[:MAX_NAMES]) + f"等{len(items)}{unit}"


def _theme_parts(theme: str) -> list[str]:
    """The theme as title parts that may end a line (学习贯彻 / …思想 / 主题教育)."""
    return title_lines([theme], width=1)


def _sentence(text: str) -> str:
    text = bare(text)
    return text + "。" if text else ""


def _own_words(result: CollectResult) -> tuple[str, ...]:
    """Names and the branches' own problem text: quoted as typed, never reworded."""
    keep = [r.org_name for r in result.branches] + [str(m.get("org_name") or "") for m in result.missing]
    for rec in result.branches:
        for p in rec.problems:
            keep += re.split(r"[。！？；，\n]", f"{p.summary or ''}\n{p.detail or ''}")
    return tuple(k for k in keep if k)


class _Writer:
    def __init__(self, speak=lambda text: text):
        self.doc = new_gbt9704_document()
        self.h1_count = 0
        self.speak = speak  # the meeting kind's words: 领导班子 for 民主生活会 workbooks

    def title(self, *chunks: str) -> None:
        """Lines broken only between chunks (meaning units), each as full as the line allows."""
        para = self.doc.add_paragraph(style=STYLE.title)
        for i, line in enumerate(title_lines([c for c in chunks if c])):
            if i:
                para.add_run().add_break()
            para.add_run(line)
        self.doc.add_paragraph("", style=STYLE.no_indent)

    def addressee(self, text: str) -> None:
        """主送机关 (GB/T 9704 §7.2.4), flush left under the title, ending with a full-width colon."""
        if text:
            self.doc.add_paragraph(text.rstrip("：:") + "：", style=STYLE.addressee)

    def h1(self, text: str) -> None:
        self.h1_count += 1
        self.doc.add_paragraph(f"{cn_number(self.h1_count)}、{self.speak(text)}", style=STYLE.h1)

    def h2_lead(self, lead: str, body: str) -> None:
        """（一）方面。 in 楷体 followed by body text in the same paragraph (as seed 000 does)."""
        para = self.doc.add_paragraph(style=STYLE.body)
        para.add_run(self.speak(lead), style=STYLE.h2_run)
        if body:
            para.add_run(self.speak(body))

    def para(self, text: str) -> None:
        if text:
            self.doc.add_paragraph(self.speak(text), style=STYLE.body)

    def signature(self, *lines: str) -> None:
        self.doc.add_paragraph("", style=STYLE.no_indent)
        for line in lines:
            if line:
                self.doc.add_paragraph(line, style=STYLE.signature)


def write_committee_report(result: CollectResult, path: str | os.PathLike, *,
                           report_date: dt.date | None = None) -> Path:
    """Write 汇总报告.docx for a collect result."""
    path = Path(path)
    fig = result.figures
    info = result.cycle_info
    superior = info.get("superior") or "党委"
    meeting = info.get("meeting_type") or "组织生活会"
    year = info.get("year")
    terms = kind_of(meeting).terms
    keep = _own_words(result) if terms.rewording else ()
    w = _Writer(lambda text: terms.speak(text, keep=keep))
    theme = info.get("theme") or ""
    if meeting.startswith("专题") and theme:  # a 专题 meeting is named by its theme, not "年度"
        w.title(superior, "关于", *_theme_parts(theme), meeting, "召开情况的报告")
    else:
        w.title(superior, f"关于{year}年度" if year else "关于", meeting, "召开情况的报告")
    w.addressee(info.get("report_to") or "")

    basis = f"《{info['basis_title']}》" if info.get("basis_title") else "上级有关通知"
    if info.get("basis_number"):
        basis += f"（{info['basis_number']}）"
    deadline = info.get("deadline")
    when = f"于{format_date(deadline)}前" if isinstance(deadline, dt.date) else ""
    # Only branches that sent their material are known to have met: with some
    # missing, the opening says what was required and who reported.
    rollup = bool(result.lower or result.lower_roster)
    if rollup:
        opening = _rollup_opening(result, f"按照{basis}要求，{superior}", f"{when}召开{theme}{meeting}")
    elif fig["未报送"]:
        opening = (f"按照{basis}要求，{superior}部署所属{fig['支部数']}个党支部{when}召开"
                   f"{theme}{meeting}。截至{format_date(result.as_of)}，已有{fig['已报送']}个党支部召开会议并报送了材料，"
                   f"{fig['未报送']}个党支部尚未报送。")
    elif result.roster:
        opening = (f"按照{basis}要求，{superior}所属{fig['支部数']}个党支部{when}组织召开了"
                   f"{theme}{meeting}，截至{format_date(result.as_of)}均已报送会议材料。")
    else:  # no cycle roster: who has not reported cannot be known, so it is not claimed
        opening = (f"按照{basis}要求，{superior}部署所属党支部{when}召开{theme}{meeting}。"
                   f"截至{format_date(result.as_of)}，共收到{fig['已报送']}个党支部报送的会议材料。")
    w.para(opening + "现将汇总情况报告如下：")

    if rollup:  # a higher committee's report: one level up (rollup_sections)
        rollup_sections(w, result)
    _preparation(w, result)
    _meetings(w, result)
    _problems(w, result)
    _rectification(w, result)
    if rollup:
        _not_reported_by_level(w, result)
    else:
        _not_reported(w, result)
    _next_steps(w, result)
    w.signature(superior, format_date(report_date or result.as_of))
    finish_document(w.doc, author=superior)  # its own title and author; the 落款 laid out per GB/T

    with atomic_path(path) as tmp:
        w.doc.save(str(tmp))
    return path


def _preparation(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("会前准备情况")
    meeting = result.cycle_info.get("meeting_type") or "组织生活会"
    studied = sum(1 for r in result.branches if r.counts.get("学习研讨"))
    w.h2_lead("（一）学习研讨。",
              f"{studied}个党支部会前开展了集中学习、专题党课、研讨交流等学习研讨，共{fig['学习研讨']}次，"
              f"为开好{meeting}打牢了思想基础。" if fig["学习研讨"] else "各党支部报送的材料中未填写会前学习研讨情况。")
    adopted = sum(r.counts.get("纳入问题清单", 0) for r in result.branches)
    talked = sum(1 for r in result.branches if r.counts.get("谈心谈话"))
    parts = []
    if fig["征求意见"]:
        parts.append(f"各党支部共征求到意见建议{fig['征求意见']}条" + (f"，其中纳入问题清单{adopted}条" if adopted else ""))
    if fig["谈心谈话"]:
        parts.append(f"{talked}个党支部共开展谈心谈话{fig['谈心谈话']}人次")
    if parts:
        w.h2_lead("（二）征求意见和谈心谈话。", "；".join(parts) + "。")
    with_problems = sum(1 for r in result.branches if r.problems)
    unplanned = sum(1 for r in result.branches for p in r.problems
                    if p.pid not in {m.pid for m in r.measures})
    planned = (f"针对问题制定整改措施{fig['措施']}条，明确了责任人和整改时限"
               + (f"；还有{unplanned}个问题尚未制定整改措施" if unplanned else ""))
    w.h2_lead(f"（{cn_number(3 if parts else 2)}）检视剖析问题。",
              f"{with_problems}个党支部对照本次会议主题形成了问题清单，共查摆问题{fig['问题']}条，{planned}。")


def _meetings(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("会议召开情况")
    meeting = result.cycle_info.get("meeting_type") or "组织生活会"
    absent = f"；因故缺席{fig['请假']}人，均已说明原因" if fig["请假"] else ""
    w.para(f"已报送的{fig['已报送']}个党支部{_meeting_span(result)}了{meeting}。应参会党员{fig['应到']}人，"
           f"实到{fig['实到']}人，参会率{percent(fig['实到'], fig['应到'])}{absent}。")
    w.para(_how_run(result))
    w.para(_guests_paragraph(result) or "各党支部报送的材料中未填写上级领导参加或出席指导的情况。")
    appraisal = _appraisal_paragraph(fig)
    if appraisal:
        w.para(appraisal)


def _meeting_span(result: CollectResult) -> str:
    """召开 / 于2023年8月24日召开 / 于2023年8月24日至9月8日相继召开."""
    dates = sorted(r.info["meeting_date"] for r in result.branches
                   if isinstance(r.info.get("meeting_date"), dt.date))
    if not dates:
        return "召开"
    first, last = format_date(dates[0]), format_date(dates[-1])
    if dates[0].year == dates[-1].year:  # 2023年8月24日至9月8日, the year said once
        last = last.removeprefix(f"{dates[-1].year}年")
    return f"于{first}召开" if dates[0] == dates[-1] else f"于{first}至{last}相继召开"


def _how_run(result: CollectResult) -> str:
    """How the meetings went (seed 000), each clause backed by how many branches' rows show it."""
    n = len(result.branches)
    previous = sum(1 for r in result.branches if r.counts.get("上次整改"))
    criticised = [r.counts.get("相互批评", 0) for r in result.branches if r.counts.get("相互批评")]
    who = lambda k: "各党支部" if k == n else f"{k}个党支部"  # noqa: E731
    text = "会上，各党支部书记代表支部委员会作对照检查，通报支部班子查摆的问题"
    if previous:
        text += f"，{who(previous)}通报了上一次组织生活会问题整改落实情况" if previous < n else "和上一次整改落实情况"
    text += "；党员逐一作个人对照检查发言"
    if criticised:
        text += f"，{who(len(criticised))}开展相互批评共{sum(criticised)}人次"
    else:
        text += "，开展批评和自我批评"
    return text + "。"


def _guest_items(branches: list[BranchRecord]) -> tuple[list[str], dict[str, list[str]], int]:
    """Who came as an ordinary member (a clause each), who came to guide (-> branches), how many observed."""
    ordinary: list[str] = []
    guidance: dict[str, list[str]] = defaultdict(list)
    observers = 0
    for rec in branches:
        org = rec.org_name or rec.branch_id
        for guest in rec.guests:
            if guest.mode == "以普通党员身份参加":
                ordinary.append(f"{guest.title}{guest.name}同志以普通党员身份参加{org}的组织生活会")
            elif guest.mode == "出席指导":
                guidance[f"{guest.title}{guest.name}"].append(org)
            elif guest.mode == "列席":
                observers += 1
    return ordinary, guidance, observers


def _guests_paragraph(result: CollectResult) -> str:
    """Who came as an ordinary member, who came to guide, how many observed; "" when nobody.

    One level up it is told per lower committee (_guests_by_level): a 局长 is read with his 局."""
    if result.lower or result.lower_roster:
        return _guests_by_level(result)
    ordinary, guidance, observers = _guest_items(result.branches)
    parts = []
    if ordinary:
        shown = "，".join(ordinary[:MAX_NAMES])
        if len(ordinary) > MAX_NAMES:
            shown += f"等，共{len(ordinary)}人次"
        parts.append(f"{shown}，落实了党员领导干部双重组织生活制度。")
    if guidance:
        items = [f"{name}同志出席指导了{_names(orgs)}" for name, orgs in guidance.items()]
        shown = "，".join(items[:MAX_NAMES])
        if len(items) > MAX_NAMES:
            shown += f"等，共{len(items)}位同志"
        parts.append(f"{shown}的组织生活会，加强了对基层党支部的监督指导。")
    if observers:
        parts.append(f"另有{observers}人次列席有关党支部会议。")
    return "".join(parts)


def _appraisal_paragraph(fig: dict) -> str:
    ev = fig["评议"]
    grades = ("优秀", "合格", "基本合格", "不合格")
    rated = sum(ev[g] for g in grades)
    if not rated:
        return ""
    # Only branches that filled in grades held the appraisal: "各党支部同步" would overstate it.
    held = sum(1 for p in fig["per_branch"] if any(p.get(g) for g in grades))
    who = "各党支部" if held == fig["已报送"] else f"{held}个党支部"
    shown = "、".join(f"{g}{ev[g]}人" for g in grades if ev[g])  # a 0 count is left out, not read aloud
    not_rated = f"，预备党员等不评定等次{ev['不评定']}人" if ev["不评定"] else ""
    return f"{who}在会上开展了民主评议党员，参评党员{rated}人，评定为{shown}{not_rated}。"


def excerpt(text: str, limit: int = 90) -> str:
    """Whole sentences of a 具体表现, as many as fit in ``limit`` characters (at least one)."""
    sentences = re.findall(r"[^。！？；]+[。！？；]?", text)
    out = ""
    for sentence in sentences:
        if out and len(out) + len(sentence) > limit:
            break
        out += sentence
    if len(out) > limit * 1.5:  # one very long sentence: stop at a comma
        cut = out.rfind("，", 0, limit)
        out = out[:cut if cut > 20 else limit] + "……"
    out = out.rstrip("；;，, ")
    return out if not out or out.endswith(("。", "！", "？", "……")) else out + "。"


def representative(problems: list[tuple[str, Problem]], n: int,
                   quoted: Counter | None = None) -> list[tuple[str, Problem, int]]:
    """班子 problems most branches share (by 问题概述), one example each.

    Among equally shared ones, branches quoted least so far come first (``quoted``
    counts quotes across categories), so every branch is represented before any
    branch is quoted twice. A member's own problem is never quoted as a branch's.
    """
    quoted = quoted if quoted is not None else Counter()
    groups: dict[str, list[tuple[str, Problem]]] = defaultdict(list)
    for org, p in problems:
        if p.summary and p.level != "党员个人":
            groups[fold(p.summary)].append((org, p))
    picked: list[tuple[str, Problem, int]] = []
    left = list(groups.values())
    while left and len(picked) < n:
        # most shared first; then the branch quoted least; stable for the rest
        best = min(left, key=lambda g: (-len({o for o, _ in g}), min(quoted[o] for o, _ in g)))
        left.remove(best)
        org, p = min(best, key=lambda item: quoted[item[0]])
        picked.append((org, p, len({o for o, _ in best})))
        quoted[org] += 1
    return picked


def _problems(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("查摆问题情况")
    split = (f"，其中支部班子问题{fig['支部班子问题']}条、党员个人问题{fig['党员个人问题']}条"
             if fig["支部班子问题"] and fig["党员个人问题"] else "")
    w.para(f"各党支部共查摆问题{fig['问题']}条{split}。{_most_common(result)}按类别分布如下（所举事例均为支部班子问题）：")
    quoted: Counter = Counter()
    label = branch_label(result)
    by_cat: dict[str, list[tuple[str, Problem]]] = defaultdict(list)
    for rec in result.branches:
        for p in rec.problems:
            cat = p.category if p.category in result.categories else OTHER_CATEGORY
            by_cat[cat].append((label(rec), p))
    i = 0
    for cat in (*result.categories, OTHER_CATEGORY):
        items = by_cat.get(cat)
        if not items:
            continue
        i += 1
        label = cat if cat == OTHER_CATEGORY else category_heading(cat)
        head = f"（{cn_number(i)}）{label}。"
        body = f"共{len(items)}条，占{percent(len(items), fig['问题'])}。"
        examples = representative(items, EXAMPLES_PER_CATEGORY, quoted)
        if not examples:  # every problem of the category is a member's own: counted, never quoted
            body += "均为党员个人查摆的问题。"
        for k, (org, p, shared) in enumerate(examples, start=1):
            body += f"{lead(k) if len(examples) > 1 else ''}{_sentence(p.summary)}"
            detail = excerpt(re.sub(r"^(比如|例如|如)[，,：:]?", "", (p.detail or "").strip().replace("\n", "")))
            example = f"如{org}：{detail}" if detail else f"（{org}）"
            if shared > 1:
                example = f"{shared}个党支部查摆了此类问题，{example}"
            body += example
        w.h2_lead(head, body)


def _most_common(result: CollectResult) -> str:
    """One level up, the categories with most problems across the whole tree lead the section."""
    if not (result.lower or result.lower_roster):
        return ""
    counts = Counter({c: n for c, n in result.figures["类别"].items() if n and c != OTHER_CATEGORY})
    top = counts.most_common(3)
    if len(top) < 2:
        return ""
    return ("从各层级汇总看，问题较多集中在" + "、".join(f"{category_heading(c)}（{n}条）" for c, n in top) + "。")


def _progress_sentence(result: CollectResult) -> str:
    fig = result.figures
    countable = fig["措施"] - fig["长期坚持"]
    long_term = f"（长期坚持的{fig['长期坚持']}条不计入）" if fig["长期坚持"] else ""
    # Zero counts are left out: the next paragraph already says when nothing is overdue.
    # 未启动 is not 正在推进: each said apart, then the deadlines of those still open
    rest = "、".join(t for t in (f"正在推进{fig['推进中']}条" if fig["推进中"] else "",
                                f"尚未启动{fig['未启动']}条" if fig["未启动"] else "") if t)
    due = "，".join(t for t in (f"10天内到期{fig['10天内到期']}条" if fig["10天内到期"] else "",
                               f"已超过整改时限仍未完成{fig['逾期']}条" if fig["逾期"] else "") if t)
    if due:
        rest = f"{rest}；未完成的措施中，{due}" if rest else due
    return (f"各党支部针对查摆出的问题共制定整改措施{fig['措施']}条。截至{format_date(result.as_of)}，"
            f"已完成{fig['已完成']}条，整改完成率{percent(fig['已完成'], countable)}{long_term}"
            + (f"；{rest}。" if rest else "。"))


def _rectification(w: _Writer, result: CollectResult) -> None:
    w.h1("整改落实情况")
    w.para(_progress_sentence(result))
    overdue = Counter()
    label = branch_label(result)
    for rec in result.branches:
        n = sum(1 for m in rec.measures if measure_status(m.deadline, m.status, m.done_date, result.as_of) == ST_OVERDUE)
        if n:
            overdue[label(rec)] = n
    if overdue:
        top = [f"{org}（{n}条）" for org, n in overdue.most_common()]
        w.para(f"逾期未完成的整改措施涉及{len(overdue)}个党支部：{_names(top)}，需督促限期整改到位。")
    else:
        w.para("目前没有逾期未完成的整改措施。")
    image = _chart_png(result)
    if image is not None:
        para = w.doc.add_paragraph(style=STYLE.no_indent)
        # the body's fixed 28 pt line height would crop an inline picture to one line
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        para.add_run().add_picture(image, width=Mm(150))
        caption = w.doc.add_paragraph("图　查摆问题类别分布与整改进度", style=STYLE.no_indent)
        caption.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER


def _not_reported(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("材料报送情况")
    if not result.roster:
        w.para(f"本次共收到{fig['已报送']}个党支部的填报表（未提供支部名册，无法核对未报送的支部）。")
    elif result.missing:
        # collect knows which branches sent nothing and which sent files it could not use: say which.
        sent_nothing = [b.get("org_name") or b.get("branch_id") for b in result.missing if not b.get("refused")]
        unusable = [b.get("org_name") or b.get("branch_id") for b in result.missing if b.get("refused")]
        clauses = []
        for names, what in ((sent_nothing, "尚未报送材料"), (unusable, "报送的文件无法使用，需重新报送")):
            if names:
                who = names[0] if len(names) == 1 else f"{_names(names)}共{len(names)}个党支部"
                clauses.append(f"{who}{what}")
        w.para(f"截至{format_date(result.as_of)}，{'；'.join(clauses)}。")
    else:
        w.para(f"支部名册中的{fig['支部数']}个党支部均已报送材料。")
    with_errors = [r.org_name or r.branch_id for r in result.branches if r.errors]
    if with_errors:
        w.para(f"{_names(with_errors)}共{len(with_errors)}个党支部的填报表存在需要更正的内容，"
               f"其可读取部分已纳入汇总，具体问题见汇总表“校验问题”工作表。")


# --- one level up: a higher committee's report -----------------------------------------

def _home_committees(result: CollectResult) -> dict[tuple[str, str], str]:
    """(支部编号, name key) -> the lower committee whose 汇总表 carried the branch, so a
    branch that also sent its workbook straight up is still told with its committee."""
    home: dict[tuple[str, str], str] = {}
    for summary in result.lower:
        for rec in summary.branches:
            home.setdefault((rec.branch_id, name_key(rec.org_name)), summary.committee)
    return home


def _committee_of(rec: BranchRecord, home: dict[tuple[str, str], str]) -> str:
    """The lower committee right under the top a branch belongs to; "" for the top's own."""
    if rec.parent:
        return rec.parent.split(" > ")[0].strip()
    return home.get((rec.branch_id, name_key(rec.org_name)), "")


def branch_label(result: CollectResult):
    """How the report names a branch. One level up, a name two committees share (each
    may have an 办公室党支部) is told with its committee; other names stay short."""
    home = _home_committees(result) if result.lower else {}
    shared = {k for k, n in Counter(name_key(r.org_name) for r in result.branches).items() if n > 1}

    def label(rec: BranchRecord) -> str:
        org = rec.org_name or rec.branch_id
        above = _committee_of(rec, home) if name_key(rec.org_name) in shared else ""
        return f"{above}{org}" if above else org
    return label


def _split_missing(result: CollectResult) -> tuple[list[dict], dict[str, list[dict]], list[dict]]:
    """未报送 by level: lower committees silent, branches each lower committee listed, own branches."""
    silent, own = [], []
    below: dict[str, list[dict]] = defaultdict(list)
    for row in result.missing:
        if is_silent_committee(row) and not row.get("parent"):
            silent.append(row)
        elif row.get("parent"):
            below[str(row["parent"]).split(" > ")[0].strip()].append(row)
        else:
            own.append(row)
    return silent, below, own


def _rollup_opening(result: CollectResult, lead: str, what: str) -> str:
    """按照…要求，X部署所属3个下级党组织和1个直属党支部…召开…；what was received, per level."""
    fig = result.figures
    silent, below, own = _split_missing(result)
    scope = "和".join(t for t in (f"{len(result.lower_roster)}个下级党组织" if result.lower_roster else "",
                                  f"{len(result.roster)}个直属党支部" if result.roster else "") if t)
    text = (f"{lead}部署所属{scope}{what}。截至{format_date(result.as_of)}，"
            f"收到{len(result.lower)}个下级党组织报送的汇总表")
    if silent:
        text += f"，{len(silent)}个下级党组织尚未报送"
    text += f"；汇总后共有{fig['已报送']}个党支部召开会议并报送了材料（同一党支部经不同渠道报送的只计一次）"
    waiting = sum(len(rows) for rows in below.values()) + len(own)
    if waiting:
        text += f"，另有{waiting}个党支部尚未报送"
    return text + "。"


def _rate(row: dict) -> str:
    """The 下级党组织 sheet's 整改完成率 (已完成 ÷ 整改措施中不属长期坚持的), printed like percent()."""
    rate = row.get("rate")
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _lower_paragraph(row: dict, summary) -> str:
    """One lower committee's figures, as its row of 下级党组织 gives them."""
    expected = sum(r.counts.get("应到", 0) for r in summary.branches)
    present = sum(r.counts.get("实到", 0) for r in summary.branches)
    reported = (f"所属{row['branches']}个党支部，已报送{row['reported']}个、未报送{row['missing']}个"
                if row["missing"] else f"所属{row['branches']}个党支部均已报送")
    text = (f"{reported}；"
            f"应参会党员{expected}人，实到{present}人，参会率{percent(present, expected)}；"
            f"查摆问题{row['problems']}条，制定整改措施{row['measures']}条，已完成{row['done']}条，"
            f"整改完成率{_rate(row)}（统计截至"
            f"{format_date(row['as_of']) if row.get('as_of') else '日期未注明'}）。")
    again = len(summary.branches) - summary.used
    if again:
        text += f"其中{again}个党支部的材料也直接报送了本级，只计算一次。"
    return text


def _own_paragraph(result: CollectResult, own: list[BranchRecord], waiting: int) -> str:
    measures = [m for rec in own for m in rec.measures]
    done = sum(1 for m in measures if measure_status(m.deadline, m.status, m.done_date, result.as_of) == ST_DONE)
    countable = len(measures) - sum(1 for m in measures
                                    if measure_status(m.deadline, m.status, m.done_date, result.as_of) == ST_LONG)
    expected = sum(r.counts.get("应到", 0) for r in own)
    present = sum(r.counts.get("实到", 0) for r in own)
    return (f"直属党支部{len(result.roster)}个，已报送{len(own)}个" + (f"、未报送{waiting}个" if waiting else "")
            + f"；应参会党员{expected}人，实到{present}人；查摆问题{sum(len(r.problems) for r in own)}条，"
              f"制定整改措施{len(measures)}条，已完成{done}条，整改完成率{percent(done, countable)}。")


def rollup_sections(w: _Writer, result: CollectResult) -> None:
    """A higher committee's section: a paragraph per lower committee (the figures of its row
    in 下级党组织, rollup.lower_rows), then the top's own branches."""
    from toolkit.committee.rollup import lower_rows

    home = _home_committees(result)
    summaries = {name_key(s.committee): s for s in result.lower}
    _, _, own_missing = _split_missing(result)
    w.h1("各下级党组织汇总情况")
    i = 0
    order = [name_key(r.get("org_name")) for r in result.lower_roster]
    rows = [r for r in lower_rows(result) if not r.get("parent")]  # deeper ones are inside their parent's
    for row in sorted(rows, key=lambda r: order.index(name_key(r.get("org_name")))
                      if name_key(r.get("org_name")) in order else len(order)):
        i += 1
        summary = summaries.get(name_key(row.get("org_name")))
        body = (_lower_paragraph(row, summary) if summary is not None
                else "尚未报送汇总表，其所属党支部的情况未纳入本次汇总。")
        w.h2_lead(f"（{cn_number(i)}）{row['org_name']}。", body)
    own = [rec for rec in result.branches if not _committee_of(rec, home)]
    if result.roster or own:
        w.h2_lead(f"（{cn_number(i + 1)}）本级直属党支部。", _own_paragraph(result, own, len(own_missing)))


def _guests_by_level(result: CollectResult) -> str:
    """Leaders who attended, told per lower committee and for the top's own branches."""
    home = _home_committees(result)
    groups: dict[str, list[BranchRecord]] = defaultdict(list)
    for rec in result.branches:
        groups[_committee_of(rec, home)].append(rec)
    order = [r.get("org_name") or "" for r in result.lower_roster] + [""]
    parts, observers, ordinary, guided = [], 0, 0, 0
    for committee in sorted(groups, key=lambda c: order.index(c) if c in order else len(order)):
        attended, guidance, seen = _guest_items(groups[committee])
        observers += seen
        ordinary += len(attended)
        guided += len(guidance)
        items = attended + [f"{name}同志出席指导了{_names(orgs)}的组织生活会" for name, orgs in guidance.items()]
        if items:
            shown = "，".join(items[:MAX_NAMES]) + (f"等{len(items)}项" if len(items) > MAX_NAMES else "")
            parts.append(f"{committee or '本级直属党支部'}：{shown}")
    if not parts:
        return ""
    effects = "；".join(t for t in (f"{ordinary}人次以普通党员身份参加，落实了党员领导干部双重组织生活制度"
                                    if ordinary else "",
                                    f"{guided}位同志出席指导，加强了对基层党支部的监督指导" if guided else "") if t)
    text = "各级领导干部参加和指导党支部组织生活会的情况如下。" + "；".join(parts) + f"。以上{effects}。"
    if observers:
        text += f"另有{observers}人次列席有关党支部会议。"
    return text


def _not_reported_by_level(w: _Writer, result: CollectResult) -> None:
    """Who has not reported, level by level: lower committees silent, the branches each lower
    committee listed as not reported, the top's own branches."""
    w.h1("材料报送情况")
    silent, below, own = _split_missing(result)
    clauses = []
    if silent:
        clauses.append(f"{_names([r.get('org_name') or r.get('branch_id') for r in silent])}尚未报送汇总表")
    for committee, rows in below.items():
        clauses.append(f"{committee}报告其所属{_names([r.get('org_name') or r.get('branch_id') for r in rows])}"
                       f"尚未报送材料")
    if own:
        clauses.append(f"本级直属的{_names([r.get('org_name') or r.get('branch_id') for r in own])}尚未报送材料")
    if clauses:
        w.para(f"截至{format_date(result.as_of)}，{'；'.join(clauses)}。名单和联系人见汇总表“未报送”工作表。")
    else:
        w.para("各下级党组织均已报送汇总表，名册中的党支部均已报送材料。")
    with_errors = [r.org_name or r.branch_id for r in result.branches if r.errors]
    if with_errors:
        w.para(f"{_names(with_errors)}共{len(with_errors)}个党支部的填报表存在需要更正的内容，"
               f"其可读取部分已纳入汇总，具体问题见汇总表“校验问题”工作表。")


def _next_steps(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("下一步工作")
    steps = []
    if result.lower or result.lower_roster:
        silent, below, own = _split_missing(result)
        waiting = sum(len(rows) for rows in below.values()) + len(own)
        who = "、".join(t for t in (f"{len(silent)}个下级党组织报送汇总表" if silent else "",
                                   f"{waiting}个党支部补报材料" if waiting else "") if t)
        if who:
            steps.append(f"督促{who}，确保会议全覆盖。")
    elif fig["未报送"]:
        names = [b.get("org_name") or b.get("branch_id") for b in result.missing]
        who = names[0] if len(names) == 1 else f"{fig['未报送']}个未报送的党支部"
        steps.append(f"督促{who}尽快补报材料，确保会议全覆盖。")
    due = "和".join(t for t in (f"已逾期的{fig['逾期']}条" if fig["逾期"] else "",
                                f"10天内到期的{fig['10天内到期']}条" if fig["10天内到期"] else "") if t)
    if due:
        steps.append(f"对{due}整改措施逐项跟踪，压实责任人责任，按期对账销号。")
    steps.append("对已完成的整改事项组织核查验收，防止问题反弹；对长期坚持的事项建立常态化落实机制。")
    steps.append("将各支部整改落实情况纳入年度党建工作考核，推动整改成果转化为工作成效。")
    w.para("".join(f"{lead(k)}{s}" for k, s in enumerate(steps, start=1)))


# --- chart ----------------------------------------------------------------------------

def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs (Noto Sans CJK SC preferred), or None."""
    import shutil
    import subprocess

    fc = shutil.which("fc-match")
    if fc:
        for family in ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", "AR PL UKai CN"):
            try:
                out = subprocess.run([fc, "-f", "%{file}\n%{family}", family], capture_output=True,
                                     text=True, timeout=10).stdout
            except (OSError, subprocess.SubprocessError):
                break
            file, _, fam = out.partition("\n")
            if file and family.split()[0].lower() in fam.lower() and Path(file).exists():
                return file
    try:
        from matplotlib import font_manager

        for f in font_manager.fontManager.ttflist:
            if "CJK" in f.name or "Hei" in f.name or "Kai" in f.name:
                return f.fname
    except Exception:
        return None
    return None


def _chart_png(result: CollectResult) -> io.BytesIO | None:
    """Problems by category and measures by status, as a PNG; None when no CJK font or no data."""
    fig_data = result.figures
    if not fig_data["问题"] and not fig_data["措施"]:
        return None
    font_path = cjk_font_path()
    if not font_path:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import font_manager

        font_manager.fontManager.addfont(font_path)
        font = font_manager.FontProperties(fname=font_path)
        cats = [c for c in (*result.categories, OTHER_CATEGORY) if fig_data["类别"].get(c)]
        counts = [fig_data["类别"][c] for c in cats]
        statuses = ["已完成", "长期坚持", "正常", "10天内到期", "逾期", "未填时限"]
        labels = ["已完成", "长期坚持", "未到期", "10天内到期", "已逾期", "未填时限"]
        values = [fig_data[s] for s in statuses]
        colours = ["#4E9A44", "#5B8DC9", "#A5A5A5", "#E6A23C", "#C0392B", "#7F7F7F"]
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=150)
        left.bar(range(len(cats)), counts, color="#9E1B1B")
        left.set_xticks(range(len(cats)))
        left.set_xticklabels([c if len(c) <= 6 else c[:5] + "…" for c in cats], fontproperties=font,
                             rotation=30 if len(cats) > 5 else 0, fontsize=9)
        for x, v in enumerate(counts):
            left.annotate(str(v), (x, v), ha="center", va="bottom", fontsize=8)
        left.set_title("查摆问题按类别分布（条）", fontproperties=font, fontsize=12)
        left.spines[["top", "right"]].set_visible(False)
        shown = [(label, v, c) for label, v, c in zip(labels, values, colours) if v]
        right.barh([label for label, _, _ in shown], [v for _, v, _ in shown], color=[c for _, _, c in shown])
        right.set_yticks(range(len(shown)))
        right.set_yticklabels([label for label, _, _ in shown], fontproperties=font, fontsize=9)
        right.invert_yaxis()
        for y, (_, v, _) in enumerate(shown):
            right.annotate(str(v), (v, y), ha="left", va="center", fontsize=8)
        right.set_title(f"整改措施进度（截至{format_date(result.as_of)}）", fontproperties=font, fontsize=12)
        right.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        buf.seek(0)
        return buf
    except Exception:
        return None
