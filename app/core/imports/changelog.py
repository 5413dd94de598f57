"""The undo log of an import: every row an importer writes goes through ``ChangeLog``, which
remembers how to take it back (``undo.undo_import`` reads what it wrote)."""
from __future__ import annotations

import json


class ChangeLog:
    """Writes rows for one batch and remembers how to take each one back.

    `insert(..., track=False)` is for rows that disappear with their parent (task scores of a new
    result): they are counted but not logged.

    `delete` (merging two records of one pupil) logs the action 'delete' with the whole row as its
    old values; undo inserts it back with its id.
    """

    def __init__(self, db, batch_id: int):
        self.db, self.batch_id = db, batch_id
        self.added = self.changed = 0
        self._pending: list[tuple] = []

    def insert(self, table: str, values: dict, *, track: bool = True) -> int:
        cols = list(values)
        cur = self.db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                              [values[c] for c in cols])
        self.added += 1
        if track:
            self._log(table, cur.lastrowid, "insert", None)
        return cur.lastrowid

    def insert_many(self, table: str, cols: list[str], values: list[tuple]) -> list[int]:
        """Insert many rows at once; their ids follow the table's largest id in order, as SQLite
        assigns them inside one transaction (checked)."""
        if not values:
            return []
        top = self.db.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        self.db.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                 values)
        ids = list(range(top + 1, top + 1 + len(values)))
        check = self.db.execute(f"SELECT count(*), max(rowid) FROM {table} WHERE rowid > ?", [top]).fetchone()
        if tuple(check) != (len(values), ids[-1]):
            raise RuntimeError(f"unexpected row ids after a bulk insert into {table}")
        self.added += len(values)
        self._pending.extend((self.batch_id, table, i, "insert", None) for i in ids)
        return ids

    def update(self, table: str, row_id: int, new: dict, old: dict) -> bool:
        """Set the columns of `new` that differ from `old` (the row as read); False if none differ."""
        diff = {k: v for k, v in new.items() if old.get(k) != v}
        if not diff:
            return False
        self.db.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in diff)} WHERE rowid = ?",
                        [*diff.values(), row_id])
        self.changed += 1
        self._log(table, row_id, "update", json.dumps({k: old.get(k) for k in diff}, ensure_ascii=False))
        return True

    def delete(self, table: str, row_id: int) -> bool:
        """Delete one row, logging all its columns so undo can put it back; False if it is gone."""
        cur = self.db.execute(f"SELECT rowid AS rowid_, * FROM {table} WHERE rowid = ?", [row_id])
        found = cur.fetchone()
        if found is None:
            return False
        names = [d[0] for d in cur.description][1:]
        row = dict(zip(names, found[1:]))
        self.db.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id])
        self.changed += 1
        self._log(table, row_id, "delete", json.dumps(row, ensure_ascii=False))
        return True

    def _log(self, table: str, row_id: int, action: str, old: str | None) -> None:
        self._pending.append((self.batch_id, table, row_id, action, old))
        if len(self._pending) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.db.conn.executemany("INSERT INTO import_change (batch_id, table_name, row_id, action, old_values) "
                                "VALUES (?, ?, ?, ?, ?)", self._pending)
            self._pending = []
