"""The teaching-load form's rules live in the core: rows as typed are saved in one transaction, a row
left out is removed, a bad row is refused by its number and changes nothing."""
from __future__ import annotations

import pytest

from app.core import roster, schedule
from app.core.errors import UserError


def _load(db, year_id):
    return {(r["grade"], r["class_label"], r["subject"]): r["hours_per_week"] for r in schedule.curriculum(db, year_id)}


def test_table_saved_rows_left_out_removed_and_bad_rows_refused(empty_db):
    year_id = roster.create_year(empty_db, "2025/2026")
    weeks = {str(g): 34 for g in range(1, 12)}
    schedule.save_curriculum_table(empty_db, year_id, [["5", "", "Математика", "5"], ["5", "5 а", "Русский  язык", "4,5"],
                                                        ["", "", "", ""]], weeks | {"9": 33})
    assert _load(empty_db, year_id) == {(5, "", "Математика"): 5.0, (5, "5А", "Русский язык"): 4.5}
    assert schedule.school_weeks(empty_db)["9"] == 33
    schedule.save_curriculum_table(empty_db, year_id, [["5", "", "Математика", "6"]], weeks)
    assert _load(empty_db, year_id) == {(5, "", "Математика"): 6.0}              # the class row went
    before = _load(empty_db, year_id)
    for row, words in ((["12", "", "Физика", "2"], "Строка 2: параллель"), (["7", "", "", "2"], "не указан предмет"),
                       (["7", "", "Физика", "два"], "«два» — не число часов")):
        with pytest.raises(UserError, match=words):
            schedule.save_curriculum_table(empty_db, year_id, [["5", "", "Математика", "1"], row], weeks)
        assert _load(empty_db, year_id) == before                                # nothing changed
