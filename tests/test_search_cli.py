"""The reading commands start light: `search`, `stats` and `show` of a text file import only
what they use, never the ingester's parsers or the web stack. A correctness check of the import
set, run in a fresh interpreter; how long a start takes is measured in bench/run.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("langdetect", "trafilatura", "lxml", "bs4", "pypdf", "charset_normalizer", "tqdm",
         "flask", "waitress")
# The questionnaire comparison (compare) and importlib.resources (zipfile, tempfile): a
# search that imported them would only start slower.
NOT_FOR_A_SEARCH = ("soev_search.questionnaire", "difflib", "importlib.resources", "zipfile")
REPORT_MODULES = (
    "import json, sys\n"
    "from soev_search import cli\n"
    "code = cli.main(sys.argv[1:])\n"
    "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def modules_after(*args: str) -> tuple[str, set[str]]:
    out, modules = all_modules_after(*args)
    return out, {name.split(".")[0] for name in modules}


def all_modules_after(*args: str) -> tuple[str, set[str]]:
    proc = subprocess.run([sys.executable, "-c", REPORT_MODULES, *args], capture_output=True,
                          text=True, timeout=120, check=True)
    return proc.stdout, set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("command", [["search", "socialøkonomi"], ["stats"],
                                     ["search", "kantine", "--json"]])
def test_search_and_stats_import_no_ingester_parser(bundled_index, command):
    out, loaded = modules_after(*command, "--index", str(bundled_index))
    assert out.strip()  # the command did answer
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert "whoosh" in loaded


@pytest.mark.parametrize("command", [["search", "socialøkonomi"], ["stats"],
                                     ["search", "kantine", "--json"]])
def test_search_and_stats_import_nothing_only_other_commands_use(bundled_index, command):
    out, loaded = all_modules_after(*command, "--index", str(bundled_index))
    assert out.strip()
    assert "soev_search.search" in loaded
    assert not loaded & set(NOT_FOR_A_SEARCH), loaded & set(NOT_FOR_A_SEARCH)


def test_show_of_a_danish_text_file_imports_no_html_pdf_or_web_stack(tmp_path):
    note = tmp_path / "notat.txt"
    note.write_text("Notat om socialøkonomi\n\nKommunen har i år arbejdet med sociale "
                    "virksomheder, og vi har været glade for det samarbejde, der er kommet "
                    "ud af det. Det giver os også nogle nye muligheder i de kommende år, og "
                    "vi vil gerne gøre mere.\n", encoding="utf-8")
    out, loaded = modules_after("show", str(note), "--text")
    assert "sociale virksomheder" in out
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
