"""Settings stored in the school DB (JSON values under string keys)."""
from __future__ import annotations

import json
from typing import Any


def get_setting(db, key: str, default: Any = None) -> Any:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return default if row is None else json.loads(row[0])


def set_setting(db, key: str, value: Any) -> None:
    with db.atomic():
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )


DEMO_KEY = "demo_school"          # true in the demo school's file (and in its packets' manifests)
DEMO_NOTICE = ("Демонстрационная школа: все люди и сведения вымышлены. Её отчёты и пакет — только "
               "для знакомства с программой, не для отправки в управление образования.")


def is_demo(db) -> bool:
    """True for the demo school: its title, Обзор, packets and Район say so."""
    try:
        return bool(get_setting(db, DEMO_KEY, False))
    except Exception:  # noqa: BLE001 - a file without the settings table is no demo
        return False
