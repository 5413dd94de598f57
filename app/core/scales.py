"""Grading scales as data: primary score → mark thresholds (ВПР, ОГЭ) and test-score rules (ЕГЭ).

A 'marks' scale has rules {"thresholds": [[min_primary, mark], ...]} ascending, starting at
[0, 2]; a 'test' scale has rules {"min": 36, "high": 70, "min_attestat": 24}. The built-in scales
live in resources/scales/builtin.json and become ordinary rows (``builtin = 1``) through
``ensure_builtin_scales``; the user edits or copies them like any other scale. A built-in scale
whose subject is not in the school's list keeps the subject's name in its rules and is linked as
soon as the subject appears.
"""
from __future__ import annotations

import json
from pathlib import Path

from .paths import resource_path
from .domain import PROCEDURE_LABELS
from .errors import UserError
from .store import rows

BUILTIN_FILE = resource_path("scales", "builtin.json")
_FIELDS = ("name", "kind", "procedure_kind", "subject_id", "grade", "year_label", "max_score", "rules")


def _rules(rules) -> dict:
    return json.loads(rules) if isinstance(rules, (str, bytes)) else dict(rules or {})


def mark_for(scale_rules, primary: int | None) -> int | None:
    """The mark for a primary score under 'marks' rules; None for no score or a test scale."""
    if primary is None:
        return None
    thresholds = _rules(scale_rules).get("thresholds")
    if not thresholds:
        return None
    mark = None
    for low, value in sorted(thresholds):
        if primary >= low:
            mark = int(value)
    return mark


def describe_test_rules(rules) -> str:
    r = _rules(rules)
    parts = [f"минимальный балл {r['min']}"] if "min" in r else []
    if "min_attestat" in r:
        parts.append(f"для аттестата {r['min_attestat']}")
    if "high" in r:
        parts.append(f"высокий результат от {r['high']}")
    return "; ".join(parts)


def thresholds_text(rules, max_score: int | None) -> str:
    """«2: 0–13, 3: 14–23, 4: 24–32, 5: 33–38» — the scale as a deputy reads it."""
    th = sorted(_rules(rules).get("thresholds") or [])
    if not th:
        return describe_test_rules(rules)
    parts = []
    for i, (low, mark) in enumerate(th):
        high = th[i + 1][0] - 1 if i + 1 < len(th) else max_score
        parts.append(f"«{mark}»: {low}–{high}" if high is not None else f"«{mark}»: от {low}")
    return ", ".join(parts)


def validate_rules(kind: str, rules, max_score: int | None) -> dict:
    """Check a scale's rules; return them normalised or raise UserError naming the fault."""
    r = _rules(rules)
    if kind == "test":
        for key in ("min", "high", "min_attestat"):
            if key in r and not (isinstance(r[key], int) and 0 <= r[key] <= 100):
                raise UserError("Тестовые баллы шкалы ЕГЭ должны быть целыми числами от 0 до 100.")
        if "min" not in r:
            raise UserError("Укажите минимальный тестовый балл шкалы.")
        return r
    if kind != "marks":
        raise UserError("Вид шкалы: «отметки» или «тестовый балл».")
    th = r.get("thresholds")
    if not th or not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in th):
        raise UserError("Задайте пороги шкалы: с какого первичного балла ставится каждая отметка.")
    th = [[int(a), int(b)] for a, b in th]
    if th[0] != [0, 2]:
        raise UserError("Шкала должна начинаться с отметки «2» при 0 баллов.")
    for (a1, m1), (a2, m2) in zip(th, th[1:]):
        if not a2 > a1:
            raise UserError(f"Порог отметки «{m2}» ({a2}) должен быть больше порога отметки «{m1}» ({a1}).")
        if not m2 > m1:
            raise UserError("Отметки в шкале должны идти по возрастанию: «2», «3», «4», «5».")
    if any(not 2 <= m <= 5 for _, m in th):
        raise UserError("В шкале допустимы только отметки от 2 до 5.")
    if max_score is not None and th[-1][0] > max_score:
        raise UserError(f"Порог отметки «{th[-1][1]}» ({th[-1][0]}) больше максимального балла {max_score}.")
    return {**r, "thresholds": th}


# -- reading ----------------------------------------------------------------------------------

