-- The rest of a plan as the seed describes it: who is assigned, when, how much, and the
-- notes that record where the source was corrected or disagrees with itself; plus the
-- reference tables (PM2.5 targets, sections, drain limits, rates, enterprises, stations).

-- One assignment per (work item, responsible unit): the unit reports on it and is judged
-- on it. `via` is the phrase of the table that produced it (“各县(市、区)政府”).
CREATE TABLE assignments (
    id            INTEGER PRIMARY KEY,
    work_item_id  INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    via           TEXT    NOT NULL,
    UNIQUE (work_item_id, unit_id)
);
CREATE INDEX assignments_unit ON assignments (unit_id);

-- Deadline phrases of a work item, read into milestones. Never a guessed date: due_date is
-- NULL unless the phrase names one.
CREATE TABLE milestones (
    work_item_id  INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    phrase        TEXT    NOT NULL CHECK (length(trim(phrase)) > 0),
    kind          TEXT    NOT NULL CHECK (kind IN ('by', 'from', 'recurring', 'continuous', 'event_relative')),
    due_date      TEXT,
    date_precision TEXT   CHECK (date_precision IN ('year', 'half_year', 'quarter', 'month', 'ten_days', 'day')),
    recurrence    TEXT    CHECK (recurrence IN ('weekly', 'monthly', 'quarterly', 'half_yearly', 'yearly')),
    event         TEXT,
    PRIMARY KEY (work_item_id, seq),
    CHECK ((kind IN ('by', 'from')) = (due_date IS NOT NULL))
);
CREATE INDEX milestones_due ON milestones (due_date);

-- Quantified targets found in a work item's text.
CREATE TABLE targets (
    work_item_id  INTEGER NOT NULL REFERENCES work_items (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    metric        TEXT    NOT NULL,
    value         DOUBLE PRECISION NOT NULL,
    unit          TEXT    NOT NULL,
    direction     TEXT    NOT NULL CHECK (direction IN ('at_least', 'at_most', 'exactly', 'about')),
    year          INTEGER NOT NULL,
    quote         TEXT    NOT NULL,
    PRIMARY KEY (work_item_id, seq)
);

-- Corrections (the PDF misplaced something; the main text decided) and discrepancies (the
-- table and the main text disagree in substance; the source wording is kept).
CREATE TABLE source_notes (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    kind          TEXT    NOT NULL CHECK (kind IN ('correction', 'discrepancy')),
    work_item_id  INTEGER REFERENCES work_items (id) ON DELETE CASCADE,
    task_id       INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
    field         TEXT    NOT NULL,
    table_says    TEXT    NOT NULL,
    other_says    TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    UNIQUE (plan_id, seq)
);
CREATE INDEX source_notes_item ON source_notes (work_item_id);
