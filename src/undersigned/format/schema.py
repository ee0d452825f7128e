"""The fields of letters and rosters: one table drives the loader and the JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass

#: the page's fixed words a translation's `labels:` may set (format/labels.py)
LABEL_KEYS = ("notes", "back", "cc", "signatories", "copies", "annex")
LETTER_KINDS = ("letter", "statement", "submission")
SIGNATORY_KINDS = ("individual", "organization")
STATUSES = ("confirmed", "pending", "withdrawn")
SOURCE_TYPES = (
    "un-document",
    "report",
    "article-newspaper",
    "legislation",
    "press-release",
    "letter",
    "webpage",
    "book",
    "article-journal",
    "legal_case",
    "post",
)
# Fields each source type cannot do without; "author|container-title" means one of the two.
REQUIRED_BY_TYPE = {
    "un-document": ("title", "number"),
    "report": ("title",),
    "article-newspaper": ("title", "author|container-title"),
    "legislation": ("title",),
    "press-release": ("title", "author"),
    "letter": ("title",),
    "webpage": ("title", "URL|link_text"),
    "book": ("title",),
    "article-journal": ("title",),
    "legal_case": ("title",),
    "post": ("author|handle",),
}
# Fields of a source that say how to treat it rather than what to print: a citation style
# need not print them (every other field a style does not print is a `style-field-unprinted`
# warning, never dropped silently).
NOT_PRINTED = ("type", "snapshot", "date_format", "quote_comma_inside", "note")


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its type, whether it is required, and its documentation."""

    type: str  # str | text | date | partial-date | bool | int | enum | authors
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()


def _f(type_: str, doc: str, required: bool = False, choices: tuple[str, ...] = ()) -> Field:
    return Field(type_, doc, required, choices)


PARTY = {
    "name": _f("str", "Name as printed.", True),
    "title": _f("str", "Title or office, printed under the name."),
    "organization": _f("str", "Organisation, printed under the title."),
    "address": _f("text", "Postal address block, one line per line."),
}

LAYOUTS = ("stacked", "inline", "table")
ORDERS = ("alphabetical", "as-listed")

SECTION = {
    "heading": _f("str", "Heading printed above this section of the list; empty or absent: "
                  "none. {count:…} and {as_of} are filled in."),
    "kind": _f("enum", "Which signatories the section lists.", True, (*SIGNATORY_KINDS, "all")),
    "layout": _f("enum", "stacked: the title under the name; inline: 'Name, title' on one "
                 "line; table: a bordered table.", False, LAYOUTS),
    "columns": _f("int", "How many columns the entries are set in (1 to 4)."),
    "order": _f("enum", "alphabetical (by collation key) or as-listed (the roster's own "
                "order, kept by fmt and sign).", False, ORDERS),
    "separator": _f("str", "inline: what stands between name and title (default ', ')."),
    "pattern": _f("str", "inline: the whole entry, e.g. '{name}, in an individual capacity "
                  "({title})'; entries without a title print the name alone."),
    "note": _f("str", "A line under the section's heading."),
}

SIGNATURES = {
    "heading": _f("str", "Heading above the list; \"\" for none. {as_of} and {count:…} are "
                  "filled in."),
    "note": _f("str", "A line under the heading, e.g. 'Affiliations are for identification only.'"),
    "group_by": _f("enum", "Sub-headings per country inside each section.", False, ("country",)),
}

STYLE = {
    "date_format": _f("str", "Date pattern: tokens D DD M MM MMM MMMM YY YYYY."),
    "citations": _f("str", "Citation style of the notes: house (the default), bluebook, oscola, "
                    "or a style file in the workspace's templates/ (e.g. coalition.yaml)."),
    "addressees": _f("enum", "How several addressees are set: stacked or side-by-side.", False,
                     ("stacked", "side-by-side")),
}

ANNEX = {
    "heading": _f("str", "Heading of the annex."),
}

SOURCE = {
    "type": _f("enum", "What kind of work this is.", True, SOURCE_TYPES),
    "author": _f("authors", "Author: a string, or a list of strings or {name, affiliation}."),
    "title": _f("str", "Title as cited, in the letter's language; for a legal_case, the case "
                "name; for a post, its text."),
    "title-short": _f("str", "Short title for later citations (short forms of bluebook and "
                      "oscola), e.g. the first party's name of a case."),
    "original-title": _f("str", "Title in the source's own language."),
    "language": _f("str", "Language of the source when it differs from the letter's (BCP 47)."),
    "container-title": _f("str", "Newspaper, journal or web site; the reporter of a legal_case; "
                          "the platform of a post."),
    "publisher": _f("str", "Publisher."),
    "genre": _f("str", "Sub-type printed as a label, e.g. 'Press Release'."),
    "number": _f("str", "Document number or UN symbol, e.g. A/HRC/25/CRP.1; the docket number "
                 "of a legal_case."),
    "volume": _f("str", "Volume (of a reporter or journal)."),
    "page": _f("str", "First page (of a case in its reporter, or of an article)."),
    "authority": _f("str", "For legislation: the body and occasion of adoption; for a "
                    "legal_case: the court."),
    "handle": _f("str", "For a post: the author's handle on the platform, e.g. @UNHCR."),
    "issued": _f("partial-date", "Date of the source (decided, for a legal_case): YYYY-MM-DD, "
                 "YYYY-MM or YYYY."),
    "URL": _f("str", "Address of the source (http or https)."),
    "link_text": _f("str", "Visible text of the link, when the letter shows text not the address."),
    "archived_url": _f("str", "A web-archive copy of the source."),
    "snapshot": _f("str", "A copy of the source saved by hand (PDF, saved page, text), relative "
                   "to the letter's directory: sources/<key>.pdf."),
    "accessed": _f("partial-date", "When the source was last checked: YYYY-MM-DD, YYYY-MM or "
                   "YYYY."),
    "date_format": _f("str", "Overrides style.date_format for this source."),
    "quote_comma_inside": _f("bool", "Put the comma after a quoted title inside the quotes."),
    "note": _f("str", "Free note about the source; never printed."),
}

