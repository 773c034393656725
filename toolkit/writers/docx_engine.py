"""Fill a docxtpl template many times from one parsed, compiled form.

docxtpl opens the template as a python-docx ``Document`` for every render,
re-parses and re-patches its XML, renders the headers and core properties
through jinja, and re-writes and re-compresses every part of the package on
save. For the full set of a branch (30 personal materials from one template)
that was most of the time. Here a template is read once per process
(``CompiledTemplate``): the body XML is cleaned up by docxtpl's own
``patch_xml`` and compiled once; the parts no render changes are compressed
once into a zip prefix; each render then only runs the compiled template, makes
docxtpl's post-render fixes (``resolve_listing``, ``fix_tables``, docPr ids),
finishes the document (properties, 落款) and appends the document and core
properties parts to a copy of the prefix.

The text of a document is what docxtpl gives for the same template and
context; a template this engine does not handle the same way (markup in core
properties or in parts other than the body, headers, footers and footnotes, an
unusual package layout) is reported by ``compile_template`` as ``None`` and
rendered by docxtpl instead.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"
_MARKUP = re.compile(r"\{[{%#]")
_RENDERED_PART = re.compile(r"word/(header\d*|footer\d*|footnotes)\.xml")
_LISTING_CHARS = re.compile("[\t\a\n\f]")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PLACEHOLDER = "orglife-body"


_HELPER = None


def _helper():
    """A docxtpl instance used only for its stateless XML helpers (patch_xml, resolve_listing)."""
    global _HELPER
    if _HELPER is None:
        from docxtpl import DocxTemplate

        _HELPER = DocxTemplate(io.BytesIO(b""))
    return _HELPER


@dataclass
class CompiledTemplate:
    prefix: bytes  # a zip of every part no render changes, compressed once
    shell: bytes  # document.xml with an empty placeholder for the body
    body: Any  # the compiled jinja template of the body XML
    parts: dict[str, Any]  # other parts with markup (headers, footers, footnotes): compiled
    encodings: dict[str, str]
    core: bytes  # docProps/core.xml as the template has it
    style_ids: dict[str, str]  # {style name: style id}
    core_skeleton: bytes | None = None  # core.xml with marks for the title, author and time


def _prepare(src: str) -> str:
    """What docxtpl's render_xml_part does to a part's XML before jinja sees it."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", src)


def _finish_xml(helper, xml: str) -> str:
    """What docxtpl's render_xml_part does to the rendered XML."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _LISTING_CHARS.search(xml):  # resolve_listing changes nothing in text without these
        xml = helper.resolve_listing(xml)
    return xml


def _supported(blobs: dict[str, bytes]) -> bool:
    """Whether the engine fills this package exactly as docxtpl would."""
    if DOCUMENT not in blobs or CORE not in blobs or b"{" in blobs[CORE] or "word/styles.xml" not in blobs:
        return False
    return not any(  # markup in a part docxtpl renders but this engine copies
        name not in (DOCUMENT, CORE) and not _RENDERED_PART.fullmatch(name) and name.endswith(".xml")
        and b"{" in blob and _MARKUP.search(blob.decode("utf-8", "replace"))
        for name, blob in blobs.items())


def _other_parts(helper, names: list[str], blobs: dict[str, bytes], env) -> tuple[dict[str, Any], dict[str, str]]:
    """The headers, footers and footnotes holding markup, prepared as docxtpl prepares them, compiled."""
    from docx.oxml.parser import parse_xml

    parts, encodings = {}, {}
    for name in names:
        if not _RENDERED_PART.fullmatch(name) or not _MARKUP.search(blobs[name].decode("utf-8", "replace")):
            continue
        if name.startswith("word/footnotes"):  # docxtpl renders footnotes from the stored text
            src = blobs[name].decode("utf-8")
            encodings[name] = "utf-8"
        else:
            src = etree.tostring(parse_xml(blobs[name]), encoding="unicode", pretty_print=False)
            m = re.match(r'<\?xml[^\?]+\bencoding="([^"]+)"', src, re.I)
            encodings[name] = m.group(1) if m else "utf-8"
        parts[name] = env.from_string(_prepare(helper.patch_xml(src)))
    return parts, encodings


def compile_template(data: bytes, env) -> CompiledTemplate | None:
    """The template in a form to render many times; None when docxtpl must render it."""
    from docx.oxml.parser import parse_xml

    from toolkit.writers.docx_format import style_ids

    helper = _helper()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        blobs = {i.filename: zf.read(i) for i in infos}
    if not _supported(blobs):
        return None
    root = parse_xml(blobs[DOCUMENT])
    body = root.find(f"{{{W_NS}}}body")
    if body is None:
        return None
    body_src = helper.patch_xml(etree.tostring(body, encoding="unicode", pretty_print=False))
    placeholder = etree.Element(f"{{{W_NS}}}{_PLACEHOLDER}")
    root.replace(body, placeholder)
    shell = etree.tostring(root, encoding="UTF-8", standalone=True)
    parts, encodings = _other_parts(helper, [i.filename for i in infos], blobs, env)
    prefix = io.BytesIO()
    with zipfile.ZipFile(prefix, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            if info.filename not in (DOCUMENT, CORE) and info.filename not in parts:
                out.writestr(info.filename, blobs[info.filename])
    return CompiledTemplate(prefix=prefix.getvalue(), shell=shell, body=env.from_string(_prepare(body_src)),
                            parts=parts, encodings=encodings, core=blobs[CORE],
                            style_ids=style_ids(parse_xml(blobs["word/styles.xml"])))


def _fix_tables(xml: str):
    """docxtpl's fix_tables: parse the rendered body (recovering) and widen grids rows outgrew."""
    from docx.oxml.parser import element_class_lookup

    parser = etree.XMLParser(recover=True)
    parser.set_element_class_lookup(element_class_lookup)
    tree = etree.fromstring(xml, parser=parser)
    ns = "{" + tree.nsmap["w"] + "}"
    for t in tree.iter(ns + "tbl"):
        grid = t.find(ns + "tblGrid")
        columns = grid.findall(ns + "gridCol")
        to_add = 0
        for r in t.iter(ns + "tr"):
            cells = r.findall(ns + "tc")
            if (len(columns) + to_add) < len(cells):
                to_add = len(cells) - len(columns)
        if to_add <= 0:
            continue
        width = sum(float(c.get(ns + "w")) for c in columns if c.get(ns + "w") is not None)
        if width <= 0:
            continue
        old_average, new_average = width / len(columns), width / (len(columns) + to_add)
        for c in columns:
            c.set(ns + "w", str(int(float(c.get(ns + "w")) * new_average / old_average)))
        for _ in range(to_add):
            etree.SubElement(grid, ns + "gridCol", {ns + "w": str(int(new_average))})
    return tree


