-- 0001: the whole data model of «Объектив» (DESIGN §3).
-- Conventions: dates are ISO 'YYYY-MM-DD' text; booleans are 0/1 integers;
-- every table that an import can fill has a natural unique key so re-import is idempotent.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL                       -- JSON
);

CREATE TABLE school (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    full_name    TEXT NOT NULL DEFAULT '',
    short_name   TEXT NOT NULL DEFAULT '',
    code         TEXT NOT NULL DEFAULT '',    -- ОО login / код
    municipality TEXT NOT NULL DEFAULT '',
    region       TEXT NOT NULL DEFAULT '',
    director     TEXT NOT NULL DEFAULT '',
    deputy       TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE academic_year (
    id         INTEGER PRIMARY KEY,
    label      TEXT NOT NULL UNIQUE CHECK (label GLOB '[0-9][0-9][0-9][0-9]/[0-9][0-9][0-9][0-9]'),
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    CHECK (start_date < end_date)
);

CREATE TABLE period (
    id         INTEGER PRIMARY KEY,
    year_id    INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('quarter', 'trimester', 'half', 'year')),
    number     INTEGER NOT NULL CHECK (number BETWEEN 1 AND 4),
    label      TEXT NOT NULL,                 -- «1 четверть», «Год»
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    UNIQUE (year_id, kind, number),
    CHECK (start_date <= end_date)
);

CREATE TABLE staff (
    id        INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL UNIQUE,
    position  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE class_group (
    id      INTEGER PRIMARY KEY,
    year_id INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    grade   INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 11),
    letter  TEXT NOT NULL DEFAULT '',
    label   TEXT NOT NULL,                    -- «5А»
    UNIQUE (year_id, label)
);

CREATE TABLE student (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,           -- stable anonymous code, never reused
    full_name TEXT,                           -- optional, never exported
    sex       TEXT CHECK (sex IN ('м', 'ж'))
);

CREATE TABLE enrolment (
    id           INTEGER PRIMARY KEY,
    student_id   INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    class_id     INTEGER NOT NULL REFERENCES class_group(id) ON DELETE CASCADE,
    year_id      INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    medal_degree INTEGER CHECK (medal_degree IN (1, 2)),   -- medal candidate: I or II степень
    UNIQUE (student_id, year_id)
);

CREATE TABLE subject (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    short_name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE journal_mark (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,
    period_id  INTEGER NOT NULL REFERENCES period(id) ON DELETE CASCADE,
    mark       INTEGER NOT NULL CHECK (mark BETWEEN 2 AND 5),
    batch_id   INTEGER REFERENCES import_batch(id) ON DELETE SET NULL,
    UNIQUE (student_id, subject_id, period_id)
);

-- A grading scale is data. kind 'marks': rules = {"thresholds": [[min_primary, mark], ...]} ascending,
-- the lowest threshold giving mark 2 at 0. kind 'test': rules = {"min": 36, "high": 70, ...} for ЕГЭ.
CREATE TABLE scale (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('marks', 'test')),
    procedure_kind TEXT,
    subject_id     INTEGER REFERENCES subject(id) ON DELETE SET NULL,
    grade          INTEGER CHECK (grade BETWEEN 1 AND 11),
    year_label     TEXT,
    max_score      INTEGER CHECK (max_score > 0),
    rules          TEXT NOT NULL CHECK (json_valid(rules)),
    builtin        INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);

CREATE TABLE procedure (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('vpr', 'oge', 'ege', 'rdr', 'niko', 'msi', 'internal')),
    subject_id        INTEGER NOT NULL REFERENCES subject(id),
    grade             INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 11),
    year_id           INTEGER NOT NULL REFERENCES academic_year(id) ON DELETE CASCADE,
    date              TEXT,
    scale_id          INTEGER REFERENCES scale(id) ON DELETE SET NULL,
    max_score         INTEGER CHECK (max_score > 0),
    checked_by        TEXT NOT NULL DEFAULT 'school' CHECK (checked_by IN ('school', 'municipal')),
    observers_present INTEGER NOT NULL DEFAULT 0 CHECK (observers_present IN (0, 1)),
    video             INTEGER NOT NULL DEFAULT 0 CHECK (video IN (0, 1)),
    title             TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, subject_id, grade, year_id)
);

