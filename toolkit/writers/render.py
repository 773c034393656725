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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from toolkit.branch.context import Context, build_context
from toolkit.branch.leadership import build_leadership_context
from toolkit.branch.paperwork import paperwork_context, progress_context
from toolkit.branch.personal import member_names, personal_context
from toolkit.branch.read import Branch
from toolkit.core.wording import as_text
from toolkit.errors import TemplateError, UsageError
from toolkit.io.fsutil import atomic_path, ensure_dir, inside, safe_filename
from toolkit.schema.documents import BRANCH, PROGRESS, Document, all_templates
from toolkit.schema.leadership_variables import LEADERSHIP_PROVIDED, leadership_example_context
from toolkit.schema.meeting_kinds import BRANCH_DOCUMENTS, MeetingKind, kind_of
from toolkit.schema.variables import ALL_PROVIDED, example_context
from toolkit.schema.workbooks import SHEETS_BY_KEY
from toolkit.writers.docx_engine import CompiledTemplate, compile_template, render_compiled
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
UNTRUSTED_TIME_LIMIT = 30  # seconds for all of one render's documents
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


_COMPILED: dict[str, tuple[int, CompiledTemplate | None]] = {}


def _compiled(template: Path, data: bytes) -> CompiledTemplate | None:
    """The template parsed and compiled once per process (per content: an edited file is read again)."""
    key = str(template)
    hit = _COMPILED.get(key)
    if hit is None or hit[0] != hash(data):
        hit = _COMPILED[key] = (hash(data), compile_template(data, jinja_env()))
    return hit[1]


