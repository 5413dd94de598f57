"""Pages are independent: no page module imports another page (shared widgets live in app/ui/widgets),
every page is a ``Page``, and the window reaches pages through that class only — no class names as
strings, no importlib, no hasattr / getattr on a page, no private method of a page."""
from __future__ import annotations

import ast
from pathlib import Path

from app.ui.main_window import PAGES, MainWindow
from app.ui.widgets.page import Page

UI = Path(__file__).resolve().parents[2] / "app" / "ui"
PAGES_DIR = UI / "pages"
# a page is a module of app/ui/pages or a package there (a page in small modules)
PAGE_MODULES = {p.stem for p in PAGES_DIR.glob("*.py") if p.stem != "__init__"} | \
    {p.parent.name for p in PAGES_DIR.glob("*/__init__.py")}


def _package_of(path: Path) -> list[str]:
    """The package a module's relative imports start from: its folder (for __init__.py too)."""
    return list(path.relative_to(UI.parents[1]).parts[:-1])


def _imported_pages(path: Path, source: str | None = None) -> list[str]:
    """Page modules that the module at `path` imports (absolute or relative, at any depth)."""
    found = []
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = _package_of(path)[:len(_package_of(path)) - (node.level - 1)]
                module = ".".join(base + ([module] if module else []))
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [n.split(".")[3] for n in names if n.startswith("app.ui.pages.") and n.split(".")[3] in PAGE_MODULES]
    return list(dict.fromkeys(found))


def _page_files(name: str) -> list[Path]:
    folder = PAGES_DIR / name
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PAGES_DIR / f"{name}.py"]


def test_the_check_sees_a_page_importing_a_page():
    """Modules placed (not written) in app/ui/pages and inside a page package."""
    source = "from .roster import FormDialog\nfrom app.ui.pages.marks import MARK_COLOURS\nfrom . import help\n"
    assert _imported_pages(PAGES_DIR / "x.py", source) == ["roster", "marks", "help"]
    source = "from .layout import PlanLayout\nfrom ..roster import FormDialog\n"
    assert _imported_pages(PAGES_DIR / "plan" / "x.py", source) == ["plan", "roster"]


def test_no_page_imports_another_page():
    found = {}
    for name in sorted(PAGE_MODULES):
        others = [m for path in _page_files(name) for m in _imported_pages(path) if m != name]
        if others:
            found[name] = others
    assert not found, f"pages importing pages (move the shared part to app/ui/widgets): {found}"


def test_only_the_window_builds_pages():
    """Outside app/ui/pages, only the main window imports a page module (its loaders)."""
    found = [p.name for p in UI.rglob("*.py")
             if PAGES_DIR not in p.parents and p.name != "main_window.py" and _imported_pages(p)]
    assert not found


def test_every_page_is_a_page_and_the_window_asks_it_nothing_else():
    classes = [spec.load() for spec in PAGES]
    assert all(issubclass(c, Page) for c in classes)
    assert {c.__module__.split(".")[3] for c in classes} == PAGE_MODULES
    printing = {c.__name__ for c in classes if c.print_document is not Page.print_document}
    assert printing == {"PlanPage", "AnalysisPage"}
    source = (UI / "main_window.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not calls & {"hasattr", "getattr"}
    assert "importlib" not in source
    privates = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr.startswith("_")
                and isinstance(n.value, ast.Name) and n.value.id in ("page", "widget")]
    assert not privates


def test_print_falls_back_to_the_plan(ctx, qtbot, demo_db_path, monkeypatch):
    ctx.open_db(demo_db_path)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    printed = []
    monkeypatch.setattr(_plan_class(), "print_document", lambda self: printed.append("plan"))
    window.show_page("roster")
    assert not window.page("roster").can_print()
    window.print_current()
    assert printed == ["plan"] and window.current_key() == "plan"


def _plan_class():
    return next(s for s in PAGES if s.key == "plan").load()
