"""The kinds of import, their Russian names, and the command-line hints for what a file leaves open."""
from __future__ import annotations

KINDS = ("vpr", "journal", "gia", "plan", "schedule", "curriculum")
KIND_LABELS = {"vpr": "результаты ВПР", "journal": "отметки из электронного журнала",
               "gia": "протокол ГИА (ОГЭ / ЕГЭ)", "plan": "план мероприятий",
               "roster": "список учащихся", "reference": "результаты для сравнения",
               "schedule": "график оценочных процедур", "curriculum": "учебный план (часов в неделю)"}
OPTION_HINTS = {"year": "--year 2024/2025", "class_label": "--class 5А", "subject": "--subject Математика",
                "grade": "--grade 5", "exam": "--exam oge или --exam ege",
                "period": "--period «2 четверть» (или период в имени файла)",
                "class_map": "--class-map 1=4А,2=4Б", "task_max": "--task-max 1=2,2=1,3.1=1"}
# What the file choosers of Импорт offer: every spreadsheet format the reader takes, text tables, plans.
IMPORT_SUFFIXES = (".xlsx", ".xls", ".ods", ".xlsm", ".xlsb", ".csv", ".txt", ".tsv", ".docx")
IMPORT_FILE_FILTER = ("Таблицы и документы (" + " ".join(f"*{s}" for s in IMPORT_SUFFIXES) + ");;"
                      "Все файлы (*)")
