"""How WeasyPrint is called on long letters: faster, and the same pages in the PDF."""

from __future__ import annotations

import io
import threading
import zlib

import pytest

from undersigned.render.pdftune import LEVEL, tuned_pydyf

pydyf = pytest.importorskip("pydyf")


def pdf_with_pages(n: int):
    pdf = pydyf.PDF()
    for _ in range(n):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    return pdf


def test_page_references_are_kept_while_the_pages_stay_the_same():
    pdf = pdf_with_pages(3)
    assert pdf.page_references is not pdf.page_references  # pydyf builds them every time
    with tuned_pydyf():
        first = pdf.page_references
        assert first is pdf.page_references  # built once, then kept
        assert first == tuple(f"{pdf.pages['Kids'][i]} 0 R".encode() for i in (0, 3, 6))


def test_a_new_page_is_seen_at_once():
    with tuned_pydyf():
        pdf = pdf_with_pages(2)
        before = pdf.page_references
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        after = pdf.page_references
        assert len(before) == 2 and len(after) == 3
        assert after[:2] == before
        assert after[2] == f"{pdf.pages['Kids'][6]} 0 R".encode()
        pdf.pages["Kids"] = pydyf.Array([])  # another list of pages altogether
        assert pdf.page_references == ()


def test_streams_are_deflated_at_zlibs_default_level():
    data = b"".join(b"BT /F1 12 Tf 72 %d Td (Signatory %d) Tj ET\n" % (i, i) for i in range(9000))
    stream = pydyf.Stream([data], compress=True)
    highest = stream.data
    with tuned_pydyf():
        tuned = stream.data
    assert highest == pydyf.Stream([data], compress=True).data  # restored after the block
    body = tuned.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(body) == data  # the same content
    assert body == zlib.compress(data, LEVEL)  # at the default level, not 9
    assert tuned != highest


def test_pydyf_is_restored_after_the_block_even_when_blocks_overlap():
    original = pydyf.PDF.__dict__["page_references"], pydyf.zlib
    entered, leave = threading.Event(), threading.Event()

    def other():
        with tuned_pydyf():
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait(10)
    with tuned_pydyf():
        patched = pydyf.PDF.__dict__["page_references"], pydyf.zlib
        assert patched[0] is not original[0] and patched[1] is not original[1]
    assert (pydyf.PDF.__dict__["page_references"], pydyf.zlib) == patched  # the other runs on
    leave.set()
    thread.join(10)
    assert (pydyf.PDF.__dict__["page_references"], pydyf.zlib) == original
    with pytest.raises(RuntimeError), tuned_pydyf():
        raise RuntimeError("a failed render")
    assert (pydyf.PDF.__dict__["page_references"], pydyf.zlib) == original


def test_the_tagged_pdf_has_the_same_pages_and_structure():
    weasyprint = pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    html = ("<!DOCTYPE html><html lang='en'><title>t</title><ul>"
            + "".join(f"<li><span>Name {i}</span> <span>Title {i}</span></li>"
                      for i in range(400)) + "</ul>")
    plain = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    with tuned_pydyf():
        tuned = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    with tuned_pydyf():  # the page references alone change no byte: zlib as pydyf has it
        saved, pydyf.zlib = pydyf.zlib, zlib
        try:
            cached_only = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
        finally:
            pydyf.zlib = saved
    assert cached_only == plain

    def pages(pdf: bytes):
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        return reader, [(page.get_contents().get_data(), page.mediabox) for page in reader.pages]

    (a, pages_a), (b, pages_b) = pages(plain), pages(tuned)
    assert len(pages_a) > 5  # many pages, each tagged box refers to its own
    assert pages_a == pages_b  # every page's drawing, decompressed, is the same

    def tree(node, depth=0):  # the structure tree, element by element
        node = node.get_object()
        kids = node.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        return (str(node.get("/S")), [tree(k, depth + 1) for k in kids
                                      if hasattr(k, "get_object")
                                      and hasattr(k.get_object(), "get")])

    root_a, root_b = a.trailer["/Root"]["/StructTreeRoot"], b.trailer["/Root"]["/StructTreeRoot"]
    assert tree(root_a) == tree(root_b)
    assert len(str(tree(root_a))) > 400 * 10
