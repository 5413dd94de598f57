-- 0003: the schedule of assessment procedures (график оценочных процедур) and the data its rules need:
-- the teaching load (curriculum), the school calendar (vacations, holidays), the length of each class's
-- school day, and the schedule's approval by the director's order.

-- Imports of schedules and curricula are journalled like the others. The kind list of import_batch is a
-- CHECK constraint; widening it cannot break a row, and rebuilding the table would fire the ON DELETE
-- actions of the rows that point at it, so its stored definition is edited in place.
PRAGMA writable_schema = ON;

UPDATE sqlite_master
   SET sql = replace(sql, '''roster'', ''reference'')', '''roster'', ''reference'', ''schedule'', ''curriculum'')')
 WHERE type = 'table' AND name = 'import_batch' AND sql NOT LIKE '%''schedule''%';

PRAGMA writable_schema = RESET;

-- One assessment procedure of one class. Federal procedures already in «Процедуры» (ВПР, ОГЭ, ЕГЭ …)
-- appear in the schedule by themselves; a row here may point at one (procedure_id) to give it a lesson.
CREATE TABLE schedule_item (
    id           INTEGER PRIMARY KEY,
    year_id      INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    class_label  TEXT NOT NULL,                 -- «5А»
    grade        INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 11),
    subject      TEXT NOT NULL,
    date         TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    lesson       INTEGER CHECK (lesson BETWEEN 1 AND 10),
    duration     INTEGER NOT NULL DEFAULT 1 CHECK (duration BETWEEN 1 AND 6),   -- in lessons
    level        TEXT NOT NULL DEFAULT 'school' CHECK (level IN ('federal', 'regional', 'school')),
    form         TEXT NOT NULL DEFAULT 'контрольная работа',
    procedure_id INTEGER REFERENCES procedure(id) ON DELETE SET NULL,
    note         TEXT NOT NULL DEFAULT '',
    batch_id     INTEGER REFERENCES import_batch(id) ON DELETE SET NULL,
    UNIQUE (year_id, class_label, subject, date, form)
);

-- Lessons a week per subject, for a whole parallel (class_label '') or one class.
CREATE TABLE curriculum (
    id             INTEGER PRIMARY KEY,
    year_id        INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    grade          INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 11),
    class_label    TEXT NOT NULL DEFAULT '',
    subject        TEXT NOT NULL,
    hours_per_week REAL NOT NULL CHECK (hours_per_week >= 0 AND hours_per_week <= 20),
    batch_id       INTEGER REFERENCES import_batch(id) ON DELETE SET NULL,
    UNIQUE (year_id, grade, class_label, subject)
);

-- Vacations and holidays; grades '' = every class, else a list like '1' or '1,2'.
CREATE TABLE school_calendar (
    id         INTEGER PRIMARY KEY,
    year_id    INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL DEFAULT 'vacation' CHECK (kind IN ('vacation', 'holiday')),
    title      TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    grades     TEXT NOT NULL DEFAULT '',
    CHECK (start_date <= end_date),
    UNIQUE (year_id, start_date, end_date, grades)
);

-- How many lessons a class has on a weekday (1 = Monday … 6 = Saturday): where it is known, the last
-- lesson of the day can be told.
CREATE TABLE timetable_day (
    id          INTEGER PRIMARY KEY,
    year_id     INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    class_label TEXT NOT NULL,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 6),
    lessons     INTEGER NOT NULL CHECK (lessons BETWEEN 1 AND 10),
    UNIQUE (year_id, class_label, weekday)
);

-- The schedule of a year as a document: what it covers and the order that approved it.
CREATE TABLE schedule_meta (
    year_id           INTEGER PRIMARY KEY REFERENCES academic_year(id) ON DELETE CASCADE,
    title             TEXT NOT NULL DEFAULT '',
    period_start      TEXT,
    period_end        TEXT,
    order_number      TEXT NOT NULL DEFAULT '',
    order_date        TEXT,
    approver_position TEXT NOT NULL DEFAULT '',
    approver_name     TEXT NOT NULL DEFAULT '',
    approved          INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
    published_url     TEXT NOT NULL DEFAULT '',
    CHECK (period_end IS NULL OR period_start IS NULL OR period_start <= period_end)
);

CREATE INDEX idx_schedule_item_year ON schedule_item(year_id, date);
CREATE INDEX idx_curriculum_year ON curriculum(year_id, grade);
CREATE INDEX idx_school_calendar_year ON school_calendar(year_id);
