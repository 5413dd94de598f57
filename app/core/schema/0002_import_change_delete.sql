-- An import may now delete a row (two records of one pupil merged by a list of participant codes);
-- the undo log keeps the whole deleted row so «Отменить этот импорт» can put it back.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same ids.

CREATE TABLE import_change_v2 (
    id         INTEGER PRIMARY KEY,
    batch_id   INTEGER NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    old_values TEXT CHECK (old_values IS NULL OR json_valid(old_values)),
    CHECK (action != 'delete' OR old_values IS NOT NULL)
);

INSERT INTO import_change_v2 (id, batch_id, table_name, row_id, action, old_values)
    SELECT id, batch_id, table_name, row_id, action, old_values FROM import_change;

DROP TABLE import_change;

ALTER TABLE import_change_v2 RENAME TO import_change;

CREATE INDEX idx_import_change_batch ON import_change(batch_id);
