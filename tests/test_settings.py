"""Settings: option over environment over default, bad values refused in one line, every
setting documented in the README, and a setting really taking effect."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from soev_search import settings
from soev_search.errors import SoevError

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_settings() -> dict[str, str]:
    """Environment variable → default, from the README's Configuration table."""
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ")[0]
    rows = re.findall(r"^\| `(SOEV_[A-Z_]+)` \|[^|]*\| ([^|]+) \|", section, re.MULTILINE)
    return {name: default.strip() for name, default in rows}


def test_every_setting_is_documented_in_the_readme_and_nothing_else() -> None:
    documented = readme_settings()
    names = [settings.Settings.env_name(s.name) for s in settings.documented()]
    assert sorted(documented) == sorted(names)
    for setting in settings.documented():
        default = settings.default_of(setting)
        if isinstance(default, int) and setting.name not in ("workers", "threads"):
            assert documented[settings.Settings.env_name(setting.name)] == str(default)
        assert setting.metadata["help"]


def test_option_beats_environment_beats_default() -> None:
    env = {"SOEV_INDEX": "/from/env", "SOEV_MAX_PAGE": "7"}
    assert settings.load(env={}).index == Path("index")
    assert settings.load(env=env).index == Path("/from/env")
    assert settings.load(env=env, index="/from/option").index == Path("/from/option")
    assert settings.load(env=env).max_page == 7
    assert settings.load(env=env, max_page=None).max_page == 7


def test_workers_and_threads_default_from_the_cpu_count() -> None:
    loaded = settings.load(env={})
    assert loaded.workers == settings.cpu_count() >= 1
    assert loaded.threads == 4 * settings.cpu_count()
    assert settings.load(env={"SOEV_WORKERS": "3", "SOEV_THREADS": "5"}).workers == 3


@pytest.mark.parametrize("env, message", [({"SOEV_WORKERS": "many"}, "SOEV_WORKERS"),
                                          ({"SOEV_MAX_PER_PAGE": "0"}, "at least 1")])
def test_a_bad_value_is_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(SoevError, match=message):
        settings.load(env=env)


def test_the_cli_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "soev_search.cli", "stats"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path,
                         env={"SOEV_WORKERS": "x", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "soev-index: SOEV_WORKERS must be a whole number, not 'x'"]


def test_a_limit_from_the_environment_takes_effect(client, monkeypatch) -> None:
    assert client.get("/api/search?per_page=5").status_code == 200
    monkeypatch.setenv("SOEV_MAX_PER_PAGE", "4")
    assert client.get("/api/search?per_page=5").status_code == 400
    parameters = client.get("/api/openapi.json").get_json()["paths"]["/api/search"]["get"]
    per_page = next(p for p in parameters["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 4
