"""Citation styles read from their files: built-ins, a workspace's own, `extends:`, checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...errors import CitationStyleError
from ...problems import Pos, Problem
from ..dates import MONTHS
from ..model import Source
from .templates import CITATION_FIELDS, LINK_FIELDS, PRINTS, SOURCE_FIELDS, Layout, parse_layout

BUILTIN_DIR = Path(__file__).resolve().parent.parent.parent / "citation_styles"
BUILTIN_STYLES = ("house", "bluebook", "oscola")
DEFAULT_STYLE = "house"
FORMS = ("full", "short", "immediate")
# the settings a style file may hold (docs/citations.md says what each means)
SETTINGS = ("extends", "description", "quotes", "nested_quotes", "punctuation_inside_quotes",
            "delimiter", "between_citations", "note_end", "stop_after_url",
            "lowercase_after_prefix", "dates", "months", "later", "immediate", "link", "types")


@dataclass
class CitationStyle:
    """A citation style, read from its file: settings, and a layout per source type and form."""

    name: str
    quotes: str = "“”"
    nested_quotes: str = "keep"  # keep | alternate
    punctuation_inside_quotes: str = ""  # what moves inside a closing quotation mark: ",."
    delimiter: str = ", "
    between_citations: str = "; "
    note_end: str = "."
    stop_after_url: bool = False
    lowercase_after_prefix: bool = True
    dates: dict[str, str] = field(default_factory=lambda: {"day": "letter", "month": "letter",
                                                           "year": "YYYY"})
    months: tuple[str, ...] = MONTHS
    later: str = "full"  # full | short
    immediate: Layout = ()
    link: Layout = ()
    types: dict[str, dict[str, Layout]] = field(default_factory=dict)
    description: str = ""

    def layout(self, source_type: str, form: str) -> Layout:
        forms = self.types.get(source_type) or self.types.get("default", {})
        if form == "immediate":
            return forms.get("immediate") or self.immediate
        if form == "short":
            return forms.get("short") or forms["full"]
        return forms["full"]

    def printed_fields(self, source_type: str) -> set[str]:
        """The source fields some form of this type prints (for `style-field-unprinted`)."""
        forms = self.types.get(source_type) or self.types.get("default", {})
        names: set[str] = set()
        for layout in (*forms.values(), self.immediate):
            for piece in layout:
                names |= piece.fields()
        out: set[str] = set()
        for name in names:
            out.update(PRINTS.get(name, (name,)))
        return out

    @property
    def inner_quotes(self) -> str:
        return "‘’" if self.quotes == "“”" else "“”"


def _read_style_file(path: Path, display: str) -> dict:
    from ..yamlio import parse_yaml, read_text

    raw = parse_yaml(read_text(path, display), display)
    return _plain(raw)


def _plain(node):
    """Raw YAML nodes → plain dicts, lists and scalars (positions are not needed here)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if key == "extends":
            continue
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_style_path(name: str, templates: Path | None) -> Path:
    """The file of a style named in a letter: a built-in, or a file in `templates/`."""
    if name in BUILTIN_STYLES:
        return BUILTIN_DIR / f"{name}.yaml"
    if name.endswith((".yaml", ".yml")) and "/" not in name and "\\" not in name \
            and not name.startswith("."):
        if templates is not None and (templates / name).is_file():
            return templates / name
        raise CitationStyleError(
            f"citation style '{name}' is not a file in templates/; put the style file there "
            f"or use one of: {', '.join(BUILTIN_STYLES)}")
    raise CitationStyleError(
        f"unknown citation style '{name}'; use one of: {', '.join(BUILTIN_STYLES)}, or the "
        "name of a style file in templates/ (e.g. coalition.yaml)")


_builtin_cache: dict[str, CitationStyle] = {}


