"""The Russian text summary the CLI prints for ``analyze`` without ``--json``."""
from __future__ import annotations

from . import fmt
from . import indicator_defs as defs


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return out


def format_text(result: dict) -> str:
    ix = result.get("indicators", {})
    school = ix.get("school", {})
    title = school.get("short_name") or school.get("full_name") or "школа"
    years = ix.get("year") or ", ".join(ix.get("years", [])) or "все годы"
    out = [f"Анализ объективности: {title}; учебный год: {years}", ""]
    out += _index_lines(ix) + [""]
    out += _comparison_lines(result.get("comparisons", [])) + [""]
    out += _flag_lines(result.get("flags", []), ix.get("year"))
    out += ["", "Правило сравнения: " + ix.get("comparison_rule", "")]
    return "\n".join(out).rstrip() + "\n"


def _index_lines(ix: dict) -> list[str]:
    rows = [[r["name"], r["year"], str(r["n"]), fmt.pct(r["index"]), fmt.pct(r["lowered_pct"]),
             fmt.pct(r["raised_pct"])] for r in ix.get("objectivity_index", [])]
    out = ["Индексы необъективности (доля работ, где отметка за процедуру не совпала с журналом):"]
    if not rows:
        return out + ["  нет работ, у которых есть и отметка за процедуру, и отметка по журналу."]
    out += ["  " + s for s in _table(["показатель", "год", "работ", "индекс", "понизили", "повысили"], rows)]
    medal = ix.get("medalists", {}).get("summary", [])
    for m in medal:
        index = defs.text(m["index"])
        out.append(f"  Индекс неподтверждения медалистов, {m['year']}: {index} "
                   f"({m['unconfirmed']} из {m['with_results']} с результатами ЕГЭ)")
    return out


def _comparison_lines(rows: list[dict]) -> list[str]:
    out = ["Сравнение отметок (по классам):"]
    if not rows:
        return out + ["  нет данных для сравнения."]
    table = [[r["year"], r["procedure"], r["subject"], r["class"], str(r["n"]),
              f"{r['lowered']} ({fmt.pct(r['lowered_pct'])})", f"{r['confirmed']} ({fmt.pct(r['confirmed_pct'])})",
              f"{r['raised']} ({fmt.pct(r['raised_pct'])})", fmt.num(r["kappa"], 2)] for r in rows]
    headers = ["год", "процедура", "предмет", "класс", "n", "понизили", "подтвердили", "повысили", "каппа"]
    return out + ["  " + s for s in _table(headers, table)]


def _flag_lines(flags: list[dict], year: str | None) -> list[str]:
    counts = defs.count_flags(flags, year)
    out = [defs.flags_sentence(counts)]
    if not flags:
        return out
    for i, f in enumerate(flags, 1):
        out.append(f"  {i}. [{f.get('level_label', f['level'])}] {f.get('title', f['code'])} ({f['code']})")
        out.append(f"     {f['reason']}")
    return out
