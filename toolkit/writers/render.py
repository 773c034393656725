"""The docx engine: checked branch -> the three Word documents (情况报告, 对照检查材料, 整改清单).

The values come from ``branch/context.py`` (``build_context``); the docxtpl
templates in ``docx_templates/`` hold the fixed wording; the names they may
use are declared in ``schema/variables.py``.

Rendering is always sandboxed (``SandboxedEnvironment``), autoescaped (a cell
holding ``A&B<C>`` or ``{{ 7*7 }}`` appears literally) and strict (an unknown
name is an error naming the name and the template). Templates a unit supplies
(``templates=DIR``) are rendered in a child process
(``python -m toolkit.writers.render --worker``) with a time and memory limit,
because the sandbox bounds what code can reach but not how long it runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from toolkit.branch.context import build_context
from toolkit.branch.read import Branch
from toolkit.core.wording import as_text
from toolkit.errors import TemplateError, UsageError
from toolkit.io.fsutil import atomic_path, ensure_dir, inside, safe_filename
from toolkit.schema.variables import ALL_PROVIDED, example_context
from toolkit.writers.docx_format import finish_document

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "docx_templates"
# (document name used in output files, template file name)
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("情况报告", "情况报告.docx"),
    ("对照检查材料", "对照检查材料.docx"),
    ("整改清单", "整改清单.docx"),
)

# Limits for a unit's own templates, rendered in a child process.
UNTRUSTED_TIME_LIMIT = 30  # seconds for all three documents
UNTRUSTED_MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space


# --- rendering ------------------------------------------------------------------------

class _Env(SandboxedEnvironment):
    """Sandboxed, autoescaping, strict, and caching what it compiles.

    docxtpl compiles the whole document XML on every render; the XML of an
    unchanged template is the same string every time, so the compiled template
    is kept (about half of the render time otherwise).
    """

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        hit = self._compiled.get(source)
        if hit is None:
            if len(self._compiled) > 64:
                self._compiled.clear()
            hit = self._compiled[source] = super().from_string(source)
        return hit


_ENV: _Env | None = None


def jinja_env() -> _Env:
    global _ENV
    if _ENV is None:
        _ENV = _Env()
    return _ENV


_PATCHED: dict[str, str] = {}
_TEMPLATE_BYTES: dict[str, tuple[tuple[int, int], bytes]] = {}


def _docx_template_class():
    from docxtpl import DocxTemplate

    class CachedTemplate(DocxTemplate):
        """docxtpl's regex clean-up of the template XML, done once per template."""

        def patch_xml(self, src_xml):
            hit = _PATCHED.get(src_xml)
            if hit is None:
                if len(_PATCHED) > 64:
                    _PATCHED.clear()
                hit = _PATCHED[src_xml] = super().patch_xml(src_xml)
            return hit

    return CachedTemplate


_TEMPLATE_CLASS = None


def _template_bytes(path: Path) -> bytes:
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        cached = _TEMPLATE_BYTES.get(str(path))
        if cached and cached[0] == key:
            return cached[1]
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"无法读取模板 {path}：{exc.strerror or exc}") from exc
    _TEMPLATE_BYTES[str(path)] = (key, data)
    return data


