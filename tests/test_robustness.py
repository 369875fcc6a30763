"""Bad input loses nothing, and faults end in one clear line: the real CLI in subprocesses.

One rebuild of a hostile corpus (sample documents plus every kind of bad file) is shared by
the first group of tests; the fault tests (corrupt, missing and read-only index, concurrent and
killed rebuilds) each use a small index of their own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from random import Random

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = REPO_ROOT / "corpus"
PEAK_RSS_LIMIT_KB = 1_500_000  # generous: the 20 MB file must not blow memory up
BIG_FILE_BYTES = 20 * 1024 * 1024

# Report the child's peak RSS (kB) on the last line of stderr; RUSAGE_CHILDREN of this small
# wrapper covers exactly the command it ran (and that command's own waited-for children).
RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)

DANISH = ("Kommunen samarbejder med socialøkonomiske virksomheder om kantinedrift, og flere "
          "borgere i fleksjob får dermed en plads på arbejdsmarkedet. ")


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_rss_kb: int = 0

    @property
    def output(self) -> str:
        return self.out + self.err


def soev(*args: str, timeout: float = 120, measure: bool = False) -> Run:
    command = [sys.executable, "-m", "soev_search.cli", *args]
    if measure:
        command = [sys.executable, "-c", RSS_WRAPPER, *command]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          cwd=REPO_ROOT)
    err, peak = proc.stderr, 0
    if measure:
        err, _, last = proc.stderr.rstrip("\n").rpartition("\n")
        peak = int(last)
    return Run(proc.returncode, proc.stdout, err, peak)


def search_total(index: Path, query: str) -> int:
    run = soev("search", query, "--json", "--index", str(index))
    assert run.code == 0, run.output
    return json.loads(run.out)["total"]


def tiny_png() -> bytes:
    """A real 2x2 RGB PNG, made by hand so no image library is needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


# Files that hold no readable text: each must be named in the output, with a reason.
UNREADABLE = ("empty.txt", "whitespace.txt", "binary.txt", "fake.pdf", "image.png")
# Readable files, each with a word found nowhere else.
READABLE_WORDS = {
    "latin1.txt": "Kærgårdsøen",
    "bom.txt": "Præstøgården",
    "truncated.html": "Fjordkantinen",
    "folder.txt/inside.txt": "Mosevængets",
}
BIG_FIRST_WORD, BIG_LAST_WORD = "Begyndelsesordet", "Slutningsordet"


