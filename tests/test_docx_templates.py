"""The committed templates and 变量说明.md are what the build script makes from the code."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from fixtures import load_script

from toolkit.schema.variables import variable_reference
from toolkit.writers.render import DOCUMENTS, TEMPLATE_DIR

ROOT = Path(__file__).resolve().parent.parent


def _build_module():
    return load_script("build_docx_templates")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    _build_module().build(out)
    return out


def _xml_parts(path: Path) -> dict[str, bytes]:
    # docProps hold timestamps; everything a document looks like is in word/
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("word/") or n == "[Content_Types].xml"}


@pytest.mark.parametrize("name", [f for _, f in DOCUMENTS])
def test_committed_templates_are_current(fresh, name):
    committed, built = _xml_parts(TEMPLATE_DIR / name), _xml_parts(fresh / name)
    assert committed.keys() == built.keys()
    stale = [n for n in built if committed[n] != built[n]]
    assert not stale, f"{name} is stale ({stale}): run .venv/bin/python scripts/build_docx_templates.py"


def test_variable_reference_is_current(fresh):
    committed = (TEMPLATE_DIR / "变量说明.md").read_text(encoding="utf-8")
    assert committed == variable_reference() == (fresh / "变量说明.md").read_text(encoding="utf-8"), \
        "变量说明.md is stale: run .venv/bin/python scripts/build_docx_templates.py"
    for name in ("org", "problem_count", "categories", "measures", "sec"):
        assert f"`{name}`" in committed
