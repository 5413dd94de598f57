"""Every settings key is declared once with its default: the school file's keys in
app/core/settings.py, the window's QSettings keys in app/ui/prefs.py; the rest of the program uses
the constants, never the strings, and never a default of its own."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.core import settings, store
from app.ui import prefs

APP = Path(__file__).resolve().parents[2] / "app"
REGISTRIES = {APP / "core" / "settings.py", APP / "ui" / "prefs.py"}


def _sources():
    for path in sorted(APP.rglob("*.py")):
        if path not in REGISTRIES:
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _is_key(text: str) -> bool:
    if text in settings.SETTINGS or text in prefs.PREFS:
        return True
    return any(s.family and text.startswith(s.key) for s in settings.SETTINGS.values())


def test_no_key_is_written_as_a_string_outside_the_registries():
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = {node.value, *node.value.replace("'", " ").replace('"', " ").split()}
                if any(_is_key(w) for w in words):
                    found.append(f"{path.relative_to(APP.parent)}:{node.lineno}: {node.value[:60]!r}")
    assert not found, "settings keys written as strings (use the constants):\n" + "\n".join(found)


def test_settings_are_read_without_a_default_of_their_own_and_qsettings_only_through_prefs():
    found = []
    for path, tree in _sources():
        where = str(path.relative_to(APP.parent))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Name)):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in ("get_setting", "set_setting"):
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    found.append(f"{where}:{node.lineno}: a key as a string")
                if name == "get_setting" and (len(node.args) > 2 or node.keywords):
                    found.append(f"{where}:{node.lineno}: a default besides the declared one")
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            owner_name = getattr(owner, "attr", getattr(owner, "id", ""))
            if name in ("value", "setValue", "remove") and owner_name == "qsettings":
                found.append(f"{where}:{node.lineno}: QSettings used directly (use app.ui.prefs)")
    assert not found, "\n".join(found)


def test_declared_defaults_undeclared_keys_and_families(empty_db):
    assert settings.get_setting(empty_db, settings.STUDENT_DISPLAY) == "codes"
    retired = settings.get_setting(empty_db, settings.RETIRED_CODES)
    retired.append("12345")                                   # a copy: the declared default stays empty
    assert settings.get_setting(empty_db, settings.RETIRED_CODES) == []
    settings.set_setting(empty_db, settings.JOURNAL_MAPPING + "abc", {"roles": ["name"]})
    assert settings.get_setting(empty_db, settings.JOURNAL_MAPPING + "abc") == {"roles": ["name"]}
    with pytest.raises(KeyError):
        settings.get_setting(empty_db, "analysis.threshold")  # misspelt
    with pytest.raises(KeyError):
        settings.set_setting(empty_db, "no.such.key", 1)


def test_a_value_survives_reopening(empty_db_path):
    db = store.open_db(empty_db_path)
    settings.set_setting(db, settings.SCHEDULE_WEEKS, {"9": 33})
    db.close()
    db = store.open_db(empty_db_path)
    try:
        assert settings.get_setting(db, settings.SCHEDULE_WEEKS) == {"9": 33}
    finally:
        db.close()


class _FakeSettings(dict):
    """A stand-in with QSettings' two methods, so the registry is checked without Qt."""

    def value(self, key, default=None):
        return self.get(key, default)

    def setValue(self, key, value):  # noqa: N802 - QSettings API
        self[key] = value


def test_prefs_read_defaults_and_write():
    store_ = _FakeSettings()
    assert prefs.read(store_, prefs.PACKET_EMAIL) == "" and prefs.read(store_, prefs.WINDOW_GEOMETRY) is None
    prefs.write(store_, prefs.PACKET_EMAIL, "uo@example.ru")
    assert prefs.read(store_, prefs.PACKET_EMAIL) == "uo@example.ru"
    assert len({p.key for p in prefs.PREFS.values()}) == len(prefs.PREFS) >= 7
