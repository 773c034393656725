"""Every document a branch render writes, declared once.

A render walks ``BRANCH_DOCUMENTS``: for each entry whose meeting kinds include
the workbook's 会议类型 and whose needed sheets hold rows, it builds the named
context (``branch/paperwork.py`` maps ``context`` to a builder) and renders
``template`` into the output folder (per member: one file per member, in
``folder``). A kind of meeting with documents of its own (民主生活会) adds its
entries here; nothing else lists documents.
"""

from __future__ import annotations

from dataclasses import dataclass

ORG_MEETINGS = ("组织生活会", "专题组织生活会")
ALL_MEETINGS = (*ORG_MEETINGS, "民主生活会")

# context builders (branch/paperwork.py CONTEXTS)
BRANCH, PERSONAL, MEETING_DAY, APPRAISAL, PROGRESS = "branch", "personal", "meeting", "appraisal", "progress"


@dataclass(frozen=True)
class Document:
    name: str  # the document's name in file names and messages: 签到表
    template: str  # file in docx_templates/
    context: str  # which context builder (see above)
    kinds: tuple[str, ...] = ORG_MEETINGS  # 会议类型 it is written for
    per_member: bool = False  # one file per member taking part
    folder: str = ""  # sub-folder of the output folder (per-member documents)
    needs: tuple[str, ...] = ()  # sheet keys that must hold rows, else skipped with a notice
    core: bool = False  # one of the three branch documents (情况报告, 对照检查材料, 整改清单)
    on_progress: bool = False  # written by `render --progress`, not by a plain render


BRANCH_DOCUMENTS: tuple[Document, ...] = (
    Document("情况报告", "情况报告.docx", BRANCH, kinds=ALL_MEETINGS, core=True),
    Document("对照检查材料", "对照检查材料.docx", BRANCH, kinds=ALL_MEETINGS, core=True),
    Document("整改清单", "整改清单.docx", BRANCH, kinds=ALL_MEETINGS, core=True),
    Document("个人对照检查材料", "个人对照检查材料.docx", PERSONAL, per_member=True, folder="个人材料"),
    Document("签到表", "签到表.docx", MEETING_DAY),
    Document("会议记录", "会议记录.docx", MEETING_DAY),
    Document("征求意见表", "征求意见表.docx", MEETING_DAY),
    Document("民主评议测评表", "民主评议测评表.docx", APPRAISAL),
    Document("民主评议结果", "民主评议结果.docx", APPRAISAL, needs=("ballots",)),
    Document("民主评议结果公示", "民主评议结果公示.docx", APPRAISAL, needs=("ballots",)),
    Document("整改落实情况报告", "整改落实情况报告.docx", PROGRESS, kinds=ALL_MEETINGS, on_progress=True),
)

PAPERWORK_DOCUMENTS = tuple(d for d in BRANCH_DOCUMENTS if not d.core and not d.on_progress)
PROGRESS_DOCUMENTS = tuple(d for d in BRANCH_DOCUMENTS if d.on_progress)