def list_scales(db) -> list[dict]:
    """All scales with subject name and the number of procedures using each."""
    found = rows(db, """
        SELECT sc.*, coalesce(s.name, json_extract(sc.rules, '$.subject'), '') AS subject,
               (SELECT count(*) FROM procedure p WHERE p.scale_id = sc.id) AS used
        FROM scale sc LEFT JOIN subject s ON s.id = sc.subject_id
        ORDER BY sc.year_label DESC, sc.procedure_kind, sc.grade, subject, sc.name""")
    for row in found:
        row["rules"] = json.loads(row["rules"])
        row["kind_label"] = PROCEDURE_LABELS.get(row["procedure_kind"] or "", "")
    return found


def get_scale(db, scale_id: int) -> dict:
    found = rows(db, "SELECT * FROM scale WHERE id = ?", [scale_id])
    if not found:
        raise UserError("Шкала не найдена: возможно, она уже удалена.")
    found[0]["rules"] = json.loads(found[0]["rules"])
    return found[0]


def find_scale(db, procedure_kind: str, subject_id: int, grade: int, year_label: str | None) -> int | None:
    """The best scale for a procedure: same kind, subject and grade; this year's, else the latest earlier."""
    name = db.execute("SELECT name FROM subject WHERE id = ?", [subject_id]).fetchone()
    found = rows(db, """
        SELECT id, year_label FROM scale
        WHERE procedure_kind = ? AND grade = ?
          AND (subject_id = ? OR (subject_id IS NULL AND json_extract(rules, '$.subject') = ?))
        ORDER BY coalesce(year_label, '') DESC, builtin, id DESC""",
                 [procedure_kind, grade, subject_id, name[0] if name else None])
    if not found:
        return None
    if year_label:
        earlier = [r for r in found if (r["year_label"] or "") <= year_label]
        if earlier:
            return earlier[0]["id"]
    return found[0]["id"]


# -- writing ----------------------------------------------------------------------------------

def _clean(db, data: dict, scale_id: int | None = None) -> dict:
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        raise UserError("Укажите название шкалы.")
    if db.execute("SELECT 1 FROM scale WHERE name = ? AND id IS NOT ?", [name, scale_id]).fetchone():
        raise UserError(f"Шкала «{name}» уже есть. Выберите другое название.")
    kind = data.get("kind") or "marks"
    max_score = data.get("max_score")
    if max_score is not None and (not isinstance(max_score, int) or max_score <= 0):
        raise UserError("Максимальный первичный балл шкалы должен быть положительным целым числом.")
    grade = data.get("grade")
    if grade is not None and not 1 <= int(grade) <= 11:
        raise UserError("Параллель шкалы должна быть от 1 до 11.")
    rules = validate_rules(kind, data.get("rules"), max_score if kind == "marks" else None)
    return {"name": name, "kind": kind, "procedure_kind": data.get("procedure_kind") or None,
            "subject_id": data.get("subject_id"), "grade": grade, "year_label": data.get("year_label") or None,
            "max_score": max_score, "rules": json.dumps(rules, ensure_ascii=False)}


