"""HTML output (one self-contained, print-ready file) and PDF made from it with WeasyPrint."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..errors import PdfUnavailableError, TemplateError
from ..format.bidi import ISOLATES
from ..format.inline import Span, Text
from ..format.locales import is_english
from ..gcpause import sparse_gc
from .env import make_environment, render_template
from .prepare import NoteCall, Prepared

LINK_SCHEMES = ("http://", "https://")
_SPACE = re.compile(r"\s+")


def safe_href(href: str | None) -> str | None:
    """The address if it may become a link (http or https only), else None."""
    if href and href.strip().lower().startswith(LINK_SCHEMES):
        return href.strip()
    return None


class _InlineHTML:
    """Renders inline nodes as escaped HTML and remembers which notes have been called.

    The first call of a note carries the `fnref-N` id that the note's back-link points to,
    and the note's text as a `span.fn` that a paged-media engine floats to the page foot
    (the stylesheet hides it everywhere else). Later calls of the same note link to it only,
    so every id stays unique whatever order a custom template renders things in.
    """

    def __init__(self, doc: Prepared) -> None:
        self.notes = {note.number: note for note in doc.notes}
        self.called: set[int] = set()

    def __call__(self, nodes: list) -> Markup:
        return Markup("".join(self._nodes(nodes, in_note=False)))

    def note(self, nodes: list) -> Markup:
        """A note's own text (for the endnote list): calls inside it only link."""
        return Markup("".join(self._nodes(nodes, in_note=True)))

    def has_call(self, number: int) -> bool:
        return number in self.called

    def _nodes(self, nodes: list, in_note: bool, collapse: bool = False):
        for n in nodes:
            if isinstance(n, Text):
                text = _SPACE.sub(" ", n.text) if collapse else n.text
                yield str(escape(text))
            elif isinstance(n, NoteCall):
                yield self._call(n, in_note, collapse)
            elif isinstance(n, Span) and n.kind == "link" and safe_href(n.href):
                # A call inside a link's text follows the link: links do not nest.
                label, calls = _split_calls(n.children)
                inner = "".join(self._nodes(label, in_note, collapse))
                yield f'<a href="{escape(safe_href(n.href))}">{inner}</a>'
                yield from self._nodes(calls, in_note, collapse)
            elif isinstance(n, Span):
                inner = "".join(self._nodes(n.children, in_note, collapse))
                if n.kind in ("em", "strong"):
                    yield f"<{n.kind}>{inner}</{n.kind}>"
                elif n.kind in ISOLATES:  # a run in the other direction (format/bidi.py)
                    yield f'<bdi dir="{n.kind}">{inner}</bdi>'
                else:
                    yield inner

    def _call(self, call: NoteCall, in_note: bool, collapse: bool) -> str:
        number = call.number
        link = f'<a href="#fn-{number}" role="doc-noteref">{number}</a>'
        if in_note or number in self.called or number not in self.notes:
            return f'{_JOIN}<sup class="fn-ref fn-again">{link}</sup>'
        self.called.add(number)
        # Newlines inside a footnote element become hard breaks in WeasyPrint: collapse them.
        text = "".join(self._nodes(self.notes[number].nodes, in_note=True, collapse=True))
        return (f'{_JOIN}<sup class="fn-ref"><a href="#fn-{number}" id="fnref-{number}" '
                f'role="doc-noteref">{number}</a></sup>'
                f'<span class="fn" data-n="{number}" aria-hidden="true">{text}</span>')


# WORD JOINER before a call: a line never breaks between a word and its call mark (WeasyPrint
# would otherwise set a call that ends a full line alone at the start of the next).
_JOIN = "&#x2060;"


def _split_calls(nodes: list) -> tuple[list, list[NoteCall]]:
    """Inline nodes without their footnote calls, and the calls, in order."""
    kept: list = []
    calls: list[NoteCall] = []
    for n in nodes:
        if isinstance(n, NoteCall):
            calls.append(n)
        elif isinstance(n, Span):
            children, inner = _split_calls(n.children)
            kept.append(Span(n.kind, children, n.href))
            calls += inner
        else:
            kept.append(n)
    return kept, calls


