"""The layering the README promises, checked on the source: the import graph of `review/` and
`flows/` has no cycle (function-level imports count too: deferring an import hides a cycle, it
does not remove it), and the domain never imports a flow, the portal or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("review", "flows")
#: Layers above the domain: the domain (review/ outside these) must not import them.
OUTER = ("flows", "review.portal", "review.cli", "review.__main__")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module `name` refers to: itself, or its package for `from pkg import obj`."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module `module` imports, at any depth of its code (TYPE_CHECKING-only
    imports excluded: they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            # `from pkg import sub` imports the submodule `pkg.sub` when there is one.
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            target = _resolve(name, modules)
            if target is not None and target != module:
                found.add(target)
    # Importing `a.b.c` runs `a/__init__` and `a/b/__init__` first: those packages are imported
    # too. A module's own parent packages are left out (Python runs them before the module
    # itself; a package's __init__ importing its submodules is no cycle).
    for target in list(found):
        parts = target.split(".")
        found |= {".".join(parts[:n]) for n in range(1, len(parts))} & set(modules)
    return {t for t in found if t != module and not module.startswith(f"{t}.")}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _is_domain(module: str) -> bool:
    return module.startswith("review") and not any(
        module == outer or module.startswith(f"{outer}.") for outer in OUTER
    )


def test_the_import_graph_has_no_cycle() -> None:
    cycles = find_cycles(import_graph())
    assert not cycles, (
        "import cycles (break each by moving code, not by deferring an import):\n"
        + ("\n".join(" <-> ".join(c) for c in cycles))
    )


def test_the_domain_imports_no_flow_portal_or_cli_module() -> None:
    bad = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if _is_domain(module)
        for target in targets
        if not _is_domain(target)
    )
    assert not bad, "the domain reaches up a layer:\n" + "\n".join(bad)


def test_the_checker_sees_a_cycle_and_a_function_level_import(tmp_path: Path) -> None:
    """The two tests above can fail: a cycle made only by an import inside a function is found."""
    a = tmp_path / "a.py"
    b = tmp_path / "b.py"
    a.write_text("import b\n")
    b.write_text("def f():\n    from a import g\n    return g\n")
    modules = {"a": a, "b": b}
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert graph == {"a": {"b"}, "b": {"a"}}
    assert find_cycles(graph) == [["a", "b"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def _closure(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _third_party(path: Path) -> set[str]:
    """The top-level names of what a module imports from outside the project."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names - set(PACKAGES)


DATABASE = {"sqlmodel", "sqlalchemy", "alembic", "psycopg"}
DATABASE_MODULES = {"review.models", "review.db", "review.events", "review.queries"}


def test_the_review_form_imports_nothing_of_the_database() -> None:
    """The form model and its validation (review.reviewing.form), and all it imports."""
    modules, graph = project_modules(), import_graph()
    reached = _closure(graph, "review.reviewing.form")
    bad = sorted(m for m in reached if _third_party(modules[m]) & DATABASE)
    assert not bad, "review.reviewing.form reaches the database through: " + ", ".join(bad)


def test_the_word_form_draws_and_reads_plain_data() -> None:
    """review.documents.word_form itself uses no session, no table and no database query.
    (What it imports is checked one level deep: it reads uploads with review.intake.safezip,
    and importing that runs review/intake/__init__, which loads the whole intake.)"""
    modules, graph = project_modules(), import_graph()
    module = "review.documents.word_form"
    assert not _third_party(modules[module]) & DATABASE
    assert not graph[module] & DATABASE_MODULES, graph[module] & DATABASE_MODULES
