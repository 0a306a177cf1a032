-- Which units an item had on a given day. An assignment added by a coordinator's edit or a
-- plan import has the China day it was added (`added_on`; NULL: there from the start, as the
-- seed has it), and one removed is kept in `removed_assignments` with the day it went: a replay
-- of an earlier day still sees it, a replay of a day before it was added does not.
ALTER TABLE assignments ADD COLUMN added_on TEXT;

CREATE TABLE removed_assignments (
    id             INTEGER PRIMARY KEY,
    assignment_id  INTEGER NOT NULL,
    work_item_id   INTEGER NOT NULL,
    unit_id        INTEGER NOT NULL,
    via            TEXT    NOT NULL,
    added_on       TEXT,
    removed_on     TEXT    NOT NULL
);
CREATE INDEX removed_assignments_day ON removed_assignments (removed_on);

CREATE TRIGGER removed_assignments_no_update BEFORE UPDATE ON removed_assignments
BEGIN SELECT RAISE(ABORT, 'removed_assignments rows are never changed'); END;
