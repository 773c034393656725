"""A measure's status as of a date: the one classification 整改总台账, the 汇总报告 and 催办 share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.schema.workbooks import LONG_TERM

ST_DONE, ST_OVERDUE, ST_DUE_SOON, ST_NORMAL, ST_LONG, ST_NO_DEADLINE = (
    "已完成", "已逾期", "10天内到期", "正常", LONG_TERM, "未填时限")
DUE_SOON_DAYS = 10


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
