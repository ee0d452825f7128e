"""The archive of cited sources: the text each source said when cited, kept in letters/sources/."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import SnapshotError
from ..fileio import write_atomic
from ..format.model import Letter, Source

USER_AGENT = f"undersigned/{__version__} (+archive)"
MAX_BYTES = 50 * 1024 * 1024  # a UN report is a few MB; anything far larger is not a source
FETCH_TIMEOUT = 30.0
# A source key becomes a file name, so it may not climb out of letters/sources/.
SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
# The order of the metadata lines at the top of a snapshot file.
META_KEYS = ("source", "url", "retrieved", "sha256", "content_type", "snapshot", "note")


@dataclass
class Snapshot:
    """An archived source: its extracted text and the metadata that says where it came from."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)


def sources_dir(letter_path: Path) -> Path:
    """`letters/sources/`, beside the letter files."""
    return letter_path.parent / "sources"


def archive_path(letter: Letter, key: str) -> Path | None:
    """Where the archived text of source `key` lives, or None if the key cannot be a file name."""
    if not SAFE_KEY.match(key):
        return None
    return sources_dir(letter.path) / f"{key}.txt"


def format_snapshot(snapshot: Snapshot) -> str:
    """The file form: a `---` block of `key: "value"` lines (YAML and JSON alike), then the text."""
    lines = ["---"]
    keys = [k for k in META_KEYS if k in snapshot.meta]
    keys += sorted(k for k in snapshot.meta if k not in META_KEYS)
    for key in keys:
        lines.append(f"{key}: {json.dumps(snapshot.meta[key], ensure_ascii=False)}")
    lines.append("---")
    text = snapshot.text if snapshot.text.endswith("\n") else snapshot.text + "\n"
    return "\n".join(lines) + "\n" + text


def parse_snapshot(data: str) -> Snapshot:
    """Read a snapshot file; a text without the `---` metadata block is all text."""
    data = data.removeprefix("\ufeff")
    if not data.startswith("---\n"):
        return Snapshot(data)
    end = data.find("\n---\n", 3)
    if end < 0:
        return Snapshot(data)
    meta: dict[str, str] = {}
    for line in data[4:end].splitlines():
        key, sep, value = line.partition(":")
        if not sep or line.startswith("#"):
            continue
        value = value.strip()
        try:
            meta[key.strip()] = str(json.loads(value)) if value else ""
        except json.JSONDecodeError:
            meta[key.strip()] = value
    return Snapshot(data[end + 5:], meta)


def read_snapshot(path: Path) -> Snapshot:
    try:
        return parse_snapshot(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise SnapshotError(f"{path}: cannot read the archived text ({e}); save it as UTF-8") from e


def source_text(letter: Letter, source: Source) -> tuple[str, str] | None:
    """The archived text of a source as (where it was read, text), or None when there is none.

    A hand-added `snapshot:` is the source of truth; its extracted copy in letters/sources/ is
    used only while its sha256 still matches the snapshot file (so a PDF is parsed once, and a
    machine without pypdf can check quotations once `undersigned archive` has run).
    """
    archived = archive_path(letter, source.key)
    root = letter.path.parent.parent
    if source.snapshot:
        path = snapshot_path(letter, source)
        if not path.is_file():
            raise SnapshotError(
                f"snapshot '{source.snapshot}' of source '{source.key}' does not exist; paths "
                f"are relative to the letter's directory (e.g. sources/{source.key}.pdf)")
        if archived is not None and archived.is_file() and not _same_file(archived, path):
            copy = read_snapshot(archived)
            if copy.meta.get("sha256") == _sha256(path.read_bytes()):
                return _shown(archived, root), copy.text
        return _shown(path, root), extract_file(path)
    if archived is not None and archived.is_file():
        return _shown(archived, root), read_snapshot(archived).text
    return None


def snapshot_path(letter: Letter, source: Source) -> Path:
    """The file a source's `snapshot:` names, which must lie under the letter's directory.

    A letter comes from anyone's pull request: a snapshot at /proc/self/environ or
    ../.git/config would have `validate` quote the closest passage of a secret in a CI log
    (and tell, by passing, whether a guessed secret is there), and `archive` copy it.
    """
    path = letter.path.parent / source.snapshot
    base = letter.path.parent.resolve()
    if not path.resolve().is_relative_to(base):
        raise SnapshotError(
            f"snapshot '{source.snapshot}' of source '{source.key}' is outside the letter's "
            f"directory; save the file under {base.name}/sources/ and point 'snapshot:' at it "
            f"(e.g. sources/{source.key}.pdf)")
    return path


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


# --- text extraction ---------------------------------------------------------------------------

def extract_file(path: Path) -> str:
    """The text of a hand-saved file: PDF, HTML, or text (with or without a metadata block)."""
    from ..fileio import FileAccessError, read_file

    try:  # the one read path: a FIFO or a device is refused, the size is capped
        data = read_file(path, limit=MAX_BYTES)
    except FileAccessError as e:
        raise SnapshotError(f"{path}: cannot read the snapshot: {e.message}") from None
    ctype = _guess_type(path)
    if ctype == "text/plain" or path.suffix == ".txt":
        return parse_snapshot(_decode(data, "")).text
    return extract_text(data, ctype, str(path))


def extract_text(data: bytes, content_type: str, where: str = "the source") -> str:
    """Readable text from fetched bytes: PDF via pypdf, HTML via the standard library parser."""
    kind = content_type.split(";")[0].strip().lower()
    if data.startswith(b"%PDF-") or kind == "application/pdf":
        return pdf_text(data, where)
    head = data[:1024].lstrip().lower()
    if "html" in kind or head.startswith((b"<!doctype html", b"<html")):
        from .htmltext import html_text

        return html_text(_decode(data, content_type, sniff_html=True))
    if kind.startswith("text/") or not kind:
        return _decode(data, content_type)
    raise SnapshotError(f"{where} is {kind}, which undersigned cannot read as text; save it as "
                        "PDF, HTML or text and point 'snapshot:' at the file")


def _decode(data: bytes, content_type: str, sniff_html: bool = False) -> str:
    charset = None
    m = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
    if m:
        charset = m.group(1)
    elif sniff_html:
        m = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.I)
        if m:
            charset = m.group(1).decode("ascii")
    try:
        text = data.decode(_charset(charset), errors="replace")
    except (LookupError, UnicodeError, ValueError):  # a codec that fails even on "replace"
        text = data.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


