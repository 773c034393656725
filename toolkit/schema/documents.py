"""Every document a render writes, declared once: one table for every meeting kind.

A render walks ``DOCUMENTS`` (through ``meeting_kinds.kind_of(会议类型).documents``):
for each entry whose ``kinds`` include the workbook's 会议类型 and whose needed
sheets hold rows, it builds the named context (``writers/render.py`` maps
``context`` to a builder) and renders ``template`` into the output folder under
``file`` (per member: one file per member taking part). The render's file list,
the stale-output sweep of the command line (``stale_patterns``), the template
check, the variable reference and the demo all read this table; nothing else
lists documents.
"""

from __future__ import annotations

from dataclasses import dataclass

ORG_MEETINGS = ("组织生活会", "专题组织生活会")
LEADERSHIP_MEETING = "民主生活会"
ALL_MEETINGS = (*ORG_MEETINGS, LEADERSHIP_MEETING)

# context builders (writers/render.py CONTEXTS): the kind's base context (build_context, or
# build_leadership_context for a 民主生活会), each member's own material, the meeting-day and
# 民主评议 documents (branch/paperwork.py), the 整改落实情况报告 as of a date
BRANCH, PERSONAL, MEETING_DAY, APPRAISAL, PROGRESS = "branch", "personal", "meeting", "appraisal", "progress"

# File name patterns: {org} the 党组织名称, {year} the 年度, {name} the document's name, {member}
# the member's name (per-member documents); each value made safe as a file name. A "/" names a
# sub-folder of the output folder.
BRANCH_FILE = "{org}_{year}_{name}.docx"
PERSONAL_FOLDER = "个人材料"
PERSONAL_FILE = PERSONAL_FOLDER + "/{member}_{name}.docx"
LEADER_FILE = "{org}_{year}_{name}_{member}.docx"

# Why a document was not written, when the value it prints is empty (the sheets it needs are
# named in the notice for missing sheets, see writers/render.py).
NO_RESULT = "没有民主评议计票结果，参会人员中也没有填写民主评议等次"


@dataclass(frozen=True)
class Document:
    name: str  # the document's name in file names and messages: 签到表
    template: str  # file in docx_templates/
    context: str  # which context builder (see above)
    kinds: tuple[str, ...] = ORG_MEETINGS  # 会议类型 it is written for
    per_member: bool = False  # one file per member taking part
    file: str = BRANCH_FILE  # file name pattern (see above)
    needs: tuple[str, ...] = ()  # sheet keys that must be in the workbook, else skipped with a notice
    requires: str = ""  # context value that must be non-empty, else skipped with ``notice``
    notice: str = ""
    core: bool = False  # one of the kind's main documents (RenderResult.docx), the rest is paperwork
    on_progress: bool = False  # written by `render --progress`, not by a plain render
    pdf: bool = True  # converted with `--pdf`

    @property
    def folder(self) -> str:
        """Sub-folder of the output folder the files go to ("" for the folder itself)."""
        return self.file.rpartition("/")[0]

    def file_name(self, org: str, year: str, member: str = "") -> str:
        """The file's path relative to the output folder; the values must already be safe file names."""
        return self.file.format(org=org, year=year, name=self.name, member=member)

    def glob(self, suffix: str = ".docx") -> str:
        """A glob pattern matching this document's files of any branch, year and member."""
        return self.file.format(org="*", year="*", name=self.name, member="*").removesuffix(".docx") + suffix


DOCUMENTS: tuple[Document, ...] = (
    # a branch's 组织生活会
    Document("情况报告", "情况报告.docx", BRANCH, kinds=ORG_MEETINGS, core=True),
    Document("对照检查材料", "对照检查材料.docx", BRANCH, kinds=ORG_MEETINGS, core=True),
    Document("整改清单", "整改清单.docx", BRANCH, kinds=ORG_MEETINGS, core=True),
    Document("个人对照检查材料", "个人对照检查材料.docx", PERSONAL, per_member=True, file=PERSONAL_FILE),
    Document("签到表", "签到表.docx", MEETING_DAY),
    Document("会议记录", "会议记录.docx", MEETING_DAY),
    Document("征求意见表", "征求意见表.docx", MEETING_DAY),
    Document("民主评议测评表", "民主评议测评表.docx", APPRAISAL),
    Document("民主评议结果", "民主评议结果.docx", APPRAISAL, needs=("ballots",), requires="result", notice=NO_RESULT),
    Document("民主评议结果公示", "民主评议结果公示.docx", APPRAISAL, needs=("ballots",), requires="result",
             notice=NO_RESULT),
    # a 领导班子's 民主生活会
    Document("民主生活会情况报告", "民主生活会情况报告.docx", BRANCH, kinds=(LEADERSHIP_MEETING,), core=True),
    Document("班子对照检查材料", "班子对照检查材料.docx", BRANCH, kinds=(LEADERSHIP_MEETING,), core=True),
    Document("整改方案", "整改方案.docx", BRANCH, kinds=(LEADERSHIP_MEETING,), core=True),
    Document("个人对照检查材料", "班子成员对照检查材料.docx", PERSONAL, kinds=(LEADERSHIP_MEETING,), per_member=True,
             file=LEADER_FILE, core=True),
    # later in the cycle, every kind
    Document("整改落实情况报告", "整改落实情况报告.docx", PROGRESS, kinds=ALL_MEETINGS, on_progress=True),
)

# (kept for code that read the earlier names)
BRANCH_DOCUMENTS = DOCUMENTS
PAPERWORK_DOCUMENTS = tuple(d for d in DOCUMENTS if not d.core and not d.on_progress)
PROGRESS_DOCUMENTS = tuple(d for d in DOCUMENTS if d.on_progress)


def documents_for(kind: str) -> tuple[Document, ...]:
    """The documents of one 会议类型, in the table's order."""
    return tuple(d for d in DOCUMENTS if kind in d.kinds)


def all_templates() -> tuple[str, ...]:
    """Every template file name some document renders, once each."""
    return tuple(dict.fromkeys(d.template for d in DOCUMENTS))


def stale_patterns(progress: bool = False) -> tuple[str, ...]:
    """Glob patterns of every file a render writes (PDFs too): older ones are moved aside.

    ``progress``: of ``render --progress``, which writes only the 整改落实情况报告.
    """
    docs = [d for d in DOCUMENTS if d.on_progress == progress]
    return tuple(dict.fromkeys(d.glob(ext) for d in docs for ext in (".docx", ".pdf")))
