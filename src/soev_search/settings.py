"""Every setting in one place: its default, its `SOEV_*` environment variable, its meaning.

A value comes from the command line option where there is one, else from the environment
(`SOEV_WORKERS=4`), else the default. `current()` reads the environment on every call (a few
microseconds), so a changed environment counts at once. Each setting is documented in
README.md's "Configuration" table; tests/test_settings.py checks that none is missing there.
"""

from __future__ import annotations

import os
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soev_search.errors import SoevError

if TYPE_CHECKING:
    import argparse

ENV_PREFIX = "SOEV_"
BACKENDS = ("whoosh", "postgres")


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _default_threads() -> int:
    # Requests mostly wait on Python's lock; a few threads per CPU keep them flowing.
    return 4 * cpu_count()


def _setting(default: Any, help_text: str, minimum: int | None = 1,
             choices: tuple[str, ...] = ()) -> Any:
    """A dataclass field with its documentation; a callable default is computed per load."""
    metadata = {"help": help_text, "minimum": minimum, "choices": choices}
    if callable(default):
        return field(default_factory=default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    corpus: Path = _setting(Path("corpus"), "the corpus folder", None)
    index: Path = _setting(Path("index"), "the index folder", None)
    backend: str = _setting("whoosh", "where the index lives: whoosh (the index folder) or "
                            "postgres (the databases below)", None, BACKENDS)
    database_url: str = _setting("", "PostgreSQL primary (postgresql://user@host:port/db): "
                                 "rebuild and update write there", None)
    database_read_url: str = _setting("", "PostgreSQL replicas, comma-separated: searches "
                                      "read there, else the primary", None)
    workers: int = _setting(cpu_count, "processes that read files in a rebuild or update "
                            "and write the index's segments in a rebuild")
    threads: int = _setting(_default_threads, "threads of the web server")
    # Whoosh's own default: with 256 each of the writer processes of a rebuild grew to about
    # 450 MB, 2.4 times plain Whoosh's peak (bench/run.py, 10k documents).
    writer_memory_mb: int = _setting(128, "postings each segment writer holds in memory "
                                     "before sorting them to disk, MB")
    query_cache: int = _setting(32, "recent queries whose match sets and rankings are kept "
                                "per build")
    max_query_chars: int = _setting(500, "longest query, characters (the library searches "
                                    "the start of a longer one; the web refuses it)")
    max_value_chars: int = _setting(100, "longest filter value, characters")
    max_values_per_filter: int = _setting(20, "most values of one filter in a web request")
    max_id_chars: int = _setting(200, "longest document id the web looks up")
    max_page: int = _setting(1000, "highest page number the web serves")
    max_per_page: int = _setting(100, "most results per page")
    max_export_rows: int = _setting(2000, "most rows of a CSV export")
    fetch_timeout: int = _setting(20, "seconds `add` waits for a server to connect or to send "
                                  "more (a whole download may take 15 times as long)")
    fetch_max_mb: int = _setting(50, "largest page or PDF `add` downloads, MB (the download "
                                 "stops there)")
    watch_quiet_ms: int = _setting(1000, "how long a changed file must keep its size and mtime "
                                   "before `watch` reads it, ms")
    synonyms: Path | None = _setting(None, "the synonyms file (None: the shipped one)", None)

    @staticmethod
    def env_name(name: str) -> str:
        return ENV_PREFIX + name.upper()


def add_path_options(command: argparse.ArgumentParser, corpus: bool = True) -> None:
    """`--corpus` (unless not needed) and `--index` for a command, help from the settings."""
    for name in ("corpus", "index")[0 if corpus else 1:]:
        setting = next(f for f in fields(Settings) if f.name == name)
        command.add_argument(f"--{name}", help=f"{setting.metadata['help']} (default: "
                             f"${Settings.env_name(name)} or ./{default_of(setting)})")


def documented() -> tuple[Field, ...]:
    """The settings with their documentation (`metadata["help"]`)."""
    return fields(Settings)


def default_of(setting: Field) -> Any:
    return setting.default_factory() if setting.default is MISSING else setting.default


def load(env: dict[str, str] | None = None, **options: Any) -> Settings:
    """Options (None = not given) override the environment, which overrides the defaults."""
    env = os.environ if env is None else env
    values = {}
    for setting in fields(Settings):
        option = options.pop(setting.name, None)
        if option is not None:
            values[setting.name] = _convert(setting, option, f"--{setting.name}")
            continue
        raw = env.get(Settings.env_name(setting.name), "").strip()
        if raw:
            values[setting.name] = _convert(setting, raw, Settings.env_name(setting.name))
    if options:
        raise TypeError(f"unknown settings: {', '.join(sorted(options))}")
    return Settings(**values)


def current() -> Settings:
    """The settings from the environment and the defaults."""
    return load()


def _convert(setting: Field, value: Any, source: str) -> Any:
    if setting.type in ("Path", Path, "Path | None"):
        return Path(value)
    if setting.type in ("str", str):
        value = str(value).strip()
        choices = setting.metadata["choices"]
        if choices and value not in choices:
            raise SoevError(f"{source} must be {' or '.join(choices)}, not {value!r}")
        return value
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SoevError(f"{source} must be a whole number, not {value!r}") from None
    minimum = setting.metadata["minimum"]
    if minimum is not None and number < minimum:
        raise SoevError(f"{source} must be at least {minimum}, not {number}")
    return number
