"""Adding documents to the corpus: fetch a page or PDF over HTTP(S), or copy a local file,
store it under a stable, readable name, and record where it came from in its sidecar.

A URL is stored as `corpus/<host>/<slug>.<ext>` (`www.` dropped, the path and query folded
to ASCII words), a local file as `corpus/<slug>.<ext>`. The sidecar's `url` ties a stored
file to its URL, so the same URL added again is the same document, rewritten only when its
content changed. What comes over the wire is checked: the declared content type must agree
with the bytes (a PDF starts with `%PDF-`, a page looks like HTML), and the download stops
at the size limit.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from soev_search import __version__
from soev_search.errors import SoevError
from soev_search.ingest import SUPPORTED_SUFFIXES
from soev_search.ingest.sidecar import (
    SIDECAR_SUFFIX,
    document_of_sidecar,
    parse_sidecar,
    sidecar_path,
    validate_fields,
    write_sidecar,
)
from soev_search.settings import Settings, current

USER_AGENT = f"soev-search/{__version__}"
MAX_SLUG_CHARS = 80
DOWNLOAD_TIMEOUTS = 15
# Bytes looked at to recognise HTML.
SNIFF_BYTES = 4096
_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|title|meta|!--)[\s>/]", re.I)
_HTML_ANYWHERE = re.compile(rb"<(html|head|body|title|p|div|h1|article|main)[\s>]", re.I)
_WEB_SUFFIX = re.compile(r"\.(pdf|html?|txt|aspx?|php|jsp)$", re.I)
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"})


class FetchError(SoevError):
    """A URL or file that could not be added: one line saying why."""


@dataclass(frozen=True)
class FetchLimits:
    timeout: float  # seconds for connecting and for each read
    max_bytes: int
    max_redirects: int = 5

    @property
    def total_seconds(self) -> float:
        """The whole download, so a server trickling bytes cannot hold `add` forever."""
        return DOWNLOAD_TIMEOUTS * self.timeout

    @classmethod
    def from_settings(cls, config: Settings) -> FetchLimits:
        return cls(timeout=config.fetch_timeout, max_bytes=config.fetch_max_mb * 1024 * 1024)


@dataclass(frozen=True)
class Fetched:
    url: str
    content: bytes
    suffix: str  # ".html", ".pdf" or ".txt", from the bytes


@dataclass(frozen=True)
class Added:
    path: Path  # the stored document
    status: str  # "added", "refreshed", "unchanged" or "corrected"


def check_overrides(overrides: Mapping[str, str | None]) -> dict[str, str]:
    """The command line's corrections, validated as a sidecar's would be."""
    values, errors = validate_fields({k: v for k, v in overrides.items() if v is not None})
    if errors:
        key, reason = next(iter(errors.items()))
        raise FetchError(f"--{key}: {reason.split(';')[0]}")
    return values


def is_url(target: str) -> bool:
    return target.partition(":")[0].lower() in ("http", "https") and ":" in target


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # a malformed address such as "http://[::1"
        return None


def add_url(url: str, corpus: Path, overrides: Mapping[str, str] | None = None,
            limits: FetchLimits | None = None, client: httpx.Client | None = None) -> Added:
    """Fetch `url` into the corpus (or refresh the copy already there) and write its sidecar."""
    fetched = fetch(url, limits or FetchLimits.from_settings(current()), client)
    previous = find_by_url(corpus, url)
    target = _target_for_url(corpus, url, fetched.suffix, previous)
    data = _sidecar_fields(previous) if previous is not None else {}
    unchanged = previous == target and _same_bytes(target, fetched.content)
    new_data = data | {"url": url} | dict(overrides or {})
    if not unchanged:
        new_data["fetched"] = datetime.now(UTC).isoformat(timespec="seconds")
    # The sidecar first: whoever reads the new document then reads its metadata too.
    if new_data != data or previous != target:
        write_sidecar(target, new_data)
    if not unchanged:
        _write_atomically(target, fetched.content)
    if previous is not None and previous != target:  # e.g. a page that became a PDF
        previous.unlink(missing_ok=True)
        sidecar_path(previous).unlink(missing_ok=True)
    if previous is None:
        return Added(target, "added")
    return Added(target, "unchanged" if unchanged else "refreshed")


def add_file(source: Path, corpus: Path, overrides: Mapping[str, str] | None = None) -> Added:
    """Copy a local file into the corpus (a file already inside it stays where it is) and
    write its corrections, if any, to its sidecar."""
    if not source.is_file():
        raise FetchError("no such file" if not source.exists() else "not a file")
    suffix = source.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FetchError(f"not a document the ingester reads ({', '.join(SUPPORTED_SUFFIXES)})")
    status = "unchanged"
    if _inside(source, corpus):
        target = source
    else:
        content = source.read_bytes()
        target = _free_name(corpus / f"{slugify(source.stem)}{suffix}",
                            hashlib.sha256(content).hexdigest(),
                            lambda path: _same_bytes(path, content))
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_atomically(source, target)
            status = "added"
    if overrides:
        data = _sidecar_fields(target)
        if data | dict(overrides) != data:
            write_sidecar(target, data | dict(overrides))
            status = "corrected" if status == "unchanged" else status
    return Added(target, status)


def _sidecar_fields(document: Path) -> dict:
    """The sidecar as written, invalid values too (they are the operator's to fix, not ours
    to drop); FetchError when it is not a JSON object, rather than overwrite it."""
    meta = sidecar_path(document)
    try:
        data = json.loads(meta.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise FetchError(f"{meta.name} is not a valid JSON object; correct or remove it first")
    return data


def fetch(url: str, limits: FetchLimits, client: httpx.Client | None = None) -> Fetched:
    """Download one page or PDF within the limits; FetchError says in one line what failed."""
    if not is_url(url) or not _host(url):
        raise FetchError("not an http(s) address")
    owned = client is None
    client = client or new_client(limits)
    try:
        return _download(client, url, limits)
    except httpx.TimeoutException:
        raise FetchError(f"timed out (no answer within {limits.timeout:g} s)") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {limits.max_redirects} redirects") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"could not connect: {_one_line(exc)}") from None
    finally:
        if owned:
            client.close()


def new_client(limits: FetchLimits) -> httpx.Client:
    return httpx.Client(timeout=limits.timeout, follow_redirects=True,
                        max_redirects=limits.max_redirects,
                        headers={"User-Agent": USER_AGENT})


def _download(client: httpx.Client, url: str, limits: FetchLimits) -> Fetched:
    deadline = time.monotonic() + limits.total_seconds
    with client.stream("GET", url) as response:
        if response.status_code >= 400:
            raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchError(f"too large: {int(declared):,} bytes "
                             f"(at most {limits.max_bytes:,})")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(f"too large: more than {limits.max_bytes:,} bytes")
            if time.monotonic() > deadline:
                raise FetchError(f"timed out (download took over {limits.total_seconds:g} s)")
            chunks.append(chunk)
        content = b"".join(chunks)
        suffix = document_suffix(response.headers.get("content-type", ""), content)
    return Fetched(url, content, suffix)


def document_suffix(content_type: str, content: bytes) -> str:
    """The stored file's suffix, when the declared type and the bytes agree on a document."""
    declared = content_type.split(";")[0].strip().lower()
    found = _kind_of(content)
    if not content.strip():
        raise FetchError("not a document: the answer is empty")
    if declared in ("application/pdf", "application/x-pdf"):
        if found != ".pdf":
            raise FetchError(f"not a document: served as {declared} but is not a PDF")
    elif declared in ("text/html", "application/xhtml+xml"):
        if found != ".html":
            raise FetchError(f"not a document: served as {declared} but does not look like HTML")
    elif declared == "text/plain":
        if found is None or found == ".pdf":
            raise FetchError(f"not a document: served as {declared} but is not text")
        found = ".txt"
    elif declared not in ("", "application/octet-stream", "binary/octet-stream"):
        raise FetchError(f"not a document: {declared} (a web page or a PDF is expected)")
    elif found not in (".pdf", ".html"):
        raise FetchError("not a document: neither a web page nor a PDF")
    return found