CITATION = {
    "cite": _f("str", "Key of the cited source (an entry of sources:).", True),
    "pinpoint": _f("str", "Where in the source: 'para. 9', 'paras. 46-48', 'p. 12'."),
    "quotation": _f("str", "Words quoted from the source at the pinpoint."),
    "prefix": _f("str", "Signal printed before the citation: 'See', 'Cf.'."),
    "suffix": _f("str", "Free text printed after the citation."),
    "full": _f("bool", "true: print the full citation even where the style would write Id., "
               "ibid or a short form."),
}

LINK_PART = {
    "link": _f("str", "An address the note gives on its own (http or https).", True),
    "text": _f("str", "Text printed with the address (inline markup allowed)."),
}

TEXT_PART = {
    "text": _f("str", "Free commentary inside a footnote (inline markup allowed).", True),
}

LETTER = {
    "kind": _f("enum", "What the document is; validation rules follow it.", True, LETTER_KINDS),
    "title": _f("str", "Document title (metadata, HTML title).", True),
    "lang": _f("str", "Language of the text (BCP 47), default en."),
    "date": _f("date", "Date line of the letter."),
    "place": _f("str", "Place printed before the date."),
    "subject": _f("str", "Subject line, e.g. 'Re: …'."),
    "salutation": _f("str", "e.g. 'Dear President Xi Jinping,' or 'To Whom It May Concern:'."),
    "closing": _f("str", "e.g. 'Sincerely,', 'Respectfully,'."),
    "heading": _f("text", "Printed at the top of the first page (a statement's title; one or "
                  "more lines). 'title' itself is never printed."),
    "delivery": _f("str", "A delivery line above the addressees, e.g. 'Via email'."),
    "cc_position": _f("enum", "Where cc recipients print: top (under the addressees) or end "
                      "(after the signatures, the default).", False, ("top", "end")),
}

SIGNATORY = {
    "name": _f("str", "Name as printed.", True),
    "kind": _f("enum", "Individual or organisation.", True, SIGNATORY_KINDS),
    "title": _f("str", "Display title or affiliation."),
    "sort_as": _f("str", "Collation key when the name does not sort as written."),
    "country": _f("str", "Country (used by group_by: country)."),
    "signed_on": _f("date", "Date the signature arrived.", True),
    "status": _f("enum", "confirmed, pending or withdrawn (default confirmed).", False, STATUSES),
    "withdrawn_on": _f("date", "Date of withdrawal."),
    "withdrawal_reason": _f("str", "Why the signatory withdrew."),
    "named": _f("bool", "false: counted but never printed by name."),
    "via": _f("str", "Provenance: how the signature arrived."),
    "lang": _f("str", "Language of the text endorsed, when a translation (BCP 47)."),
    "endorsed": _f("str", "Fingerprint of the text endorsed (sha256:…)."),
    "email": _f("str", "Contact e-mail; validated, never rendered."),
}

ROSTER = {
    "as_of": _f("date", "The 'as of' date printed above the list.", True),
}


def _props(spec: dict[str, Field]) -> dict:
    out = {}
    for name, field in spec.items():
        if field.type == "date":
            prop = {"type": "string", "format": "date"}
        elif field.type == "partial-date":
            prop = {"$ref": "#/$defs/partial-date"}
        elif field.type == "bool":
            prop = {"type": "boolean"}
        elif field.type == "int":
            prop = {"type": "integer", "minimum": 1, "maximum": 4}
        elif field.type == "enum":
            prop = {"enum": list(field.choices)}
        elif field.type == "authors":
            prop = {"$ref": "#/$defs/authors"}
        else:
            prop = {"type": "string"}
        prop["description"] = field.doc
        out[name] = prop
    return out


def _object(spec: dict[str, Field], **extra_props) -> dict:
    props = _props(spec)
    props.update(extra_props)
    return {
        "type": "object",
        "properties": props,
        "required": [k for k, f in spec.items() if f.required],
        "additionalProperties": False,
    }


