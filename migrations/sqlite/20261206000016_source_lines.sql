-- Provenance down to the line (issue 20).
-- A target whose figure differs between the allocation table and the main text (or is in one of
-- them only) says so where targets are shown.
ALTER TABLE targets ADD COLUMN note TEXT;
-- Notes on an action's title, like those on a task's.
ALTER TABLE source_notes ADD COLUMN action_id INTEGER REFERENCES actions (id) ON DELETE CASCADE;
-- The documents plans were taken from (seed/source/), and which of their lines each action,
-- task and work item is on. Written by the seed loader.
CREATE TABLE source_documents (
    name  TEXT PRIMARY KEY,
    body  TEXT NOT NULL
);
CREATE TABLE source_refs (
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('action', 'task', 'item')),
    number     INTEGER NOT NULL,
    document   TEXT    NOT NULL REFERENCES source_documents (name),
    from_line  INTEGER NOT NULL CHECK (from_line >= 1),
    to_line    INTEGER NOT NULL CHECK (to_line >= from_line),
    PRIMARY KEY (plan_id, kind, number)
);
