"""No private data in any output: e-mail addresses, provenance, consent evidence, endorsement
fingerprints, withdrawal reasons, and the names of those who withdrew, are pending or did not
agree to be named never appear in any byte of any rendered format."""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from click.testing import CliRunner

from undersigned.cli import cli

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace

# Every private value carries a token that no renderer could produce by chance; the test
# searches for the tokens (and the full values, raw and escaped) in every output.
PRIVATE_ROSTER = {
    "email": "alice.token01+letters@example.org",
    "via": "email:<CAF7token02-message-id@mail.example.org>",
    "endorsed": "sha256:" + "7031" * 16,
}
WITHDRAWN = ("Withdrawn Token03 Person", "reason token04: threatened by the authorities")
PENDING = "Pending Token05 Person"
UNNAMED = "Unnamed Token06 Person"
PRIVATE_FILE = {
    "email": "bob.token07@example.net",
    "consent": "May we publish your name?: No token08 (form:responses.csv:4)",
    "real_name": "Real Name Token09",
}
TOKENS = [f"token{n:02d}" for n in range(1, 10)]


def private_workspace(root):
    entries = []
    for n in range(40):
        entries.append(signatory_yaml(
            f"Organisation {n:02d}", title=f"Public title {n}",
            email=f"org{n}.token01@example.org", via=f"form:responses.csv:{n} token02",
            endorsed=PRIVATE_ROSTER["endorsed"]))
    entries.append(signatory_yaml("Alice Public", "individual", **PRIVATE_ROSTER))
    entries.append(signatory_yaml(WITHDRAWN[0], "individual", status="withdrawn",
                                  withdrawn_on="2023-09-21", withdrawal_reason=WITHDRAWN[1],
                                  email="withdrawn.token03@example.org"))
    entries.append(signatory_yaml(PENDING, "individual", status="pending",
                                  email="pending.token05@example.org"))
    entries.append(signatory_yaml(UNNAMED, "individual", named=False,
                                  via="email:<token06@example.org>"))
    letter = letter_yaml(body=["{count:all} have signed, as of {as_of}.[^n1]"])
    write_workspace(root, letter, roster_yaml(entries))
    private = ["signatories:"]
    for name in ("Alice Public", UNNAMED):
        private += [f"  - name: {name}", f"    email: {PRIVATE_FILE['email']}",
                    f"    consent: \"{PRIVATE_FILE['consent']}\"",
                    f"    real_name: {PRIVATE_FILE['real_name']}", ""]
    (root / "signatories" / f"{SLUG}.private.yaml").write_text("\n".join(private))


def private_strings() -> list[str]:
    values = [*PRIVATE_ROSTER.values(), *WITHDRAWN, PENDING, UNNAMED, *PRIVATE_FILE.values()]
    out = set(TOKENS)
    for v in values:
        out |= {v, html.escape(v), html.escape(v, quote=False),
                v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}
    return sorted(out)


def assert_no_private_data(name: str, data: bytes) -> None:
    lowered = data.lower()
    for secret in private_strings():
        for encoded in {secret.encode(), secret.lower().encode(), secret.encode("utf-16-le")}:
            assert encoded not in lowered and encoded not in data, (name, secret)


def rendered(root, fmt: str) -> bytes:
    result = CliRunner().invoke(cli, ["render", SLUG, "--to", fmt, "--out", "out"])
    assert result.exit_code == 0, result.output
    return (root / "out" / f"{SLUG}.{fmt}").read_bytes()


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_no_private_data_in_text_or_html(hostile_root, fmt):
    private_workspace(hostile_root)
    data = rendered(hostile_root, fmt)
    assert b"Organisation 07" in data and b"Alice Public" in data  # the public part is there
    assert b"42 have signed" in data  # 40 + Alice + the unnamed one, counted, not named
    assert_no_private_data(fmt, data)


def test_no_private_data_in_any_member_of_the_docx(hostile_root):
    private_workspace(hostile_root)
    data = rendered(hostile_root, "docx")
    assert_no_private_data("docx", data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for member in z.namelist():
            assert_no_private_data(member, z.read(member))
            assert_no_private_data(member + " (name)", member.encode())
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Alice Public" in text and "42 have signed" in text


def test_no_private_data_in_the_pdf(hostile_root, tmp_path):
    pytest.importorskip("weasyprint")
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    private_workspace(hostile_root)
    data = rendered(hostile_root, "pdf")
    assert_no_private_data("pdf", data)
    (tmp_path / "h.pdf").write_bytes(data)
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(tmp_path / "h.pdf"), "-"],
                          check=True, capture_output=True).stdout
    assert b"Alice Public" in text
    assert_no_private_data("pdf text", text)


def test_a_reference_document_lends_styles_not_its_authors(hostile_root):
    """A workspace's reference.docx carries its authors, comments and keywords in its
    properties; none of it reaches the letter."""
    private_workspace(hostile_root)
    reference = docx.Document()
    props = reference.core_properties
    props.author = "Coordinator token01"
    props.last_modified_by = "Lawyer token02"
    props.comments = "internal note token04"
    props.keywords = "token05"
    props.subject = "token06"
    props.category = "token07"
    props.title = "Draft token08"
    reference.add_paragraph("Body text of the reference document, token09, is dropped.")
    (hostile_root / "templates").mkdir()
    reference.save(str(hostile_root / "templates" / "reference.docx"))
    data = rendered(hostile_root, "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for member in z.namelist():
            assert_no_private_data(member, z.read(member))


def test_sign_list_never_lists_private_contacts(hostile_root):
    private_workspace(hostile_root)
    for fmt in ("table", "csv", "json"):
        result = CliRunner().invoke(cli, ["sign", "list", SLUG, "--format", fmt])
        assert result.exit_code == 0, result.output
        # `via` is public provenance and listed; contacts and consent evidence are not
        for secret in (PRIVATE_ROSTER["email"], "org1.token01@example.org",
                       "withdrawn.token03@example.org", "pending.token05@example.org",
                       *PRIVATE_FILE.values()):
            assert secret not in result.output, (fmt, secret)
