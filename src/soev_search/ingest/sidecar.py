"""Metadata beside a document: `NAME.meta.json` next to `NAME` in the corpus.

A sidecar says where a document came from (`url`, `fetched`) and corrects what the ingester
found (`title`, `municipality`, `date`, `doctype`, `language`). It is read while ingesting the
document it belongs to; it is never a document itself. Reading never raises: each bad field
is a problem line naming the file and the field, and every valid field still applies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from soev_search.document import DOCTYPES, Document
from soev_search.municipalities import all_municipalities

SIDECAR_SUFFIX = ".meta.json"
# Fields that override what the ingester found, in the order `show` lists them.
OVERRIDABLE = ("title", "municipality", "date", "doctype", "language")
PROVENANCE = ("url", "fetched")
# Every problem note starts with this, so a build report can list them as warnings.
NOTE_PREFIX = "metadata file "
MAX_SIDECAR_BYTES = 64 * 1024
MAX_TITLE_CHARS = 500

_LANGUAGE = re.compile(r"[a-z]{2}")


@dataclass(frozen=True)
class Sidecar:
    """What a sidecar validly says, and one line per thing it says wrongly."""

    url: str | None = None
    fetched: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def sidecar_path(document_path: Path) -> Path:
    return document_path.with_name(document_path.name + SIDECAR_SUFFIX)


def document_of_sidecar(path: Path) -> Path:
    return path.with_name(path.name[: -len(SIDECAR_SUFFIX)])


def is_sidecar(name: str) -> bool:
    return name.endswith(SIDECAR_SUFFIX)


def read_sidecar(document_path: Path) -> Sidecar | None:
    """The document's sidecar, validated; None when it has none."""
    path = sidecar_path(document_path)
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            return Sidecar(problems=[_problem(
                path.name, None, f"larger than {MAX_SIDECAR_BYTES // 1024} KB, ignored")])
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Sidecar(problems=[_problem(path.name, None, f"cannot be read ({exc.strerror})")])
    return parse_sidecar(path.name, raw)


def parse_sidecar(name: str, raw: bytes) -> Sidecar:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Sidecar(problems=[_problem(name, None, "not UTF-8, ignored")])
    except ValueError as exc:
        reason = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; ignored"
        return Sidecar(problems=[_problem(name, None, reason)])
    if not isinstance(data, dict):
        return Sidecar(problems=[_problem(name, None, "not a JSON object, ignored")])
    values, errors = validate_fields(data)
    problems = [_problem(name, key, reason) for key, reason in errors.items()]
    return Sidecar(url=values.pop("url", None), fetched=values.pop("fetched", None),
                   overrides=values, problems=problems)


def validate_fields(data: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The valid fields in their normal form, and a reason for each invalid or unknown one."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, value in data.items():
        check = _CHECKS.get(key)
        if check is None:
            errors[key] = f"unknown field (known: {', '.join(PROVENANCE + OVERRIDABLE)})"
        elif value is None:
            continue
        elif not isinstance(value, str):
            errors[key] = f"must be a string, not {json.dumps(value, ensure_ascii=False)}"
        else:
            try:
                values[key] = check(value.strip())
            except ValueError as exc:
                errors[key] = str(exc)
    return values, errors


def apply_sidecar(doc: Document, sidecar: Sidecar | None) -> Document:
    """The document with the sidecar's provenance, its corrections and its problems."""
    if sidecar is None:
        return doc
    changes: dict[str, Any] = dict(sidecar.overrides)
    if "date" in changes:
        changes["year"] = int(changes["date"][:4])
    return replace(doc, **changes, url=sidecar.url, fetched=sidecar.fetched,
                   set_by_hand=[key for key in OVERRIDABLE if key in sidecar.overrides],
                   notes=doc.notes + sidecar.problems)


def sidecar_problems(doc: Document) -> list[str]:
    """The problems of the document's sidecar, each "field: reason" (the file is implied)."""
    prefix = f"{NOTE_PREFIX}{Path(doc.path).name}{SIDECAR_SUFFIX}: "
    return [note.removeprefix(prefix) for note in doc.notes if note.startswith(prefix)]


def write_sidecar(document_path: Path, data: Mapping[str, str]) -> Path:
    """Write atomically, so a watcher or update never reads half a sidecar."""
    path = sidecar_path(document_path)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(dict(data), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    temp.replace(path)
    return path


def _problem(name: str, key: str | None, reason: str) -> str:
    where = f"{name}: {key}" if key else name
    return f"{NOTE_PREFIX}{where}: {reason}"


def _title(value: str) -> str:
    if not value:
        raise ValueError("empty; the ingester's title is kept")
    return " ".join(value.split())[:MAX_TITLE_CHARS]


def _municipality(value: str) -> str:
    found = _municipality_names().get(_name_key(value))
    if found is None:
        raise ValueError(f"unknown municipality {value!r} (one of the 98, e.g. 'Silkeborg'); "
                         "the ingester's value is kept")
    return found


@cache
def _municipality_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for municipality in all_municipalities():
        for spelling in (municipality.name, *municipality.aliases):
            names[_name_key(spelling)] = municipality.name
    return names


def _name_key(value: str) -> str:
    words = value.casefold().split()
    if words and words[-1] == "kommune":
        words.pop()
    return " ".join(words)


def _date(value: str) -> str:
    formats = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}
    try:
        if len(value) not in formats:
            raise ValueError
        datetime.strptime(value, formats[len(value)])
    except ValueError:
        raise ValueError(f"impossible date {value!r} (YYYY, YYYY-MM or YYYY-MM-DD); "
                         "the ingester's value is kept") from None
    return value


def _doctype(value: str) -> str:
    if value.lower() not in DOCTYPES:
        raise ValueError(f"unknown doctype {value!r} (one of {', '.join(DOCTYPES)}); "
                         "the ingester's value is kept")
    return value.lower()


def _language(value: str) -> str:
    if not _LANGUAGE.fullmatch(value.lower()):
        raise ValueError(f"language {value!r} is not a two-letter code such as 'da'; "
                         "the ingester's value is kept")
    return value.lower()


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) address: {value!r}")
    return value


def _fetched(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO date and time: {value!r}") from None
    return value


_CHECKS = {
    "url": _url,
    "fetched": _fetched,
    "title": _title,
    "municipality": _municipality,
    "date": _date,
    "doctype": _doctype,
    "language": _language,
}