def _kind_of(content: bytes) -> str | None:
    head = content[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if b"\x00" in head:
        return None
    if _HTML_START.match(head) or _HTML_ANYWHERE.search(head):
        return ".html"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sniff boundary
            return ".txt" if _mostly_text(head) else None
    return ".txt"


def _mostly_text(head: bytes) -> bool:
    printable = sum(1 for byte in head if byte >= 0x20 or byte in b"\t\r\n")
    return printable >= 0.95 * len(head)


def find_by_url(corpus: Path, url: str) -> Path | None:
    """The stored document whose sidecar records `url`."""
    folder = corpus / _host_folder(url)
    if not folder.is_dir():
        return None
    for meta in sorted(folder.glob(f"*{SIDECAR_SUFFIX}")):
        if _sidecar_url(meta) == url:
            document = document_of_sidecar(meta)
            if document.is_file():
                return document
    return None


def url_file_name(url: str, suffix: str) -> str:
    """`https://www.silkeborg.dk/Strategi/Socialøkonomi.pdf?v=2` →
    `strategi-socialoekonomi-v-2.pdf` (stored in the folder `silkeborg.dk`)."""
    parts = urlsplit(url)
    path = _WEB_SUFFIX.sub("", unquote(parts.path))
    return f"{slugify(f'{path} {unquote(parts.query)}')}{suffix}"


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return slug[:MAX_SLUG_CHARS].rstrip("-") or "index"


def _host_folder(url: str) -> str:
    """`www.silkeborg.dk` → `silkeborg.dk`; a port is kept: `127.0.0.1-8080`."""
    parts = urlsplit(url)
    host = (parts.hostname or "unknown").lower().removeprefix("www.")
    host = re.sub(r"[^a-z0-9.-]+", "-", host).strip(".-") or "unknown"
    return f"{host}-{parts.port}" if parts.port else host


def _target_for_url(corpus: Path, url: str, suffix: str, previous: Path | None) -> Path:
    if previous is not None and previous.suffix == suffix:
        return previous
    folder = corpus / _host_folder(url)
    folder.mkdir(parents=True, exist_ok=True)
    return _free_name(folder / url_file_name(url, suffix), url,
                      lambda path: _sidecar_url(sidecar_path(path)) == url)


def _free_name(wanted: Path, identity: str, is_same: Callable[[Path], bool]) -> Path:
    """`wanted`, unless another document holds it: then a name with a short hash of the
    identity (the URL, or a local file's content), stable for that identity."""
    if not wanted.exists() or is_same(wanted):
        return wanted
    tag = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:8]
    return wanted.with_name(f"{wanted.stem}-{tag}{wanted.suffix}")


def _sidecar_url(meta: Path) -> str | None:
    try:
        return parse_sidecar(meta.name, meta.read_bytes()).url
    except OSError:
        return None


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _write_atomically(path: Path, content: bytes) -> None:
    """A temporary hidden name, then a rename: the corpus never holds half a download."""
    temp = path.with_name(f".{path.name}.part")
    temp.write_bytes(content)
    temp.replace(path)


def _copy_atomically(source: Path, target: Path) -> None:
    temp = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, temp)
    temp.replace(target)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
