"""The public API and the app layer: cheap to import, thin, calling workflows and never the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fixtures import imported_modules

import toolkit

ROOT = Path(__file__).resolve().parents[1]


def test_import_toolkit_is_cheap_and_loads_nothing_else():
    code = "import sys, toolkit; print(__import__('json').dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    loaded = json.loads(out)
    assert [m for m in loaded if m.startswith("toolkit.")] == []
    assert not {"openpyxl", "jinja2", "pandas", "docx", "xlsxwriter", "python_calamine"} & set(loaded)


def test_public_api_names_resolve():
    assert toolkit.__version__
    assert set(toolkit.__all__) == {"__version__", *toolkit._API}
    for name in toolkit.__all__:
        assert callable(getattr(toolkit, name)) or name == "__version__", name
    from toolkit.workflows.branch import render_workbook

    assert toolkit.render_workbook is render_workbook


def test_excel_entry_calls_workflows_not_the_cli():
    imported = imported_modules(ROOT / "toolkit" / "app" / "excel_entry.py")
    assert "toolkit.app.cli" not in imported
    assert "toolkit.workflows.branch" in imported


def test_macro_builder_is_imported_only_from_workflows_and_app():
    below = ("schema", "core", "io", "branch", "committee")
    for layer in below:
        for path in (ROOT / "toolkit" / layer).rglob("*.py"):
            assert "toolkit.writers.excel_build" not in imported_modules(path), path


def test_render_worker_still_starts_as_a_module(tmp_path):
    """A unit's templates are rendered by `python -m toolkit.writers.render --worker`."""
    from toolkit.schema.variables import example_context

    template = ROOT / "docx_templates" / "整改清单.docx"
    out = tmp_path / "整改清单.docx"
    request = {"jobs": [[str(template), str(out)]], "context": example_context(), "time_limit": 30, "memory_limit": 1 << 30}
    proc = subprocess.run([sys.executable, "-m", "toolkit.writers.render", "--worker"], cwd=ROOT,
                          input=json.dumps(request).encode(), capture_output=True, timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"ok": True}, proc.stderr
    assert out.stat().st_size > 0


# The modules of the branch side, the docx engine, the workflows and the app layer.
COMPLEXITY_CHECKED = ("toolkit/branch/context.py", "toolkit/writers/render.py", "toolkit/core/wording.py",
                      "toolkit/schema/variables.py", "toolkit/committee/cycle.py", "toolkit/workflows",
                      "toolkit/app")


def test_no_function_above_complexity_20():
    import pytest

    radon = pytest.importorskip("radon.complexity")
    files = []
    for name in COMPLEXITY_CHECKED:
        path = ROOT / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    too_complex = [f"{f.relative_to(ROOT)}:{b.lineno} {b.name} ({b.complexity})"
                   for f in files for b in radon.cc_visit(f.read_text(encoding="utf-8"))
                   if b.complexity > 20]
    assert too_complex == []


def test_the_old_option_spelling_is_noted_once(tmp_path, capsys):
    from toolkit.app.cli import build_parser

    args = build_parser().parse_args(["check", "--previous", "a", "--previous", "b", "x.xlsx"])
    assert args.previous_cycle == ["a", "b"]
    assert capsys.readouterr().err.count("已改名为 --previous-cycle") == 1
