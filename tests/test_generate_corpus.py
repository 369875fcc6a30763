"""The benchmark corpus generator: deterministic, realistic spread, bounded sizes, clear errors."""

from __future__ import annotations

import gzip
import importlib.util
import sys
from pathlib import Path

import pytest

from soev_search.document import DOCTYPES
from soev_search.municipalities import municipality_names

REPO_ROOT = Path(__file__).resolve().parent.parent


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_corpus", REPO_ROOT / "bench" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()

# A small stand-in for the Europarl file: the same shape (headings, then their debate).
TINY_SOURCE = """Genoptagelse af mødet
Jeg erklærer mødet for genoptaget, og jeg byder alle velkommen tilbage efter ferien.
Parlamentet har i dag en lang dagsorden med mange vigtige punkter om beskæftigelse.
(Forsamlingen rejste sig
Kommissionen vil fremlægge sit forslag om arbejdsmarkedet i løbet af foråret.
Beskæftigelse og social samhørighed
Medlemsstaterne skal gøre mere for at hjælpe ledige tilbage på arbejdsmarkedet.
Det gælder især unge, ældre og personer med nedsat arbejdsevne i alle regioner.
Vi må sikre, at de sociale fonde bruges effektivt og til gavn for borgerne.
Afstemning
Rådet har vedtaget sin fælles holdning, og vi skal nu tage stilling til den.
Jeg vil gerne takke ordføreren for et grundigt og velskrevet stykke arbejde.
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("source") / "tiny.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(TINY_SOURCE)
    return gen.load_source(path)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_source_splits_headings_from_sentences(source) -> None:
    assert "Beskæftigelse og social samhørighed" in source.headings
    assert "(Forsamlingen rejste sig" not in source.headings + source.sentences
    assert all(s[-1] in ".?!" for s in source.sentences)


def test_same_seed_gives_byte_identical_files(source, tmp_path: Path) -> None:
    gen.generate(source, 40, 7, tmp_path / "a")
    gen.generate(source, 40, 7, tmp_path / "b")
    gen.generate(source, 40, 8, tmp_path / "c")
    a, b, c = (_tree(tmp_path / name) for name in "abc")
    assert len(a) == 40
    assert a == b
    assert a != c


def test_smaller_corpus_is_a_prefix_of_a_larger_one(source, tmp_path: Path) -> None:
    gen.generate(source, 10, 3, tmp_path / "small")
    gen.generate(source, 30, 3, tmp_path / "large")
    small, large = _tree(tmp_path / "small"), _tree(tmp_path / "large")
    assert small.items() <= large.items()


def test_documents_have_realistic_spread(source, tmp_path: Path) -> None:
    written = gen.generate(source, 200, 1, tmp_path)
    files = _tree(tmp_path)
    sizes = [len(data) for data in files.values()]
    assert written == sum(sizes)
    assert min(sizes) >= gen.MIN_BYTES and max(sizes) <= gen.MAX_BYTES
    assert sorted(sizes)[len(sizes) // 2] < sum(sizes) / len(sizes)  # skewed: median < mean
    suffixes = [Path(name).suffix for name in files]
    assert 0 < suffixes.count(".html") < suffixes.count(".txt")
    doctypes = {Path(name).name.split("-")[-3] for name in files}
    assert {"artikel", "notat", "referat"} <= doctypes <= set(DOCTYPES)
    texts = [data.decode("utf-8") for data in files.values()]
    named = {m for m in municipality_names() if any(f"{m} Kommune" in t for t in texts)}
    assert len(named) >= 20
    assert any("socialøkonomisk" in t for t in texts)
    assert not any("Parlamentet" in t for t in texts)  # made municipal
    years = {int(Path(name).name.split("-")[-2]) for name in files}
    assert years <= set(range(2010, 2027)) and len(years) >= 10


def test_refuses_a_non_empty_folder(source, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        gen.generate(source, 1, 1, tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_missing_source_is_one_clear_error(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.txt.gz"
    assert gen.main(["--n", "1", "--out", str(tmp_path / "out"), "--source", str(missing)]) == 1
    assert "Danish source text not found" in capsys.readouterr().err


@pytest.mark.skipif(not gen.DEFAULT_SOURCE.is_file(), reason="shared Danish text not present")
def test_real_source_makes_danish_documents(tmp_path: Path) -> None:
    assert gen.main(["--n", "20", "--seed", "1", "--out", str(tmp_path)]) == 0
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.*"))
    assert text.count(" og ") > 50 and "Kommune" in text
