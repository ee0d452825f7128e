"""WordprocessingML written as text: namespaces, characters XML can carry, runs of inline
nodes (links, emphasis, footnote calls) and paragraphs, for the DOCX writer (render/docx.py)."""

from __future__ import annotations

import re

from lxml import etree

from ..format.bidi import ISOLATES, LTR
from ..format.inline import Span, Text
from ..format.model import Party
from .prepare import NoteCall

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECLS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
_NSMAP = {"w": W_NS, "r": R_NS}
_XML_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False)
HYPERLINK_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def qn(tag: str) -> str:
    """`w:p` as lxml names it, `{namespace}p` (python-docx is not imported to render)."""
    prefix, _, local = tag.partition(":")
    return f"{{{_NSMAP[prefix]}}}{local}"


def parse_xml(xml: str | bytes):
    """One element from XML text (no entities resolved)."""
    return etree.fromstring(xml.encode() if isinstance(xml, str) else xml, _XML_PARSER)

#: only web addresses become links: a letter must not carry javascript: or file: targets
LINK_SCHEMES = ("http://", "https://")

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BREAKS = re.compile(r"(\r\n|\r|\n|\t)")


def clean(text: str | None) -> str:
    """Drop the characters XML 1.0 cannot carry (C0 controls, U+FFFE/FFFF, lone surrogates)."""
    return _INVALID_XML.sub("", text or "")


def _esc(text: str) -> str:
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(piece: str) -> str:
    """One piece of already-cleaned run text: a tab, a line break or a w:t element."""
    if piece == "\t":
        return "<w:tab/>"
    if piece in ("\n", "\r", "\r\n"):
        return "<w:br/>"
    if not piece:
        return ""
    space = ' xml:space="preserve"' if piece[0] in " \u00a0" or piece[-1] in " \u00a0" else ""
    text = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<w:t{space}>{text}</w:t>"


def xml_attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")



class Inline:
    """Writes inline nodes as runs of one part; hyperlinks become relationships of that part."""

    def __init__(self, part, style_ids: dict[str, str], note_ids: dict[int, int]) -> None:
        self.part = part
        self.s = style_ids
        self.note_ids = note_ids
        self.called: set[int] = set()

    def runs(self, nodes: list, marks: frozenset = frozenset(), in_link: bool = False) -> str:
        out: list[str] = []
        for n in nodes:
            if isinstance(n, Text):
                out.append(self.text_run(n.text, marks))
            elif isinstance(n, NoteCall):
                out.append(self.note_call(n))
            elif isinstance(n, Span):
                if n.kind == "link":
                    href = clean(n.href).strip()
                    if in_link or not href.lower().startswith(LINK_SCHEMES):
                        out.append(self.runs(n.children, marks, in_link))
                        continue
                    rid = self.part.relate_to(href, HYPERLINK_RT, is_external=True)
                    out.append(f'<w:hyperlink r:id="{rid}" w:history="1">'
                               f'{self.runs(n.children, marks | {"link"}, True)}</w:hyperlink>')
                elif n.kind in ISOLATES:
                    # A run in the other direction (format/bidi.py): its runs marked with
                    # that direction for Word, which places neutral characters by it, and
                    # between isolate controls for LibreOffice and the Unicode algorithm.
                    inner = (marks - set(ISOLATES)) | {n.kind}
                    out.append(self.text_run(LRI if n.kind == LTR else RLI, inner)
                               + self.runs(n.children, inner, in_link)
                               + self.text_run(PDI, inner))
                else:
                    out.append(self.runs(n.children, marks | {n.kind}, in_link))
        return "".join(out)

    def rpr(self, marks: frozenset) -> str:
        if not marks:
            return ""
        props = ""
        style = ("Hyperlink" if "link" in marks else "Strong" if "strong" in marks
                 else "Emphasis" if "em" in marks else None)
        if style:
            props = f'<w:rStyle w:val="{xml_attr(self.s[style])}"/>'
        if "strong" in marks and style != "Strong":
            props += "<w:b/><w:bCs/>"
        if "em" in marks and style != "Emphasis":
            props += "<w:i/><w:iCs/>"
        if LTR in marks:
            props += '<w:rtl w:val="0"/>'
        elif "rtl" in marks:
            props += "<w:rtl/>"
        return f"<w:rPr>{props}</w:rPr>" if props else ""

    def text_run(self, text: str, marks: frozenset = frozenset()) -> str:
        text = clean(text)
        if not text:
            return ""
        if "\n" in text or "\t" in text or "\r" in text:
            body = "".join(_t(piece) for piece in _BREAKS.split(text))
        else:
            body = _t(text)
        return f"<w:r>{self.rpr(marks)}{body}</w:r>"

    def note_call(self, call: NoteCall) -> str:
        style = f'<w:rPr><w:rStyle w:val="{xml_attr(self.s["Footnote Reference"])}"/></w:rPr>'
        note_id = self.note_ids.get(call.number)
        if note_id is None or call.number in self.called:
            # Word numbers references by position, so a second call of the same note (or a
            # call inside a note) prints its number rather than a second reference
            return f"<w:r>{style}<w:t>{call.number}</w:t></w:r>"
        self.called.add(call.number)
        return f'<w:r>{style}<w:footnoteReference w:id="{note_id}"/></w:r>'


#: LEFT-TO-RIGHT ISOLATE, RIGHT-TO-LEFT ISOLATE, POP DIRECTIONAL ISOLATE
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"


def paragraph_xml(style_id: str, runs: str, ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{xml_attr(style_id)}"/>{ppr}</w:pPr>{runs}</w:p>'


def line_runs(inline: Inline, lines: list[str]) -> str:
    """Runs for several lines of one paragraph, joined by line breaks."""
    return "<w:r><w:br/></w:r>".join(inline.text_run(line) for line in lines if clean(line))


def party_lines(party: Party) -> list[str]:
    lines = [party.name, party.title or "", party.organization or ""]
    lines += (party.address or "").splitlines()
    return [line for line in lines if line and line.strip()]
