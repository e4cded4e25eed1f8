"""The rooms stay where they belong: checks on the source itself, not on behaviour."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the homeward package

# Modules allowed, for now, to import another app's models inside a function. Each entry says
# why and until when; the list only shrinks.
ALLOWED: set[str] = set()  # none left; a file here must say why it cannot import at the top


def _models_imported(node: ast.AST) -> list[str]:
    """Dotted `homeward.<app>.models` modules an import statement brings in."""
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    elif isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        return []
    found = []
    for name in names:
        parts = name.split(".")
        if len(parts) >= 3 and parts[0] == "homeward" and parts[2] == "models":
            found.append(".".join(parts[:3]))
    return found


def function_level_model_imports() -> list[str]:
    """`path:line imports homeward.<app>.models` for every import of another app's models made
    inside a function (the usual way to dodge an import cycle, which hides the cycle instead of
    removing it) in the package's modules (tests and migrations aside)."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts or len(rel.parts) < 2:
            continue
        own_app = rel.parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                for module in _models_imported(node):
                    if module.split(".")[1] != own_app:
                        found.append(f"{rel.as_posix()}:{node.lineno} imports {module}")
    return sorted(set(found))


def test_no_module_imports_another_apps_models_inside_a_function():
    offending = [f for f in function_level_model_imports() if f.split(":")[0] not in ALLOWED]
    assert offending == [], (
        "Import other apps' models at the top of the module; if that makes a cycle, move the "
        "code to the app that owns those models (docs/architecture.md):\n" + "\n".join(offending)
    )


def test_the_check_finds_such_an_import(tmp_path, monkeypatch):
    app = tmp_path / "exchanges"
    app.mkdir()
    (app / "dodge.py").write_text(
        "def f():\n    from homeward.registry.models import Person\n    return Person\n"
        "def g():\n    from homeward.exchanges.models import PlanRun\n    return PlanRun\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert function_level_model_imports() == [
        "exchanges/dodge.py:2 imports homeward.registry.models"
    ]


def test_the_allowed_list_only_names_modules_that_still_need_it():
    still = {f.split(":")[0] for f in function_level_model_imports()}
    assert ALLOWED <= still, f"remove from ALLOWED: {sorted(ALLOWED - still)}"
