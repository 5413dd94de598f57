"""Russian number formatting shared by flag reasons, the text summary and the reports."""
from __future__ import annotations

from app.core import fmt as _fmt


def num(value, digits: int = 1) -> str:
    """12.5 → «12,5»; integers stay integers; None → «—»."""
    if value is None:
        return "—"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and digits <= 1):
        return str(int(value))
    return f"{value:.{digits}f}".replace(".", ",")


def pct(value) -> str:
    return "—" if value is None else f"{num(value)} %"


def pp(value) -> str:
    return "—" if value is None else f"{num(value)} п. п."


def pvalue(p: float) -> str:
    if p < 0.0001:
        return "менее 0,0001"
    return f"{p:.4f}".rstrip("0").rstrip(",").replace(".", ",")


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural: 1 работа, 2 работы, 5 работ."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count(n: int, one: str, few: str, many: str) -> str:
    return f"{n} {plural(n, one, few, many)}"


def date_ru(iso: str | None) -> str:
    if not iso or len(iso) < 10:
        return ""
    return _fmt.date(iso)


def where(row: dict) -> str:
    """«5А класс, Математика, ВПР 2024/2025» or «параллель 5-х классов, Математика, ВПР 2024/2025»."""
    subject = row.get("subject") or ""
    kind_year = f"{row.get('procedure', '')} {row.get('year') or ''}".strip()
    if row.get("class"):
        head = f"{row['class']} класс"
    elif row.get("grade"):
        head = f"параллель {row['grade']}-х классов"
    else:
        head = "школа"
    return ", ".join(x for x in (head, subject, kind_year) if x)