def load_style(name: str | None, templates: Path | None = None) -> CitationStyle:
    """Load a citation style by the name a letter gives (None: the default, house).

    Built-in styles are read once per process; a workspace's style file (and what it extends)
    is read each time, so an edit shows at once.
    """
    name = name or DEFAULT_STYLE
    if name in _builtin_cache:
        return _builtin_cache[name]
    path = resolve_style_path(name, templates)
    try:
        style = _build_style(name, path, templates, seen=())
    except OSError as e:
        raise CitationStyleError(f"cannot read citation style '{name}': {e.strerror}") from e
    if name in BUILTIN_STYLES:
        _builtin_cache[name] = style
    return style


def _build_style(name: str, path: Path, templates: Path | None, seen: tuple[str, ...]
                 ) -> CitationStyle:
    data = _load_data(name, path, templates, seen)
    where = f"citation style '{name}' ({path.name})"
    try:
        return _style_from_data(name, data)
    except (ValueError, TypeError, KeyError) as e:
        raise CitationStyleError(f"{where}: {e}") from e


def _load_data(name: str, path: Path, templates: Path | None, seen: tuple[str, ...]) -> dict:
    from ...errors import LoadError

    if name in seen:
        raise CitationStyleError(f"citation style '{name}' extends itself (through "
                                 f"{' → '.join(seen)})")
    display = path.name if path.parent == BUILTIN_DIR else f"templates/{path.name}"
    try:
        data = _read_style_file(path, display)
    except LoadError as e:
        raise CitationStyleError(f"citation style '{name}' ({path.name}) is not valid YAML",
                                 e.problems) from e
    if not isinstance(data, dict):
        raise CitationStyleError(f"citation style '{name}' ({path.name}) must be a mapping of "
                                 "settings (see docs/citations.md)")
    unknown = sorted(set(data) - set(SETTINGS))
    if unknown:
        raise CitationStyleError(f"citation style '{name}' ({path.name}): unknown setting "
                                 f"'{unknown[0]}' (known: {', '.join(SETTINGS)})")
    parent = data.get("extends")
    if parent:
        base = _load_data(parent, resolve_style_path(parent, templates), templates,
                          (*seen, name))
        data = _merge(base, data)
    return data


def _style_from_data(name: str, data: dict) -> CitationStyle:
    from ..schema import SOURCE_TYPES

    style = CitationStyle(name)
    for key in ("quotes", "nested_quotes", "punctuation_inside_quotes", "delimiter",
                "between_citations", "note_end", "later", "description"):
        if data.get(key) is not None:
            value = data[key]
            if not isinstance(value, str):
                raise ValueError(f"'{key}' must be text")
            setattr(style, key, value)
    for key in ("stop_after_url", "lowercase_after_prefix"):
        if data.get(key) is not None:
            if not isinstance(data[key], bool):
                raise ValueError(f"'{key}' must be true or false")
            setattr(style, key, data[key])
    if len(style.quotes) != 2:
        raise ValueError("'quotes' is the opening and the closing mark, e.g. “” or ‘’")
    if style.nested_quotes not in ("keep", "alternate"):
        raise ValueError("'nested_quotes' is keep or alternate")
    if style.later not in ("full", "short"):
        raise ValueError("'later' (what a later citation of a source becomes) is full or short")
    if data.get("dates") is not None:
        dates = data["dates"]
        if not isinstance(dates, dict) or set(dates) - {"day", "month", "year"}:
            raise ValueError("'dates' maps day, month and year to a pattern (or 'letter')")
        style.dates = {**style.dates, **{k: str(v) for k, v in dates.items()}}
    if data.get("months") is not None:
        months = data["months"]
        if not isinstance(months, list) or len(months) != 12:
            raise ValueError("'months' lists the twelve month names as the style prints them")
        style.months = tuple(str(m) for m in months)
    source_fields = (*SOURCE_FIELDS, *CITATION_FIELDS)
    style.immediate = parse_layout(data.get("immediate") or "Id.", source_fields, "'immediate'")
    style.link = parse_layout(data.get("link") or "{URL}", LINK_FIELDS, "'link'")
    types = data.get("types") or {}
    if not isinstance(types, dict) or "default" not in types:
        raise ValueError("'types' needs a 'default:' entry (the layouts of any type not "
                         "listed)")
    for type_name, forms in types.items():
        if type_name != "default" and type_name not in SOURCE_TYPES:
            raise ValueError(f"'types' names '{type_name}', which is not a source type (known: "
                             f"{', '.join(SOURCE_TYPES)})")
        if isinstance(forms, str):  # `webpage: article-newspaper`: the same layouts
            if not isinstance(types.get(forms), dict):
                raise ValueError(f"type '{type_name}' is like '{forms}', which has no layouts "
                                 "of its own in this style")
            continue
        if not isinstance(forms, dict) or "full" not in forms or set(forms) - set(FORMS):
            raise ValueError(f"type '{type_name}' needs 'full:' and may have 'short:' and "
                             "'immediate:'")
        style.types[type_name] = {
            form: parse_layout(value, source_fields, f"'{type_name}.{form}'")
            for form, value in forms.items()}
    for type_name, forms in types.items():
        if isinstance(forms, str):
            style.types[type_name] = style.types[forms]
    return style