def write_hostile_corpus(root: Path) -> None:
    shutil.copytree(BUNDLED_CORPUS, root)
    for path in root.iterdir():
        path.chmod(0o644)
    (root / "empty.txt").write_bytes(b"")
    (root / "whitespace.txt").write_bytes(b"  \n\t\n   \r\n")
    (root / "binary.txt").write_bytes(Random(5).randbytes(8192))
    (root / "nul-bytes.txt").write_bytes(
        ("Nulbyte-notat\n\n" + DANISH).encode() + b"\x00\x00" + DANISH.encode())
    (root / "fake.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF at all\n%%EOF")
    (root / "truncated.html").write_text(
        "<html><head><title>Fjordkantinen i Vejle</title></head><body><h1>Fjordkantinen</h1>"
        f"<p>{DANISH}</p><p>Fjordkantinen drives som socialøkonomisk virk", encoding="utf-8")
    (root / "deep.html").write_text(
        "<html><body>" + "<div>" * 50_000 + "Dybt begravet tekst" + "</div>" * 50_000
        + "</body></html>", encoding="utf-8")
    (root / "image.png").write_bytes(tiny_png())
    (root / "latin1.txt").write_bytes(
        f"Kærgårdsøen og socialøkonomi\n\n{DANISH}Kærgårdsøen ligger ved Ærø.\n"
        .encode("latin-1"))
    (root / "bom.txt").write_bytes(
        f"Præstøgården\n\n{DANISH}Præstøgården har kantinedrift.\n".encode("utf-8-sig"))
    (root / "folder.txt").mkdir()
    (root / "folder.txt" / "inside.txt").write_text(
        f"Mosevængets værksted\n\n{DANISH}Mosevængets værksted.\n", encoding="utf-8")
    with (root / "big.txt").open("w", encoding="utf-8") as big:
        big.write(f"Stor fil\n\n{BIG_FIRST_WORD} står først. ")
        while big.tell() < BIG_FILE_BYTES:
            big.write(DANISH * 100)
        big.write(f"{BIG_LAST_WORD} står sidst.\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("hostile")
    corpus, index = base / "corpus", base / "index"
    write_hostile_corpus(corpus)
    run = soev("rebuild", "--corpus", str(corpus), "--index", str(index), measure=True)
    return corpus, index, run


def test_rebuild_of_a_hostile_corpus_exits_0(hostile) -> None:
    _, _, run = hostile
    assert run.code == 0, run.output
    assert "Traceback" not in run.output


def test_every_unreadable_file_is_named_with_a_reason(hostile) -> None:
    _, _, run = hostile
    for name in UNREADABLE:
        lines = [line for line in run.output.splitlines() if name in line]
        assert lines, f"{name} is not named in the rebuild output:\n{run.output}"
        assert any(len(line.strip()) > len(name) + 3 for line in lines), lines


def test_every_readable_file_is_found_by_its_own_word(hostile) -> None:
    _, index, _ = hostile
    for name, word in READABLE_WORDS.items():
        assert search_total(index, word) == 1, f"{name} not found by {word!r}"
    # The sample documents are all about socialøkonomi.
    assert search_total(index, "socialøkonomi") >= 5


@pytest.mark.parametrize("name", ["nul-bytes.txt", "deep.html"])
def test_odd_but_text_files_are_indexed_or_named(hostile, name: str) -> None:
    _, index, run = hostile
    word = {"nul-bytes.txt": "Nulbyte", "deep.html": "begravet"}[name]
    assert search_total(index, word) == 1 or name in run.output


def test_the_20_mb_file_is_cut_or_skipped_with_a_reason(hostile) -> None:
    _, index, run = hostile
    if search_total(index, BIG_FIRST_WORD) == 0:
        assert "big.txt" in run.output  # skipped: must say so
    else:
        assert search_total(index, BIG_LAST_WORD) == 0  # indexed: cut before its end


def test_rebuild_memory_stays_bounded(hostile) -> None:
    _, _, run = hostile
    assert 0 < run.peak_rss_kb < PEAK_RSS_LIMIT_KB


# --- faults ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once; tests copy it before changing it."""
    index = tmp_path_factory.mktemp("sample") / "index"
    run = soev("rebuild", "--corpus", str(BUNDLED_CORPUS), "--index", str(index))
    assert run.code == 0, run.output
    return index


def assert_one_clear_line(run: Run) -> None:
    assert run.code == 1, run.output
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.err, run.err


def corrupt(index: Path) -> None:
    noise = Random(9)
    for path in index.rglob("*"):
        if path.is_file():
            path.write_bytes(noise.randbytes(max(path.stat().st_size, 64)))


def test_missing_index_is_one_clear_line(tmp_path: Path) -> None:
    assert_one_clear_line(soev("search", "socialøkonomi", "--index", str(tmp_path / "none")))


def test_corrupt_index_is_one_clear_line(built_sample: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(built_sample, index, symlinks=True)
    corrupt(index)
    assert_one_clear_line(soev("search", "socialøkonomi", "--index", str(index)))


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_web_api_answers_503_json_without_a_usable_index(
        built_sample: Path, tmp_path: Path, damage: str) -> None:
    from soev_search.web import create_app

    index = tmp_path / "index"
    if damage == "corrupt":
        shutil.copytree(built_sample, index, symlinks=True)
        corrupt(index)
    client = create_app(index_dir=index, corpus_dir=BUNDLED_CORPUS).test_client()
    response = client.get("/api/search?q=socialøkonomi")
    assert response.status_code == 503
    assert response.is_json and response.get_json()


def test_read_only_index_is_served(built_sample: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(built_sample, index, symlinks=True)
    modes = {}
    for path in [index, *index.rglob("*")]:
        modes[path] = path.stat().st_mode
        path.chmod(modes[path] & ~0o222)
    try:
        assert search_total(index, "socialøkonomi") >= 5
    finally:  # let pytest clean up
        for path, mode in modes.items():
            path.chmod(mode)


def sample_copies(root: Path, copies: int) -> Path:
    """The sample corpus plus `copies` copies of each sample document.

    Every line of a copy is marked with its number, so no line repeats across files and the
    ingester's repeated-line (boilerplate) detection leaves the copies' text alone.
    """
    shutil.copytree(BUNDLED_CORPUS, root)
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):  # the documents, not README.md
        lines = path.read_text(encoding="utf-8").splitlines()
        for number in range(copies):
            marked = [f"{line} (kopi {number})" if line.strip() else line for line in lines]
            (root / f"{path.stem}-kopi{number}.txt").write_text(
                "\n".join(marked) + "\n", encoding="utf-8")
    for path in root.iterdir():
        path.chmod(0o644)
    return root


def start_rebuild(corpus: Path, index: Path, log: Path) -> subprocess.Popen:
    """A rebuild in its own process group (its pool workers too), output to a file: a pipe
    would stay open in workers that outlive a killed parent."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "soev_search.cli", "rebuild", "--corpus", str(corpus),
             "--index", str(index)],
            stdout=out, stderr=subprocess.STDOUT, cwd=REPO_ROOT, start_new_session=True)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL to the rebuild and every process it started, as a crash or OOM kill of all."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def test_two_rebuilds_at_once_never_mix(tmp_path: Path) -> None:
    small = sample_copies(tmp_path / "small", 0)  # 5 documents
    large = sample_copies(tmp_path / "large", 8)  # 45 documents
    index = tmp_path / "index"
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    procs = [start_rebuild(small, index, logs[0]), start_rebuild(large, index, logs[1])]
    codes = [proc.wait(timeout=300) for proc in procs]
    for code, log in zip(codes, logs, strict=True):
        output = log.read_text()
        assert "Traceback" not in output
        # Refused: one clear line (progress lines aside, nothing else was printed).
        assert code == 0 or (code == 1 and "soev-index:" in output), output
    assert 0 in codes
    # Every sample document names socialøkonomi: the index holds one corpus or the other.
    assert search_total(index, "socialøkonomi") in {5, 45}


def test_killed_rebuilds_leave_the_old_index_serving(tmp_path: Path) -> None:
    index = tmp_path / "index"
    assert soev("rebuild", "--corpus", str(BUNDLED_CORPUS), "--index", str(index)).code == 0
    large = sample_copies(tmp_path / "large", 30)  # 155 documents
    log = tmp_path / "rebuild.log"
    started = time.monotonic()
    assert start_rebuild(large, index, log).wait(timeout=300) == 0
    full = time.monotonic() - started
    assert soev("rebuild", "--corpus", str(BUNDLED_CORPUS), "--index", str(index)).code == 0
    for fraction in (0.1, 0.5, 0.9):  # early, mid, late
        proc = start_rebuild(large, index, log)
        time.sleep(full * fraction)
        if proc.poll() is None:
            kill_group(proc)
        killed = proc.wait() == -signal.SIGKILL
        total = search_total(index, "socialøkonomi")
        # Killed before the swap, the previous index serves; killed after it (while old
        # builds were being removed) or finished, the new one is whole. Never a mix.
        assert total in {5, 155}
        if killed and fraction < 0.5:
            assert total == 5  # far from the swap: the previous index serves
        if total == 155:
            assert soev("rebuild", "--corpus", str(BUNDLED_CORPUS),
                        "--index", str(index)).code == 0
    run = soev("rebuild", "--corpus", str(large), "--index", str(index))
    assert run.code == 0, run.output
    assert search_total(index, "socialøkonomi") == 155