CREATE TABLE task (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
    number       TEXT NOT NULL,               -- «1», «3.1», «5(1)», «1К1»
    position     INTEGER NOT NULL,
    max_score    INTEGER NOT NULL CHECK (max_score > 0),
    level        TEXT CHECK (level IN ('basic', 'advanced', 'high')),  -- Б / П / В
    UNIQUE (procedure_id, number)
);

CREATE TABLE result (
    id            INTEGER PRIMARY KEY,
    procedure_id  INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
    student_id    INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
    class_id      INTEGER REFERENCES class_group(id) ON DELETE SET NULL,
    variant       TEXT,
    primary_score INTEGER CHECK (primary_score >= 0),
    mark          INTEGER CHECK (mark BETWEEN 2 AND 5),
    test_score    INTEGER CHECK (test_score BETWEEN 0 AND 100),
    journal_mark  INTEGER CHECK (journal_mark BETWEEN 2 AND 5),  -- «Отметка по журналу» carried by the file
    absent        INTEGER NOT NULL DEFAULT 0 CHECK (absent IN (0, 1)),
    batch_id      INTEGER REFERENCES import_batch(id) ON DELETE SET NULL,
    UNIQUE (procedure_id, student_id)
);

CREATE TABLE task_score (
    result_id INTEGER NOT NULL REFERENCES result(id) ON DELETE CASCADE,
    task_id   INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    score     INTEGER CHECK (score >= 0),     -- NULL: task not done («X»)
    PRIMARY KEY (result_id, task_id)
);

CREATE TABLE recheck (
    id               INTEGER PRIMARY KEY,
    result_id        INTEGER NOT NULL REFERENCES result(id) ON DELETE CASCADE,
    score_before     INTEGER NOT NULL CHECK (score_before >= 0),
    score_after      INTEGER NOT NULL CHECK (score_after >= 0),
    criteria_changed INTEGER NOT NULL DEFAULT 0 CHECK (criteria_changed >= 0),
    checked_by       TEXT NOT NULL DEFAULT '',
    date             TEXT,
    UNIQUE (result_id)
);

CREATE TABLE observer (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
    full_name    TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL DEFAULT 'public' CHECK (kind IN ('public', 'municipal', 'regional', 'online')),
    UNIQUE (procedure_id, full_name)
);

-- Results of the municipality / region / Russia for one procedure.
CREATE TABLE reference_result (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
    level        TEXT NOT NULL CHECK (level IN ('municipality', 'region', 'russia')),
    n            INTEGER CHECK (n >= 0),
    share_2      REAL CHECK (share_2 BETWEEN 0 AND 100),
    share_3      REAL CHECK (share_3 BETWEEN 0 AND 100),
    share_4      REAL CHECK (share_4 BETWEEN 0 AND 100),
    share_5      REAL CHECK (share_5 BETWEEN 0 AND 100),
    mean_percent REAL CHECK (mean_percent BETWEEN 0 AND 100),
    mean_test    REAL CHECK (mean_test BETWEEN 0 AND 100),
    UNIQUE (procedure_id, level)
);

-- Per-task reference: percent of the task's max reached by the reference population.
CREATE TABLE reference_task (
    id      INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    level   TEXT NOT NULL CHECK (level IN ('municipality', 'region', 'russia')),
    percent REAL NOT NULL CHECK (percent BETWEEN 0 AND 100),
    UNIQUE (task_id, level)
);

CREATE TABLE plan (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    kind              TEXT NOT NULL DEFAULT 'sections' CHECK (kind IN ('sections', 'roadmap')),
    year_from         INTEGER,
    year_to           INTEGER,
    order_number      TEXT NOT NULL DEFAULT '',
    order_date        TEXT,
    approver_position TEXT NOT NULL DEFAULT '',
    approver_name     TEXT NOT NULL DEFAULT '',
    approved          INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
    created_at        TEXT NOT NULL DEFAULT (datetime('now')),
    CHECK (year_to IS NULL OR year_from IS NULL OR year_from <= year_to)
);

CREATE TABLE plan_section (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL
);

