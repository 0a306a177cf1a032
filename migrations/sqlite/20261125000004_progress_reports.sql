-- Progress reports: each responsible unit reports on its own assignment. Append-only: a
-- correction is a new report that names the one it corrects. `version` counts the reports
-- of an assignment; a writer states the version it saw, and the UNIQUE constraint stops two
-- writers from both adding the same next version.
CREATE TABLE progress_reports (
    id             INTEGER PRIMARY KEY,
    assignment_id  INTEGER NOT NULL REFERENCES assignments (id),
    version        INTEGER NOT NULL CHECK (version >= 1),
    state          TEXT    NOT NULL CHECK (state IN ('in_progress', 'done')),
    milestone_seq  INTEGER CHECK (milestone_seq >= 1),
    reported_on    TEXT    NOT NULL,
    achieved       DOUBLE PRECISION CHECK (achieved >= 0),
    narrative      TEXT    NOT NULL CHECK (length(trim(narrative)) > 0),
    evidence       TEXT    NOT NULL DEFAULT '',
    reporter       TEXT    NOT NULL CHECK (length(trim(reporter)) > 0),
    corrects_id    INTEGER REFERENCES progress_reports (id),
    is_demo        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT    NOT NULL,
    UNIQUE (assignment_id, version)
);
CREATE INDEX progress_reports_on ON progress_reports (reported_on);

-- Reports are history: they are never changed or removed.
CREATE TRIGGER progress_reports_no_update BEFORE UPDATE ON progress_reports
BEGIN
    SELECT RAISE(ABORT, 'progress reports are append-only');
END;
CREATE TRIGGER progress_reports_no_delete BEFORE DELETE ON progress_reports
WHEN OLD.is_demo = 0
BEGIN
    SELECT RAISE(ABORT, 'progress reports are append-only');
END;

-- The day a plan was issued: recurring duties are counted from it.
ALTER TABLE plans ADD COLUMN issued_on TEXT;
