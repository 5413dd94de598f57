"""The window holds no SQL: every read and write of the school file goes through a core function.

Checked in the source of app/ui: no string with an SQL statement, no ``execute`` / ``executemany`` /
``executescript`` / ``query`` call, no sqlite-utils table reached as ``db["name"]`` or ``db.table(…)``.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "app" / "ui"
SQL = re.compile(r"\b(SELECT\b.*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                 r"CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)|DROP\s+TABLE|PRAGMA\s+\w+|BEGIN\s+(IMMEDIATE|EXCLUSIVE))\b",
                 re.IGNORECASE | re.DOTALL)
DB_CALLS = {"execute", "executemany", "executescript", "query", "table", "rows_where", "insert_all", "upsert_all"}


def _db_like(node: ast.AST) -> bool:
    """`db`, `self.db`, `ctx.db`, `self.ctx.db`, `conn` and the like."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in {"db", "conn", "connection", "cursor"}


def sql_in(source: str, name: str = "<text>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{where}: SQL text {node.value[:60]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DB_CALLS \
                and _db_like(node.func.value):
            found.append(f"{where}: {node.func.attr}() on the school file")
        elif isinstance(node, ast.Subscript) and _db_like(node.value):
            found.append(f"{where}: a table reached as db[…]")
    return found


def test_the_check_sees_sql():
    assert sql_in('rows = ctx.db.execute("SELECT id FROM subject").fetchall()')
    assert sql_in('self.db.conn.execute(f"DELETE FROM {table} WHERE id = ?", [1])')
    assert sql_in('self.ctx.db["scale"].get(3)')
    assert sql_in('text = "update plan_item set status = ?"')
    assert not sql_in('label = "Выберите предмет и учебный год"; db = open_school(path)')


def test_no_sql_in_app_ui():
    found = []
    for path in sorted(UI.rglob("*.py")):
        found += sql_in(path.read_text(encoding="utf-8"), str(path.relative_to(UI.parent.parent)))
    assert not found, "SQL in app/ui (move it to a core function):\n" + "\n".join(found)
