"""A unit's own template cannot exhaust the machine nor reach outside, in check-template as in render."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from toolkit.app.cli import main
from toolkit.errors import TemplateError
from toolkit.writers.render import check_template

TEMPLATE = Path(__file__).resolve().parent.parent / "docx_templates" / "情况报告.docx"


def rewritten(tmp_path: Path, change) -> Path:
    """The shipped template with one part changed by change(name, data) -> data."""
    out = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
    path = tmp_path / "单位模板.docx"
    path.write_bytes(out.getvalue())
    return path


REMOTE_IMAGE = (b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/image" Target="http://example.invalid/track.png" TargetMode="External"/>')
HYPERLINK = (b'<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             b'relationships/hyperlink" Target="https://www.gov.cn/" TargetMode="External"/>')


def add_relationship(rel: bytes):
    def change(name, data):
        return data.replace(b"</Relationships>", rel + b"</Relationships>") if name == "word/_rels/document.xml.rels" \
            else data
    return change


def test_a_remote_image_is_refused_by_check_template_and_render(tmp_path, capsys):
    path = rewritten(tmp_path, add_relationship(REMOTE_IMAGE))
    with pytest.raises(TemplateError, match="外部地址"):
        check_template(path)
    assert main(["check-template", str(path)]) == 1
    assert "example.invalid" in capsys.readouterr().err


def test_a_hyperlink_in_the_text_is_allowed(tmp_path):
    path = rewritten(tmp_path, add_relationship(HYPERLINK))
    assert check_template(path).unknown == []


def test_an_entity_declaration_is_refused(tmp_path):
    def change(name, data):
        if name != "word/document.xml":
            return data
        head, _, rest = data.partition(b"?>")
        return head + b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>' + rest
    with pytest.raises(TemplateError, match="实体"):
        check_template(rewritten(tmp_path, change))


def test_a_zip_bomb_template_is_refused_before_parsing(tmp_path):
    def change(name, data):
        return data + b" " * (60 * 1024 ** 2) if name == "word/document.xml" else data
    with pytest.raises(TemplateError, match=r"压缩比|过大"):
        check_template(rewritten(tmp_path, change))


def test_a_runaway_loop_is_stopped_in_check_template(tmp_path):
    def change(name, data):
        if name != "word/document.xml":
            return data
        loop = b"{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
        return data.replace(b"{{ superior }}", loop, 1)
    with pytest.raises(TemplateError, match=r"超时|内存|循环"):
        check_template(rewritten(tmp_path, change))
