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

from toolkit.committee.model import OTHER_CATEGORY, CollectResult, Problem
from toolkit.core.status import ST_OVERDUE, measure_status
from toolkit.core.values import fold, format_date, percent
from toolkit.core.wording import TITLE_LINE_WIDTH, bare, category_heading, cn_number, lead, title_width
from toolkit.io.fsutil import atomic_path
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


def _sentence(text: str) -> str:
    text = bare(text)
    return text + "。" if text else ""


class _Writer:
    def __init__(self):
        self.doc = new_gbt9704_document()
        self.h1_count = 0

    def title(self, *chunks: str) -> None:
        """One line when it fits; else two lines broken between chunks (meaning units), as even as can be."""
        chunks = tuple(c for c in chunks if c)
        para = self.doc.add_paragraph(style=STYLE.title)
        if title_width("".join(chunks)) <= TITLE_LINE_WIDTH or len(chunks) < 2:
            para.add_run("".join(chunks))
        else:
            k = min(range(1, len(chunks)), key=lambda i: max(title_width("".join(chunks[:i])),
                                                             title_width("".join(chunks[i:]))))
            para.add_run("".join(chunks[:k]))
            para.add_run().add_break()
            para.add_run("".join(chunks[k:]))
        self.doc.add_paragraph("", style=STYLE.no_indent)

    def h1(self, text: str) -> None:
        self.h1_count += 1
        self.doc.add_paragraph(f"{cn_number(self.h1_count)}、{text}", style=STYLE.h1)

    def h2_lead(self, lead: str, body: str) -> None:
        """（一）方面。 in 楷体 followed by body text in the same paragraph (as seed 000 does)."""
        para = self.doc.add_paragraph(style=STYLE.body)
        para.add_run(lead, style=STYLE.h2_run)
        if body:
            para.add_run(body)

    def para(self, text: str) -> None:
        if text:
            self.doc.add_paragraph(text, style=STYLE.body)

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
    w = _Writer()
    w.title(superior, f"关于{year}年度" if year else "关于", meeting, "召开情况的报告")

    basis = f"《{info['basis_title']}》" if info.get("basis_title") else "上级有关通知"
    if info.get("basis_number"):
        basis += f"（{info['basis_number']}）"
    deadline = info.get("deadline")
    theme = info.get("theme") or ""
    when = f"于{format_date(deadline)}前" if isinstance(deadline, dt.date) else ""
    # Only branches that sent their material are known to have met: with some
    # missing, the opening says what was required and who reported.
    if fig["未报送"]:
        opening = (f"按照{basis}要求，{superior}部署所属{fig['支部数']}个党支部{when}召开"
                   f"{theme}{meeting}。截至{format_date(result.as_of)}，已有{fig['已报送']}个党支部召开会议并报送了材料，"
                   f"{fig['未报送']}个党支部尚未报送。")
    else:
        opening = (f"按照{basis}要求，{superior}所属{fig['支部数']}个党支部{when}组织召开了"
                   f"{theme}{meeting}，截至{format_date(result.as_of)}均已报送会议材料。")
    w.para(opening + "现将汇总情况报告如下：")

    if result.lower or result.lower_roster:  # a higher committee's report: one level up (rollup_sections)
        rollup_sections(w, result)
    _preparation(w, result)
    _meetings(w, result)
    _problems(w, result)
    _rectification(w, result)
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
    forms_total = fig["学习研讨"]
    per_branch = forms_total / fig["已报送"] if fig["已报送"] else 0
    w.h2_lead("（一）学习研讨。",
              f"各党支部会前共开展集中学习、专题党课、研讨交流等学习研讨{forms_total}次，"
              f"平均每个支部{per_branch:.1f}次，为开好{result.cycle_info.get('meeting_type') or '组织生活会'}"
              f"打牢了思想基础。")
    adopted = sum(r.counts.get("纳入问题清单", 0) for r in result.branches)
    w.h2_lead("（二）征求意见和谈心谈话。",
              f"各党支部共征求到意见建议{fig['征求意见']}条，其中纳入问题清单{adopted}条；"
              f"支部班子成员之间、班子成员与党员之间共开展谈心谈话{fig['谈心谈话']}人次。")
    with_problems = sum(1 for r in result.branches if r.problems)
    w.h2_lead("（三）检视剖析问题。",
              f"{with_problems}个党支部对照本次会议主题形成了问题清单，共查摆问题{fig['问题']}条，"
              f"并逐条制定了整改措施{fig['措施']}条，明确了责任人和整改时限。")


