"""remind: a 汇总表.xlsx -> who has something to do -> one 催办提醒 (.docx and .txt) per branch."""

from __future__ import annotations

import datetime as dt
import os

from toolkit.committee.remind import RemindResult, notice_text, read_reminders
from toolkit.io.fsutil import ensure_dir


def remind(summary_path: str | os.PathLike, out_dir: str | os.PathLike, *, as_of: dt.date | None = None,
           sender: str = "") -> RemindResult:
    """Write <党组织名称>_催办提醒.docx and .txt for every branch with something to do."""
    from toolkit.writers.notices import write_notices

    as_of = as_of or dt.date.today()
    result = read_reminders(summary_path, as_of)
    out_dir = ensure_dir(out_dir)
    for n in result.notices:
        n.text = notice_text(n, as_of, result.meeting, sender)
    for n, (docx, txt) in zip(result.notices, write_notices(result.notices, out_dir, as_of, result.meeting, sender)):
        n.docx, n.txt = docx, txt
    return result