# The core properties of a filled document differ only in its title, author and time: they are
# written once per template with these marks and the values put in per file.
_TITLE_MARK, _AUTHOR_MARK = "\ue000title\ue000", "\ue000author\ue000"
_TIME_MARK = dt.datetime(1901, 2, 3, 4, 5, 6)
_NOT_PLAIN = re.compile("[\x00-\x1f\ud800-\udfff\ue000\ufffe\uffff]")


def _core_properties(blob: bytes, *, title: str, author: str, created: dt.datetime | None):
    """docxtpl's render_properties (each string property written back), then finish_document's values."""
    from docx.opc.packuri import PackURI
    from docx.opc.parts.coreprops import CorePropertiesPart

    from toolkit.writers.docx_format import set_core_properties

    core = CorePropertiesPart.load(PackURI("/" + CORE), "", blob, None)
    props = core.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        setattr(props, name, getattr(props, name))
    set_core_properties(props, title=title, author=author, created=created)
    return etree.tostring(core.element, encoding="UTF-8", standalone=True)


def _escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


def _core_xml(tpl: CompiledTemplate, title: str, author: str, created: dt.datetime | None) -> bytes:
    from toolkit.writers.docx_format import utc_naive

    if _NOT_PLAIN.search(title) or _NOT_PLAIN.search(author):  # python-docx decides what such text becomes
        return _core_properties(tpl.core, title=title, author=author, created=created)
    if tpl.core_skeleton is None:
        tpl.core_skeleton = _core_properties(tpl.core, title=_TITLE_MARK, author=_AUTHOR_MARK, created=_TIME_MARK)
    stamp = utc_naive(created).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return (tpl.core_skeleton.replace(_TIME_MARK.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), stamp)
            .replace(_TITLE_MARK.encode(), _escape(title)).replace(_AUTHOR_MARK.encode(), _escape(author)))


_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def render_compiled(tpl: CompiledTemplate, context: dict[str, Any], *, author: str,
                    created: dt.datetime | None = None) -> bytes:
    """The filled document's bytes (.docx)."""
    from docx.oxml.parser import parse_xml

    from toolkit.writers.docx_format import finish_body

    helper = _helper()
    tree = _fix_tables(_finish_xml(helper, tpl.body.render(context)))
    for index, elt in enumerate(tree.iter(_WP_DOCPR), start=1001):  # docxtpl's fix_docpr_ids
        elt.attrib["id"] = str(index)
    root = parse_xml(tpl.shell)
    root.replace(root.find(f"{{{W_NS}}}{_PLACEHOLDER}"), tree)
    rendered = {}
    for name, part in tpl.parts.items():
        blob = _finish_xml(helper, part.render(context)).encode(tpl.encodings[name])
        if not name.startswith("word/footnotes"):  # a header or footer: saved as python-docx saves an XML part
            blob = etree.tostring(parse_xml(blob), encoding="UTF-8", standalone=True)
        rendered[name] = blob
    title = finish_body(root, tpl.style_ids)
    core = _core_xml(tpl, title, author, created)
    out = io.BytesIO(tpl.prefix)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(DOCUMENT, etree.tostring(root, encoding="UTF-8", standalone=True))
        for name, blob in rendered.items():
            zf.writestr(name, blob)
        zf.writestr(CORE, core)
    return out.getvalue()
