"""The readable text of an HTML page, for archived sources (imported only when one is read)."""

from __future__ import annotations

from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    """Collects the readable paragraphs of a page, leaving out scripts, styles and navigation."""

    # <head> is not skipped: browsers end it at <body> even when the page forgets to; the only
    # text it holds is the <title>, which is worth keeping.
    SKIP = frozenset({"script", "style", "nav", "noscript", "template", "svg", "iframe"})
    BLOCK = frozenset({
        "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "tr", "table", "section", "article", "header", "footer", "aside", "main", "blockquote",
        "pre", "figure", "figcaption", "hr", "address", "title", "caption",
    })

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._buffer: list[str] = []
        self._skipping = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if text:
            self.paragraphs.append(text)
        self._buffer.clear()

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCK:
            self._flush()

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCK and not self._skipping:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCK:
            self._flush()

    def handle_data(self, data):
        if not self._skipping:
            self._buffer.append(data)


def html_text(html: str) -> str:
    """The paragraphs of an HTML page, one per line with a blank line between them."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.paragraphs) + "\n"
