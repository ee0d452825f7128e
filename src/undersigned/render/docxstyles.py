"""The DOCX's styles and numbering parts: the house styles (added to a reference document that
lacks them), document defaults (fonts, size, language, direction), list numbering."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..format.locales import font_stack
from .docxxml import NSDECLS, W_NS, clean, parse_xml, qn, xml_attr
from .prepare import Prepared

BODY_FONT = "Cambria"
COMPLEX_FONT = "Times New Roman"
#: the East Asian font slot, so Hangul, kana and Han characters never fall into a Latin font;
#: every Noto CJK face covers all of them, the region only picks the preferred glyph shapes
CJK_FONTS = {"ja": "Noto Serif CJK JP", "zh": "Noto Serif CJK SC", "zh-hant": "Noto Serif CJK TC",
             "zh-tw": "Noto Serif CJK TC", "zh-hk": "Noto Serif CJK TC"}
CJK_DEFAULT = "Noto Serif CJK KR"


def cjk_font(lang: str) -> str:
    """The East Asian fallback font for a letter in `lang` (BCP 47)."""
    tag = (lang or "").lower()
    for prefix in ("zh-hant", "zh-tw", "zh-hk", "zh", "ja"):
        if tag == prefix or tag.startswith(prefix + "-"):
            return CJK_FONTS[prefix]
    return CJK_DEFAULT


# --- styles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """A named style the writer uses: its built-in name, base style and formatting XML."""

    kind: str  # paragraph | character
    name: str
    based_on: str | None = None
    ppr: str = ""  # children of w:pPr, in schema order
    rpr: str = ""  # children of w:rPr, in schema order
    next: str | None = None
    builtin: bool = False
    priority: int = 10


def _spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    line_attrs = f' w:line="{line}" w:lineRule="auto"' if line else ""
    return f'<w:spacing w:before="{before}" w:after="{after}"{line_attrs}/>'


_GREY = '<w:color w:val="404040"/>'
_KEEP = "<w:keepNext/><w:keepLines/>"

#: The styles of the house look, in dependency order (a style's base comes first). With a
#: reference document, only the styles it lacks are added; without one they replace the
#: defaults of python-docx's template.
STYLES = [
    StyleSpec("paragraph", "Normal", None, builtin=True, priority=0),
    StyleSpec("character", "Default Paragraph Font", None, builtin=True, priority=1),
    # left-aligned, as the HTML: justified text without hyphenation leaves wide gaps
    StyleSpec("paragraph", "Body Text", "Normal", _spacing(after=180), builtin=True, priority=1),
    StyleSpec("paragraph", "Letter Heading", "Normal", _KEEP + _spacing(after=360),
              '<w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/>'),
    StyleSpec("paragraph", "Delivery Line", "Normal", "<w:keepNext/>" + _spacing(after=240),
              "<w:b/><w:bCs/>"),
    # not Word's "Date": pandoc reads a paragraph in that style as metadata and drops it
    StyleSpec("paragraph", "Date Line", "Normal", _spacing(after=360), next="Addressee"),
    StyleSpec("paragraph", "Addressee", "Normal", "<w:keepLines/>" + _spacing(after=240)),
    StyleSpec("paragraph", "Subject", "Normal", _KEEP + _spacing(before=120, after=240),
              "<w:b/><w:bCs/>"),
    StyleSpec("paragraph", "Salutation", "Normal", "<w:keepNext/>" + _spacing(after=180),
              next="Body Text", builtin=True),
    StyleSpec("paragraph", "Heading 1", "Normal",
              _KEEP + _spacing(before=240, after=120) + '<w:outlineLvl w:val="0"/>',
              '<w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/>', next="Body Text",
              builtin=True, priority=9),
    StyleSpec("paragraph", "Block Quote", "Body Text",
              '<w:ind w:left="567" w:right="567"/>', next="Body Text"),
    StyleSpec("paragraph", "List Bullet", "Body Text", _spacing(after=80), builtin=True),
    StyleSpec("paragraph", "List Number", "Body Text", _spacing(after=80), builtin=True),
    StyleSpec("paragraph", "Closing", "Normal", _spacing(before=240, after=240),
              builtin=True),
    StyleSpec("paragraph", "Signatories Heading", "Normal", _KEEP + _spacing(before=360, after=120),
              "<w:b/><w:bCs/>"),
    StyleSpec("paragraph", "Signatories Note", "Normal", _KEEP + _spacing(after=120),
              '<w:i/><w:iCs/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
    StyleSpec("paragraph", "Signatory Section", "Normal",
              _KEEP + '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="A6A6A6"/>'
              "</w:pBdr>" + _spacing(before=280, after=160),
              '<w:b/><w:bCs/><w:smallCaps/><w:spacing w:val="10"/>'),
    StyleSpec("paragraph", "Signatory Group", "Normal", _KEEP + _spacing(before=160, after=60),
              "<w:i/><w:iCs/>"),
    # a name above its title is bold (as in the HTML); names in a column, a line or a table
    # are set in the text's own weight
    StyleSpec("paragraph", "Signatory Name", "Normal",
              "<w:keepLines/>" + _spacing(after=20) + '<w:ind w:left="284" w:hanging="284"/>',
              "<w:b/><w:bCs/>"),
    StyleSpec("paragraph", "Signatory Entry", "Normal",
              "<w:keepLines/>" + _spacing(after=60) + '<w:ind w:left="284" w:hanging="284"/>'),
    StyleSpec("paragraph", "Signatory Cell", "Normal", "<w:keepLines/>" + _spacing(after=0)),
    StyleSpec("paragraph", "Signatory Title", "Normal",
              "<w:keepLines/>" + _spacing(after=140, line=240),
              _GREY + '<w:sz w:val="20"/><w:szCs w:val="20"/>'),
    # "cc:" hangs to the left of the recipients' blocks, as in the HTML
    StyleSpec("paragraph", "Copy Recipients", "Normal",
              '<w:keepLines/><w:tabs><w:tab w:val="left" w:pos="567"/></w:tabs>'
              + _spacing(after=0) + '<w:ind w:left="567" w:hanging="567"/>'),
    StyleSpec("paragraph", "Annex Heading", "Heading 1", "<w:pageBreakBefore/>",
              next="Body Text"),
    StyleSpec("paragraph", "Footnote Text", "Normal", _spacing(after=60, line=240),
              '<w:sz w:val="18"/><w:szCs w:val="18"/>', builtin=True, priority=99),
    StyleSpec("character", "Footnote Reference", "Default Paragraph Font",
              rpr='<w:vertAlign w:val="superscript"/>', builtin=True, priority=99),
    StyleSpec("character", "Hyperlink", "Default Paragraph Font",
              rpr='<w:color w:val="1F4E8C"/><w:u w:val="single"/>', builtin=True, priority=99),
    StyleSpec("character", "Emphasis", "Default Paragraph Font", rpr="<w:i/><w:iCs/>",
              builtin=True, priority=20),
    StyleSpec("character", "Strong", "Default Paragraph Font", rpr="<w:b/><w:bCs/>",
              builtin=True, priority=22),
    StyleSpec("paragraph", "Footer", "Normal", '<w:jc w:val="center"/>',
              _GREY + '<w:sz w:val="18"/><w:szCs w:val="18"/>', builtin=True, priority=99),
]


#: Word writes the names of its oldest built-in styles in lower case; so do we, so that Word
#: and pandoc recognise them as the built-in styles (and localise their names)
WORD_NAMES = {"Heading 1": "heading 1", "Footnote Text": "footnote text",
              "Footnote Reference": "footnote reference", "Footer": "footer"}


class Styles:
    """The styles part, looked up by name (case-blind: Word writes "footnote text")."""

    def __init__(self, element) -> None:
        self.element = element
        self.by_name: dict[tuple[str, str], object] = {}
        self.defaults: dict[str, object] = {}
        for style in element.iterchildren(qn("w:style")):
            name = style.find(qn("w:name"))
            kind = style.get(qn("w:type"))
            if name is not None:
                self.by_name.setdefault((kind, name.get(qn("w:val")).lower()), style)
            if style.get(qn("w:default")) in ("1", "true", "on"):
                self.defaults.setdefault(kind, style)
        self.ids = {s.get(qn("w:styleId")) for s in element.iterchildren(qn("w:style"))}

    def find(self, kind: str, name: str):
        style = self.by_name.get((kind, name.lower()))
        if style is None and name == "Normal":
            style = self.defaults.get("paragraph")
        if style is None and name == "Default Paragraph Font":
            style = self.defaults.get("character")
        return style

    def id_of(self, kind: str, name: str) -> str | None:
        style = self.find(kind, name)
        return None if style is None else style.get(qn("w:styleId"))

    def ensure(self, spec: StyleSpec, replace: bool) -> str:
        """The style id for `spec`: the existing style's, or a new (or replaced) definition."""
        old = self.find(spec.kind, spec.name)
        if old is not None and not replace:
            return old.get(qn("w:styleId"))
        if old is not None:
            style_id = old.get(qn("w:styleId"))
        else:
            base = style_id = re.sub(r"[^A-Za-z0-9]", "", spec.name) or "Style"
            n = 1
            while style_id in self.ids:
                n += 1
                style_id = f"{base}{n}"
        new = parse_xml(self._xml(spec, style_id, old))
        if old is not None:
            old.addprevious(new)
            self.element.remove(old)
        else:
            self.element.append(new)
        self.ids.add(style_id)
        self.by_name[(spec.kind, spec.name.lower())] = new
        if old is not None and old.get(qn("w:default")):
            self.defaults[spec.kind] = new
        return style_id

    def _xml(self, spec: StyleSpec, style_id: str, old) -> str:
        default = ' w:default="1"' if old is not None and old.get(qn("w:default")) else ""
        custom = "" if spec.builtin else ' w:customStyle="1"'
        parts = [f'<w:style {NSDECLS} w:type="{spec.kind}"{default}{custom}'
                 f' w:styleId="{xml_attr(style_id)}">'
                 f'<w:name w:val="{xml_attr(WORD_NAMES.get(spec.name, spec.name))}"/>']
        if spec.based_on:
            base = self.id_of(spec.kind, spec.based_on)
            if base:
                parts.append(f'<w:basedOn w:val="{xml_attr(base)}"/>')
        if spec.next:
            nxt = self.id_of(spec.kind, spec.next)
            if nxt:
                parts.append(f'<w:next w:val="{xml_attr(nxt)}"/>')
        parts.append(f'<w:uiPriority w:val="{spec.priority}"/>')
        if spec.kind == "paragraph" and spec.priority < 99:
            parts.append("<w:qFormat/>")
        if spec.ppr:
            parts.append(f"<w:pPr>{spec.ppr}</w:pPr>")
        if spec.rpr:
            parts.append(f"<w:rPr>{spec.rpr}</w:rPr>")
        parts.append("</w:style>")
        return "".join(parts)


