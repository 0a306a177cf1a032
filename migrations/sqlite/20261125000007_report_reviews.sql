-- Review (签收/销号): the plan's coordinator accepts a unit's completion report or returns it
-- with a reason. A report is reviewed once (UNIQUE report_id): a second reviewer gets the first
-- decision as a conflict; a returned report is answered by a new report. `reviewed_on` is the
-- day (China time) the decision speaks for: tracking replays of an earlier day do not see it.
CREATE TABLE report_reviews (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL UNIQUE REFERENCES progress_reports (id),
    decision     TEXT    NOT NULL CHECK (decision IN ('accepted', 'returned')),
    reason       TEXT    NOT NULL DEFAULT '',
    reviewer     TEXT    NOT NULL CHECK (length(trim(reviewer)) > 0),
    reviewed_on  TEXT    NOT NULL,
    is_demo      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT    NOT NULL,
    CHECK (decision = 'accepted' OR length(trim(reason)) > 0)
);

CREATE TRIGGER report_reviews_no_update BEFORE UPDATE ON report_reviews
BEGIN
    SELECT RAISE(ABORT, 'report reviews are append-only');
END;
CREATE TRIGGER report_reviews_no_delete BEFORE DELETE ON report_reviews
WHEN OLD.is_demo = 0
BEGIN
    SELECT RAISE(ABORT, 'report reviews are append-only');
END;
