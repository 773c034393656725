"""orglife — 组织生活会工作台.

Data flows one way: read (workbook -> Branch) -> validate (Branch -> Report)
-> context -> render (Branch -> docx), and files -> records -> model -> writers
for the committee. The public API below is what the CLI and the Excel buttons
call; each name is imported on first use, so ``import toolkit`` stays cheap
(no openpyxl, jinja2 or pandas) and cannot create an import cycle.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    "Issue": "toolkit.errors",
    "IssueCode": "toolkit.errors",
    "Report": "toolkit.errors",
    "ToolkitError": "toolkit.errors",
    "check_file": "toolkit.branch.validate",
    "check_paths": "toolkit.workflows.branch",
    "check_template": "toolkit.workflows.branch",
    "render_workbook": "toolkit.workflows.branch",
    "build_context": "toolkit.branch.context",
    "load_cycle": "toolkit.committee.cycle",
    "distribute": "toolkit.workflows.distribute",
    "blank_branch_workbook": "toolkit.workflows.distribute",
    "collect": "toolkit.workflows.collect",
    "carry": "toolkit.workflows.carry",
    "remind": "toolkit.workflows.remind",
    "run_demo": "toolkit.workflows.demo",
}

__all__ = [  # the names of _API, spelled out for linters and readers
    "Issue",
    "IssueCode",
    "Report",
    "ToolkitError",
    "__version__",
    "blank_branch_workbook",
    "build_context",
    "carry",
    "check_file",
    "check_paths",
    "check_template",
    "collect",
    "distribute",
    "load_cycle",
    "remind",
    "render_workbook",
    "run_demo",
]

if TYPE_CHECKING:  # for editors and type checkers; at run time __getattr__ imports on demand
    from toolkit.branch.context import build_context
    from toolkit.branch.validate import check_file
    from toolkit.committee.cycle import load_cycle
    from toolkit.errors import Issue, IssueCode, Report, ToolkitError
    from toolkit.workflows.branch import check_paths, check_template, render_workbook
    from toolkit.workflows.carry import carry
    from toolkit.workflows.collect import collect
    from toolkit.workflows.demo import run_demo
    from toolkit.workflows.distribute import blank_branch_workbook, distribute
    from toolkit.workflows.remind import remind


def __getattr__(name: str) -> object:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