WORKSPACE_FILE = "undersigned.yaml"


def workspace_style_name(root: Path | None) -> tuple[str | None, Pos | None]:
    """The workspace's default citation style: `style: citations:` in undersigned.yaml."""
    from ...errors import LoadError
    from ..yamlio import RawMap, parse_yaml, read_text

    path = root / WORKSPACE_FILE if root else None
    if path is None or not path.is_file():
        return None, None
    try:
        raw = parse_yaml(read_text(path, WORKSPACE_FILE), WORKSPACE_FILE)
    except LoadError as e:
        raise CitationStyleError(f"{WORKSPACE_FILE} is not valid YAML", e.problems) from e
    style = raw.get("style") if isinstance(raw, RawMap) else None
    if not isinstance(style, RawMap) or style.get("citations") is None:
        return None, None
    name = style["citations"]
    if not isinstance(name, str):
        raise CitationStyleError(f"{WORKSPACE_FILE}: style.citations must be the name of a "
                                 "citation style")
    return name, style.value_pos["citations"]


def templates_of(letter_path: Path) -> tuple[Path | None, Path | None]:
    """The workspace root of a letter and its templates/ directory."""
    from ...workspace import find_root

    root = find_root(letter_path.parent)
    return root, (root / "templates" if root else None)


def style_name_for(letter) -> str:
    """The style a letter uses: its own style.citations, else the workspace's, else house."""
    if letter.citation_style:
        return letter.citation_style
    root, _ = templates_of(letter.path)
    return workspace_style_name(root)[0] or DEFAULT_STYLE


def style_for_letter(letter) -> CitationStyle:
    """The citation style of a letter, loaded (CitationStyleError says what is wrong)."""
    _, templates = templates_of(letter.path)
    return load_style(style_name_for(letter), templates)


def style_problems(style: CitationStyle, sources: dict[str, Source]) -> list[Problem]:
    """`style-field-unprinted`: each field of a source that the chosen style never prints."""
    from ..schema import NOT_PRINTED, SOURCE

    out: list[Problem] = []
    for source in sources.values():
        if not source.type:
            continue
        printed = style.printed_fields(source.type)
        for name in SOURCE:
            value = getattr(source, name.replace("-", "_"), None)
            if name in NOT_PRINTED or name in printed or value in (None, "", [], False):
                continue
            pos: Pos = source.field_pos.get(name, source.pos)
            out.append(pos.warning(
                "style-field-unprinted",
                f"citation style '{style.name}' does not print '{name}' for type "
                f"{source.type}, so it is not in the notes; move what it says into a field "
                "the style prints, or choose another style (style.citations)"))
    return out