#: Python codecs that a page may name but that are not character sets: host-name and escape
#: codecs fail on ordinary bytes whatever the error handler ("idna" raises UnicodeError).
_NOT_CHARSETS = {"idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape",
                 "unicode_internal", "mbcs", "oem"}


def _charset(name: str | None) -> str:
    """The codec to decode a page with: its declared charset when that is a real character
    set, else UTF-8. A page or a header is written by anyone (`<meta charset="idna">`)."""
    import codecs

    if not name:
        return "utf-8"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return "utf-8"
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return "utf-8"
    return info.name


def _guess_type(path: Path) -> str:
    import mimetypes

    return mimetypes.guess_type(path.name)[0] or "text/plain"


def pdf_text(data: bytes, where: str = "the PDF") -> str:
    """The text of a PDF, page after page (needs the optional extra: undersigned[archive])."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as e:
        raise SnapshotError(
            f"{where} is a PDF; reading PDFs needs pypdf: pip install 'undersigned[archive]'"
        ) from e
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as e:
        raise SnapshotError(f"{where}: the PDF cannot be read ({e}); save it again") from e
    return "\n\n".join(p for p in pages if p) + "\n"


# --- fetching and archiving --------------------------------------------------------------------

@dataclass
class Fetched:
    data: bytes
    content_type: str
    url: str  # the address that answered, after redirects


def fetch(url: str, timeout: float = FETCH_TIMEOUT, transport=None,
          allow_private: bool = False) -> Fetched:
    """GET a source politely (user agent, timeout, connection retries, size limit).

    An address inside the network this runs in is refused unless `allow_private` (netguard).
    """
    import httpx

    from .netguard import Deadline, PrivateAddressError, check_request

    transport = transport or httpx.HTTPTransport(retries=2)
    hooks = {} if allow_private else {"request": [check_request]}
    deadline = Deadline(timeout)  # `timeout` bounds the whole fetch, not each read
    try:
        with deadline, httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=timeout,
                                    follow_redirects=True, transport=transport,
                                    event_hooks=hooks) as client, \
                client.stream("GET", url, extensions={"trace": deadline.trace}) as response:
            if response.status_code >= 400:
                raise SnapshotError(f"{url} answered HTTP {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise SnapshotError(f"{url} is larger than {MAX_BYTES // 2**20} MB; save "
                                        "it by hand and point 'snapshot:' at the file")
                chunks.append(chunk)
            return Fetched(b"".join(chunks), response.headers.get("content-type", ""),
                           str(response.url))
    except PrivateAddressError as e:
        raise SnapshotError(f"{url}: {e}") from None
    except (httpx.HTTPError, OSError) as e:
        if deadline.expired or isinstance(e, httpx.TimeoutException):
            raise SnapshotError(f"could not fetch {url}: no complete answer within "
                                f"{timeout:g} s; try again later or with a longer --timeout"
                                ) from None
        raise SnapshotError(f"could not fetch {url}: {e or type(e).__name__}") from None
    except (httpx.InvalidURL, ValueError, UnicodeError) as e:  # an address httpx cannot send
        raise SnapshotError(f"{url} is not a valid address ({e}); fix the URL") from None


@dataclass
class ArchiveResult:
    """What `archive` did for one source."""

    key: str
    status: str  # archived | kept | skipped | failed
    path: Path | None = None
    detail: str = ""


def write_snapshot(path: Path, snapshot: Snapshot) -> None:
    """Write a snapshot file atomically (a temporary file renamed over the target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, format_snapshot(snapshot))


