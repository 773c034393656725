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
import importlib.resources
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
from toolkit.branch.leadership import build_leadership_context, person_context
from toolkit.branch.read import Branch
from toolkit.core.wording import as_text
from toolkit.errors import TemplateError, UsageError
from toolkit.io.fsutil import atomic_path, ensure_dir, inside, safe_filename
from toolkit.schema.leadership_variables import LEADERSHIP_PROVIDED, leadership_example_context
from toolkit.schema.meeting_kinds import BRANCH_DOCUMENTS, Document, MeetingKind, all_templates, kind_of
from toolkit.schema.variables import ALL_PROVIDED, example_context
from toolkit.writers.docx_format import finish_document


def _template_dir() -> Path:
    # Package data (setup.cfg maps toolkit.templates onto docx_templates/), so an
    # installed wheel finds them as well as the source tree.
    try:
        return Path(str(importlib.resources.files("toolkit.templates")))
    except ModuleNotFoundError:  # a source checkout that was never installed
        return Path(__file__).resolve().parents[2] / "docx_templates"


TEMPLATE_DIR = _template_dir()
# (document name used in output files, template file name) of a branch's meeting; each
# meeting kind declares its own documents (schema/meeting_kinds.py)
DOCUMENTS: tuple[tuple[str, str], ...] = tuple((d.name, d.template) for d in BRANCH_DOCUMENTS)
# The context builder each meeting kind names
CONTEXTS = {"branch": build_context, "leadership": build_leadership_context}

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
        if st.st_size > MAX_TEMPLATE_BYTES:
            raise TemplateError(f"模板“{path.name}”有 {st.st_size // 1024 ** 2} MB，过大，Word 模板一般不超过 1 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"无法读取模板 {path}：{exc.strerror or exc}") from exc
    vet_template(path.name, data)
    _TEMPLATE_BYTES[str(path)] = (key, data)
    return data


MAX_TEMPLATE_BYTES = 20 * 1024 ** 2
MAX_TEMPLATE_UNZIPPED = 100 * 1024 ** 2
MAX_TEMPLATE_RATIO = 200
_EXTERNAL = re.compile(rb"<Relationship\b[^>]*\bTargetMode\s*=\s*[\"']External[\"'][^>]*>")
_REL_TYPE = re.compile(rb"\bType\s*=\s*[\"'][^\"']*/([A-Za-z]+)[\"']")
_REL_TARGET = re.compile(rb"\bTarget\s*=\s*[\"']([^\"']*)[\"']")
_HYPERLINK = b"hyperlink"  # a link in the text is shown, never fetched: allowed


def vet_template(name: str, data: bytes) -> None:
    """Refuse a template that would cost too much to open, declares XML entities, or reaches outside.

    A unit's own template is untrusted: before any XML parser sees it, its size,
    compression ratio and DOCTYPEs are checked as a submitted workbook's are, and
    relationships to an outside address (a remote image, an attached template on a
    server: Word fetches them when the document is opened) are refused.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise TemplateError(f"模板“{name}”不是有效的 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx") from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_TEMPLATE_UNZIPPED or any(
            i.file_size > 1024 ** 2 and i.file_size > MAX_TEMPLATE_RATIO * max(i.compress_size, 1) for i in infos):
        raise TemplateError(f"模板“{name}”解压后过大或压缩比异常，疑似恶意文件，已拒绝使用")
    with zf:
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with zf.open(info) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise TemplateError(f"模板“{name}”的 {info.filename} 含有 XML 实体声明，疑似恶意文件，已拒绝使用")
            if info.filename.endswith(".rels"):
                _refuse_external(name, zf.read(info))


def _refuse_external(name: str, rels: bytes) -> None:
    for match in _EXTERNAL.finditer(rels):
        element = match.group(0)
        kind = _REL_TYPE.search(element)
        if kind and kind.group(1).lower() == _HYPERLINK:
            continue
        target = _REL_TARGET.search(element)
        shown = target.group(1).decode("utf-8", "replace")[:80] if target else ""
        what = kind.group(1).decode("ascii", "replace") if kind else "外部内容"
        raise TemplateError(f"模板“{name}”引用了外部地址（{what}：{shown}），打开文档时会联网获取，已拒绝使用。"
                            f"请在 Word 中把图片等内容直接插入文档，不要使用“链接到文件”")


def render_docx(template: Path, context: dict[str, Any], out: Path) -> None:
    """Render one template into ``out`` (in this process: only for trusted templates)."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        _TEMPLATE_CLASS = _docx_template_class()
    name = template.name
    data = _template_bytes(template)
    rendered = io.BytesIO()
    try:
        tpl = _TEMPLATE_CLASS(io.BytesIO(data))
        tpl.render(context, jinja_env=jinja_env())
        finish_document(tpl.docx, author=str(context.get("org") or ""))
        tpl.save(rendered)
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
    # Written outside the template's error handling: a full disk is the disk's fault, not the
    # template's (atomic_path turns it into a message and removes the partial file).
    Path(out).write_bytes(rendered.getvalue())


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

def known_templates() -> list[str]:
    """Every template file a render may use: a unit's folder may hold any of them (the rest are built-in)."""
    from toolkit.schema.documents import BRANCH_DOCUMENTS as ALL_DOCUMENTS

    names = [t for t in all_templates() if t.endswith(".docx")]
    return names + [d.template for d in ALL_DOCUMENTS if d.template not in names]


def resolve_templates(templates: str | os.PathLike | None, documents: tuple[Document, ...] = BRANCH_DOCUMENTS,
                      ) -> tuple[list[Path], bool, list[str]]:
    """Template path per document, whether they need isolation, and which fell back to built-in."""
    builtin_paths = [TEMPLATE_DIR / d.template for d in documents]
    if templates is None:
        return builtin_paths, False, [d.name for d in documents]
    folder = Path(templates)
    if not folder.is_dir():
        raise UsageError(f"找不到模板文件夹：{templates}")
    if folder.resolve() == TEMPLATE_DIR.resolve():
        return builtin_paths, False, [d.name for d in documents]
    known = known_templates()
    if not any((folder / t).is_file() for t in known):
        raise UsageError(f"模板文件夹 {templates} 中没有工具使用的任何一个模板（{'、'.join(known)}）")
    found = [folder / d.template for d in documents]
    builtin = [d.name for d, p in zip(documents, found) if not p.is_file()]
    paths = [p if p.is_file() else b for p, b in zip(found, builtin_paths)]
    return paths, True, builtin


def meeting_kind(branch: Branch) -> MeetingKind:
    return kind_of(branch.info.get("meeting_type"))


def _jobs(branch: Branch, context: dict[str, Any]) -> list[tuple[Document, str, dict[str, Any]]]:
    """(document, output name, context) for every file the branch's meeting kind writes."""
    org = safe_filename(as_text(branch.info.get("org_name")) or Path(branch.path).stem)
    year = safe_filename(as_text(branch.info.get("year")), fallback="年度")
    jobs = []
    for doc in meeting_kind(branch).documents:
        if not doc.per_member:
            jobs.append((doc, f"{org}_{year}_{doc.name}.docx", context))
            continue
        for member in context.get("members", []):
            name = safe_filename(member["name"], fallback="班子成员")
            jobs.append((doc, f"{org}_{year}_{doc.name}_{name}.docx", person_context(context, member["name"])))
    return jobs


def output_names(branch: Branch) -> list[str]:
    """<党组织名称>_<年度>_<文档>[_<姓名>].docx, safe as a file name whatever the name holds."""
    context = {"members": [{"name": as_text(r.get("name"))} for r in branch.rows("members")]}
    return [name for _, name, _ in _jobs(branch, context)]


def build_document_context(branch: Branch, today: dt.date | None = None) -> dict[str, Any]:
    """The values of the branch's documents, from the context builder its meeting kind names."""
    return CONTEXTS[meeting_kind(branch).context](branch, today)


def render_branch(branch: Branch, out_dir: str | os.PathLike, *, templates: str | os.PathLike | None = None,
                  today: dt.date | None = None) -> list[Path]:
    """Write the documents of a checked branch's meeting kind into ``out_dir``; all or none."""
    kind = meeting_kind(branch)
    paths, isolate, _ = resolve_templates(templates, kind.documents)
    template_of = {d.name: p for d, p in zip(kind.documents, paths)}
    out = ensure_dir(out_dir)
    context = build_document_context(branch, today)
    jobs = [(template_of[doc.name], inside(out, name), ctx) for doc, name, ctx in _jobs(branch, context)]
    with contextlib.ExitStack() as stack:
        work = [(t, stack.enter_context(atomic_path(f)), ctx) for t, f, ctx in jobs]
        # a unit's own templates go to one child process per context (one for a branch's documents)
        untrusted: dict[int, tuple[dict[str, Any], list[tuple[Path, Path]]]] = {}
        for template, tmp, ctx in work:
            if isolate and template.parent != TEMPLATE_DIR:
                untrusted.setdefault(id(ctx), (ctx, []))[1].append((template, tmp))
        for ctx, batch in untrusted.values():
            _render_isolated(batch, ctx)
        for template, tmp, ctx in work:
            if not (isolate and template.parent != TEMPLATE_DIR):
                render_docx(template, ctx, tmp)
    return [f for _, f, _ in jobs]


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
    data = _template_bytes(path)  # bounded and vetted before python-docx parses it
    try:
        names = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env=jinja_env())
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板“{path.name}”的标记有语法错误：{exc.message}"
                            f"（检查 {{{{ }}}}、{{% %}} 是否成对、if/for 是否都有 endif/endfor）") from exc
    except Exception as exc:  # python-docx raises several types for files that are not .docx
        raise TemplateError(f"模板“{path.name}”不是有效的 Word 文档（.docx）：{type(exc).__name__}") from exc
    unknown = sorted(n for n in names if n not in ALL_PROVIDED | LEADERSHIP_PROVIDED and n not in jinja_env().globals)
    if not unknown:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="orglife_check_") as tmp:
            _render_isolated([(path, Path(tmp) / "试生成.docx")], {**example_context(), **leadership_example_context()})
    return TemplateCheck(path=path, unknown=unknown)


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    raise SystemExit(_worker_main())
