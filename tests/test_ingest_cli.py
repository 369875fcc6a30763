"""`soev-index show`: summary, --json, --text, and exit status 2 with a reason for bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from soev_search.cli import EXIT_UNREADABLE, main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ROSKILDE = CORPUS / "roskilde-status-august-2018.txt"


def test_json_has_every_field(capsys, monkeypatch):
    monkeypatch.setenv("SOEV_CORPUS", str(CORPUS))
    assert main(["show", "--json", str(ROSKILDE)]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("id", "title", "text", "municipality", "municipalities_mentioned", "date",
                "year", "doctype", "language", "source", "sections", "figures", "contact"):
        assert key in data
    assert data["municipality"] == "Roskilde" and data["date"] == "2018-08"
    assert data["figures"]["staff_volunteers"]["value"] == 30300
    assert data["contact"]["email"] == "trinev@roskilde.dk"
    assert data["path"] == "roskilde-status-august-2018.txt"


def test_text_is_only_the_clean_text(capsys):
    assert main(["show", "--text", str(ROSKILDE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Socialøkonomi i Roskilde Kommune – status august 2018\n")
    assert "Back To Top" not in out and "Skriv et svar" not in out


def test_summary_is_readable(capsys):
    assert main(["show", str(ROSKILDE)]) == 0
    out = capsys.readouterr().out
    assert "municipality: Roskilde" in out
    assert "staff_volunteers=~30300" in out


def test_file_outside_the_corpus(tmp_path, capsys):
    path = tmp_path / "note.txt"
    path.write_text("Notat om socialøkonomi i Odense Kommune\n\nEn kort tekst.", encoding="utf-8")
    assert main(["show", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["municipality"] == "Odense"


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_unreadable_file_exits_2_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main(["show", str(path)]) == EXIT_UNREADABLE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "bad.txt" in captured.err


def test_installed_command_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "soev_search.cli", "show", "--text",
                             str(tmp_path / "missing.txt")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == EXIT_UNREADABLE
    assert "no such file" in result.stderr
