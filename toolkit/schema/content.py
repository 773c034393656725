"""What goes into a branch or cycle workbook, as plain data.

The committee side computes a ``Content`` (a branch's pre-filled settings and
roster) and the workbook writer writes it; keeping the shape here lets the
committee build one without importing a writer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from toolkit.schema.workbooks import BRANCH_KIND, TEMPLATE_VERSION, Section


@dataclass
class Content:
    """What to put into a workbook: form values and list rows, by column key."""

    info: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] | None = None
    sections: tuple[Section, ...] | None = None  # a cycle's 专项剖析项目: (项目名称, 填写提示)


def branch_meta(cycle_id: str = "", branch_id: str = "", generated: dt.datetime | None = None) -> dict:
    """The _meta sheet of a branch workbook: version, kind, cycle and branch ids, when it was made."""
    stamp = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    return {"模板版本": TEMPLATE_VERSION, "表类型": BRANCH_KIND, "周期编号": cycle_id,
            "支部编号": branch_id, "生成时间": stamp}