def _meetings(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("会议召开情况")
    meeting = result.cycle_info.get("meeting_type") or "组织生活会"
    absent = f"；因故缺席{fig['请假']}人，均已说明原因" if fig["请假"] else ""
    w.para(f"已报送的{fig['已报送']}个党支部{_meeting_span(result)}了{meeting}。应参会党员{fig['应到']}人，"
           f"实到{fig['实到']}人，参会率{percent(fig['实到'], fig['应到'])}{absent}。")
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


def _guests_paragraph(result: CollectResult) -> str:
    """Who came as an ordinary member, who came to guide, how many observed; "" when nobody."""
    ordinary: list[str] = []
    guidance: dict[str, list[str]] = defaultdict(list)
    observers = 0
    for rec in result.branches:
        org = rec.org_name or rec.branch_id
        for guest in rec.guests:
            if guest.mode == "以普通党员身份参加":
                ordinary.append(f"{guest.name}同志以普通党员身份参加{org}的组织生活会")
            elif guest.mode == "出席指导":
                guidance[guest.name].append(org)
            elif guest.mode == "列席":
                observers += 1
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


def representative(problems: list[tuple[str, Problem]], n: int) -> list[tuple[str, Problem, int]]:
    """The problems most branches share (by 问题概述), one example each, else distinct branches first."""
    groups: dict[str, list[tuple[str, Problem]]] = defaultdict(list)
    for org, p in problems:
        if p.summary:
            groups[fold(p.summary)].append((org, p))
    # stable sort: equally shared problems keep the order branches listed them in
    ranked = sorted(groups.values(), key=lambda g: -len({o for o, _ in g}))
    picked, orgs = [], set()
    for group in ranked:
        org, p = next(((o, q) for o, q in group if o not in orgs), group[0])
        picked.append((org, p, len({o for o, _ in group})))
        orgs.add(org)
        if len(picked) == n:
            break
    return picked


def _problems(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("查摆问题情况")
    w.para(f"各党支部共查摆问题{fig['问题']}条，其中支部班子问题{fig['支部班子问题']}条、"
           f"党员个人问题{fig['党员个人问题']}条。按类别分布如下：")
    by_cat: dict[str, list[tuple[str, Problem]]] = defaultdict(list)
    for rec in result.branches:
        for p in rec.problems:
            cat = p.category if p.category in result.categories else OTHER_CATEGORY
            by_cat[cat].append((rec.org_name or rec.branch_id, p))
    i = 0
    for cat in (*result.categories, OTHER_CATEGORY):
        items = by_cat.get(cat)
        if not items:
            continue
        i += 1
        label = cat if cat == OTHER_CATEGORY else category_heading(cat)
        head = f"（{cn_number(i)}）{label}。"
        body = f"共{len(items)}条，占{percent(len(items), fig['问题'])}。"
        for k, (org, p, shared) in enumerate(representative(items, EXAMPLES_PER_CATEGORY), start=1):
            body += f"{lead(k)}{_sentence(p.summary)}"
            detail = excerpt(re.sub(r"^(比如|例如|如)[，,：:]?", "", (p.detail or "").strip().replace("\n", "")))
            example = f"如{org}：{detail}" if detail else f"（{org}）"
            if shared > 1:
                example = f"{shared}个党支部查摆了此类问题，{example}"
            body += example
        w.h2_lead(head, body)


def _rectification(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("整改落实情况")
    countable = fig["措施"] - fig["长期坚持"]
    long_term = f"（长期坚持的{fig['长期坚持']}条不计入）" if fig["长期坚持"] else ""
    # Zero counts are left out: the next paragraph already says when nothing is overdue.
    rest = "，".join(t for t in (f"正在推进且未到期{fig['正常']}条" if fig["正常"] else "",
                                f"10天内到期{fig['10天内到期']}条" if fig["10天内到期"] else "",
                                f"已超过整改时限仍未完成{fig['逾期']}条" if fig["逾期"] else "") if t)
    w.para(f"各党支部针对查摆出的问题共制定整改措施{fig['措施']}条。截至{format_date(result.as_of)}，"
           f"已完成{fig['已完成']}条，整改完成率{percent(fig['已完成'], countable)}{long_term}"
           + (f"；{rest}。" if rest else "。"))
    overdue = Counter()
    for rec in result.branches:
        n = sum(1 for m in rec.measures if measure_status(m.deadline, m.status, m.done_date, result.as_of) == ST_OVERDUE)
        if n:
            overdue[rec.org_name or rec.branch_id] = n
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


def rollup_sections(w: _Writer, result: CollectResult) -> None:
    """A higher committee's paragraphs: the branches by lower committee and who has not
    reported at each level (the figures of 下级党组织, rollup.lower_rows)."""
    from toolkit.committee.rollup import lower_rows

    rows = lower_rows(result)
    direct = sum(1 for r in result.branches if not r.via)
    w.h1("各下级党组织汇总情况")
    sent = [r for r in rows if r.get("branches") is not None]
    silent = [r["org_name"] for r in rows if r.get("branches") is None]
    parts = [f"{r['org_name']}所属{r['branches']}个党支部，已报送{r['reported']}个、未报送{r['missing']}个，"
             f"查摆问题{r['problems']}条、整改措施{r['measures']}条，整改完成率"
             f"{percent(r['done'], r['measures']) if r['measures'] else '—'}"
             f"（统计日期{format_date(r['as_of']) if r.get('as_of') else '未注明'}）" for r in sent]
    lead = f"本级直接报送的党支部{direct}个；" if direct else ""
    if parts:
        w.para(f"{lead}收到{len(sent)}个下级党组织的汇总表：{'；'.join(parts)}。")
    else:
        w.para(f"{lead}尚未收到下级党组织的汇总表。")
    if silent:
        w.para(f"{_names(silent)}尚未报送汇总表，其所属党支部的情况未纳入本次汇总。")
    lower_missing = [r for r in sent if r["missing"]]
    if lower_missing:
        w.para("下级党组织名册中尚未报送的党支部：" + "；".join(
            f"{r['org_name']}{r['missing']}个" for r in lower_missing) + "，名单见汇总表“未报送”工作表。")


def _next_steps(w: _Writer, result: CollectResult) -> None:
    fig = result.figures
    w.h1("下一步工作")
    steps = []
    if fig["未报送"]:
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
