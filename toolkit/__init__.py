"""orglife — 组织生活会工作台.

Data flows one way: read (workbook -> Branch) -> validate (Branch -> Report)
-> render (Branch -> docx) / consolidate (many Branch -> summary).
"""

__version__ = "0.1.0"

from toolkit.errors import Issue, IssueCode, Report, ToolkitError  # noqa: E402

__all__ = ["Issue", "IssueCode", "Report", "ToolkitError", "__version__"]