def create_scale(db, **data) -> int:
    """Create a user scale; keys as in the table (rules as a dict)."""
    clean = _clean(db, data)
    with db.atomic():
        cols = list(clean)
        return db.execute(f"INSERT INTO scale ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                          [clean[c] for c in cols]).lastrowid


def update_scale(db, scale_id: int, **data) -> int:
    """Change a scale and recompute the marks of every result using it; returns marks changed."""
    old = get_scale(db, scale_id)
    merged = {k: old[k] for k in _FIELDS} | data
    clean = _clean(db, merged, scale_id)
    with db.atomic():
        db.execute(f"UPDATE scale SET {', '.join(f'{c} = ?' for c in clean)} WHERE id = ?",
                   [*clean.values(), scale_id])
        return recompute_marks(db, scale_id)


def usage_count(db, scale_id: int) -> int:
    """How many procedures use the scale."""
    return db.execute("SELECT count(*) FROM procedure WHERE scale_id = ?", [scale_id]).fetchone()[0]


def delete_scale(db, scale_id: int) -> None:
    scale = get_scale(db, scale_id)
    used = usage_count(db, scale_id)
    if used:
        raise UserError(f"Шкала «{scale['name']}» используется в {used} процедурах; "
                        "сначала назначьте им другую шкалу.")
    with db.atomic():
        db.execute("DELETE FROM scale WHERE id = ?", [scale_id])


def _scored_results(db, scale_id: int) -> list[dict]:
    return rows(db, """
        SELECT r.id, r.primary_score, r.mark FROM result r JOIN procedure p ON p.id = r.procedure_id
        WHERE p.scale_id = ? AND r.absent = 0 AND r.primary_score IS NOT NULL""", [scale_id])


def count_mark_changes(db, scale_id: int, rules, kind: str = "marks") -> int:
    """How many result marks would change if the scale had `rules` (asked before saving)."""
    if kind != "marks":
        return 0
    return sum(1 for r in _scored_results(db, scale_id) if mark_for(rules, r["primary_score"]) != r["mark"])


def recompute_marks(db, scale_id: int) -> int:
    """Set every scored result of the procedures using this scale to the scale's mark; count changes."""
    scale = get_scale(db, scale_id)
    if scale["kind"] != "marks":
        return 0
    changed = [(mark_for(scale["rules"], r["primary_score"]), r["id"]) for r in _scored_results(db, scale_id)
               if mark_for(scale["rules"], r["primary_score"]) != r["mark"]]
    with db.atomic():
        db.conn.executemany("UPDATE result SET mark = ? WHERE id = ?", changed)
    return len(changed)


# -- built-in scales --------------------------------------------------------------------------

# Built-in rows take ids from this range up: the demo school and other writers of whole tables
# insert scales with explicit small ids into a fresh file, which already holds the built-in rows.
BUILTIN_ID_BASE = 1_000_000
_cache: dict[tuple[str, int], list[dict]] = {}


def load_builtin(path: Path = BUILTIN_FILE) -> list[dict]:
    """The scales of resources/scales/builtin.json (read once per file version)."""
    try:
        key = (str(path), path.stat().st_mtime_ns)
        if key not in _cache:
            _cache.clear()
            _cache[key] = json.loads(path.read_text(encoding="utf-8"))["scales"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"Не удалось прочитать встроенные шкалы из «{path.name}»: {exc}.") from exc
    return [dict(spec) for spec in _cache[key]]


def _norm(text: str | None) -> str:
    return " ".join(str(text or "").replace("ё", "е").split()).casefold()


def builtin_task_maxima(procedure_kind: str, subject: str, grade: int, year_label: str,
                        path: Path = BUILTIN_FILE) -> dict[str, int] | None:
    """Task number → maximum score of the built-in scale of this kind, subject, grade and school year.

    Task numbers are written as the ФИС ОКО forms write them («1», «3.1», «К1»); None when no
    built-in scale of that year names its tasks.
    """
    for spec in load_builtin(path):
        if (spec.get("tasks") and spec.get("procedure_kind") == procedure_kind
                and _norm(spec.get("subject")) == _norm(subject) and spec.get("grade") == int(grade)
                and spec.get("year_label") == year_label):
            return {str(number): int(top) for number, top in spec["tasks"]}
    return None


def _stored_rules(spec: dict) -> dict:
    """The rules JSON of a built-in row: the thresholds plus subject, source and task maxima."""
    rules = {**spec["rules"], "subject": spec["subject"]}
    if spec.get("source"):
        rules["source"] = spec["source"]
    if spec.get("tasks"):
        rules["tasks"] = [[str(number), int(top)] for number, top in spec["tasks"]]
    return rules


def ensure_builtin_scales(db, path: Path = BUILTIN_FILE) -> int:
    """Insert the built-in scales that are missing (by name) and link them to subjects; count inserted.

    The stored rules keep the subject's name, the source document and the task maxima, so they
    survive in the school file; mark_for and thresholds_text read only the thresholds.
    """
    subjects = {name: sid for sid, name in db.execute("SELECT id, name FROM subject")}
    have = {r[0] for r in db.execute("SELECT name FROM scale")}
    added = 0
    with db.atomic():
        next_id = max(db.execute("SELECT coalesce(max(id), 0) FROM scale").fetchone()[0], BUILTIN_ID_BASE) + 1
        for spec in load_builtin(path):
            if spec["name"] in have:
                continue
            db.execute("INSERT INTO scale (id, name, kind, procedure_kind, subject_id, grade, year_label, "
                       "max_score, rules, builtin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                       [next_id, spec["name"], spec["kind"], spec["procedure_kind"],
                        subjects.get(spec["subject"]), spec["grade"], spec["year_label"], spec["max_score"],
                        json.dumps(_stored_rules(spec), ensure_ascii=False)])
            have.add(spec["name"])
            next_id += 1
            added += 1
        db.execute("UPDATE scale SET subject_id = (SELECT s.id FROM subject s "
                   "WHERE s.name = json_extract(scale.rules, '$.subject')) "
                   "WHERE subject_id IS NULL AND json_extract(rules, '$.subject') IS NOT NULL")
    return added
