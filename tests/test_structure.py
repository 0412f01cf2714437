"""The package's shape: no import cycles, and paths of an output folder built in one place
(pipeline/layout.py), in the package and in the tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an `import from` names (relative imports resolved against `module`)."""
    if not node.level:
        return node.module or ""
    package = module if is_package else module.rpartition(".")[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def module_imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The package modules `module` imports when it is imported: statements at module level,
    including those inside try/if blocks, but not `if TYPE_CHECKING:` ones or imports in functions."""
    found: set[str] = set()
    stack: list[ast.stmt] = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path.name == "__init__.py", node)
            names = {f"{base}.{a.name}" for a in node.names}
            found.update(names & known)  # `from package import submodule`: the submodule
            if names - known:  # a name defined in `base` itself
                found.add(base)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []):
                    stack.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])
    # `import a.b.c` imports the packages a and a.b first, unless they are the importing module's
    # own packages (a package's __init__ importing its submodules is how packages work, not a cycle;
    # a submodule taking a name from its package's __init__ is named explicitly and counted).
    parents = {".".join(name.split(".")[:i]) for name in found for i in range(1, name.count(".") + 1)}
    own = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 2)}
    return {name for name in found | (parents - own) if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: module_imports(name, path, set(modules)) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as the list of its modules (first repeated last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles_among_the_package_modules() -> None:
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()) or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check itself: the package's own `__init__` is imported by every module, and a
    graph with one edge back is a cycle (a test that could never fail would prove nothing)."""
    graph = import_graph()
    assert "pipeline" in graph["pipeline.tasks"] and "pipeline.core" in graph["pipeline.tasks"]
    assert find_cycle({**graph, "pipeline.core": {*graph["pipeline.core"], "pipeline.tasks"}}) is not None


# Paths of an output folder are named in pipeline/layout.py only (the report is converted
# separately). These literals, joined onto a path, are what another module would have to write.
OUTPUT_NAMES = re.compile(
    r"""/\s*["'](work|clean|rejected|quarantine|audit|_long|plans|done|batch|timing|progress|audit-parts|"""
    r"""manifest\.json|report\.html|learned-rules\.toml|\.lock|\.webclean-batch\.json|_SUCCESS|_dedup)["'/]"""
)
# File names of the folder, in any string of code (docstrings and comments may name them); an
# f-string is read with "{}" for each of its values.
FILE_NAMES = re.compile(
    r"(^|/)(part|shard)-(\{\}|\*|\d).*\.jsonl$|^plan\.json$|\.(counts|lines|time)\.json$|\.(audit|decisions)\.jsonl$|^\.sig$"
)
KNOWN: set[tuple[str, str]] = set()  # (file, name) pairs allowed to name a file of the folder
TESTS = Path(__file__).resolve().parent
# The layout itself, its tests, this file.
EXEMPT = {PACKAGE / "layout.py", TESTS / "test_layout.py", TESTS / "test_structure.py"}


def _checked_files() -> list[Path]:
    files = [*PACKAGE.rglob("*.py"), *TESTS.rglob("*.py")]
    return sorted(p for p in files if p not in EXEMPT and not p.name.startswith(("report", "test_report")))


def test_output_paths_are_built_by_the_layout_module_only() -> None:
    offenders = []
    for path in _checked_files():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(PACKAGE.parent)  # the repository
        for n, line in enumerate(text.splitlines(), 1):
            if OUTPUT_NAMES.search(line.split("#", 1)[0]):
                offenders.append(f"{where}:{n}: {line.strip()}")
        for lineno, value in _code_strings(ast.parse(text)):
            if FILE_NAMES.search(value) and (where.as_posix(), value) not in KNOWN:
                offenders.append(f"{where}:{lineno}: {value!r}")
    assert offenders == []


def _code_strings(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, text) of the module's string constants and f-strings, docstrings left out."""
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            out.append((node.lineno, str(text)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs | parts:
            out.append((node.lineno, node.value))
    return out