def archive_letter(letter: Letter, refresh: bool = False, today: dt.date | None = None,
                   transport=None, timeout: float = FETCH_TIMEOUT, allow_private: bool = False
                   ) -> list[ArchiveResult]:
    """Store the text of every source of a letter under letters/sources/<key>.txt.

    Sources already archived are kept unless `refresh`; a `snapshot:` file is extracted
    without any network; other sources are fetched from their URL, then their archived_url
    (never from inside this network unless `allow_private`).
    """
    today = today or dt.date.today()
    sources = [*letter.sources.values(), *link_sources(letter)]
    return [archive_source(letter, source, refresh, today, transport, timeout, allow_private)
            for source in sources]


def link_sources(letter: Letter) -> list[Source]:
    """The link-only parts of the notes (`- link: URL`) as sources to archive, keyed
    `<footnote>-link` (`-link-2`, … for a second link in one note), unless a source has the key.
    """
    from ..format.model import LinkPart

    out: list[Source] = []
    for note in letter.footnotes.values():
        links = [p for p in note.parts if isinstance(p, LinkPart)]
        for i, part in enumerate(links, 1):
            key = f"{note.key}-link" + (f"-{i}" if i > 1 else "")
            if key not in letter.sources:
                out.append(Source(key=key, type="webpage", URL=part.link, pos=part.pos,
                                  field_pos={"URL": part.field_pos.get("link", part.pos)}))
    return out


def archive_source(letter: Letter, source: Source, refresh: bool, today: dt.date,
                   transport=None, timeout: float = FETCH_TIMEOUT, allow_private: bool = False
                   ) -> ArchiveResult:
    key = source.key
    target = archive_path(letter, key)
    if target is None:
        return ArchiveResult(key, "skipped", detail="the key cannot be a file name; use letters, "
                             "digits, '.', '_' and '-' only")
    meta = {"source": key, "url": source.resolved_url or "", "retrieved": today.isoformat()}
    if source.snapshot:
        try:
            path = snapshot_path(letter, source)
        except SnapshotError as e:
            return ArchiveResult(key, "failed", detail=str(e))
        if not path.is_file():
            return ArchiveResult(key, "failed", detail=f"snapshot '{source.snapshot}' does not "
                                 "exist (paths are relative to the letter's directory)")
        if _same_file(path, target):
            return ArchiveResult(key, "kept", target, "the snapshot is the archived text")
        data = path.read_bytes()
        digest = _sha256(data)
        if target.is_file() and not refresh and read_snapshot(target).meta.get("sha256") == digest:
            return ArchiveResult(key, "kept", target, "already archived")
        try:
            text = extract_file(path)
        except SnapshotError as e:
            return ArchiveResult(key, "failed", detail=str(e))
        ctype = _guess_type(path)
        meta.update(sha256=digest, content_type=ctype, snapshot=source.snapshot)
        write_snapshot(target, Snapshot(text, meta))
        return ArchiveResult(key, "archived", target, f"from {source.snapshot}")
    if target.is_file() and not refresh:
        return ArchiveResult(key, "kept", target, "already archived")
    urls = [u for u in dict.fromkeys((source.resolved_url, source.archived_url)) if u]
    if not urls:
        return ArchiveResult(key, "skipped", detail="no URL and no snapshot; save the source "
                             f"by hand and add 'snapshot: sources/{key}.pdf' (or .html, .txt)")
    errors = []
    for url in urls:
        try:
            fetched = fetch(url, timeout, transport, allow_private)
            text = extract_text(fetched.data, fetched.content_type, url)
        except SnapshotError as e:
            errors.append(str(e))
            continue
        meta.update(url=url, sha256=_sha256(fetched.data),
                    content_type=fetched.content_type or "application/octet-stream")
        write_snapshot(target, Snapshot(text, meta))
        return ArchiveResult(key, "archived", target, f"from {url}")
    return ArchiveResult(key, "failed", detail="; ".join(errors))