def doc_defaults(styles_el, lang: str, house: bool) -> None:
    """Fonts, size and language for every run; the East Asian font is named in any case."""
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.SubElement(styles_el, qn("w:docDefaults"))
        styles_el.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(qn("w:rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(rpr_default, qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.Element(qn("w:rFonts"))
        rpr.insert(0, fonts)
    if house:
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        fonts.set(qn("w:ascii"), BODY_FONT)
        fonts.set(qn("w:hAnsi"), BODY_FONT)
        fonts.set(qn("w:cs"), COMPLEX_FONT)
        for child in list(rpr):
            if child.tag in (qn("w:sz"), qn("w:szCs")):
                rpr.remove(child)
        lang_el = rpr.find(qn("w:lang"))
        size = '<w:sz w:val="22"/><w:szCs w:val="22"/>'
        for el in reversed(parse_xml(f"<w:rPr {NSDECLS}>{size}</w:rPr>").getchildren()):
            if lang_el is not None:
                lang_el.addprevious(el)
            else:
                rpr.append(el)
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is None:
            ppr_default = etree.SubElement(defaults, qn("w:pPrDefault"))
        for child in list(ppr_default):
            ppr_default.remove(child)
        ppr_default.append(parse_xml(f"<w:pPr {NSDECLS}>{_spacing(after=0, line=264)}</w:pPr>"))
    if fonts.get(qn("w:eastAsia")) is None:
        # a theme font name wins over an explicit one in Word, so drop it for ours to count
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
        fonts.set(qn("w:eastAsia"), cjk_font(lang))
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = etree.SubElement(rpr, qn("w:lang"))
    if lang:
        lang_el.set(qn("w:val"), clean(lang))


#: the children of w:pPr that come after w:bidi, in schema order (CT_PPrBase)
_AFTER_BIDI = ("adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
               "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
               "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
               "pPrChange")


def set_direction(styles_el, prepared: Prepared) -> None:
    """A right-to-left letter: every paragraph bidi (a document default, so a reference
    document's styles inherit it too), its language named for complex scripts; and a
    script the default faces lack (Arabic, Hebrew) gets its font in the complex-script slot."""
    lang = prepared.lang
    rtl = prepared.dir == "rtl"
    fonts = font_stack(lang)
    if not rtl and not fonts:
        return
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    if fonts:
        rpr.find(qn("w:rFonts")).set(qn("w:cs"), fonts[0])
    if not rtl:
        return
    rpr.find(qn("w:lang")).set(qn("w:bidi"), clean(lang))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = etree.SubElement(defaults, qn("w:pPrDefault"))
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.SubElement(ppr_default, qn("w:pPr"))
    if ppr.find(qn("w:bidi")) is None:
        bidi = etree.Element(qn("w:bidi"))
        later = {qn(f"w:{n}") for n in _AFTER_BIDI}
        after = next((c for c in ppr if c.tag in later), None)
        if after is not None:
            after.addprevious(bidi)
        else:
            ppr.append(bidi)


#: CT_PPrBase's children, in schema order (a w:pPr must list them in this order)
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
              "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
              "autoSpaceDN", "bidi", *_AFTER_BIDI)
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


def latin_paragraphs_left_to_right(*roots) -> None:
    """In a right-to-left letter, a paragraph with no right-to-left letter (a signatory's
    name, a citation in Latin letters) is set left to right, aligned right like the rest: in
    a bidi paragraph its final full stop or bracket would jump to its left end."""
    for root in roots:
        for p in root.iter(qn("w:p")):
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            if _RTL_LETTER.search(text) or not _LATIN_LETTER.search(text):
                continue
            ppr = p.find(qn("w:pPr"))
            if ppr is None:
                ppr = etree.Element(qn("w:pPr"))
                p.insert(0, ppr)
            _set_ppr_child(ppr, "bidi", {"w:val": "0"})
            if ppr.find(qn("w:jc")) is None:
                _set_ppr_child(ppr, "jc", {"w:val": "right"})


def _set_ppr_child(ppr, name: str, attrs: dict[str, str]) -> None:
    for old in ppr.findall(qn(f"w:{name}")):
        ppr.remove(old)
    el = etree.Element(qn(f"w:{name}"), {qn(k): v for k, v in attrs.items()})
    later = {qn(f"w:{n}") for n in _PPR_ORDER[_PPR_ORDER.index(name) + 1:]}
    after = next((c for c in ppr if c.tag in later), None)
    if after is not None:
        after.addprevious(el)
    else:
        ppr.append(el)


# --- numbering --------------------------------------------------------------------------


class Numbering:
    """Bulleted and numbered lists: one w:num per list, so each numbered list starts at 1."""

    def __init__(self, part, styles: Styles, house: bool, source=None) -> None:
        self.part = part  # the numbering part (render/docxpackage.Part), or None
        self.source = source
        self.styles = styles
        self.house = house
        self._element = None
        self._abstract: dict[bool, str] = {}

    @property
    def element(self):
        if self._element is None:
            if self.part is None:
                from ..errors import DocxError

                raise DocxError(f"{self.source}: this reference document has no numbering "
                                "part, which the letter's lists need; add a bulleted list to "
                                "it in Word or LibreOffice and save it again, or remove it to "
                                "use the built-in styles")
            self._element = parse_xml(self.part.blob)
        return self._element

    def new_list(self, style_name: str, ordered: bool) -> str:
        abstract = self._abstract.get(ordered)
        if abstract is None:
            abstract = (None if self.house else self._style_abstract(style_name)) \
                or self._add_abstract(ordered)
            self._abstract[ordered] = abstract
        # as python-docx numbers and places a w:num: the first free id from 1, before any
        # w:numIdMacAtCleanup
        taken = [int(n.get(qn("w:numId"))) for n in self.element.iterchildren(qn("w:num"))]
        num_id = next(n for n in range(1, len(taken) + 2) if n not in taken)
        num = etree.Element(qn("w:num"), {qn("w:numId"): str(num_id)}, nsmap={"w": W_NS})
        etree.SubElement(num, qn("w:abstractNumId"), {qn("w:val"): str(int(abstract))})
        if ordered:
            override = etree.SubElement(num, qn("w:lvlOverride"), {qn("w:ilvl"): "0"})
            etree.SubElement(override, qn("w:startOverride"), {qn("w:val"): "1"})
        cleanup = self.element.find(qn("w:numIdMacAtCleanup"))
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            self.element.append(num)
        return str(num_id)

    def _style_abstract(self, style_name: str) -> str | None:
        style = self.styles.find("paragraph", style_name)
        if style is None:
            return None
        num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is None:
            return None
        for num in self.element.iterchildren(qn("w:num")):
            if num.get(qn("w:numId")) == num_id.get(qn("w:val")):
                ref = num.find(qn("w:abstractNumId"))
                return None if ref is None else ref.get(qn("w:val"))
        return None

    def _add_abstract(self, ordered: bool) -> str:
        ids = [int(a.get(qn("w:abstractNumId")))
               for a in self.element.iterchildren(qn("w:abstractNum"))]
        new_id = max(ids, default=-1) + 1
        fmt, text = ("decimal", "%1.") if ordered else ("bullet", "\u2022")
        xml = (f'<w:abstractNum {NSDECLS} w:abstractNumId="{new_id}">'
               f'<w:nsid w:val="{0x55D00000 + new_id:08X}"/>'
               '<w:multiLevelType w:val="singleLevel"/>'
               f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
               f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
               '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>')
        element = parse_xml(xml)
        first_num = self.element.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self.element.append(element)
        return str(new_id)
