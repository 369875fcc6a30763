"""The import layering: one direction of flow, no module importing a higher layer, no cycles.

Read from the source (every import statement, also those inside functions), so a lazy import
cannot hide a wrong direction.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "soev_search"

# Lowest first. A module may import its own layer and those below. Prefixes match packages.
LAYERS = (
    ("errors", "package_data", "document", "municipalities", "settings", "cache"),
    ("analysis", "synonyms", "filters", "store", "ingest", "passages"),
    ("query", "relaxed", "results", "spelling", "highlight", "schema", "questionnaire",
     "similar", "fetch", "synonym_runs", "suggest", "whoosh_write"),
    ("index", "whoosh_andnot", "whoosh_similar", "whoosh_query", "whoosh_facets",
     "whoosh_suggest", "whoosh_postings", "whoosh_build", "whoosh_engine", "watch", "postgres"),
    ("search", "backend"),
    ("index_cli", "search_cli", "cli", "operator_cli", "web"),
    ("entry_point",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = PACKAGE.joinpath(*name.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("soev_search"):
            base = node.module.removeprefix("soev_search").lstrip(".")
            for alias in node.names:
                sub = f"{base}.{alias.name}".lstrip(".")
                found.add(sub if is_module(sub) else base)
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("soev_search.") for a in node.names
                      if a.name.startswith("soev_search.")}
    return found - {""}


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} is in no layer of tests/test_layers.py")


GRAPH = {module_name(path): imports_of(path) for path in PACKAGE.rglob("*.py")}
GRAPH.pop("", None)  # the package's own __init__


def test_no_module_imports_a_higher_layer() -> None:
    wrong = [f"{module} → {dep}" for module, deps in GRAPH.items() for dep in deps
             if layer_of(dep) > layer_of(module)]
    assert not wrong


def test_there_are_no_import_cycles() -> None:
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " → ".join((*path, module)))
        if module in done:
            return
        for dep in GRAPH.get(module, ()):
            if dep != module:
                visit(dep, (*path, module))
        done.add(module)

    for module in GRAPH:
        visit(module, ())


def test_only_modules_named_for_whoosh_import_it() -> None:
    allowed = {"analysis", "schema", "index", "spelling"}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uses = any(isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "whoosh"
                   or isinstance(n, ast.Import) and any(a.name.split(".")[0] == "whoosh"
                                                        for a in n.names)
                   for n in ast.walk(tree))
        name = module_name(path)
        assert not uses or name in allowed or name.startswith("whoosh_"), name


def test_the_readme_module_table_lists_every_module() -> None:
    readme = (PACKAGE.parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("| module | what |", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"`([\w/]+\.py)`", table))
    modules = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}
    assert listed == modules
