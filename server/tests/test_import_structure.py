"""The package's modules import each other without cycles (lazy imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

import promptforge

PACKAGE_ROOT = Path(promptforge.__file__).parent
TYPE_CHECKING_GUARDS = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the promptforge modules it imports anywhere in its body (not under TYPE_CHECKING)."""
    modules = {_module_name(p): p for p in PACKAGE_ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for guard in ast.walk(tree):  # imports only for annotations do not run: no cycle at run time
            if isinstance(guard, ast.If) and ast.unparse(guard.test) in TYPE_CHECKING_GUARDS:
                guard.body = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:  # `from promptforge.x import module` imports a module
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in modules else node.module)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_workspaces_do_not_import_the_auth_service() -> None:
    # Registration calls into workspaces (auth -> workspaces), never the other way round.
    graph = _import_graph()
    assert "promptforge.auth.service" not in graph["promptforge.workspaces.service"]
    assert "promptforge.workspaces.service" in graph["promptforge.auth.service"]


def test_no_import_cycles_between_modules() -> None:
    assert _find_cycle(_import_graph()) is None
