"""The committee's 通知 that opens a cycle (关于召开…的通知): its values, from the cycle workbook. Pure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.committee.cycle import Cycle
from toolkit.committee.rollup import LOWER_KINDS, is_lower_row
from toolkit.core.values import format_date
from toolkit.core.wording import as_text, bare, lead
from toolkit.schema.documents import BRANCH_DOCUMENTS

# What each branch hands in, besides the workbook itself: the documents a render writes for the committee.
_HANDED_IN = ("情况报告", "对照检查材料", "整改清单", "民主评议结果")


def notice_title(cycle: Cycle) -> str:
    info = cycle.info
    return f"关于召开{as_text(info.get('year'))}年度{as_text(info.get('meeting_type'))}的通知"


def notice_context(cycle: Cycle, today: dt.date) -> dict[str, Any]:
    info = cycle.info
    kind = as_text(info.get("meeting_type"))
    basis_title = bare(info.get("basis_title")).strip("《》")
    number = as_text(info.get("basis_number"))
    docs = [d.name for d in BRANCH_DOCUMENTS if d.name in _HANDED_IN and kind in d.kinds]
    items = ["填写完整并经“检查”无错误的支部填报表（Excel 文件）"] + [f"{d}（Word 文件，由填报表生成）" for d in docs]
    deadline = info.get("deadline")
    return {
        "org": as_text(info.get("superior")),
        "title": notice_title(cycle),
        "year": info.get("year") or "",
        "meeting_type": kind,
        "theme": bare(info.get("theme")),
        "basis": (f"《{basis_title}》" + (f"（{number}）" if number else "")) if basis_title else "",
        "deadline": format_date(deadline) if isinstance(deadline, dt.date) else as_text(deadline),
        **_addressed(cycle),
        "hand_in": [{"lead": lead(i), "text": t} for i, t in enumerate(items, start=1)],
        # kept by the branch, not handed in: said apart from the list
        "personal_kept": kind != "民主生活会",
        "report_date": format_date(today),
        # 联系人 and 联系电话 of 基本设置; blank ones leave a line to fill by hand in the template
        "contact": as_text(info.get("contact")),
        "phone": as_text(info.get("phone")),
    }


def _addressed(cycle: Cycle) -> dict[str, Any]:
    """Who the 通知 goes to. A roster may list lower committees beside branches (one level of a
    工委's tree): they are addressed apart and send their own 汇总表, not a branch's documents."""
    lower = [b for b in cycle.branches if is_lower_row(b)]
    branches = len(cycle.branches) - len(lower)
    kinds = "、".join(k for k in LOWER_KINDS if any(b.get("kind") == k for b in lower))
    addressee = "，".join(t for t in (f"各{kinds}" if lower else "",
                                      ("各直属党支部" if lower else "各党支部") if branches else "") if t)
    return {"branch_count": branches, "lower_count": len(lower), "lower_kinds": kinds,
            "addressee": addressee or "各党支部"}