CREATE TABLE plan_item (
    id              INTEGER PRIMARY KEY,
    section_id      INTEGER NOT NULL REFERENCES plan_section(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    task            TEXT NOT NULL DEFAULT '',   -- задача
    measure         TEXT NOT NULL,              -- мероприятие
    deadline_text   TEXT NOT NULL DEFAULT '',   -- as written: «ежегодно, апрель», «до 15.05.2025»
    deadline_start  TEXT,                       -- parsed range, when it can be parsed
    deadline_end    TEXT,
    responsible     TEXT NOT NULL DEFAULT '',
    expected_result TEXT NOT NULL DEFAULT '',   -- ожидаемый результат / показатель
    status          TEXT NOT NULL DEFAULT 'planned'
                    CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    done_date       TEXT,
    note            TEXT NOT NULL DEFAULT '',
    CHECK (deadline_end IS NULL OR deadline_start IS NULL OR deadline_start <= deadline_end)
);

CREATE TABLE execution (
    id      INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES plan_item(id) ON DELETE CASCADE,
    date    TEXT NOT NULL,
    note    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES plan_item(id) ON DELETE CASCADE,
    execution_id INTEGER REFERENCES execution(id) ON DELETE SET NULL,
    file_name    TEXT NOT NULL,
    mime         TEXT NOT NULL DEFAULT 'application/octet-stream',
    size         INTEGER NOT NULL CHECK (size >= 0 AND size <= 20971520),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    data         BLOB NOT NULL,
    added_at     TEXT NOT NULL DEFAULT (datetime('now')),
    CHECK (length(data) = size)
);

CREATE TABLE import_batch (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('vpr', 'journal', 'gia', 'plan', 'roster', 'reference')),
    created_at   TEXT NOT NULL DEFAULT (datetime('now')),
    rows_added   INTEGER NOT NULL DEFAULT 0,
    rows_changed INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'undone')),
    details      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);

-- What an import did, row by row, so «Отменить этот импорт» can put things back.
CREATE TABLE import_change (
    id         INTEGER PRIMARY KEY,
    batch_id   INTEGER NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update')),
    old_values TEXT CHECK (old_values IS NULL OR json_valid(old_values))
);

CREATE INDEX idx_period_year ON period(year_id);
CREATE INDEX idx_class_year ON class_group(year_id);
CREATE INDEX idx_enrolment_class ON enrolment(class_id);
CREATE INDEX idx_journal_subject_period ON journal_mark(subject_id, period_id);
CREATE INDEX idx_procedure_year ON procedure(year_id);
CREATE INDEX idx_task_procedure ON task(procedure_id);
CREATE INDEX idx_result_student ON result(student_id);
CREATE INDEX idx_result_class ON result(class_id);
CREATE INDEX idx_plan_section_plan ON plan_section(plan_id, position);
CREATE INDEX idx_plan_item_section ON plan_item(section_id, position);
CREATE INDEX idx_execution_item ON execution(item_id);
CREATE INDEX idx_evidence_item ON evidence(item_id);
CREATE INDEX idx_import_change_batch ON import_change(batch_id);

-- Scores never exceed their maxima (a cross-table rule, so triggers rather than CHECK).
CREATE TRIGGER task_score_max_insert BEFORE INSERT ON task_score
WHEN NEW.score > (SELECT max_score FROM task WHERE id = NEW.task_id)
BEGIN SELECT RAISE(ABORT, 'task score above the task maximum'); END;

CREATE TRIGGER task_score_max_update BEFORE UPDATE ON task_score
WHEN NEW.score > (SELECT max_score FROM task WHERE id = NEW.task_id)
BEGIN SELECT RAISE(ABORT, 'task score above the task maximum'); END;

CREATE TRIGGER result_max_insert BEFORE INSERT ON result
WHEN NEW.primary_score > (SELECT max_score FROM procedure WHERE id = NEW.procedure_id)
BEGIN SELECT RAISE(ABORT, 'primary score above the procedure maximum'); END;

CREATE TRIGGER result_max_update BEFORE UPDATE ON result
WHEN NEW.primary_score > (SELECT max_score FROM procedure WHERE id = NEW.procedure_id)
BEGIN SELECT RAISE(ABORT, 'primary score above the procedure maximum'); END;