def render_html(doc: Prepared, templates: Path | None = None) -> str:
    """Render the letter as one self-contained HTML5 file (CSS inline, nothing fetched).

    The same file serves the screen (linked endnotes), a browser's print (endnotes at the
    end) and a paged-media engine such as WeasyPrint (notes at the page foot).
    """
    env = make_environment(templates, autoescape=True)
    inline = _InlineHTML(doc)
    env.filters["inline"] = inline
    env.filters["note_text"] = inline.note
    env.globals["has_call"] = inline.has_call
    env.globals["safe_href"] = safe_href
    env.globals["stylesheet"] = lambda name, optional=False: _stylesheet(env, name, optional,
                                                                         doc.lang)
    return render_template(env, "letter.html.j2", doc=doc)


def _stylesheet(env: jinja2.Environment, name: str, optional: bool, lang: str = "en"
                ) -> Markup:
    """A stylesheet from the templates, verbatim (it is not a Jinja template) for a <style>.

    After letter.css, a letter in another language than English gets languages.css too (the
    fonts of its script): English letters stay as they were, byte for byte.
    """
    if name == "letter.css" and not is_english(lang):
        return _stylesheet(env, name, optional) + Markup("\n") + _stylesheet(
            env, "languages.css", optional=True)
    try:
        source = env.loader.get_source(env, name)[0] if env.loader else None
    except jinja2.TemplateNotFound:
        source = None
    if source is None:
        if optional:
            return Markup("")
        raise TemplateError(f"stylesheet {name} not found in the workspace's templates/ or the "
                            "built-in templates")
    # "</style" would end the element early; "<\/" means the same to CSS.
    return Markup(source.replace("</", "<\\/").rstrip("\n"))


def render_pdf(html: str | Prepared, templates: Path | None = None) -> bytes:
    """Print HTML (or a prepared letter, rendered with `render_html` first) to PDF with WeasyPrint.

    Nothing is fetched: the letter's HTML is self-contained, and whatever a custom template
    refers to outside it (files, addresses) is left out; data: URLs still work.
    """
    if isinstance(html, Prepared):
        html = render_html(html, templates)
    try:
        import weasyprint
    except ImportError as e:
        raise PdfUnavailableError(
            "PDF output needs the optional extra: pip install 'undersigned[pdf]'") from e
    except OSError as e:  # WeasyPrint is there but Pango, its text layout library, is not
        raise PdfUnavailableError(
            f"PDF output needs WeasyPrint's system libraries (Pango); see WeasyPrint's "
            f"installation notes for your system ({e})") from e

    from .pdftune import tuned_pydyf

    # WeasyPrint builds hundreds of thousands of boxes for a large roster: the cycle collector,
    # run every 700 allocations, would spend a quarter of the time walking them (sparse_gc);
    # tagging them asked pydyf for the list of every page's reference once per box, and its
    # streams were deflated at zlib's slowest level (pdftune).
    with sparse_gc(), tuned_pydyf():
        document = weasyprint.HTML(string=html, url_fetcher=_data_only_fetcher(weasyprint))
        # A tagged PDF (headings, lists, tables and reading order for screen readers): PDF/UA-1
        # where this WeasyPrint knows it, else plain tags, else (older versions) untagged.
        for options in ({"pdf_variant": "pdf/ua-1"}, {"pdf_tags": True}):
            try:
                return document.write_pdf(**options)
            except (TypeError, ValueError, KeyError):
                continue
        return document.write_pdf()


def _data_only_fetcher(weasyprint):
    """A WeasyPrint URL fetcher that serves data: URLs and refuses everything else."""
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint 70 and later
        return fetcher_class(allowed_protocols={"data"})

    def fetch(url: str, *args, **kwargs):  # earlier versions take a function
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"refused to fetch {url}: the letter must be self-contained")

    return fetch