def render_docx(template: Path, context: dict[str, Any], out: Path) -> None:
    """Render one template into ``out`` (in this process: only for trusted templates)."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        _TEMPLATE_CLASS = _docx_template_class()
    name = template.name
    data = _template_bytes(template)
    author = str(context.get("org") or "")
    try:
        compiled = _compiled(template, data)
        if compiled is not None:
            result = render_compiled(compiled, context, author=author)
        else:  # a template the engine does not fill the way docxtpl does: docxtpl itself
            rendered = io.BytesIO()
            tpl = _TEMPLATE_CLASS(io.BytesIO(data))
            tpl.render(context, jinja_env=jinja_env())
            finish_document(tpl.docx, author=author)
            tpl.save(rendered)
            result = rendered.getvalue()
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
    Path(out).write_bytes(result)


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
    _render_isolated_many([(t, o, context) for t, o in jobs])


def _render_isolated_many(jobs: list[tuple[Path, Path, dict[str, Any]]]) -> None:
    """Untrusted templates, each with its own context (each member's material), in one child process."""
    index: dict[int, int] = {}
    contexts: list[dict[str, Any]] = []
    for _, _, ctx in jobs:
        if id(ctx) not in index:
            index[id(ctx)] = len(contexts)
            contexts.append(ctx)
    payload = json.dumps({
        "jobs": [[str(t), str(o), index[id(c)]] for t, o, c in jobs], "contexts": contexts,
        "time_limit": UNTRUSTED_TIME_LIMIT, "memory_limit": UNTRUSTED_MEMORY_LIMIT,
    }, ensure_ascii=False)
    names = "、".join(dict.fromkeys(t.name for t, _, _ in jobs))
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
        contexts = request["contexts"] if "contexts" in request else [request["context"]]
        for job in request["jobs"]:  # [template, out] with one context, or [template, out, context index]
            render_docx(Path(job[0]), contexts[job[2] if len(job) > 2 else 0], Path(job[1]))
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
    return list(all_templates())  # schema/documents.py declares every document, once


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


def build_document_context(branch: Branch, today: dt.date | None = None) -> dict[str, Any]:
    """The values of the branch's documents, from the context builder its meeting kind names."""
    return CONTEXTS[meeting_kind(branch).context](branch, today)


@dataclass
class Written:
    """What one render wrote: the kind's main documents, the rest, and what it skipped and why."""

    core: list[Path] = field(default_factory=list)
    docx: list[Path] = field(default_factory=list)  # the meeting's other documents (paperwork)
    skipped: list[str] = field(default_factory=list)  # notices, in Chinese: which document and why
    for_pdf: list[Path] = field(default_factory=list)  # the files whose document is converted with --pdf

    @property
    def all(self) -> list[Path]:
        return [*self.core, *self.docx]


class _Contexts:
    """Each document's context, built once per render from the declaration's builder name."""

    def __init__(self, branch: Branch, base: Context, as_of: dt.date | None = None):
        self.branch, self.base, self.as_of = branch, base, as_of
        self._shared: Context | None = None

    def shared(self, doc: Document) -> Context:
        if doc.context == BRANCH:
            return self.base
        if doc.context == PROGRESS:
            return progress_context(self.branch, self.base, self.as_of or dt.date.today())
        if self._shared is None:  # the meeting-day, 民主评议 and personal documents
            self._shared = paperwork_context(self.branch, self.base)
        return self._shared

    def member(self, name: str) -> Context:
        return personal_context(self.branch, name, self._shared if self._shared is not None else self.base)


def _skip_reason(doc: Document, branch: Branch, ctx: Context) -> str:
    missing = [SHEETS_BY_KEY[k].name for k in doc.needs if k not in branch.sheets_found]
    if missing:
        return f"未生成{doc.name}：填报表中没有“{'”“'.join(missing)}”表（旧版填报表）。"
    if doc.requires and not ctx.get(doc.requires):
        return f"未生成{doc.name}：{doc.notice}。"
    return ""


def _file_values(branch: Branch) -> tuple[str, str]:
    org = safe_filename(as_text(branch.info.get("org_name")) or Path(branch.path).stem)
    return org, safe_filename(as_text(branch.info.get("year")), fallback="年度")


def _member_files(doc: Document, branch: Branch, org: str, year: str) -> list[tuple[str, str]]:
    """(member, file) for each member taking part; two names that sanitise alike never share a file."""
    used: set[str] = set()
    out = []
    for name in member_names(branch):
        stem = safe_filename(name, fallback="党员")
        while stem in used:
            stem += "_"
        used.add(stem)
        out.append((name, doc.file_name(org, year, stem)))
    return out


def _jobs(branch: Branch, docs: tuple[Document, ...], contexts: _Contexts | None,
          written: Written) -> list[tuple[Document, str, Context | None]]:
    """(document, file relative to the output folder, context) for every file to write, in the table's order.

    With ``contexts`` None only the names are wanted (``output_names``): nothing is computed.
    """
    org, year = _file_values(branch)
    jobs: list[tuple[Document, str, Context | None]] = []
    for doc in docs:
        ctx = contexts.shared(doc) if contexts is not None else None
        reason = _skip_reason(doc, branch, ctx) if ctx is not None else ""
        if reason:
            written.skipped.append(reason)
            continue
        if not doc.per_member:
            jobs.append((doc, doc.file_name(org, year), ctx))
            continue
        for name, file in _member_files(doc, branch, org, year):
            jobs.append((doc, file, contexts.member(name) if contexts is not None else None))
    return jobs


def output_names(branch: Branch) -> list[str]:
    """<党组织名称>_<年度>_<文档>[_<姓名>].docx of the kind's main documents, safe as file names."""
    docs = tuple(d for d in meeting_kind(branch).documents if d.core)
    return [file for _, file, _ in _jobs(branch, docs, None, Written())]


def _template(doc: Document, templates: str | os.PathLike | None) -> tuple[Path, bool]:
    """The template to use and whether it is a unit's own (rendered isolated)."""
    if templates is not None:
        own = Path(templates) / doc.template
        if own.is_file() and own.resolve().parent != TEMPLATE_DIR.resolve():
            return own, True
    return TEMPLATE_DIR / doc.template, False


def write_documents(branch: Branch, out_dir: str | os.PathLike, docs: tuple[Document, ...], *,
                    templates: str | os.PathLike | None = None, base: Context | None = None,
                    today: dt.date | None = None, as_of: dt.date | None = None) -> Written:
    """Write ``docs`` (entries of schema/documents.py) for a checked branch; all files or none.

    The one writer of every document a branch render produces: each document's
    context comes from the builder its entry names, a per-member document is
    written once per member taking part, a document whose sheets or values are
    missing is skipped with a notice. Every file goes to a temporary name first
    and all are renamed together at the end. A unit's own templates are filled
    in one child process with limits (``_render_isolated_many``).
    """
    if templates is not None and not Path(templates).is_dir():
        raise UsageError(f"找不到模板文件夹：{templates}")
    out = ensure_dir(out_dir)
    if base is None:
        base = build_context(branch, as_of) if as_of is not None and not any(d.core for d in docs) \
            else build_document_context(branch, today)
    written = Written()
    jobs = _jobs(branch, docs, _Contexts(branch, base, as_of), written)
    folders = {out / d.folder for d, _, _ in jobs if d.folder and not (out / d.folder).exists()}
    try:
        _write_jobs(out, jobs, templates, written)
    except BaseException:
        for folder in folders:  # a sub-folder this render made stays only with its files
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return written


def _write_jobs(out: Path, jobs: list[tuple[Document, str, Context | None]],
                templates: str | os.PathLike | None, written: Written) -> None:
    with contextlib.ExitStack() as stack:
        work = []
        for doc, file, ctx in jobs:
            final = inside(out / doc.folder if doc.folder else out, Path(file).name)
            template, isolate = _template(doc, templates)
            work.append((doc, final, stack.enter_context(atomic_path(final)), template, isolate, ctx))
        isolated = [(template, tmp, ctx) for _, _, tmp, template, isolate, ctx in work if isolate]
        if isolated:
            _render_isolated_many(isolated)
        for doc, final, tmp, template, isolate, ctx in work:
            if not isolate:
                render_docx(template, ctx, tmp)
            (written.core if doc.core else written.docx).append(final)
            if doc.pdf:
                written.for_pdf.append(final)


def render_branch(branch: Branch, out_dir: str | os.PathLike, *, templates: str | os.PathLike | None = None,
                  today: dt.date | None = None) -> list[Path]:
    """Write the main documents of a checked branch's meeting kind into ``out_dir``; all or none."""
    kind = meeting_kind(branch)
    resolve_templates(templates, kind.documents)  # a folder without any known template is a usage error
    return write_documents(branch, out_dir, tuple(d for d in kind.documents if d.core), templates=templates,
                           today=today).core


def render_set(branch: Branch, out_dir: str | os.PathLike, *, templates: str | os.PathLike | None = None,
               today: dt.date | None = None) -> Written:
    """Everything a plain render writes for the branch's meeting kind, in one all-or-none batch."""
    kind = meeting_kind(branch)
    resolve_templates(templates, kind.documents)
    return write_documents(branch, out_dir, tuple(d for d in kind.documents if not d.on_progress),
                           templates=templates, today=today)


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
