"""How WeasyPrint is called on long letters: faster, and the PDF byte for byte the same."""

from __future__ import annotations

import io
import threading

import pytest

from undersigned.render.pdftune import cached_page_references

pydyf = pytest.importorskip("pydyf")


def pdf_with_pages(n: int):
    pdf = pydyf.PDF()
    for _ in range(n):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    return pdf


def test_page_references_are_kept_while_the_pages_stay_the_same():
    pdf = pdf_with_pages(3)
    assert pdf.page_references is not pdf.page_references  # pydyf builds them every time
    with cached_page_references():
        first = pdf.page_references
        assert first is pdf.page_references  # built once, then kept
        assert first == tuple(f"{pdf.pages['Kids'][i]} 0 R".encode() for i in (0, 3, 6))


def test_a_new_page_is_seen_at_once():
    with cached_page_references():
        pdf = pdf_with_pages(2)
        before = pdf.page_references
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        after = pdf.page_references
        assert len(before) == 2 and len(after) == 3
        assert after[:2] == before
        assert after[2] == f"{pdf.pages['Kids'][6]} 0 R".encode()
        pdf.pages["Kids"] = pydyf.Array([])  # another list of pages altogether
        assert pdf.page_references == ()


def test_pydyf_is_restored_after_the_block_even_when_blocks_overlap():
    original = pydyf.PDF.__dict__["page_references"]
    entered, leave = threading.Event(), threading.Event()

    def other():
        with cached_page_references():
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait(10)
    with cached_page_references():
        patched = pydyf.PDF.__dict__["page_references"]
        assert patched is not original
    assert pydyf.PDF.__dict__["page_references"] is patched  # the other block still runs
    leave.set()
    thread.join(10)
    assert pydyf.PDF.__dict__["page_references"] is original
    with pytest.raises(RuntimeError), cached_page_references():
        raise RuntimeError("a failed render")
    assert pydyf.PDF.__dict__["page_references"] is original


def test_the_tagged_pdf_is_byte_for_byte_the_same():
    weasyprint = pytest.importorskip("weasyprint")
    html = ("<!DOCTYPE html><html lang='en'><title>t</title><ul>"
            + "".join(f"<li><span>Name {i}</span> <span>Title {i}</span></li>"
                      for i in range(400)) + "</ul>")
    plain = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    with cached_page_references():
        cached = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    assert cached == plain
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(plain))
    assert len(reader.pages) > 5  # many pages, each tagged box refers to its own
    assert "/StructTreeRoot" in reader.trailer["/Root"]
