"""The index folder on disk: builds, the CURRENT pointer, the writer lock, durable writes.

    index/
      CURRENT            "builds/<name>": the build readers use, replaced atomically
      .lock              flock'ed by whoever writes (rebuild, update)
      builds/<name>/     one complete, self-contained index (Whoosh files + our JSON files)

A writer makes a new build folder, fills it, fsyncs it, then replaces CURRENT with
os.replace. Readers that still have the previous build open keep using it; it is kept until
the next swap. A build that died half-way is never pointed at and the next writer removes it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from soev_search.errors import IndexUnavailable, SoevError

POINTER = "CURRENT"
LOCK = ".lock"
BUILDS = "builds"
# Written last into a build folder: a build without it is incomplete.
BUILD_INFO = "build.json"

REBUILD_HINT = "soev-index rebuild"

# What a build holds and how (Whoosh fields, our files, Document's JSON), recorded in every
# build.json. Raise it with every change an older or newer soev-search could not read, and
# note the change in CHANGELOG.md. Builds made before formats were recorded have none.
FORMAT = 7


class IndexBusy(SoevError):
    """Another rebuild or update holds the index's writer lock."""


def current_build(index_dir: Path) -> Path:
    """The build folder CURRENT points at; IndexUnavailable (with the fix) when there is none."""
    pointer = index_dir / POINTER
    try:
        name = pointer.read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        raise IndexUnavailable(
            f"no search index in {index_dir}; build it with: {REBUILD_HINT}"
        ) from None
    except OSError as exc:
        raise IndexUnavailable(
            f"cannot read the search index in {index_dir} ({exc.strerror}); "
            f"check its permissions or build it again with: {REBUILD_HINT}"
        ) from None
    except UnicodeDecodeError:
        name = ""  # garbage in the pointer: reported as damage below
    build = index_dir / name
    if not name.startswith(BUILDS + "/") or not (build / BUILD_INFO).is_file():
        raise IndexUnavailable(
            f"the search index in {index_dir} is damaged (CURRENT points at a missing build); "
            f"rebuild it with: {REBUILD_HINT}"
        )
    return build


def readable_build(index_dir: Path) -> tuple[Path, dict[str, Any]]:
    """The current build and its build.json, when this version reads its format; else
    IndexUnavailable naming the command that fixes it."""
    build = current_build(index_dir)
    info = read_json(build / BUILD_INFO)
    found = info.get("format") if isinstance(info, dict) else None
    if found != FORMAT:
        raise IndexUnavailable(
            f"the search index in {index_dir} has format {found or 'none'}, this version of "
            f"soev-search reads format {FORMAT}; rebuild it with: {REBUILD_HINT}"
        )
    return build, info


def pointer_stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """Changes whenever CURRENT is replaced: a cheap per-request freshness check."""
    try:
        st = os.stat(index_dir / POINTER)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive right to change the index; a second writer is refused at once, clearly."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / LOCK, "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise SoevError(f"cannot write the index in {index_dir}: {exc.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise IndexBusy(
                f"another rebuild or update is running on {index_dir}; "
                "wait for it to finish and try again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_build_dir(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    build = index_dir / BUILDS / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    build.mkdir(parents=True)
    return build


def publish(index_dir: Path, build: Path) -> None:
    """Make `build` durable, then point CURRENT at it in one atomic step."""
    fsync_tree(build)
    temp = index_dir / f"{POINTER}.{os.getpid()}.tmp"
    write_durably(temp, f"{BUILDS}/{build.name}\n")
    os.replace(temp, index_dir / POINTER)
    fsync_dir(index_dir)


def remove_stale_builds(index_dir: Path, keep_previous: Path | None) -> None:
    """Delete every build but the current one and `keep_previous` (readers may still use it).

    Call only while holding the writer lock: then no other build is being written.
    """
    current = current_build(index_dir)
    for build in sorted((index_dir / BUILDS).glob("*")):
        if build in (current, keep_previous):
            continue
        shutil.rmtree(build, ignore_errors=True)
    for temp in index_dir.glob(f"{POINTER}.*.tmp"):
        temp.unlink(missing_ok=True)


def write_durably(path: Path, text: str) -> None:
    """Write a new file (never in place: builds share files by hard links) and fsync it."""
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def write_json(path: Path, data: Any) -> None:
    write_durably(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(
            f"the search index is damaged ({path.name}: {exc}); rebuild it with: {REBUILD_HINT}"
        ) from None


def fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def size_on_disk(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
