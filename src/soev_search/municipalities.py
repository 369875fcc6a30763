"""The 98 Danish municipalities, kept as data in `data/municipalities.tsv`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from soev_search.package_data import read_text


@dataclass(frozen=True)
class Municipality:
    """A municipality, its region and other spellings of its name."""

    name: str
    region: str
    aliases: tuple[str, ...]


@cache
def all_municipalities() -> tuple[Municipality, ...]:
    text = read_text("municipalities.tsv")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, region, aliases = (line.split("\t") + ["", ""])[:3]
        rows.append(Municipality(name, region, tuple(a for a in aliases.split(",") if a)))
    return tuple(rows)


def municipality_names() -> list[str]:
    return [m.name for m in all_municipalities()]