def letter_json_schema() -> dict:
    """The JSON Schema of a letter file (draft 2020-12), for editors and other tools."""
    inline = {"type": "string", "description": "Inline text: [^key] footnote calls, *em*, links."}
    block = {
        "oneOf": [
            inline,
            {"type": "object", "properties": {"paragraph": inline, "id": {"type": "string"}},
             "required": ["paragraph"], "additionalProperties": False},
            {"type": "object", "properties": {"heading": inline, "id": {"type": "string"}},
             "required": ["heading"], "additionalProperties": False},
            {"type": "object", "properties": {"quote": inline, "id": {"type": "string"}},
             "required": ["quote"], "additionalProperties": False},
            {"type": "object",
             "properties": {"list": {"type": "array", "items": inline},
                            "ordered": {"type": "boolean"}, "id": {"type": "string"}},
             "required": ["list"], "additionalProperties": False},
        ]
    }
    footnote = {
        "oneOf": [
            inline,
            {"type": "array", "items": {"oneOf": [_object(CITATION), _object(TEXT_PART),
                                                  _object(LINK_PART)]}},
        ]
    }
    signatures = _object(
        SIGNATURES, sections={"type": "array", "items": _object(SECTION)}
    )
    annex = _object(ANNEX, body={"type": "array", "items": block})
    annex["required"] = ["body"]
    schema = _object(
        LETTER,
        addressees={"type": "array", "items": _object(PARTY)},
        cc={"type": "array", "items": _object(PARTY)},
        body={"type": "array", "items": block},
        signatures=signatures,
        annex=annex,
        style=_object(STYLE),
        footnotes={"type": "object", "additionalProperties": footnote},
        sources={"type": "object", "additionalProperties": _object(SOURCE)},
    )
    schema["required"] = [*schema["required"], "body"]
    schema["$defs"] = {
        "partial-date": {
            "anyOf": [
                {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ]
        },
        "authors": {
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"oneOf": [
                    {"type": "string"},
                    {"type": "object", "properties": {"name": {"type": "string"},
                                                      "affiliation": {"type": "string"}},
                     "required": ["name"], "additionalProperties": False},
                ]}},
            ]
        }
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://undersigned.invalid/schema/letter.schema.json",
        "title": "undersigned letter",
        **schema,
    }


def roster_json_schema() -> dict:
    """The JSON Schema of a roster file (draft 2020-12)."""
    schema = _object(ROSTER, signatories={"type": "array", "items": _object(SIGNATORY)})
    schema["required"] = [*schema["required"], "signatories"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://undersigned.invalid/schema/roster.schema.json",
        "title": "undersigned roster",
        **schema,
    }


def translation_json_schema() -> dict:
    """The JSON Schema of a translation file, `translations/<slug>/<lang>.yaml` (draft 2020-12)."""
    fingerprint = {"type": "string", "description": "Fingerprint of the source text translated "
                   "(written by `undersigned translate`)."}
    outdated = {"type": "string", "description": "The source text this translation was made "
                "from, when the source changed since; delete the line once translated again."}
    inline = {"type": ["string", "null"], "description": "The translated text (inline markup "
              "and the same [^key] footnote calls as the source)."}

    def unit(content: str = "text") -> dict:
        return {"type": "object", "properties": {"source": fingerprint, "outdated": outdated,
                                                 content: inline},
                "required": ["source"], "additionalProperties": False}

    block = {"oneOf": [
        {"type": "object", "properties": {
            "source": fingerprint, "outdated": outdated, "id": {"type": "string"},
            kind: inline, **({"ordered": {"type": "boolean"}} if kind == "list" else {})},
         "required": ["source"], "additionalProperties": False}
        for kind in ("paragraph", "heading", "quote")
    ] + [{"type": "object", "properties": {
        "source": fingerprint, "outdated": outdated, "id": {"type": "string"},
        "ordered": {"type": "boolean"},
        "list": {"type": ["array", "null"], "items": {"type": "string"}}},
        "required": ["source", "list"], "additionalProperties": False}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://undersigned.invalid/schema/translation.schema.json",
        "title": "undersigned translation",
        "type": "object",
        "properties": {
            "lang": {"type": "string", "description": "BCP 47 tag of the translation's "
                     "language; the same as the file name."},
            **{k: unit() for k in ("title", "subject", "salutation", "closing", "place")},
            **{k: {"type": "object", "description": "By the name as the letter gives it.",
                   "additionalProperties": {
                       "type": "object",
                       "properties": {f: unit() for f in ("name", "title", "organization",
                                                          "address")},
                       "additionalProperties": False}}
               for k in ("addressees", "cc")},
            "signatures": {"type": "object", "properties": {
                "heading": unit(), "note": unit(),
                "sections": {"type": "object", "additionalProperties": unit()}},
                "additionalProperties": False},
            "body": {"type": "array", "items": block},
            "notes": {"type": "object", "additionalProperties": {"type": "array",
                                                                 "items": unit()}},
            "sources": {"type": "object", "additionalProperties": unit("title")},
            "labels": {"type": "object", "description": "The page's fixed words in this "
                       "language, where the built-in ones (labels.yaml) do not suit.",
                       "properties": {k: {"type": "string"} for k in LABEL_KEYS},
                       "additionalProperties": False},
        },
        "required": ["lang"],
        "additionalProperties": False,
    }