def render_docx(template: Path, context: dict[str, Any], out: Path) -> None:
    """Render one template into ``out`` (in this process: only for trusted templates)."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        _TEMPLATE_CLASS = _docx_template_class()
    name = template.name
    data = _template_bytes(template)
    try:
        tpl = _TEMPLATE_CLASS(io.BytesIO(data))
        tpl.render(context, jinja_env=jinja_env())
        finish_document(tpl.docx, author=str(context.get("org") or ""))
        tpl.save(str(out))
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"模板“{name}”含有不允许执行的代码（{exc}），已拒绝生成。"
                            f"模板中只能使用变量说明中列出的变量。") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"模板“{name}”{_undefined_text(str(exc))}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板“{name}”的标记有语法错误：{exc.message}"
                            f"（检查 {{{{ }}}}、{{% %}} 是否成对、if/for 是否都有 endif/endfor）") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板“{name}”无法生成：{exc}") from exc
    except (zipfile.BadZipFile, KeyError) as exc:
        raise TemplateError(f"模板“{name}”不是有效的 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx") from exc
    except MemoryError as exc:
        raise TemplateError(f"模板“{name}”生成时占用内存过多，已停止。请检查模板中的循环。") from exc
    except Exception as exc:  # template code can fail in many ways (1 + "a", bad XML after render)
        if type(exc).__name__ == "PackageNotFoundError":
            raise TemplateError(f"模板“{name}”不是有效的 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx") from exc
        raise TemplateError(f"模板“{name}”生成时出错：{type(exc).__name__}: {exc}") from exc


def _undefined_text(message: str) -> str:
    m = re.search(r"'([^']+)' is undefined", message)
    if m:
        return f"使用了未提供的变量“{m.group(1)}”。可用的变量见 docx_templates/变量说明.md。"
    m = re.search(r"has no attribute '([^']+)'", message)
    if m:
        return f"使用了不存在的字段“{m.group(1)}”（{message}）。可用的字段见 docx_templates/变量说明.md。"
    return f"使用了未提供的变量：{message}"


# --- templates in a child process --------------------------------------------------------

def _render_isolated(jobs: list[tuple[Path, Path]], context: dict[str, Any]) -> None:
    """Render untrusted templates in a child process with a time and memory limit."""
    payload = json.dumps({
        "jobs": [[str(t), str(o)] for t, o in jobs], "context": context,
        "time_limit": UNTRUSTED_TIME_LIMIT, "memory_limit": UNTRUSTED_MEMORY_LIMIT,
    }, ensure_ascii=False)
    names = "、".join(t.name for t, _ in jobs)
    try:
        proc = subprocess.run([sys.executable, "-m", "toolkit.writers.render", "--worker"], input=payload.encode(),
                              capture_output=True, timeout=UNTRUSTED_TIME_LIMIT + 10)
    except subprocess.TimeoutExpired as exc:
        raise TemplateError(f"模板（{names}）生成超时（超过 {UNTRUSTED_TIME_LIMIT} 秒），已停止。"
                            f"模板中可能有死循环或过大的循环。") from exc
    try:
        answer = json.loads(proc.stdout.decode("utf-8") or "{}")
    except ValueError:
        answer = {}
    if proc.returncode == 0 and answer.get("ok"):
        return
    if answer.get("error"):
        raise TemplateError(answer["error"])
    if proc.returncode in (-9, -24, 137, 152):  # SIGKILL / SIGXCPU: the CPU limit was reached
        raise TemplateError(f"模板（{names}）生成超时（超过 {UNTRUSTED_TIME_LIMIT} 秒），已停止。"
                            f"模板中可能有死循环或过大的循环。")
    raise TemplateError(f"模板（{names}）生成失败（子进程退出码 {proc.returncode}）。"
                        f"可能是模板占用内存过多，请检查模板中的循环。")


def _worker_main() -> int:
    """Child process: read jobs as JSON on stdin, apply limits, render, answer on stdout."""
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        import resource

        cpu = int(request["time_limit"])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        mem = int(request["memory_limit"])
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    except (ImportError, ValueError, OSError):
        pass  # no rlimits on this platform: the parent's wall-clock timeout still applies
    try:
        for template, out in request["jobs"]:
            render_docx(Path(template), request["context"], Path(out))
    except TemplateError as exc:
        sys.stdout.write(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 3
    except MemoryError:
        sys.stdout.write(json.dumps({"error": "模板生成时占用内存过多，已停止。请检查模板中的循环。"},
                                    ensure_ascii=False))
        return 3
    sys.stdout.write(json.dumps({"ok": True}))
    return 0


# --- public API ----------------------------------------------------------------------------

def resolve_templates(templates: str | os.PathLike | None) -> tuple[list[Path], bool, list[str]]:
    """Template path per document, whether they need isolation, and which fell back to built-in."""
    if templates is None:
        return [TEMPLATE_DIR / f for _, f in DOCUMENTS], False, [d for d, _ in DOCUMENTS]
    folder = Path(templates)
    if not folder.is_dir():
        raise UsageError(f"找不到模板文件夹：{templates}")
    if folder.resolve() == TEMPLATE_DIR.resolve():
        return [TEMPLATE_DIR / f for _, f in DOCUMENTS], False, [d for d, _ in DOCUMENTS]
    found = [folder / f for _, f in DOCUMENTS]
    if not any(p.is_file() for p in found):
        raise UsageError(f"模板文件夹 {templates} 中没有 {'、'.join(f for _, f in DOCUMENTS)} 中的任何一个")
    builtin = [d for (d, _), p in zip(DOCUMENTS, found) if not p.is_file()]
    paths = [p if p.is_file() else TEMPLATE_DIR / f for (_, f), p in zip(DOCUMENTS, found)]
    return paths, True, builtin


def output_names(branch: Branch) -> list[str]:
    """<党组织名称>_<年度>_<文档>.docx, safe as a file name whatever the name holds."""
    org = safe_filename(as_text(branch.info.get("org_name")) or Path(branch.path).stem)
    year = safe_filename(as_text(branch.info.get("year")), fallback="年度")
    return [f"{org}_{year}_{doc}.docx" for doc, _ in DOCUMENTS]


def render_branch(branch: Branch, out_dir: str | os.PathLike, *, templates: str | os.PathLike | None = None,
                  today: dt.date | None = None) -> list[Path]:
    """Write the three documents of a checked branch into ``out_dir``; all or none."""
    paths, isolate, _ = resolve_templates(templates)
    out = ensure_dir(out_dir)
    context = build_context(branch, today)
    finals = [inside(out, name) for name in output_names(branch)]
    with contextlib.ExitStack() as stack:
        tmps = [stack.enter_context(atomic_path(f)) for f in finals]
        if isolate:
            trusted = [(t, o) for t, o in zip(paths, tmps) if t.parent == TEMPLATE_DIR]
            untrusted = [(t, o) for t, o in zip(paths, tmps) if t.parent != TEMPLATE_DIR]
            _render_isolated(untrusted, context)
        else:
            trusted = list(zip(paths, tmps))
        for template, tmp in trusted:
            render_docx(template, context, tmp)
    return finals


@dataclass
class TemplateCheck:
    path: Path
    unknown: list[str]


def check_template(path: str | os.PathLike) -> TemplateCheck:
    """Variables a template uses that the toolkit does not provide; TemplateError when it is broken.

    After the static check the template is rendered once with example values
    in the limited child process, so forbidden code, runaway loops and unknown
    fields are found before a branch relies on the template.
    """
    from docxtpl import DocxTemplate

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"找不到模板文件：{path}")
    try:
        names = DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env=jinja_env())
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板“{path.name}”的标记有语法错误：{exc.message}"
                            f"（检查 {{{{ }}}}、{{% %}} 是否成对、if/for 是否都有 endif/endfor）") from exc
    except Exception as exc:  # python-docx raises several types for files that are not .docx
        raise TemplateError(f"模板“{path.name}”不是有效的 Word 文档（.docx）：{type(exc).__name__}") from exc
    unknown = sorted(n for n in names if n not in ALL_PROVIDED and n not in jinja_env().globals)
    if not unknown:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="orglife_check_") as tmp:
            _render_isolated([(path, Path(tmp) / "试生成.docx")], example_context())
    return TemplateCheck(path=path, unknown=unknown)


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    raise SystemExit(_worker_main())
